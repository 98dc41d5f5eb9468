package org.odomo.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.odomo.apps.PartnerRegistry;
import org.odomo.ingest.TestVehicles;
import org.odomo.oauth.WebSession;
import org.odomo.support.B2bPartners;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operator's side of fleets over HTTP: a partner registered with its password shown once and
 * its certificate signed from a CSR whose CN is its login, fleets created for it, vehicles put in
 * and moved between fleets (a vehicle is in at most one, the ended membership kept with its dates).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class FleetAdminApiTests {

    static final String OPERATOR = WebSession.basic("operator", "operator-test-password");

    @TestConfiguration
    static class Listener {
        final List<FleetMembershipChanged> changes = new CopyOnWriteArrayList<>();

        @EventListener
        void on(FleetMembershipChanged change) {
            changes.add(change);
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    VehicleRegistry vehicles;
    @Autowired
    PartnerRegistry partners;
    @Autowired
    FleetDirectory fleets;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Listener listener;

    final HttpClient http = HttpClient.newHttpClient();
    final JsonMapper json = JsonMapper.builder().build();

    HttpResponse<String> send(String method, String path, String contentType, String body, String auth)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPartnerIsRegisteredWithItsPasswordShownOnceAndItsCertificateSignedForItsLogin() throws Exception {
        HttpResponse<String> created = send("POST", "/admin/v1/partners", "application/json", """
                {"name":"Rent Co","company":"Rent Co SA","contactEmail":"ops@rent.example","loginId":"rent-co",
                 "contract":["data:telemetry","data:position","remote:door:write"],"slaPlan":"standard"}""",
                OPERATOR);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode partner = json.readTree(created.body());
        String id = partner.path("id").stringValue();
        String password = partner.path("password").stringValue();
        assertThat(password).hasSizeGreaterThan(20);
        assertThat(partner.path("loginId").stringValue()).isEqualTo("rent-co");
        assertThat(partner.path("slaPlan").stringValue()).isEqualTo("standard");
        assertThat(partner.path("status").stringValue()).isEqualTo("ACTIVE");
        assertThat(partner.path("hasCertificate").booleanValue()).isFalse();
        // the password is kept only as a hash, and never shown again
        JsonNode again = json.readTree(send("GET", "/admin/v1/partners/" + id, null, null, OPERATOR).body());
        assertThat(again.has("password")).isFalse();
        assertThat(jdbc.sql("SELECT password_hash FROM partner WHERE id = ?").param(id).query(String.class).single())
                .doesNotContain(password);

        // the CSR's CN must be the login, its OU "Programs Partners"
        HttpResponse<String> wrongCn = send("POST", "/admin/v1/partners/" + id + "/certificate", "text/plain",
                B2bPartners.csr(B2bPartners.rsa2048(), "Programs Partners", "someone-else"), OPERATOR);
        assertThat(wrongCn.statusCode()).isEqualTo(400);
        assertThat(json.readTree(wrongCn.body()).path("message").stringValue()).contains("rent-co");
        HttpResponse<String> signed = send("POST", "/admin/v1/partners/" + id + "/certificate", "text/plain",
                B2bPartners.csr(B2bPartners.rsa2048(), "Programs Partners", "rent-co"), OPERATOR);
        assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
        String pem = json.readTree(signed.body()).path("certificate").stringValue();
        var certificate = org.odomo.apps.Certificates.parse(pem);
        assertThat(org.odomo.apps.Certificates.commonName(certificate)).contains("rent-co");
        assertThat(json.readTree(send("GET", "/admin/v1/partners/" + id, null, null, OPERATOR).body())
                .path("certificateSerial").stringValue()).isEqualTo(org.odomo.apps.Certificates.serialHex(certificate));

        // bad registrations say what is wrong and store nothing
        long before = jdbc.sql("SELECT COUNT(*) FROM partner").query(Long.class).single();
        for (String bad : List.of(
                "{\"name\":\"X\",\"company\":\"X\",\"contactEmail\":\"x@x.example\",\"loginId\":\"rent-co\",\"contract\":[\"data:trip\"]}",
                "{\"name\":\"X\",\"company\":\"X\",\"contactEmail\":\"x@x.example\",\"loginId\":\"other-co\",\"contract\":[\"remote:door:write\"]}",
                "{\"name\":\"X\",\"company\":\"X\",\"contactEmail\":\"x@x.example\",\"loginId\":\"other-co\",\"contract\":[\"data:everything\"]}",
                "{\"name\":\"X\",\"company\":\"X\",\"contactEmail\":\"not-an-email\",\"loginId\":\"other-co\",\"contract\":[\"data:trip\"]}",
                "{\"name\":\"X\",\"company\":\"X\",\"contactEmail\":\"x@x.example\",\"loginId\":\"o\",\"contract\":[\"data:trip\"]}")) {
            HttpResponse<String> r = send("POST", "/admin/v1/partners", "application/json", bad, OPERATOR);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(json.readTree(r.body()).path("code").intValue()).isEqualTo(40001);
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM partner").query(Long.class).single()).isEqualTo(before);
        // and only the operator reaches any of it
        assertThat(send("GET", "/admin/v1/partners", null, null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void aVehicleIsInOneFleetAtATimeAndAMoveKeepsTheEndedMembership() throws Exception {
        B2bPartners.Credentials owner = B2bPartners.register(partners, "move-co", Set.of("data:telemetry"));
        String partnerId = owner.partner().id();
        String a = createFleet(partnerId, "North");
        String b = createFleet(partnerId, "South");
        String vin = TestVehicles.register(vehicles, "P-E208", PrivacyMode.DATA_AND_LOCATION).vehicle().vin();

        HttpResponse<String> joined = send("PUT", "/admin/v1/fleets/" + a + "/vehicles/" + vin, null, null, OPERATOR);
        assertThat(joined.statusCode()).as(joined.body()).isEqualTo(200);
        assertThat(fleets.membership(vin)).get().extracting(Membership::fleetId).isEqualTo(a);
        // putting it again changes nothing (same joining time)
        String joinedAt = json.readTree(joined.body()).path("joinedAt").stringValue();
        assertThat(json.readTree(send("PUT", "/admin/v1/fleets/" + a + "/vehicles/" + vin, null, null, OPERATOR).body())
                .path("joinedAt").stringValue()).isEqualTo(joinedAt);

        assertThat(send("PUT", "/admin/v1/fleets/" + b + "/vehicles/" + vin, null, null, OPERATOR).statusCode())
                .isEqualTo(200);
        assertThat(fleets.membership(vin)).get().extracting(Membership::fleetId).isEqualTo(b);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM fleet_vehicle WHERE vin = ?").param(vin).query(Long.class).single())
                .isEqualTo(1);
        assertThat(jdbc.sql("SELECT fleet_id FROM fleet_vehicle_past WHERE vin = ?").param(vin).query(String.class)
                .list()).containsExactly(a);
        assertThat(listener.changes).contains(new FleetMembershipChanged(vin, null, a),
                new FleetMembershipChanged(vin, a, b));

        // out of the fleet it is not in: 404, nothing changes
        assertThat(send("DELETE", "/admin/v1/fleets/" + a + "/vehicles/" + vin, null, null, OPERATOR).statusCode())
                .isEqualTo(404);
        assertThat(send("DELETE", "/admin/v1/fleets/" + b + "/vehicles/" + vin, null, null, OPERATOR).statusCode())
                .isEqualTo(204);
        assertThat(fleets.membership(vin)).isEmpty();
        assertThat(listener.changes).contains(new FleetMembershipChanged(vin, b, null));
        // joining with the history it already sent, but never over an earlier fleet's period
        String ended = jdbc.sql("SELECT MAX(left_at) FROM fleet_vehicle_past WHERE vin = ?").param(vin)
                .query(java.sql.Timestamp.class).single().toInstant().toString();
        HttpResponse<String> overlapping = send("PUT", "/admin/v1/fleets/" + a + "/vehicles/" + vin + "?since="
                + java.time.Instant.parse(ended).minusSeconds(1), null, null, OPERATOR);
        assertThat(overlapping.statusCode()).as(overlapping.body()).isEqualTo(400);
        assertThat(send("PUT", "/admin/v1/fleets/" + a + "/vehicles/" + vin + "?since="
                + java.time.Instant.now().plusSeconds(3600), null, null, OPERATOR).statusCode()).isEqualTo(400);
        assertThat(send("PUT", "/admin/v1/fleets/" + a + "/vehicles/" + vin + "?since=yesterday", null, null,
                OPERATOR).statusCode()).isEqualTo(400);
        assertThat(fleets.membership(vin)).isEmpty();
        HttpResponse<String> backdated = send("PUT", "/admin/v1/fleets/" + a + "/vehicles/" + vin + "?since=" + ended,
                null, null, OPERATOR);
        assertThat(backdated.statusCode()).as(backdated.body()).isEqualTo(200);
        assertThat(json.readTree(backdated.body()).path("joinedAt").stringValue()).isEqualTo(ended);

        // unknown vehicle or fleet
        assertThat(send("PUT", "/admin/v1/fleets/" + a + "/vehicles/VR3UNKNOWNVIN0001", null, null, OPERATOR)
                .statusCode()).isEqualTo(404);
        assertThat(send("PUT", "/admin/v1/fleets/no-such-fleet/vehicles/" + vin, null, null, OPERATOR).statusCode())
                .isEqualTo(404);
    }

    @Test
    void aFleetsVehiclesArePagedInVinOrderAndFilteredByPrefix() throws Exception {
        B2bPartners.Credentials owner = B2bPartners.register(partners, "page-co", Set.of("data:telemetry"));
        String fleet = createFleet(owner.partner().id(), "Paged");
        List<String> vins = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String vin = TestVehicles.register(vehicles, "P-E208", PrivacyMode.DATA_AND_LOCATION).vehicle().vin();
            fleets.addVehicle(fleet, vin);
            vins.add(vin);
        }
        vins.sort(String::compareTo);
        List<String> paged = new ArrayList<>();
        String after = null;
        List<Membership> page;
        do {
            page = fleets.members(fleet, null, after, 3);
            page.forEach(m -> paged.add(m.vin()));
            after = page.isEmpty() ? after : page.get(page.size() - 1).vin();
        } while (page.size() == 3);
        assertThat(paged).isEqualTo(vins);
        assertThat(fleets.count(fleet, null)).isEqualTo(7);
        String prefix = vins.get(0).substring(0, 12);
        assertThat(fleets.members(fleet, prefix.toLowerCase(), null, 100)).extracting(Membership::vin)
                .containsExactlyElementsOf(vins.stream().filter(v -> v.startsWith(prefix)).toList());
        // a prefix with characters no VIN has matches nothing, and is no pattern
        assertThat(fleets.members(fleet, "%", null, 100)).isEmpty();
        assertThat(fleets.count(fleet, "_")).isZero();
    }

    String createFleet(String partnerId, String name) throws Exception {
        HttpResponse<String> r = send("POST", "/admin/v1/partners/" + partnerId + "/fleets", "application/json",
                "{\"name\":\"" + name + "\",\"description\":\"the " + name + " agencies\"}", OPERATOR);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode fleet = json.readTree(r.body());
        assertThat(fleet.path("name").stringValue()).isEqualTo(name);
        assertThat(fleet.path("vehicles").intValue()).isZero();
        return fleet.path("id").stringValue();
    }
}
