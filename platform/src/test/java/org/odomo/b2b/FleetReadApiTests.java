package org.odomo.b2b;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.odomo.b2b.FleetApiSupport.JSON;
import static org.odomo.b2b.FleetApiSupport.get;
import static org.odomo.b2b.FleetApiSupport.ingest;
import static org.odomo.b2b.FleetApiSupport.telemetry;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.odomo.apps.PartnerRegistry;
import org.odomo.fleet.Fleet;
import org.odomo.fleet.FleetDirectory;
import org.odomo.fleet.Membership;
import org.odomo.ingest.IngestGateway;
import org.odomo.ingest.TestVehicles;
import org.odomo.spec.PublishedSpecs;
import org.odomo.support.B2bClient;
import org.odomo.support.B2bPartners;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.ConnectedService;
import org.odomo.vehicle.NewVehicle;
import org.odomo.vehicle.PrivacyMode;
import org.odomo.vehicle.RegisteredVehicle;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The fleet API's reads over HTTP as a partner (client certificate, Basic, client_id): fleets,
 * their vehicles and each vehicle's current data, every answer and error held against
 * api-b2b.yaml; which fleet and vehicle a partner reaches, what the contract, the profile and the
 * car's privacy mode let through, and that a fleet sees nothing measured before the car joined.
 */
@PublishedSpecs
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetReadApiTests {

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

    B2bClient partner;
    B2bClient other;
    B2bClient withoutPosition;
    Fleet fleet;
    Fleet secondFleet;
    Fleet otherFleet;
    Fleet noPositionFleet;
    final long run = System.nanoTime() % 1_000_000;

    @BeforeAll
    void partnersAndFleets() {
        partner = new B2bClient(port, B2bPartners.register(partners, "reads-" + run,
                Set.of(Scopes.TELEMETRY, Scopes.POSITION, Scopes.ALERT)));
        other = new B2bClient(port, B2bPartners.register(partners, "reads-other-" + run,
                Set.of(Scopes.TELEMETRY, Scopes.POSITION)));
        withoutPosition = new B2bClient(port, B2bPartners.register(partners, "reads-nopos-" + run,
                Set.of(Scopes.TELEMETRY)));
        fleet = fleets.create(partner.credentials().partner().id(), "Vans", "Delivery vans");
        secondFleet = fleets.create(partner.credentials().partner().id(), "Cars", "");
        otherFleet = fleets.create(other.credentials().partner().id(), "Theirs", "");
        noPositionFleet = fleets.create(withoutPosition.credentials().partner().id(), "Blind", "");
    }

    RegisteredVehicle car(String model, PrivacyMode mode) {
        return registry.register(new NewVehicle(TestVehicles.newVin(), Brand.PEUGEOT, model, null, mode,
                EnumSet.of(ConnectedService.PARTNER)));
    }

    /** A car in the fleet that sent one telemetry message after it joined; returns when it was measured. */
    Instant carWithData(Fleet into, RegisteredVehicle car, double lon, double lat) {
        Membership m = fleets.addVehicle(into.id(), car.vehicle().vin());
        Instant at = m.joinedAt().plusSeconds(1).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        ingest(gateway, telemetry(car.vehicle().vin(), car.credential(), at, lon, lat, 12345.0));
        return at;
    }

    String origin() {
        return "http://127.0.0.1:" + port + B2bClient.BASE;
    }

    String href(B2bClient client, String path) {
        return origin() + path + "?client_id=" + client.credentials().clientId();
    }

    ObjectNode link(B2bClient client, String path) {
        ObjectNode link = JSON.createObjectNode();
        link.put("href", href(client, path));
        return link;
    }

    @Test
    void aPartnerReadsItsFleetsAndOnlyThem() {
        JsonNode list = get(partner, "/fleets", 200);
        assertThat(list.path("total").asInt()).isEqualTo(2);
        assertThat(list.path("_embedded").path("fleets").findValuesAsString("id"))
                .containsExactly(fleet.id(), secondFleet.id());

        JsonNode one = get(partner, "/fleets/" + fleet.id(), 200);
        ObjectNode expected = JSON.createObjectNode();
        ObjectNode links = expected.putObject("_links");
        String base = "/fleets/" + fleet.id();
        links.set("self", link(partner, base));
        for (String sub : List.of("vehicles", "status", "maintenances", "alerts", "trips", "collisions", "monitors")) {
            links.set(sub, link(partner, base + "/" + sub));
        }
        links.set("callbacks", link(partner, base + "/remote/callbacks"));
        expected.put("id", fleet.id());
        expected.put("name", "Vans");
        expected.put("description", "Delivery vans");
        expected.put("createdAt", fleet.createdAt().toString());
        expected.put("updatedAt", fleet.updatedAt().toString());
        assertThat(normalizedTimes(one)).isEqualTo(normalizedTimes(expected));

        assertThat(get(other, "/fleets/" + fleet.id(), 403).path("code").asInt()).isEqualTo(40300);
        get(partner, "/fleets/no-such-fleet", 404);
        get(partner, "/fleets?pageSize=0", 400);
        get(partner, "/fleets?pageSize=61", 400);
        get(partner, "/fleets?pageToken=garbage", 400);
    }

    /** Times compared as instants: the API may write them with another precision than Java does. */
    static JsonNode normalizedTimes(JsonNode node) {
        JsonNode copy = node.deepCopy();
        for (String f : List.of("createdAt", "updatedAt")) {
            if (copy.has(f)) {
                ((ObjectNode) copy).put(f, Instant.parse(copy.path(f).stringValue()).truncatedTo(ChronoUnit.MILLIS)
                        .toString());
            }
        }
        return copy;
    }

    @Test
    void vehiclesOfTheFleetWithTheirExtensions() {
        Fleet own = secondFleet;
        RegisteredVehicle bev = car("P-E208", PrivacyMode.DATA_AND_LOCATION);
        RegisteredVehicle ice = car("P-308", PrivacyMode.DATA_AND_LOCATION);
        fleets.addVehicle(own.id(), bev.vehicle().vin());
        fleets.addVehicle(own.id(), ice.vehicle().vin());
        String base = "/fleets/" + own.id() + "/vehicles";

        JsonNode list = get(partner, base + "?extension=branding,pictures", 200);
        assertThat(list.path("total").asInt()).isEqualTo(2);
        List<String> vins = list.path("_embedded").path("vehicles").findValuesAsString("vin");
        assertThat(vins).containsExactlyElementsOf(
                new java.util.TreeSet<>(List.of(bev.vehicle().vin(), ice.vehicle().vin())));
        for (JsonNode item : list.path("_embedded").path("vehicles")) {
            assertThat(item.path("_embedded").path("extension").path("branding").path("brand").stringValue())
                    .isEqualTo("Peugeot");
            assertThat(item.path("_links").path("fleet")).isEqualTo(link(partner, "/fleets/" + own.id()));
        }
        JsonNode filtered = get(partner, base + "?vinPrefix=" + bev.vehicle().vin().substring(0, 17), 200);
        assertThat(filtered.path("_embedded").path("vehicles").findValuesAsString("vin"))
                .containsExactly(bev.vehicle().vin());

        JsonNode one = get(partner, base + "/" + bev.vehicle().apiId() + "?extension=onboardCapabilities", 200);
        assertThat(one.path("id").stringValue()).isEqualTo(bev.vehicle().apiId());
        assertThat(one.path("vin").stringValue()).isEqualTo(bev.vehicle().vin());
        assertThat(one.path("motorization").stringValue()).isEqualTo("Electric");
        assertThat(one.path("_links").path("self")).isEqualTo(link(partner, base + "/" + bev.vehicle().apiId()));
        assertThat(one.path("_embedded").path("extension").path("onboardCapabilities").path("remote")
                .path("charging").path("supported").booleanValue()).isTrue();
        // The VIN is a vehicle id too.
        assertThat(get(partner, base + "/" + bev.vehicle().vin(), 200).path("id").stringValue())
                .isEqualTo(bev.vehicle().apiId());

        get(partner, base + "?extension=onboardCapabilities", 400);
        get(partner, base + "/" + bev.vehicle().apiId() + "?extension=teleportation", 400);
        get(partner, base + "?vinPrefix=VR3%25", 400);
        get(partner, base + "/no-such-vehicle", 404);
        get(other, base, 403);
        get(other, base + "/" + bev.vehicle().apiId(), 403);
    }

    @Test
    void statusPositionAndMaintenanceOfAVehicleOfTheFleet() {
        RegisteredVehicle bev = car("P-E208", PrivacyMode.DATA_AND_LOCATION);
        Instant at = carWithData(fleet, bev, 2.35, 48.85);
        String base = "/fleets/" + fleet.id() + "/vehicles/" + bev.vehicle().apiId();

        JsonNode status = get(partner, base + "/status", 200);
        assertThat(status.path("vin").stringValue()).isEqualTo(bev.vehicle().vin());
        assertThat(status.path("_links").path("fleet")).isEqualTo(link(partner, "/fleets/" + fleet.id()));
        assertThat(status.path("_links").path("vehicle")).isEqualTo(link(partner, base));
        assertThat(status.path("odometer").path("mileage").asDouble()).isEqualTo(12345.0);
        assertThat(status.path("energies").get(0).path("level").asDouble()).isEqualTo(64.0);
        assertThat(Instant.parse(status.path("createdAt").stringValue())).isEqualTo(at);

        JsonNode position = get(partner, base + "/lastPosition", 200);
        assertThat(position).isEqualTo(expectedPosition(2.35, 48.85, position));
        assertThat(Instant.parse(position.path("properties").path("createdAt").stringValue())).isEqualTo(at);
        assertThat(status.path("lastPosition")).isEqualTo(position);

        JsonNode maintenance = get(partner, base + "/maintenance", 200);
        ObjectNode expected = JSON.createObjectNode();
        ObjectNode links = expected.putObject("_links");
        links.set("self", link(partner, base + "/maintenance"));
        links.set("vehicle", link(partner, base));
        links.set("alerts", link(partner, base + "/alerts"));
        expected.put("vin", bev.vehicle().vin());
        expected.put("createdAt", at.toString());
        expected.put("updatedAt", at.toString());
        expected.put("daysBeforeMaintenance", 120);
        expected.put("mileageBeforeMaintenance", 8000.0);
        assertThat(normalizedTimes(maintenance)).isEqualTo(normalizedTimes(expected));

        get(partner, base + "/status?profile=owner", 400);
        get(partner, base + "/lastPosition?profile=", 400);
        get(other, base + "/status", 403);
        get(other, base + "/maintenance", 403);
        get(partner, "/fleets/" + secondFleet.id() + "/vehicles/" + bev.vehicle().apiId() + "/status", 403);
    }

    /** The feature GeoJSON as the contract describes it, with the time the answer carries. */
    static JsonNode expectedPosition(double lon, double lat, JsonNode answer) {
        ObjectNode feature = JSON.createObjectNode();
        feature.put("type", "Feature");
        ObjectNode geometry = feature.putObject("geometry");
        geometry.put("type", "Point");
        geometry.putArray("coordinates").add(lon).add(lat).add(35.0);
        feature.putObject("properties").put("createdAt", answer.path("properties").path("createdAt").stringValue());
        return feature;
    }

    @Test
    void theEndUserProfileAppliesTheCarsPrivacyModeAndTheFleetProfileDoesNot() {
        List<RegisteredVehicle> cars = new ArrayList<>();
        for (PrivacyMode mode : PrivacyMode.values()) {
            RegisteredVehicle car = car("P-E208", PrivacyMode.DATA_AND_LOCATION);
            carWithData(fleet, car, 5.0, 45.0);
            // The user then chose this mode in the car: what was uploaded before stays stored.
            registry.setPrivacyMode(car.vehicle().vin(), mode);
            cars.add(car);
        }
        for (int i = 0; i < cars.size(); i++) {
            PrivacyMode mode = PrivacyMode.values()[i];
            String base = "/fleets/" + fleet.id() + "/vehicles/" + cars.get(i).vehicle().apiId();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                // The fleet profile: the keeper of the car sees everything stored.
                JsonNode fleetStatus = get(partner, base + "/status?profile=fleet", 200);
                assertThat(fleetStatus.has("lastPosition")).as("%s fleet", mode).isTrue();
                assertThat(fleetStatus.has("odometer")).as("%s fleet", mode).isTrue();
                assertThat(get(partner, base + "/status", 200)).isEqualTo(withSelf(fleetStatus, base, null));
                get(partner, base + "/lastPosition?profile=fleet", 200);
                switch (mode) {
                    case DATA_AND_LOCATION -> {
                        JsonNode endUser = get(partner, base + "/status?profile=endUser", 200);
                        assertThat(endUser).isEqualTo(withSelf(fleetStatus, base, "endUser"));
                        get(partner, base + "/lastPosition?profile=endUser", 200);
                    }
                    case DATA -> {
                        JsonNode endUser = get(partner, base + "/status?profile=endUser", 200);
                        ObjectNode expected = (ObjectNode) withSelf(fleetStatus, base, "endUser");
                        expected.remove("lastPosition");
                        assertThat(endUser).isEqualTo(expected);
                        get(partner, base + "/lastPosition?profile=endUser", 404);
                    }
                    case PLANE -> {
                        get(partner, base + "/status?profile=endUser", 404);
                        get(partner, base + "/lastPosition?profile=endUser", 404);
                    }
                }
            });
        }
    }

    JsonNode withSelf(JsonNode status, String base, String profile) {
        ObjectNode copy = (ObjectNode) status.deepCopy();
        ((ObjectNode) copy.path("_links")).put("self", (String) null);
        ObjectNode self = JSON.createObjectNode();
        self.put("href", href(partner, base + "/status") + (profile == null ? "" : "&profile=" + profile));
        ((ObjectNode) copy.path("_links")).set("self", self);
        return copy;
    }

    @Test
    void aContractWithoutThePositionShowsNoPosition() {
        RegisteredVehicle car = car("P-E208", PrivacyMode.DATA_AND_LOCATION);
        carWithData(noPositionFleet, car, 7.0, 43.0);
        String base = "/fleets/" + noPositionFleet.id() + "/vehicles/" + car.vehicle().apiId();
        JsonNode status = get(withoutPosition, base + "/status", 200);
        assertThat(status.has("lastPosition")).isFalse();
        assertThat(status.path("odometer").path("mileage").asDouble()).isEqualTo(12345.0);
        assertThat(get(withoutPosition, base + "/lastPosition", 403).path("code").asInt()).isEqualTo(40301);
        JsonNode list = get(withoutPosition, "/fleets/" + noPositionFleet.id() + "/status", 200);
        assertThat(list.path("_embedded").path("status").get(0).has("lastPosition")).isFalse();
        assertThat(list.path("_embedded").path("status").get(0).path("vin").stringValue())
                .isEqualTo(car.vehicle().vin());
    }

    @Test
    void aVehicleMovedToAnotherFleetIsNoLongerTheOldFleetsAndTheNewOneSeesOnlyWhatFollows() {
        RegisteredVehicle car = car("P-E208", PrivacyMode.DATA_AND_LOCATION);
        Instant measured = carWithData(fleet, car, 1.0, 44.0);
        String old = "/fleets/" + fleet.id() + "/vehicles/" + car.vehicle().apiId();
        get(partner, old + "/status", 200);
        // The move comes after the measurement (measured a moment after the car joined the first fleet).
        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(measured));

        Membership moved = fleets.addVehicle(otherFleet.id(), car.vehicle().vin());
        String now = "/fleets/" + otherFleet.id() + "/vehicles/" + car.vehicle().apiId();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(get(partner, old + "/status", 403).path("code").asInt()).isEqualTo(40302);
            get(partner, old, 403);
            get(partner, old + "/lastPosition", 403);
            get(partner, old + "/maintenance", 403);
        });
        // Everything the car measured was measured before it joined the other partner's fleet.
        get(other, now, 200);
        get(other, now + "/status", 404);
        get(other, now + "/lastPosition", 404);
        get(other, now + "/maintenance", 404);

        Instant at = moved.joinedAt().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        ObjectNode odometerOnly = TestVehicles.envelope(car.vehicle().vin(), car.credential(),
                java.util.UUID.randomUUID().toString(), at, org.odomo.protocol.MessageType.TELEMETRY);
        odometerOnly.putObject("data").putObject("odometer").put("mileage", 12400.0);
        ingest(gateway, odometerOnly);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode status = get(other, now + "/status", 200);
            assertThat(status.path("odometer").path("mileage").asDouble()).isEqualTo(12400.0);
            // The position and energy were measured before the car joined this fleet.
            assertThat(status.has("lastPosition")).isFalse();
            assertThat(status.has("energies")).isFalse();
            assertThat(Instant.parse(status.path("createdAt").stringValue())).isEqualTo(at);
        });
        get(other, now + "/lastPosition", 404);
    }

    @Test
    void aPartnerReachesTheCapabilityApiForAnyVin() {
        // Apps and partners call it before a car is theirs (to know what it can do before enrolling
        // it): it is open to any authenticated caller, the VIN needing to be in none of its fleets.
        RegisteredVehicle car = car("P-E208", PrivacyMode.DATA_AND_LOCATION);
        JsonNode caps = get(partner, "/vehicles/" + car.vehicle().vin() + "?extension=onboardCapabilities", 200);
        assertThat(caps.path("vin").stringValue()).isEqualTo(car.vehicle().vin());
        assertThat(caps.path("motorization").stringValue()).isEqualTo("Electric");
        assertThat(caps.path("_embedded").path("extension").path("onboardCapabilities").path("remote").path("stolen")
                .path("supported").booleanValue()).isTrue();
        get(partner, "/vehicles/" + TestVehicles.newVin(), 404);
    }
}
