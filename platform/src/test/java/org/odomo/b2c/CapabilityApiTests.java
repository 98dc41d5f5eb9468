package org.odomo.b2c;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.ingest.TestVehicles;
import org.odomo.oauth.Enrollment;
import org.odomo.oauth.WebSession;
import org.odomo.spec.OpenApiSpec;
import org.odomo.spec.PublishedSpecs;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.NewVehicle;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The capability API apps call before enrollment, under both spellings, as api-b2b.yaml describes it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class CapabilityApiTests {

    @LocalServerPort
    int port;
    @Autowired
    AppRegistry apps;
    @Autowired
    VehicleRegistry registry;

    @Test
    @PublishedSpecs
    void describesWhatTheModelCanDoForAnAuthenticatedApp() {
        App app = apps.ensureRegistered(new AppRegistration("Caps", "Capabilities", "Odomo tests", "dev@example.com",
                10L, "caps-app", Set.of("data:telemetry"), List.of(Enrollment.REDIRECT), "standard"), "caps-client",
                "caps-secret");
        String ice = TestVehicles.newVin();
        registry.register(new NewVehicle(ice, Brand.PEUGEOT, "P-308", null, PrivacyMode.DATA_AND_LOCATION,
                EnumSet.of(ConnectedService.PARTNER)));
        String bev = TestVehicles.newVin();
        registry.register(new NewVehicle(bev, Brand.PEUGEOT, "P-E208", null, PrivacyMode.DATA_AND_LOCATION,
                EnumSet.of(ConnectedService.PARTNER)));
        OpenApiSpec spec = new OpenApiSpec("api-b2b.yaml", "/connectedcar/v3");
        Map<String, String> auth = Map.of("Authorization", WebSession.basic(app.clientId(), "caps-secret"));
        WebSession web = new WebSession(port);
        JsonMapper json = JsonMapper.builder().build();

        for (String spelling : List.of("/connectedcar/v3/vehicle/", "/connectedcar/v3/vehicles/")) {
            HttpResponse<String> r = web.get(spelling + bev + "?client_id=" + app.clientId()
                    + "&extension=onboardCapabilities", auth);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode body = json.readTree(r.body());
            var op = spec.match("get", "/vehicles/" + bev).orElseThrow();
            assertThat(spec.validateResponse(op, 200, body, true)).isEmpty();
            JsonNode caps = body.path("_embedded").path("extension").path("onboardCapabilities");
            assertThat(body.path("motorization").stringValue()).isEqualTo("Electric");
            assertThat(caps.path("remote").path("charging").path("supported").booleanValue()).isTrue();
            assertThat(caps.path("data").toString()).contains("data:position", "data:telemetry:vehicle:energies")
                    .doesNotContain("transmission");
        }
        JsonNode thermic = json.readTree(web.get("/connectedcar/v3/vehicles/" + ice + "?client_id=" + app.clientId()
                + "&extension=onboardCapabilities", auth).body());
        assertThat(thermic.path("_embedded").path("extension").path("onboardCapabilities").path("remote")
                .path("charging").path("supported").booleanValue()).isFalse();

        assertThat(web.get("/connectedcar/v3/vehicles/" + bev + "?client_id=" + app.clientId()).statusCode())
                .isEqualTo(401);
        assertThat(web.get("/connectedcar/v3/vehicles/" + bev + "?client_id=" + app.clientId(),
                Map.of("Authorization", WebSession.basic(app.clientId(), "wrong"))).statusCode()).isEqualTo(401);
        assertThat(web.get("/connectedcar/v3/vehicles/" + bev + "?client_id=other", auth).statusCode()).isEqualTo(401);
        assertThat(web.get("/connectedcar/v3/vehicles/" + TestVehicles.newVin() + "?client_id=" + app.clientId(), auth)
                .statusCode()).isEqualTo(404);
        HttpResponse<String> notVin = web.get("/connectedcar/v3/vehicles/NOTAVIN?client_id=" + app.clientId(), auth);
        assertThat(notVin.statusCode()).isEqualTo(400);
        assertThat(notVin.body()).contains("\"code\":40001");
    }
}
