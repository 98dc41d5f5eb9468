package org.odomo.b2b.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.odomo.apps.PartnerRegistry;
import org.odomo.events.VehicleEventLog;
import org.odomo.fleet.Fleet;
import org.odomo.fleet.FleetDirectory;
import org.odomo.ingest.IngestGateway;
import org.odomo.ingest.IngestOutcome;
import org.odomo.ingest.TestVehicles;
import org.odomo.protocol.MessageType;
import org.odomo.spec.Exchanges;
import org.odomo.spec.OpenApiSpec;
import org.odomo.spec.PublishedSpecs;
import org.odomo.support.B2bClient;
import org.odomo.support.B2bPartners;
import org.odomo.support.EventConsumers;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The fleet API's history operations over HTTP, on vehicles whose history was stored from their
 * messages: every answer is validated strictly against the published api-b2b.yaml (errors against
 * the error format too). Expected values come from the messages sent and from the contract: items
 * carry their vehicle's VIN, a fleet sees none of a vehicle's data from before it joined nor any of
 * a vehicle that left, fleet-wide lists page newest first by keyset, {@code profile=endUser} applies
 * the car's privacy mode (REFERENCE.md sections 2 and 3), another partner's fleet is 403, a list
 * the contract does not cover is 403, an item the caller may not see is 404.
 */
@PublishedSpecs
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Import(FleetHistoryApiTests.Clocks.class)
class FleetHistoryApiTests {

    @TestConfiguration
    static class Clocks {
        @Bean
        ShiftedClock clock() {
            return new ShiftedClock();
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    PartnerRegistry partners;
    @Autowired
    FleetDirectory fleets;
    @Autowired
    VehicleRegistry registry;
    @Autowired
    IngestGateway gateway;
    @Autowired
    VehicleEventLog events;
    @Autowired
    Clock injected;

    final OpenApiSpec spec = new OpenApiSpec("api-b2b.yaml", "/connectedcar/v3");
    final JsonMapper json = JsonMapper.builder().build();
    final Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(6));

    B2bClient owner;
    B2bClient other;
    B2bClient telemetryOnly;
    Fleet fleet;
    /** Location and data, all seen. */
    RegisteredVehicle open;
    /** Data without location (geolocation privacy). */
    RegisteredVehicle geoPrivate;
    /** Joined the fleet at t0 + 2500 s. */
    RegisteredVehicle late;
    /** Left the fleet. */
    RegisteredVehicle gone;
    /** Another partner's. */
    RegisteredVehicle foreign;
    /** Without history until an alert arrives while a client pages. */
    RegisteredVehicle busy;
    int serial;

    @BeforeAll
    void history() {
        String suffix = Long.toString(System.nanoTime(), 36);
        Set<String> all = Set.of(Scopes.ALERT, Scopes.COLLISION, Scopes.TRIP, Scopes.POSITION, Scopes.TELEMETRY);
        owner = new B2bClient(port, B2bPartners.register(partners, "hist-a-" + suffix, all));
        other = new B2bClient(port, B2bPartners.register(partners, "hist-b-" + suffix, all));
        telemetryOnly = new B2bClient(port, B2bPartners.register(partners, "hist-c-" + suffix,
                Set.of(Scopes.TELEMETRY, Scopes.POSITION)));
        fleet = fleets.create(owner.credentials().partner().id(), "History " + suffix, "");
        Fleet otherFleet = fleets.create(other.credentials().partner().id(), "Other " + suffix, "");
        Fleet telemetryFleet = fleets.create(telemetryOnly.credentials().partner().id(), "Telemetry " + suffix, "");

        open = car(PrivacyMode.DATA_AND_LOCATION);
        geoPrivate = car(PrivacyMode.DATA);
        late = car(PrivacyMode.DATA_AND_LOCATION);
        gone = car(PrivacyMode.DATA_AND_LOCATION);
        foreign = car(PrivacyMode.DATA_AND_LOCATION);
        busy = car(PrivacyMode.DATA_AND_LOCATION);
        ShiftedClock clock = (ShiftedClock) injected;
        clock.at(t0.minus(Duration.ofHours(1)), () -> {
            fleets.addVehicle(fleet.id(), vin(open));
            fleets.addVehicle(fleet.id(), vin(geoPrivate));
            fleets.addVehicle(fleet.id(), vin(gone));
            fleets.addVehicle(fleet.id(), vin(busy));
            fleets.addVehicle(otherFleet.id(), vin(foreign));
        });
        clock.at(t0.plusSeconds(2500), () -> fleets.addVehicle(fleet.id(), vin(late)));

        drive(open, t0, 10);
        send(alert(open, t0.plusSeconds(45), "RiskOfIce"));
        send(collision(open, t0.plusSeconds(75)));
        send(alert(open, t0.plusSeconds(1000), "AddWasherFluid"));
        drive(geoPrivate, t0.plusSeconds(2000), 6);
        send(alert(geoPrivate, t0.plusSeconds(2045), "RiskOfIce"));
        send(alert(late, t0.plusSeconds(100), "AddWasherFluid"));
        send(collision(late, t0.plusSeconds(110)));
        send(alert(late, t0.plusSeconds(3000), "RiskOfIce"));
        send(collision(late, t0.plusSeconds(3010)));
        send(alert(gone, t0.plusSeconds(1500), "RiskOfIce"));
        send(alert(foreign, t0.plusSeconds(1600), "RiskOfIce"));
        EventConsumers.awaitCaughtUp(events);
        fleets.removeVehicle(fleet.id(), vin(gone));
        // the telemetry-only partner's fleet holds a car with history of its own
        RegisteredVehicle watched = car(PrivacyMode.DATA_AND_LOCATION);
        clock.at(t0.minus(Duration.ofHours(1)), () -> fleets.addVehicle(telemetryFleet.id(), vin(watched)));
        telemetryFleetId = telemetryFleet.id();
        telemetryVehicle = watched.vehicle().apiId();
    }

    String telemetryFleetId;
    String telemetryVehicle;

    private RegisteredVehicle car(PrivacyMode mode) {
        return TestVehicles.register(registry, "P-E208", mode, ConnectedService.PARTNER);
    }

    private static String vin(RegisteredVehicle v) {
        return v.vehicle().vin();
    }

    private void send(ObjectNode message) {
        assertThat(gateway.submit(TestVehicles.bytes(message)).join()).isEqualTo(IngestOutcome.STORED);
    }

    private String id() {
        return "h" + (++serial) + "-" + System.nanoTime();
    }

    /** A drive: ignition on, {@code samples} samples 30 s apart, 250 m each, ignition off. */
    private void drive(RegisteredVehicle v, Instant start, int samples) {
        for (int i = 0; i <= samples + 1; i++) {
            boolean first = i == 0;
            boolean last = i == samples + 1;
            ObjectNode m = TestVehicles.envelope(vin(v), v.credential(), id(), start.plusSeconds(30L * i),
                    first || last ? MessageType.EVENT : MessageType.TELEMETRY);
            if (first || last) {
                m.putObject("event").put("name", "ignition");
            }
            ObjectNode data = m.putObject("data");
            data.putObject("ignition").put("type", last ? "Stop" : "Start");
            data.putObject("position").put("heading", 90).put("type", "Acquire").put("fixStatus", "3D")
                    .putArray("coordinates").add(2.35 + 0.003 * i).add(48.85 + (i % 2) * 0.0001).add(35.0);
            double speed = first || last ? 0 : 30 + i;
            data.putObject("kinetic").put("speed", speed).put("moving", speed > 0);
            data.putObject("odometer").put("mileage", 1000 + 0.25 * i);
            data.putArray("energies").addObject().put("type", "Electric").put("subType", "ElectricEnergy")
                    .put("level", 80 - i).put("autonomy", 240 - 3 * i);
            send(m);
        }
    }

    private ObjectNode alert(RegisteredVehicle v, Instant at, String type) {
        ObjectNode m = TestVehicles.envelope(vin(v), v.credential(), id(), at, MessageType.EVENT);
        m.putObject("event").put("name", "alertRaised").putObject("alert").put("type", type).put("severity", "Warning");
        return m;
    }

    private ObjectNode collision(RegisteredVehicle v, Instant at) {
        ObjectNode m = TestVehicles.envelope(vin(v), v.credential(), id(), at, MessageType.EVENT);
        m.putObject("event").put("name", "collision").putObject("collision").putArray("details").addObject()
                .put("side", "Rear").put("severity", "Minimal");
        return m;
    }

    // ------------------------------------------------------------------ calls

    /** GETs the path, checks the status and the exchange against the published operation. */
    JsonNode get(B2bClient client, String path, int expected) {
        HttpResponse<String> r = client.get(path);
        String where = "GET " + path + " " + r.statusCode() + " " + r.body();
        assertThat(r.statusCode()).as(where).isEqualTo(expected);
        OpenApiSpec.Operation op = spec.match("GET", path.replaceAll("\\?.*", ""))
                .orElseThrow(() -> new AssertionError("not a published operation: " + path));
        JsonNode answer = json.readTree(r.body());
        assertThat(Exchanges.problems(spec, op, null, r.statusCode(), r.headers().firstValue("Content-Type")
                .orElse(null), answer)).as(where).isEmpty();
        return answer;
    }

    /** Follows a link of an answer (absolute, with its client_id) with the same client. */
    JsonNode follow(B2bClient client, JsonNode link, int expected) {
        URI uri = URI.create(link.path("href").stringValue());
        String path = uri.getRawPath().substring(B2bClient.BASE.length());
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery().replaceAll("(^|&)client_id=[^&]*", "")
                .replaceAll("^&", "");
        return get(client, path + (query.isEmpty() ? "" : "?" + query), expected);
    }

    String vehiclePath(RegisteredVehicle v) {
        return "/fleets/" + fleet.id() + "/vehicles/" + v.vehicle().apiId();
    }

    String href(B2bClient client, String path) {
        return "http://127.0.0.1:" + port + B2bClient.BASE + path + "?client_id=" + client.credentials().clientId();
    }

    static List<JsonNode> items(JsonNode page, String name) {
        List<JsonNode> out = new ArrayList<>();
        page.path("_embedded").path(name).forEach(out::add);
        return out;
    }

    static List<String> strings(List<JsonNode> items, String member) {
        return items.stream().map(i -> i.path(member).asString("")).toList();
    }

    // ------------------------------------------------------------------ one vehicle

    @Test
    void aVehiclesAlertsCarryItsVinAndLeadToThemselves() {
        JsonNode page = get(owner, vehiclePath(open) + "/alerts", 200);
        List<JsonNode> alerts = items(page, "alerts");
        assertThat(strings(alerts, "type")).containsExactly("AddWasherFluid", "RiskOfIce");
        assertThat(strings(alerts, "startedAt")).containsExactly(t0.plusSeconds(1000).toString(),
                t0.plusSeconds(45).toString());
        assertThat(strings(alerts, "vin")).containsOnly(vin(open));
        assertThat(strings(alerts, "severity")).containsOnly("Warning");
        assertThat(page.path("total").asLong()).isEqualTo(2);
        assertThat(page.path("totalPage").asLong()).isEqualTo(1);
        assertThat(page.path("currentPage").asLong()).isEqualTo(1);
        assertThat(page.path("_links").has("next")).isFalse();
        for (JsonNode a : alerts) {
            String self = vehiclePath(open) + "/alerts/" + a.path("id").stringValue();
            assertThat(a.path("_links").path("self").path("href").stringValue()).isEqualTo(href(owner, self));
            assertThat(a.path("_links").path("vehicle").path("href").stringValue())
                    .isEqualTo(href(owner, vehiclePath(open)));
            // the item alone is the item of the list, whole
            assertThat(follow(owner, a.path("_links").path("self"), 200)).isEqualTo(a);
            // the same by VIN
            assertThat(get(owner, "/fleets/" + fleet.id() + "/vehicles/" + vin(open) + "/alerts/"
                    + a.path("id").stringValue(), 200)).isEqualTo(a);
        }
        // collisions likewise
        JsonNode collisions = get(owner, vehiclePath(open) + "/collisions", 200);
        List<JsonNode> c = items(collisions, "Collisions");
        assertThat(strings(c, "createdAt")).containsExactly(t0.plusSeconds(75).toString());
        assertThat(strings(c, "vin")).containsExactly(vin(open));
        assertThat(c.get(0).path("details").get(0).path("side").stringValue()).isEqualTo("Rear");
        assertThat(follow(owner, c.get(0).path("_links").path("self"), 200)).isEqualTo(c.get(0));
    }

    @Test
    void aVehiclesTelemetryAndAlarmsAreThoseSinceItJoined() {
        Instant before = t0.plusSeconds(200);
        Instant after = t0.plusSeconds(3200);
        for (Instant at : List.of(before, after)) {
            ObjectNode alarm = TestVehicles.envelope(vin(late), late.credential(), id(), at, MessageType.EVENT);
            alarm.putObject("event").put("name", "alarm").putObject("alarm").putObject("trigger")
                    .put("type", "VolumetricBreakIn");
            send(alarm);
            ObjectNode sample = TestVehicles.envelope(vin(late), late.credential(), id(), at.plusSeconds(5),
                    MessageType.TELEMETRY);
            sample.putObject("data").putObject("odometer").put("mileage", at == before ? 100.0 : 200.0);
            send(sample);
        }
        EventConsumers.awaitCaughtUp(events);
        String v = vehiclePath(late);
        JsonNode alarms = get(owner, v + "/alarms", 200);
        assertThat(alarms.path("total").asInt()).isEqualTo(1);
        JsonNode alarm = items(alarms, "alarms").get(0);
        assertThat(alarm.path("trigger").path("type").asString()).isEqualTo("VolumetricBreakIn");
        assertThat(alarm.path("trigger").path("createdAt").asString()).isEqualTo(after.toString());
        assertThat(get(owner, v + "/alarms/" + alarm.path("id").asString(), 200)).isEqualTo(alarm);
        assertThat(items(get(owner, v + "/alarms?type=vehicle.alarm.status", 200), "alarms")).isEmpty();
        get(owner, v + "/alarms?type=vehicle.alarm.siren", 400);
        get(owner, v + "/alarms/nope", 404);

        JsonNode telemetry = get(owner, v + "/telemetry?pageSize=100", 200);
        List<JsonNode> samples = items(telemetry, "telemetries");
        assertThat(samples).isNotEmpty();
        Instant joined = t0.plusSeconds(2500);
        assertThat(samples).allSatisfy(t -> assertThat(Instant.parse(t.path("createdAt").asString()))
                .isAfterOrEqualTo(joined));
        assertThat(samples).extracting(t -> t.path("vehicle").path("odometer").path("mileage").asDouble())
                .contains(200.0).doesNotContain(100.0);
        get(owner, v + "/telemetry?type=vehicle.teleport", 400);
        // another partner's fleet, or a car not in this fleet
        get(other, v + "/alarms", 403);
        get(owner, "/fleets/" + fleet.id() + "/vehicles/" + foreign.vehicle().apiId() + "/telemetry", 403);
    }

    @Test
    void indexPagingOfAVehicleListGoesThroughEveryItemOnce() {
        JsonNode first = get(owner, vehiclePath(open) + "/alerts?pageSize=1", 200);
        assertThat(first.path("total").asLong()).isEqualTo(2);
        assertThat(first.path("totalPage").asLong()).isEqualTo(2);
        JsonNode second = follow(owner, first.path("_links").path("next"), 200);
        assertThat(second.path("currentPage").asLong()).isEqualTo(2);
        assertThat(second.path("_links").has("next")).isFalse();
        List<String> types = new ArrayList<>(strings(items(first, "alerts"), "type"));
        types.addAll(strings(items(second, "alerts"), "type"));
        assertThat(types).containsExactly("AddWasherFluid", "RiskOfIce");
        // indexRange and time windows
        assertThat(strings(items(get(owner, vehiclePath(open) + "/alerts?indexRange=1-1", 200), "alerts"), "type"))
                .containsExactly("RiskOfIce");
        assertThat(strings(items(get(owner, vehiclePath(open) + "/alerts?timestamps=" + t0 + "/"
                + t0.plusSeconds(100), 200), "alerts"), "type")).containsExactly("RiskOfIce");
    }

    @Test
    void whatAVehicleSentBeforeItJoinedIsNotTheFleets() {
        JsonNode alerts = get(owner, vehiclePath(late) + "/alerts", 200);
        assertThat(strings(items(alerts, "alerts"), "startedAt")).containsExactly(t0.plusSeconds(3000).toString());
        assertThat(alerts.path("total").asLong()).isEqualTo(1);
        assertThat(strings(items(get(owner, vehiclePath(late) + "/collisions", 200), "Collisions"), "createdAt"))
                .containsExactly(t0.plusSeconds(3010).toString());
        // not in the fleet-wide lists either
        List<JsonNode> fleetAlerts = pageThrough(owner, "/fleets/" + fleet.id() + "/alerts?pageSize=60", "alerts");
        assertThat(fleetAlerts.stream().filter(a -> a.path("vin").stringValue().equals(vin(late)))
                .map(a -> a.path("startedAt").stringValue())).containsExactly(t0.plusSeconds(3000).toString());
    }

    @Test
    void tripsOfAVehicleWithWhatHappenedDuringThem() {
        JsonNode page = get(owner, vehiclePath(open) + "/trips", 200);
        List<JsonNode> trips = items(page, "trips");
        assertThat(trips).hasSize(1);
        JsonNode trip = trips.get(0);
        assertThat(trip.path("vin").stringValue()).isEqualTo(vin(open));
        assertThat(trip.path("startedAt").stringValue()).isEqualTo(t0.toString());
        assertThat(trip.path("stoppedAt").stringValue()).isEqualTo(t0.plusSeconds(330).toString());
        assertThat(trip.path("duration").asLong()).isEqualTo(330);
        assertThat(trip.path("distance").asDouble()).isEqualTo(2.75);
        assertThat(trip.path("done").asBoolean()).isTrue();
        String tripPath = vehiclePath(open) + "/trips/" + trip.path("id").stringValue();
        assertThat(trip.path("_links").path("self").path("href").stringValue()).isEqualTo(href(owner, tripPath));
        assertThat(follow(owner, trip.path("_links").path("self"), 200)).isEqualTo(trip);

        JsonNode alerts = follow(owner, trip.path("_links").path("alerts"), 200);
        List<JsonNode> during = items(alerts, "alerts");
        assertThat(strings(during, "startedAt")).containsExactly(t0.plusSeconds(45).toString());
        assertThat(during.get(0).path("_links").path("self").path("href").stringValue())
                .isEqualTo(href(owner, tripPath + "/alerts/" + during.get(0).path("id").stringValue()));
        assertThat(follow(owner, during.get(0).path("_links").path("self"), 200)).isEqualTo(during.get(0));
        JsonNode collisions = follow(owner, trip.path("_links").path("collisions"), 200);
        assertThat(strings(items(collisions, "Collisions"), "createdAt")).containsExactly(t0.plusSeconds(75).toString());

        JsonNode path = follow(owner, trip.path("_links").path("waypoints"), 200);
        List<JsonNode> points = items(path, "positions");
        assertThat(points).hasSize(12);
        assertThat(points.get(0).path("geometry").path("coordinates").get(0).asDouble()).isEqualTo(2.35);
        // a tolerance of 100 m keeps the ends of this near-straight path only
        List<JsonNode> simplified = items(get(owner, tripPath + "/wayPoints?tolerance=0.1", 200), "positions");
        assertThat(simplified).containsExactly(points.get(0), points.get(points.size() - 1));
        get(owner, tripPath + "/wayPoints?tolerance=far", 400);

        JsonNode telemetry = get(owner, tripPath + "/telemetry?type=vehicle.energies&pageSize=5", 200);
        assertThat(telemetry.path("total").asLong()).isEqualTo(12);
        assertThat(items(telemetry, "telemetries")).hasSize(5);
        assertThat(strings(items(telemetry, "telemetries"), "createdAt")).containsExactly(
                t0.plusSeconds(330).toString(), t0.plusSeconds(300).toString(), t0.plusSeconds(270).toString(),
                t0.plusSeconds(240).toString(), t0.plusSeconds(210).toString());
        JsonNode rest = follow(owner, follow(owner, telemetry.path("_links").path("next"), 200).path("_links")
                .path("next"), 200);
        assertThat(items(rest, "telemetries")).hasSize(2);
        assertThat(rest.path("_links").has("next")).isFalse();

        // filters
        assertThat(items(get(owner, vehiclePath(open) + "/trips?distance=3-", 200), "trips")).isEmpty();
        assertThat(items(get(owner, vehiclePath(open) + "/trips?distance=2-3&duration=300-400&states=Nominal", 200),
                "trips")).hasSize(1);
        get(owner, vehiclePath(open) + "/trips?states=Lost", 400);
        get(owner, vehiclePath(open) + "/trips/no-such-trip", 404);
        get(owner, vehiclePath(open) + "/trips/" + trip.path("id").stringValue() + "/alerts/no-such-alert", 404);
    }

    @Test
    void theEndUserProfileAppliesTheCarsPrivacyMode() {
        JsonNode asFleet = items(get(owner, vehiclePath(geoPrivate) + "/trips", 200), "trips").get(0);
        JsonNode asUser = items(get(owner, vehiclePath(geoPrivate) + "/trips?profile=endUser", 200), "trips").get(0);
        assertThat(asUser.has("startPosition")).isFalse();
        assertThat(asUser.has("stopPosition")).isFalse();
        assertThat(asUser.path("startedAt")).isEqualTo(asFleet.path("startedAt"));
        assertThat(asUser.path("vin").stringValue()).isEqualTo(vin(geoPrivate));
        JsonNode alertAsUser = items(get(owner, vehiclePath(geoPrivate) + "/alerts?profile=endUser", 200), "alerts")
                .get(0);
        assertThat(alertAsUser.has("startPosition")).isFalse();
        assertThat(alertAsUser.path("type").stringValue()).isEqualTo("RiskOfIce");
        // waypoints are positions: none under the end user's privacy
        String tripPath = vehiclePath(geoPrivate) + "/trips/" + asUser.path("id").stringValue();
        assertThat(items(get(owner, tripPath + "/wayPoints?profile=endUser", 200), "positions")).isEmpty();
        // fleet-wide, the same
        List<JsonNode> fleetWide = pageThrough(owner, "/fleets/" + fleet.id() + "/alerts?profile=endUser&pageSize=60",
                "alerts");
        assertThat(fleetWide.stream().filter(a -> a.path("vin").stringValue().equals(vin(geoPrivate)))
                .allMatch(a -> !a.has("startPosition"))).isTrue();
        get(owner, vehiclePath(geoPrivate) + "/alerts?profile=driver", 400);
    }

    // ------------------------------------------------------------------ fleet-wide

    /** Pages through a fleet-wide list by its next links, checking each page's counters. */
    List<JsonNode> pageThrough(B2bClient client, String path, String name) {
        List<JsonNode> all = new ArrayList<>();
        JsonNode page = get(client, path, 200);
        long total = page.path("total").asLong();
        int pages = 1;
        while (true) {
            assertThat(page.path("currentPage").asLong()).isEqualTo(pages);
            assertThat(page.path("total").asLong()).isEqualTo(total);
            all.addAll(items(page, name));
            if (!page.path("_links").has("next")) {
                break;
            }
            page = follow(client, page.path("_links").path("next"), 200);
            pages++;
        }
        return all;
    }

    @Test
    void fleetAlertsPageByKeysetThroughEveryItemOnceAsNewOnesArrive() {
        JsonNode first = get(owner, "/fleets/" + fleet.id() + "/alerts?pageSize=2", 200);
        // the fleet's members now, from their joining: not the one that left, not the late one's early alert
        List<String> expected = List.of(t0.plusSeconds(3000), t0.plusSeconds(2045), t0.plusSeconds(1000),
                t0.plusSeconds(45)).stream().map(Instant::toString).toList();
        assertThat(first.path("total").asLong()).isEqualTo(4);
        assertThat(first.path("totalPage").asLong()).isEqualTo(2);
        assertThat(first.path("_links").has("prev")).isFalse();
        // an alert arriving now is newer than all paged: it must neither repeat nor push another out
        send(alert(busy, Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(5), "AdBlueFault"));
        EventConsumers.awaitCaughtUp(events);
        List<JsonNode> all = new ArrayList<>(items(first, "alerts"));
        JsonNode second = follow(owner, first.path("_links").path("next"), 200);
        assertThat(second.path("currentPage").asLong()).isEqualTo(2);
        assertThat(second.path("total").asLong()).isEqualTo(4);
        assertThat(second.path("_links").has("next")).isFalse();
        all.addAll(items(second, "alerts"));
        assertThat(strings(all, "startedAt")).containsExactlyElementsOf(expected);
        assertThat(strings(all, "vin")).containsExactly(vin(late), vin(geoPrivate), vin(open), vin(open));
        // each item leads to itself under its vehicle, and the fleet-wide item is the same
        for (JsonNode a : all) {
            assertThat(follow(owner, a.path("_links").path("self"), 200)).isEqualTo(a);
            assertThat(get(owner, "/fleets/" + fleet.id() + "/alerts/" + a.path("id").stringValue(), 200)).isEqualTo(a);
        }
        // a new listing sees the new alert first
        JsonNode again = get(owner, "/fleets/" + fleet.id() + "/alerts?pageSize=60", 200);
        assertThat(again.path("total").asLong()).isEqualTo(5);
        // one by one, in order, every item once
        List<JsonNode> single = pageThrough(owner, "/fleets/" + fleet.id() + "/alerts?pageSize=1", "alerts");
        assertThat(single).containsExactlyElementsOf(items(again, "alerts"));
        List<JsonNode> sorted = new ArrayList<>(single);
        sorted.sort(Comparator.comparing((JsonNode a) -> a.path("startedAt").stringValue()).reversed());
        assertThat(single).containsExactlyElementsOf(sorted);
    }

    @Test
    void fleetCollisionsAndTripsLikewise() {
        List<JsonNode> collisions = pageThrough(owner, "/fleets/" + fleet.id() + "/collisions?pageSize=1", "Collisions");
        assertThat(strings(collisions, "createdAt")).containsExactly(t0.plusSeconds(3010).toString(),
                t0.plusSeconds(75).toString());
        for (JsonNode c : collisions) {
            assertThat(get(owner, "/fleets/" + fleet.id() + "/collisions/" + c.path("id").stringValue(), 200))
                    .isEqualTo(c);
        }
        List<JsonNode> trips = pageThrough(owner, "/fleets/" + fleet.id() + "/trips?pageSize=1", "trips");
        assertThat(strings(trips, "startedAt")).containsExactly(t0.plusSeconds(2000).toString(), t0.toString());
        assertThat(strings(trips, "vin")).containsExactly(vin(geoPrivate), vin(open));
        for (JsonNode t : trips) {
            assertThat(follow(owner, t.path("_links").path("self"), 200)).isEqualTo(t);
        }
        assertThat(strings(items(get(owner, "/fleets/" + fleet.id() + "/trips?distance=2-", 200), "trips"), "vin"))
                .containsExactly(vin(open));
        assertThat(items(get(owner, "/fleets/" + fleet.id() + "/trips?states=Unstarted", 200), "trips")).isEmpty();
        assertThat(strings(items(get(owner, "/fleets/" + fleet.id() + "/trips?timestamps=" + t0.plusSeconds(1000)
                + "/", 200), "trips"), "vin")).containsExactly(vin(geoPrivate));
        JsonNode ranged = get(owner, "/fleets/" + fleet.id() + "/alerts?indexRange=1-2&pageSize=1&timestamps=" + t0
                + "/PT2H", 200);
        assertThat(strings(items(ranged, "alerts"), "startedAt")).containsExactly(t0.plusSeconds(2045).toString());
        JsonNode rangedNext = follow(owner, ranged.path("_links").path("next"), 200);
        assertThat(strings(items(rangedNext, "alerts"), "startedAt")).containsExactly(t0.plusSeconds(1000).toString());
        assertThat(rangedNext.path("_links").has("next")).isFalse();
    }

    @Test
    void pageTokensAreTheServersOnly() {
        JsonNode first = get(owner, "/fleets/" + fleet.id() + "/alerts?pageSize=1", 200);
        String next = first.path("_links").path("next").path("href").stringValue();
        String token = next.replaceAll(".*[?&]pageToken=([^&]*).*", "$1");
        // garbled
        get(owner, "/fleets/" + fleet.id() + "/alerts?pageSize=1&pageToken=not-a-token", 400);
        get(owner, "/fleets/" + fleet.id() + "/alerts?pageSize=1&pageToken=%25%25", 400);
        // altered: one byte of the key changed
        byte[] raw = Base64.getUrlDecoder().decode(token);
        raw[12] ^= 1;
        String altered = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        get(owner, "/fleets/" + fleet.id() + "/alerts?pageSize=1&pageToken=" + altered, 400);
        // taken to another list (other filters, other resource)
        get(owner, "/fleets/" + fleet.id() + "/alerts?pageSize=1&profile=endUser&pageToken=" + token, 400);
        get(owner, "/fleets/" + fleet.id() + "/collisions?pageSize=1&pageToken=" + token, 400);
        // bad paging parameters
        get(owner, "/fleets/" + fleet.id() + "/alerts?pageSize=0", 400);
        get(owner, "/fleets/" + fleet.id() + "/alerts?pageSize=61", 400);
        get(owner, "/fleets/" + fleet.id() + "/alerts?indexRange=5-1", 400);
        get(owner, "/fleets/" + fleet.id() + "/alerts?indexRange=999999-", 400);
        get(owner, "/fleets/" + fleet.id() + "/alerts?timestamps=yesterday", 400);
        get(owner, "/fleets/" + fleet.id() + "/alerts?profile=driver", 400);
    }

    @Test
    void onlyTheOwnerReachesItsFleetAndOnlyItsVehiclesNow() {
        String fid = fleet.id();
        // another partner's fleet, and its vehicles through it
        get(other, "/fleets/" + fid + "/alerts", 403);
        get(other, "/fleets/" + fid + "/trips", 403);
        get(other, "/fleets/" + fid + "/collisions", 403);
        get(other, vehiclePath(open) + "/alerts", 403);
        get(other, vehiclePath(open) + "/trips", 403);
        JsonNode anAlert = items(get(owner, vehiclePath(open) + "/alerts", 200), "alerts").get(0);
        get(other, "/fleets/" + fid + "/alerts/" + anAlert.path("id").stringValue(), 403);
        // unknown fleet, unknown vehicle, unknown items
        get(owner, "/fleets/no-such-fleet/alerts", 404);
        get(owner, "/fleets/" + fid + "/vehicles/no-such-vehicle/alerts", 404);
        get(owner, vehiclePath(open) + "/alerts/no-such-alert", 404);
        get(owner, vehiclePath(open) + "/collisions/no-such-collision", 404);
        get(owner, "/fleets/" + fid + "/collisions/no-such-collision", 404);
        // a vehicle of another fleet, and one that left: not in this fleet
        get(owner, vehiclePath(foreign) + "/alerts", 403);
        get(owner, vehiclePath(gone) + "/alerts", 403);
        get(owner, vehiclePath(gone) + "/trips", 403);
        // the other partner's alert is not this fleet's, nor the one of the vehicle that left
        JsonNode foreignAlert = items(get(other, "/fleets/" + fleets.membership(vin(foreign)).orElseThrow().fleetId()
                + "/vehicles/" + vin(foreign) + "/alerts", 200), "alerts").get(0);
        get(owner, "/fleets/" + fid + "/alerts/" + foreignAlert.path("id").stringValue(), 404);
        List<JsonNode> listed = pageThrough(owner, "/fleets/" + fid + "/alerts?pageSize=60", "alerts");
        assertThat(strings(listed, "vin")).doesNotContain(vin(gone), vin(foreign));
        // an alert that started before its vehicle joined is unknown to the fleet
        get(owner, "/fleets/" + fid + "/alerts?timestamps=" + t0 + "/" + t0.plusSeconds(200), 200);
        assertThat(strings(items(get(owner, "/fleets/" + fid + "/alerts?timestamps=" + t0 + "/"
                + t0.plusSeconds(200), 200), "alerts"), "vin")).containsExactly(vin(open));
    }

    @Test
    void aContractWithoutTheDataRefusesItsLists() {
        String base = "/fleets/" + telemetryFleetId;
        String vehicle = base + "/vehicles/" + telemetryVehicle;
        for (String path : List.of(base + "/alerts", base + "/collisions", base + "/trips", base + "/alerts/any",
                base + "/collisions/any", vehicle + "/alerts", vehicle + "/alerts/any", vehicle + "/collisions",
                vehicle + "/collisions/any", vehicle + "/trips", vehicle + "/trips/any", vehicle + "/trips/any/alerts",
                vehicle + "/trips/any/alerts/any", vehicle + "/trips/any/collisions", vehicle + "/trips/any/wayPoints",
                vehicle + "/trips/any/telemetry")) {
            JsonNode error = get(telemetryOnly, path, 403);
            assertThat(error.path("message").stringValue()).as(path).contains("data:");
        }
    }
}
