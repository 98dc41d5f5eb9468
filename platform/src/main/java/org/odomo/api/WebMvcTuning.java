package org.odomo.api;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.webmvc.actuate.endpoint.web.AbstractWebMvcEndpointHandlerMapping;
import org.springframework.boot.webmvc.autoconfigure.WebMvcRegistrations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import tools.jackson.databind.json.JsonMapper;

/** Spring MVC as the API's hot paths need it; see each class for why. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class WebMvcTuning {

    @Bean
    WebMvcRegistrations pathFirstHandlerMapping() {
        return new WebMvcRegistrations() {
            @Override
            public RequestMappingHandlerMapping getRequestMappingHandlerMapping() {
                return new PathFirstRequestMappingHandlerMapping();
            }
        };
    }

    /**
     * Actuator's endpoints are looked up before the application's by default, so every API call
     * was first tested against each of them, media types included. Nothing of the application
     * lives under the actuator's base path, so asking the application's mappings first changes
     * which handler answers no request.
     */
    @Bean
    static BeanPostProcessor actuatorAfterApplicationMappings() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof AbstractWebMvcEndpointHandlerMapping endpoints) {
                    // Right after the application's annotated controllers (order 0).
                    endpoints.setOrder(1);
                }
                return bean;
            }
        };
    }

    /** See {@link JsonEntityReturnValueHandler}: asked first, it answers for the API's methods. */
    @Bean
    static BeanPostProcessor jsonEntityReturnValues() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof RequestMappingHandlerAdapter adapter && adapter.getReturnValueHandlers() != null) {
                    List<HandlerMethodReturnValueHandler> handlers = new ArrayList<>();
                    handlers.add(new JsonEntityReturnValueHandler(adapter.getReturnValueHandlers()));
                    handlers.addAll(adapter.getReturnValueHandlers());
                    adapter.setReturnValueHandlers(handlers);
                }
                return bean;
            }
        };
    }

    @Bean
    WebMvcConfigurer jsonTreeConverter(JsonMapper mapper) {
        return new WebMvcConfigurer() {
            @Override
            public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
                converters.add(0, new JsonTreeHttpMessageConverter(mapper));
            }
        };
    }
}
