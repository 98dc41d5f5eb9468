package org.odomo.api;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;

import tools.jackson.databind.JsonNode;

/**
 * Hands a {@code ResponseEntity} of a JSON tree, what the API's controllers return, straight to
 * the handler Spring MVC would choose for it. Spring asks its handlers in turn on every call, and
 * the ones before (server-sent events, reactive types) resolve the entity's generic type each
 * time to see whether it is theirs; the choice depends only on the method, so it is made once.
 */
final class JsonEntityReturnValueHandler implements HandlerMethodReturnValueHandler {

    private final List<HandlerMethodReturnValueHandler> handlers;
    private final Map<MethodParameter, HandlerMethodReturnValueHandler> chosen = new ConcurrentHashMap<>();

    /** @param handlers Spring MVC's own handlers, in its order */
    JsonEntityReturnValueHandler(List<HandlerMethodReturnValueHandler> handlers) {
        this.handlers = List.copyOf(handlers);
    }

    @Override
    public boolean supportsReturnType(MethodParameter returnType) {
        return returnType.getParameterType() == ResponseEntity.class && handlerFor(returnType) != null;
    }

    @Override
    public void handleReturnValue(Object returnValue, MethodParameter returnType, ModelAndViewContainer mavContainer,
            NativeWebRequest webRequest) throws Exception {
        handlerFor(returnType).handleReturnValue(returnValue, returnType, mavContainer, webRequest);
    }

    private HandlerMethodReturnValueHandler handlerFor(MethodParameter returnType) {
        HandlerMethodReturnValueHandler handler = chosen.get(returnType);
        if (handler == null) {
            handler = choose(returnType);
            chosen.put(returnType, handler);
        }
        return handler == NONE ? null : handler;
    }

    private HandlerMethodReturnValueHandler choose(MethodParameter returnType) {
        Class<?> body = ResolvableType.forMethodParameter(returnType).getGeneric().resolve();
        if (body == null || !JsonNode.class.isAssignableFrom(body)) {
            return NONE;
        }
        for (HandlerMethodReturnValueHandler handler : handlers) {
            if (handler.supportsReturnType(returnType)) {
                return handler;
            }
        }
        return NONE;
    }

    /** Marks a method whose return type this handler leaves to Spring's list. */
    private static final HandlerMethodReturnValueHandler NONE = new HandlerMethodReturnValueHandler() {
        @Override
        public boolean supportsReturnType(MethodParameter returnType) {
            return false;
        }

        @Override
        public void handleReturnValue(Object returnValue, MethodParameter returnType,
                ModelAndViewContainer mavContainer, NativeWebRequest webRequest) {
            throw new IllegalStateException("not handled here");
        }
    };
}
