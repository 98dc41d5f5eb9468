package org.odomo.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.odomo.monitor.FleetMonitorCalls.JSON;
import static org.odomo.monitor.FleetMonitorCalls.call;
import static org.odomo.monitor.FleetMonitorCalls.leavesZone;

import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.odomo.apps.PartnerRegistry;
import org.odomo.fleet.Fleet;
import org.odomo.fleet.FleetDirectory;
import org.odomo.spec.PublishedSpecs;
import org.odomo.support.B2bClient;
import org.odomo.support.B2bPartners;
import org.odomo.vehicle.Scopes;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The fleet monitor operations over HTTP as a partner calls them: every request and answer held
 * against the published api-b2b.yaml, answers compared whole. Expected behaviour: the operations'
 * schemas (MonitorParameter, MonitorRef, Monitor, Monitors, MonitorStatusSetter) and REFERENCE.md
 * (monitors per fleet, their own webhook, retry policy and batch settings).
 */
@PublishedSpecs
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "odomo.monitors.max-per-fleet=3")
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetMonitorsApiTests {

    static final String TARGET = "https://hooks.example.com/fleet";

    @LocalServerPort
    int port;
    @Autowired
    PartnerRegistry partners;
    @Autowired
    FleetDirectory fleets;

    B2bClient owner;
    B2bClient other;
    B2bClient positionless;
    Fleet fleet;
    Fleet secondFleet;
    Fleet othersFleet;
    Fleet positionlessFleet;

    @BeforeAll
    void partners() {
        long n = System.nanoTime() % 1_000_000;
        owner = new B2bClient(port, B2bPartners.register(partners, "fm-owner-" + n, Scopes.DATA));
        other = new B2bClient(port, B2bPartners.register(partners, "fm-other-" + n, Scopes.DATA));
        positionless = new B2bClient(port, B2bPartners.register(partners, "fm-nopos-" + n,
                Set.of(Scopes.TELEMETRY, Scopes.TRIP)));
        fleet = fleets.create(owner.credentials().partner().id(), "Vans", "");
        secondFleet = fleets.create(owner.credentials().partner().id(), "Trucks", "");
        othersFleet = fleets.create(other.credentials().partner().id(), "Cars", "");
        positionlessFleet = fleets.create(positionless.credentials().partner().id(), "Bikes", "");
    }

    static String monitors(Fleet f) {
        return "/fleets/" + f.id() + "/monitors";
    }

    String href(Fleet f, String path) {
        return "http://127.0.0.1:" + port + B2bClient.BASE + path + "?client_id=" + owner.credentials().clientId();
    }

    ObjectNode reference(Fleet f, String id, String status, String createdAt, String updatedAt) {
        ObjectNode ref = JSON.createObjectNode();
        ref.put("createdAt", createdAt);
        ref.put("updatedAt", updatedAt);
        ObjectNode links = ref.putObject("_links");
        links.putObject("fleet").put("href", href(f, "/fleets/" + f.id()));
        links.putObject("monitor").put("href", href(f, monitors(f) + "/" + id));
        ref.put("monitorId", id);
        ref.put("status", status);
        return ref;
    }

    ObjectNode monitor(Fleet f, String id, String definition, String status, String createdAt, String updatedAt) {
        ObjectNode m = JSON.createObjectNode();
        m.put("createdAt", createdAt);
        m.put("updatedAt", updatedAt);
        ObjectNode links = m.putObject("_links");
        links.putObject("self").put("href", href(f, monitors(f) + "/" + id));
        links.putObject("fleet").put("href", href(f, "/fleets/" + f.id()));
        m.put("monitorId", id);
        m.set("monitor", JSON.readTree(definition));
        m.put("status", status);
        return m;
    }

    static String policy = "\"retryPolicy\": {\"policy\": \"Bounded\", \"retryNumber\": 2, \"retryDelay\": 30},"
            + " \"batchNotify\": {\"size\": 5, \"timeWindow\": 10}, \"refreshEvent\": 120";

    @Test
    void aMonitorIsCreatedReadListedReplacedPausedResumedAndDeleted() {
        String definition = leavesZone("Leaves the depot", TARGET, policy, 2.35, 48.85);
        JsonNode created = call(owner, "POST", monitors(secondFleet), definition, 202);
        String id = created.path("monitorId").stringValue();
        String createdAt = created.path("createdAt").stringValue();
        assertThat(Instant.parse(createdAt)).isBeforeOrEqualTo(Instant.now());
        assertThat(created).isEqualTo(reference(secondFleet, id, "Running", createdAt, createdAt));

        assertThat(call(owner, "GET", monitors(secondFleet) + "/" + id, null, 200))
                .isEqualTo(monitor(secondFleet, id, definition, "Running", createdAt, createdAt));

        JsonNode list = call(owner, "GET", monitors(secondFleet), null, 200);
        assertThat(list.path("total").asInt()).isEqualTo(1);
        assertThat(list.path("totalPage").asInt()).isEqualTo(1);
        assertThat(list.path("currentPage").asInt()).isEqualTo(1);
        assertThat(list.path("_embedded").path("monitors")).containsExactly(
                monitor(secondFleet, id, definition, "Running", createdAt, createdAt));
        assertThat(list.path("_links").path("self").path("href").stringValue())
                .startsWith("http://127.0.0.1:" + port + B2bClient.BASE + monitors(secondFleet) + "?");

        String replacement = leavesZone("Leaves the yard", TARGET, "", 2.30, 48.80);
        JsonNode replaced = call(owner, "PUT", monitors(secondFleet) + "/" + id, replacement, 202);
        String updatedAt = replaced.path("updatedAt").stringValue();
        assertThat(replaced).isEqualTo(reference(secondFleet, id, "Running", createdAt, updatedAt));
        assertThat(call(owner, "GET", monitors(secondFleet) + "/" + id, null, 200))
                .isEqualTo(monitor(secondFleet, id, replacement, "Running", createdAt, updatedAt));

        JsonNode paused = call(owner, "PUT", monitors(secondFleet) + "/" + id + "/status", "{\"status\": \"Paused\"}",
                202);
        assertThat(paused).isEqualTo(reference(secondFleet, id, "Paused", createdAt,
                paused.path("updatedAt").stringValue()));
        JsonNode running = call(owner, "PUT", monitors(secondFleet) + "/" + id + "/status",
                "{\"status\": \"Running\"}", 202);
        assertThat(running.path("status").stringValue()).isEqualTo("Running");

        call(owner, "DELETE", monitors(secondFleet) + "/" + id, null, 204);
        call(owner, "GET", monitors(secondFleet) + "/" + id, null, 404);
        assertThat(call(owner, "GET", monitors(secondFleet), null, 200).path("total").asInt()).isZero();
    }

    @Test
    void theB2bDataPathsAreAcceptedForFleetMonitors() {
        for (String data : new String[] {"\"data\": \"stolen.state\", \"op\": \"equalsTo\", \"value\": [\"true\"]",
                "\"data\": \"vehicle.maintenance.daysBeforeMaintenance\", \"op\": \"lowerThan\", \"value\": [\"10\"]",
                "\"data\": \"vehicle.maintenance.mileageBeforeMaintenance\", \"op\": \"lowerThan\", \"value\": [\"500\"]",
                "\"data\": \"vehicle.collision.side\", \"op\": \"includedIn\", \"value\": [\"Front\", \"Rear\"]",
                "\"data\": \"vehicle.collision.severity\", \"op\": \"equalsTo\", \"value\": [\"Major\"]",
                "\"data\": \"vehicle.trip\", \"op\": \"onChange\""}) {
            String body = "{\"label\": \"b2b data\", \"subscribeParam\": {\"callback\": {\"webhook\": {\"name\": \"h\","
                    + " \"target\": \"" + TARGET + "\"}}}, \"triggerParam\": {\"triggers\": [{\"name\": \"d\","
                    + " \"data\": {" + data + "}}], \"boolExp\": \"d\"}}";
            String id = call(owner, "POST", monitors(fleet), body, 202).path("monitorId").stringValue();
            call(owner, "DELETE", monitors(fleet) + "/" + id, null, 204);
        }
    }

    /** Each refused body: a 400 whose message names the member. */
    @Test
    void invalidBodiesAreRefusedNamingTheMember() {
        String ok = leavesZone("x", TARGET, "", 2.35, 48.85);
        String[][] cases = {
            {ok.replace("\"subscribeParam\": {", "\"subscribeParam\": {\"retryPolicy\": {\"policy\": \"Sometimes\"}, "),
                "subscribeParam.retryPolicy.policy"},
            {ok.replace("\"subscribeParam\": {", "\"subscribeParam\": {\"retryPolicy\": {\"policy\": \"None\","
                    + " \"retryNumber\": 3}, "), "subscribeParam.retryPolicy.retryNumber"},
            {ok.replace("\"subscribeParam\": {", "\"subscribeParam\": {\"retryPolicy\": {\"policy\": \"Bounded\","
                    + " \"retryNumber\": 0}, "), "subscribeParam.retryPolicy.retryNumber"},
            {ok.replace("\"subscribeParam\": {", "\"subscribeParam\": {\"retryPolicy\": {\"policy\": \"Always\","
                    + " \"retryDelay\": 0}, "), "subscribeParam.retryPolicy.retryDelay"},
            {ok.replace("\"subscribeParam\": {", "\"subscribeParam\": {\"batchNotify\": {\"timeWindow\": 10}, "),
                "subscribeParam.batchNotify.size"},
            {ok.replace("\"subscribeParam\": {", "\"subscribeParam\": {\"batchNotify\": {\"size\": 0}, "),
                "subscribeParam.batchNotify.size"},
            {ok.replace("\"subscribeParam\": {", "\"subscribeParam\": {\"batchNotify\": {\"size\": 2,"
                    + " \"timeWindow\": 4}, "), "subscribeParam.batchNotify.timeWindow"},
            {ok.replace("\"subscribeParam\": {", "\"subscribeParam\": {\"refreshEvent\": 30, "),
                "subscribeParam.refreshEvent"},
            {ok.replace(TARGET, "ftp://hooks.example.com/in"), "subscribeParam.callback.webhook.target"},
            {ok.replace(TARGET, "http://hooks.example.com/in"), "subscribeParam.callback.webhook.target"},
            {ok.replace("\"name\": \"fleet-hook\", ", ""), "subscribeParam.callback.webhook.name"},
            {ok.replace("$fleetID", "$userID"), "subscribeParam.callback.webhook.attributes[0].value"},
            {"{\"label\": \"x\", \"triggerParam\": {\"triggers\": [{\"name\": \"a\", \"data\": {\"data\":"
                    + " \"vehicle.kinetic.moving\", \"op\": \"onChange\"}}], \"boolExp\": \"a\"}}", "subscribeParam"},
            {ok.replace("\"label\": \"x\", ", "\"label\": \"x\", \"attributes\": [], "), "attributes"},
            {ok.replace("\"label\": \"x\", ", "\"label\": \"x\", \"extendedEventParam\": [\"vehicle.wheels\"], "),
                "extendedEventParam[0]"},
            {ok.replace("\"boolExp\": \"home\"", "\"boolExp\": \"home | !home\""), "triggerParam.boolExp"},
            {ok.replace("\"radius\": 1", "\"radius\": 0"), "triggerParam.triggers[0].zone.place.radius"},
            {"[]", "MonitorParameter"},
        };
        for (String[] c : cases) {
            JsonNode error = call(owner, "POST", monitors(fleet), c[0], 400);
            assertThat(error.path("message").stringValue()).as(c[0]).contains(c[1]);
        }
        JsonNode unknownData = call(owner, "POST", monitors(fleet), "{\"label\": \"x\", \"subscribeParam\":"
                + " {\"callback\": {\"webhook\": {\"name\": \"h\", \"target\": \"" + TARGET + "\"}}}, \"triggerParam\":"
                + " {\"triggers\": [{\"name\": \"a\", \"data\": {\"data\": \"vehicle.wings\", \"op\": \"onChange\"}}],"
                + " \"boolExp\": \"a\"}}", 400);
        assertThat(unknownData.path("message").stringValue()).contains("triggerParam.triggers[0].data.data");
        assertThat(call(owner, "GET", monitors(fleet), null, 200).path("total").asInt()).isZero();
        String created = call(owner, "POST", monitors(fleet), ok, 202).path("monitorId").stringValue();
        assertThat(call(owner, "PUT", monitors(fleet) + "/" + created + "/status", "{\"status\": \"Failed\"}", 400)
                .path("message").stringValue()).contains("status");
        assertThat(call(owner, "PUT", monitors(fleet) + "/" + created + "/status", "{\"state\": \"Paused\"}", 400)
                .path("message").stringValue()).contains("state");
        call(owner, "DELETE", monitors(fleet) + "/" + created, null, 204);
    }

    @Test
    void aFleetHasAtMostTheConfiguredNumberOfMonitors() {
        Fleet full = fleets.create(owner.credentials().partner().id(), "Full", "");
        String definition = leavesZone("one of three", TARGET, "", 2.35, 48.85);
        String first = null;
        for (int i = 0; i < 3; i++) {
            String id = call(owner, "POST", monitors(full), definition, 202).path("monitorId").stringValue();
            first = first == null ? id : first;
        }
        assertThat(call(owner, "POST", monitors(full), definition, 403).path("message").stringValue()).contains("3");
        call(owner, "DELETE", monitors(full) + "/" + first, null, 204);
        call(owner, "POST", monitors(full), definition, 202);
    }

    @Test
    void anotherPartnersFleetIsForbiddenAnUnknownFleetOrMonitorNotFound() {
        String definition = leavesZone("mine", TARGET, "", 2.35, 48.85);
        String id = call(other, "POST", monitors(othersFleet), definition, 202).path("monitorId").stringValue();
        call(owner, "GET", monitors(othersFleet), null, 403);
        call(owner, "POST", monitors(othersFleet), definition, 403);
        call(owner, "GET", monitors(othersFleet) + "/" + id, null, 403);
        call(owner, "PUT", monitors(othersFleet) + "/" + id, definition, 403);
        call(owner, "PUT", monitors(othersFleet) + "/" + id + "/status", "{\"status\": \"Paused\"}", 403);
        // The operation documents no 403; the fleet is another partner's all the same.
        FleetMonitorCalls.undocumentedError(owner, "DELETE", monitors(othersFleet) + "/" + id, 403);
        // Through one of the owner's own fleets, the other fleet's monitor does not exist.
        call(owner, "GET", monitors(fleet) + "/" + id, null, 404);
        call(owner, "PUT", monitors(fleet) + "/" + id, definition, 404);
        call(owner, "DELETE", monitors(fleet) + "/" + id, null, 404);
        call(owner, "GET", "/fleets/00000000-0000-0000-0000-000000000000/monitors", null, 404);
        call(owner, "GET", monitors(fleet) + "/00000000-0000-0000-0000-000000000000", null, 404);
        call(owner, "GET", monitors(fleet) + "/not%20an%20id", null, 404);
        // Untouched by all that.
        assertThat(call(other, "GET", monitors(othersFleet) + "/" + id, null, 200).path("status").stringValue())
                .isEqualTo("Running");
    }

    @Test
    void aMonitorReadingDataTheContractDoesNotCoverIsForbidden() {
        JsonNode zone = call(positionless, "POST", monitors(positionlessFleet), leavesZone("z", TARGET, "", 2.35, 48.85),
                403);
        assertThat(zone.path("message").stringValue()).contains("triggerParam.triggers[0]").contains("data:position");
        String withPositionExtension = "{\"label\": \"x\", \"extendedEventParam\": [\"vehicle.position\"],"
                + " \"subscribeParam\": {\"callback\": {\"webhook\": {\"name\": \"h\", \"target\": \"" + TARGET + "\"}}},"
                + " \"triggerParam\": {\"triggers\": [{\"name\": \"a\", \"data\": {\"data\": \"vehicle.kinetic.moving\","
                + " \"op\": \"onChange\"}}], \"boolExp\": \"a\"}}";
        assertThat(call(positionless, "POST", monitors(positionlessFleet), withPositionExtension, 403).path("message")
                .stringValue()).contains("extendedEventParam").contains("data:position");
        call(positionless, "POST", monitors(positionlessFleet), withPositionExtension.replace(
                "\"extendedEventParam\": [\"vehicle.position\"], ", ""), 202);
    }
}
