package org.odomo.b2c;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.odomo.oauth.WebSession;
import org.odomo.spec.OpenApiSpec;
import org.odomo.spec.PublishedSpecs;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.yaml.snakeyaml.Yaml;

/**
 * The project's own OpenAPI description of the B2C API says exactly what the code serves, every
 * operation it lists is one of the published API (or an extension, marked as such in its path), and the platform serves it with a browsable UI.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class OwnOpenApiTests {

    @LocalServerPort
    int port;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @SuppressWarnings("unchecked")
    private Set<String> documented(String yamlText) {
        Map<String, Object> doc = new Yaml().load(yamlText);
        Set<String> ops = new TreeSet<>();
        ((Map<String, Object>) doc.get("paths")).forEach((path, item) -> ((Map<String, Object>) item).keySet()
                .forEach(method -> ops.add(method.toUpperCase() + " " + path)));
        return ops;
    }

    private Set<String> served() {
        Set<String> ops = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            for (String pattern : info.getPatternValues()) {
                if (!pattern.startsWith("/connectedcar/v4/") || pattern.contains("test-only")) {
                    continue;
                }
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                for (RequestMethod m : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                    ops.add(m.name() + " " + pattern.substring("/connectedcar/v4".length()));
                }
            }
        });
        return ops;
    }

    @Test
    @PublishedSpecs
    void describesExactlyWhatIsServedAndOnlyPublishedOperations() {
        HttpResponse<String> yaml = new WebSession(port).get("/docs/b2c/openapi.yaml");
        assertThat(yaml.statusCode()).isEqualTo(200);
        Set<String> documented = documented(yaml.body());
        assertThat(documented).isEqualTo(served());
        Set<String> published = new TreeSet<>();
        new OpenApiSpec("api-b2c.yaml", "/connectedcar/v4").operations().forEach(op -> published.add(op.key()));
        // Extensions say so in their path (an x-odomo- segment): never one of the published API's.
        assertThat(published).containsAll(documented.stream().filter(op -> !op.contains("/x-odomo-")).toList());
        assertThat(published).noneMatch(op -> op.contains("/x-odomo-"));
    }

    @Test
    void servesABrowsableUi() {
        WebSession web = new WebSession(port);
        HttpResponse<String> page = web.get("/docs/b2c/index.html");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("swagger-ui-bundle.js", "/docs/b2c/init.js");
        // Scripts only from this server, none inline (the page has none), no plugins, no framing.
        assertThat(page.body()).doesNotContainPattern("<script(?![^>]*\\ssrc=)[^>]*>");
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(policy.split(";\\s*")).contains("script-src 'self'", "object-src 'none'", "base-uri 'none'",
                "frame-ancestors 'none'");
        assertThat(web.get("/webjars/swagger-ui/swagger-ui-bundle.js").statusCode()).isEqualTo(200);
        assertThat(web.get("/webjars/swagger-ui/swagger-ui.css").statusCode()).isEqualTo(200);
    }
}
