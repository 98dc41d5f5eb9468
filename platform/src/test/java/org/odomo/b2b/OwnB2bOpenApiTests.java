package org.odomo.b2b;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.odomo.oauth.WebSession;
import org.odomo.spec.OpenApiSpec;
import org.odomo.spec.PublishedSpecs;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.yaml.snakeyaml.Yaml;

/**
 * The project's own OpenAPI description of the B2B API: it parses, has every operation of the
 * published API under the same method, path and operation id and no other, says how a partner
 * authenticates (mutual TLS, Basic, client_id) and what an error looks like, every reference in it
 * points at something, and the platform serves it with a browsable UI beside the B2C one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class OwnB2bOpenApiTests {

    @LocalServerPort
    int port;

    @SuppressWarnings("unchecked")
    private Map<String, Object> served(String path) {
        HttpResponse<String> yaml = new WebSession(port).get(path);
        assertThat(yaml.statusCode()).isEqualTo(200);
        return new Yaml().load(yaml.body());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    @PublishedSpecs
    void describesEveryPublishedOperationAndNoOther() {
        Map<String, Object> doc = served("/docs/b2b/openapi.yaml");
        Set<String> documented = new TreeSet<>();
        Set<String> documentedIds = new TreeSet<>();
        map(doc.get("paths")).forEach((path, item) -> map(item).forEach((method, op) -> {
            documented.add(method.toUpperCase() + " " + path);
            documentedIds.add(method.toUpperCase() + " " + path + " " + map(op).get("operationId"));
        }));
        Set<String> published = new TreeSet<>();
        Set<String> publishedIds = new TreeSet<>();
        for (OpenApiSpec.Operation op : new OpenApiSpec("api-b2b.yaml", "/connectedcar/v3").operations()) {
            published.add(op.key());
            publishedIds.add(op.key() + " " + op.operationId());
        }
        assertThat(published).hasSize(47);
        assertThat(documented).isEqualTo(published);
        assertThat(documentedIds).isEqualTo(publishedIds);
    }

    @Test
    @SuppressWarnings("unchecked")
    void saysHowAPartnerAuthenticatesAndWhatAnErrorLooksLike() {
        Map<String, Object> doc = served("/docs/b2b/openapi.yaml");
        assertThat(map(((List<?>) doc.get("servers")).get(0)).get("url"))
                .isEqualTo("/connectedcar/v3");
        Map<String, Object> schemes = map(map(doc.get("components")).get("securitySchemes"));
        assertThat(schemes.values()).extracting(s -> map(s).get("type")).containsExactlyInAnyOrder("mutualTLS", "http",
                "apiKey");
        assertThat(schemes.values()).anySatisfy(s -> assertThat(map(s)).containsEntry("scheme", "basic"));
        assertThat(schemes.values()).anySatisfy(s -> assertThat(map(s)).containsEntry("in", "query")
                .containsEntry("name", "client_id"));
        List<?> security = (List<?>) doc.get("security");
        assertThat(security).hasSize(1);
        assertThat(map(security.get(0)).keySet()).isEqualTo(schemes.keySet());
        Map<String, Object> error = map(map(map(doc.get("components")).get("schemas")).get("Error"));
        assertThat((List<Object>) error.get("required")).containsExactlyInAnyOrder("code", "uuid", "message", "timestamp");
        // every operation answers errors with that body
        map(doc.get("paths")).forEach((path, item) -> map(item).forEach((method, op) -> assertThat(
                map(map(map(op).get("responses")).get("default")).get("$ref")).as(method + " " + path)
                .isEqualTo("#/components/responses/Error")));
    }

    /** Each reference names a component that exists, in this file or in the B2C description it shares shapes with. */
    @Test
    void everyReferenceResolves() {
        Map<String, Object> own = served("/docs/b2b/openapi.yaml");
        Map<String, Object> b2c = served("/docs/b2c/openapi.yaml");
        List<String> refs = new ArrayList<>();
        collectRefs(own, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            Map<String, Object> target = ref.startsWith("../b2c/openapi.yaml#") ? b2c : own;
            String pointer = ref.substring(ref.indexOf('#') + 1);
            Object node = target;
            for (String part : pointer.substring(1).split("/")) {
                node = node instanceof Map<?, ?> m ? m.get(part) : null;
            }
            assertThat(node).as(ref).isNotNull();
            assertThat(ref).as("only this file and the B2C one").matches("(\\.\\./b2c/openapi\\.yaml)?#/components/.+");
        }
    }

    private static void collectRefs(Object node, List<String> refs) {
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if ("$ref".equals(k)) {
                    refs.add((String) v);
                } else {
                    collectRefs(v, refs);
                }
            });
        } else if (node instanceof List<?> l) {
            l.forEach(v -> collectRefs(v, refs));
        }
    }

    @Test
    void servesABrowsableUi() {
        WebSession web = new WebSession(port);
        HttpResponse<String> page = web.get("/docs/b2b/index.html");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("swagger-ui-bundle.js", "/docs/b2b/init.js");
        assertThat(page.body()).doesNotContainPattern("<script(?![^>]*\\ssrc=)[^>]*>");
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(policy.split(";\\s*")).contains("script-src 'self'", "object-src 'none'", "base-uri 'none'",
                "frame-ancestors 'none'");
        assertThat(web.get("/docs/b2b/init.js").body()).contains("/docs/b2b/openapi.yaml");
    }
}
