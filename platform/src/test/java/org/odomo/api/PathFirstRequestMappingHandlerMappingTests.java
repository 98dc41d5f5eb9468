package org.odomo.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

class PathFirstRequestMappingHandlerMappingTests {

    @Test
    void everyPathAPatternMatchesStartsWithItsLiteralPrefix() {
        List<String> patterns = List.of("/connectedcar/v4/user/vehicles/{id}/status", "/connectedcar/v4/user",
                "/media/vehicles/{model}/{view}.svg", "/docs/**", "/am/oauth2/{realm:[a-z]+}/x", "/a/b{x}c",
                "/a/?b", "/");
        List<String> paths = List.of("/connectedcar/v4/user/vehicles/abc/status", "/connectedcar/v4/user",
                "/media/vehicles/P-E208/front.svg", "/docs/b2c/index.html", "/docs", "/am/oauth2/abc/x", "/a/bzc",
                "/a/xb", "/", "/connectedcar/v4/user/vehicles/abc/trips");
        assertThat(PathFirstRequestMappingHandlerMapping.literalPrefix("/a/b{x}c")).isEqualTo("/a");
        assertThat(PathFirstRequestMappingHandlerMapping.literalPrefix("/connectedcar/v4/user/vehicles/{id}/status"))
                .isEqualTo("/connectedcar/v4/user/vehicles");
        int matched = 0;
        for (String text : patterns) {
            PathPattern pattern = PathPatternParser.defaultInstance.parse(text);
            String prefix = PathFirstRequestMappingHandlerMapping.literalPrefix(text);
            for (String path : paths) {
                if (pattern.matches(PathContainer.parsePath(path))) {
                    matched++;
                    assertThat(path).as(text).startsWith(prefix);
                }
            }
        }
        assertThat(matched).isGreaterThanOrEqualTo(8);
    }
}
