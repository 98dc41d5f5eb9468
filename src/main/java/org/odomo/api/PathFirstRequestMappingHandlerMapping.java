package org.odomo.api;

import java.util.IdentityHashMap;
import java.util.Map;

import org.springframework.http.server.PathContainer;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.condition.PathPatternsRequestCondition;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPattern;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Spring MVC finds the handler of a path with variables (every {@code /user/vehicles/{id}/...})
 * by testing each mapping of the application in turn, checking its method, parameters, headers
 * and media types before its path. Testing the path first rejects nearly all of them at their
 * first differing segment. The mapping chosen is the same: a mapping none of whose patterns
 * matches the path is one the full test rejects too.
 */
class PathFirstRequestMappingHandlerMapping extends RequestMappingHandlerMapping {

    private static final PathPattern[] NO_PATTERNS = {};

    /** The path of the lookup in progress on this thread, read once instead of once per mapping. */
    private static final ThreadLocal<PathContainer> LOOKUP_PATH = new ThreadLocal<>();

    /**
     * Each mapping's patterns as an array, by identity: replaced as a whole when a mapping is
     * first seen (mappings are registered at startup), so reads take no lock and hash nothing.
     */
    private volatile Map<RequestMappingInfo, PathPattern[]> patterns = new IdentityHashMap<>();

    @Override
    protected HandlerMethod lookupHandlerMethod(String lookupPath, HttpServletRequest request) throws Exception {
        if (!ServletRequestPathUtils.hasParsedRequestPath(request)) {
            return super.lookupHandlerMethod(lookupPath, request);
        }
        LOOKUP_PATH.set(ServletRequestPathUtils.getParsedRequestPath(request).pathWithinApplication());
        try {
            return super.lookupHandlerMethod(lookupPath, request);
        } finally {
            LOOKUP_PATH.remove();
        }
    }

    @Override
    protected RequestMappingInfo getMatchingMapping(RequestMappingInfo info, HttpServletRequest request) {
        PathContainer path = LOOKUP_PATH.get();
        if (path == null) {
            return super.getMatchingMapping(info, request);
        }
        PathPattern[] candidates = patterns.get(info);
        if (candidates == null) {
            candidates = remember(info);
        }
        if (candidates.length == 0) {
            return super.getMatchingMapping(info, request);
        }
        for (PathPattern pattern : candidates) {
            if (pattern.matches(path)) {
                return super.getMatchingMapping(info, request);
            }
        }
        return null;
    }

    private synchronized PathPattern[] remember(RequestMappingInfo info) {
        Map<RequestMappingInfo, PathPattern[]> copy = new IdentityHashMap<>(patterns);
        PathPattern[] result = copy.computeIfAbsent(info, PathFirstRequestMappingHandlerMapping::patternsOf);
        patterns = copy;
        return result;
    }

    private static PathPattern[] patternsOf(RequestMappingInfo info) {
        PathPatternsRequestCondition condition = info.getPathPatternsCondition();
        return condition == null ? NO_PATTERNS : condition.getPatterns().toArray(PathPattern[]::new);
    }
}
