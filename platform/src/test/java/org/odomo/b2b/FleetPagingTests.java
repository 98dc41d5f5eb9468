package org.odomo.b2b;

import static org.assertj.core.api.Assertions.assertThat;
import static org.odomo.b2b.FleetApiSupport.get;
import static org.odomo.b2b.FleetApiSupport.path;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.odomo.apps.PartnerRegistry;
import org.odomo.fleet.Fleet;
import org.odomo.fleet.FleetDirectory;
import org.odomo.ingest.IngestGateway;
import org.odomo.ingest.IngestOutcome;
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

/**
 * Paging through a fleet of a few hundred vehicles, each with a current state: the fleet-wide
 * status and maintenance lists and the vehicle list hold every vehicle exactly once in VIN order,
 * their links (self, first, prev, next, last) lead where the collection says, and a page token is
 * accepted only as the server issued it, for the collection it issued it for.
 */
@PublishedSpecs
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetPagingTests {

    static final int VEHICLES = 250;

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
    Fleet fleet;
    Fleet small;
    final TreeSet<String> vins = new TreeSet<>();

    @BeforeAll
    void aFleetOfAFewHundredVehicles() {
        partner = new B2bClient(port, B2bPartners.register(partners, "paging-" + System.nanoTime() % 1_000_000,
                Set.of(Scopes.TELEMETRY, Scopes.POSITION)));
        fleet = fleets.create(partner.credentials().partner().id(), "Large", "");
        small = fleets.create(partner.credentials().partner().id(), "Small", "");
        List<RegisteredVehicle> cars = new ArrayList<>();
        Instant joined = null;
        for (int i = 0; i < VEHICLES; i++) {
            RegisteredVehicle car = registry.register(new NewVehicle(TestVehicles.newVin(), Brand.PEUGEOT,
                    i % 2 == 0 ? "P-E208" : "P-308", null, PrivacyMode.DATA_AND_LOCATION,
                    EnumSet.of(ConnectedService.PARTNER)));
            joined = fleets.addVehicle(fleet.id(), car.vehicle().vin()).joinedAt();
            cars.add(car);
            vins.add(car.vehicle().vin());
        }
        Instant at = joined.plusSeconds(1).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        List<CompletableFuture<IngestOutcome>> sent = new ArrayList<>();
        for (RegisteredVehicle car : cars) {
            sent.add(gateway.submit(TestVehicles.bytes(FleetApiSupport.telemetry(car.vehicle().vin(),
                    car.credential(), at, 2.0, 48.0, 1000.0))));
        }
        sent.forEach(f -> assertThat(f.join()).isEqualTo(IngestOutcome.STORED));
    }

    record Walk(List<String> vins, List<JsonNode> pages) {
    }

    /** Follows next links from the first page to the end. */
    Walk forward(String first, String items) {
        List<String> seen = new ArrayList<>();
        List<JsonNode> pages = new ArrayList<>();
        String next = first;
        while (next != null) {
            JsonNode page = get(partner, next, 200);
            pages.add(page);
            page.path("_embedded").path(items).forEach(i -> seen.add(i.path("vin").stringValue()));
            assertThat(page.path("currentPage").asInt()).isEqualTo(pages.size());
            next = page.path("_links").has("next") ? path(page.path("_links").path("next")) : null;
            assertThat(pages.size()).as("pages").isLessThan(VEHICLES);
        }
        return new Walk(seen, pages);
    }

    @Test
    void theStatusListHoldsEveryVehicleOnceInVinOrderAndItsLinksAgree() {
        String base = "/fleets/" + fleet.id() + "/status";
        Walk walk = forward(base + "?pageSize=7", "status");
        assertThat(walk.vins()).containsExactlyElementsOf(vins);
        int pages = (VEHICLES + 6) / 7;
        assertThat(walk.pages()).hasSize(pages);
        for (int i = 0; i < pages; i++) {
            JsonNode page = walk.pages().get(i);
            assertThat(page.path("total").asInt()).isEqualTo(VEHICLES);
            assertThat(page.path("totalPage").asInt()).isEqualTo(pages);
            assertThat(page.path("_embedded").path("status")).hasSize(i < pages - 1 ? 7 : VEHICLES - 7 * (pages - 1));
            JsonNode links = page.path("_links");
            assertThat(path(links.path("first"))).isEqualTo(base + "?pageSize=7");
            // Following prev gives the page before, first the first one, self the page itself.
            if (i == 0) {
                assertThat(links.has("prev")).isFalse();
            } else {
                assertThat(get(partner, path(links.path("prev")), 200).path("_embedded"))
                        .isEqualTo(walk.pages().get(i - 1).path("_embedded"));
            }
            assertThat(links.has("next")).isEqualTo(i < pages - 1);
            assertThat(get(partner, path(links.path("self")), 200)).isEqualTo(page);
            assertThat(get(partner, path(links.path("last")), 200).path("_embedded"))
                    .isEqualTo(walk.pages().get(pages - 1).path("_embedded"));
        }
        // The last page, reached at once, links back like the one reached page by page.
        JsonNode last = get(partner, path(walk.pages().get(0).path("_links").path("last")), 200);
        assertThat(last.path("currentPage").asInt()).isEqualTo(pages);
        assertThat(last.path("_links").has("next")).isFalse();
        assertThat(get(partner, path(last.path("_links").path("prev")), 200).path("_embedded"))
                .isEqualTo(walk.pages().get(pages - 2).path("_embedded"));
        // Each item is the vehicle's status as its own operation shows it (items omit only what
        // the catalog grants to the single status).
        JsonNode item = walk.pages().get(3).path("_embedded").path("status").get(2);
        JsonNode single = get(partner, path(item.path("_links").path("self")), 200);
        assertThat(item).isEqualTo(single);
    }

    @Test
    void theMaintenanceListAndTheVehicleListPageTheSameWay() {
        Walk maintenances = forward("/fleets/" + fleet.id() + "/maintenances?pageSize=60&profile=endUser",
                "maintenances");
        assertThat(maintenances.vins()).containsExactlyElementsOf(vins);
        for (JsonNode page : maintenances.pages()) {
            for (JsonNode item : page.path("_embedded").path("maintenances")) {
                assertThat(item.path("daysBeforeMaintenance").asInt()).isEqualTo(120);
                assertThat(item.path("mileageBeforeMaintenance").asDouble()).isEqualTo(8000.0);
            }
            assertThat(path(page.path("_links").path("self"))).contains("profile=endUser");
        }
        Walk vehicles = forward("/fleets/" + fleet.id() + "/vehicles?pageSize=13", "vehicles");
        assertThat(vehicles.vins()).containsExactlyElementsOf(vins);

        String prefix = vins.first().substring(0, 16);
        Walk filtered = forward("/fleets/" + fleet.id() + "/vehicles?pageSize=2&vinPrefix=" + prefix, "vehicles");
        assertThat(filtered.vins()).containsExactlyElementsOf(vins.subSet(prefix, prefix + "\uffff"));
    }

    @Test
    void anIndexRangeBoundsTheCollection() {
        List<String> all = new ArrayList<>(vins);
        Walk range = forward("/fleets/" + fleet.id() + "/status?pageSize=4&indexRange=10-20", "status");
        assertThat(range.vins()).containsExactlyElementsOf(all.subList(10, 21));
        assertThat(range.pages().get(0).path("total").asInt()).isEqualTo(11);
        assertThat(range.pages().get(0).path("totalPage").asInt()).isEqualTo(3);
        Walk open = forward("/fleets/" + fleet.id() + "/status?pageSize=60&indexRange=240-", "status");
        assertThat(open.vins()).containsExactlyElementsOf(all.subList(240, VEHICLES));
        get(partner, "/fleets/" + fleet.id() + "/status?indexRange=9-1", 400);
        get(partner, "/fleets/" + fleet.id() + "/status?indexRange=first", 400);
    }

    @Test
    void aPageTokenIsAcceptedOnlyAsIssuedForItsCollection() {
        JsonNode first = get(partner, "/fleets/" + fleet.id() + "/status?pageSize=5", 200);
        String next = path(first.path("_links").path("next"));
        String token = next.replaceAll(".*pageToken=([^&]*).*", "$1");
        get(partner, next, 200);
        for (String forged : List.of("garbage", token.substring(0, token.length() - 2) + "AA",
                "b1w6" + token.substring(4), token.replace('.', '-'), "." + token, "")) {
            JsonNode error = get(partner, "/fleets/" + fleet.id() + "/status?pageSize=5&pageToken=" + forged,
                    400);
            assertThat(error.path("code").asInt()).isEqualTo(40001);
        }
        // Another collection: another fleet, another operation.
        get(partner, "/fleets/" + small.id() + "/status?pageSize=5&pageToken=" + token, 400);
        get(partner, "/fleets/" + fleet.id() + "/maintenances?pageSize=5&pageToken=" + token, 400);
        get(partner, "/fleets/" + fleet.id() + "/vehicles?pageSize=5&pageToken=" + token, 400);
        // Another page size than the token's pages.
        get(partner, "/fleets/" + fleet.id() + "/status?pageSize=6&pageToken=" + token, 400);
        get(partner, "/fleets/" + fleet.id() + "/status?pageSize=61", 400);
        get(partner, "/fleets/" + fleet.id() + "/status?pageSize=0", 400);
        get(partner, "/fleets/" + fleet.id() + "/status?profile=partner", 400);
        // An empty fleet: one empty page.
        JsonNode empty = get(partner, "/fleets/" + small.id() + "/status", 200);
        assertThat(empty.path("total").asInt()).isZero();
        assertThat(empty.path("totalPage").asInt()).isEqualTo(1);
        assertThat(empty.path("_embedded").path("status")).isEmpty();
    }
}
