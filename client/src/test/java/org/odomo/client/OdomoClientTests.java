package org.odomo.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.odomo.client.support.BrowserLogin;
import org.odomo.client.support.RunningPlatform;

/**
 * The library against the running platform, as an app uses it: the operator registers the app,
 * the demo driver of the README enrolls through a loopback redirect, and the app reads the
 * driver's cars. Expected values come from the README (the demo accounts and their cars, the
 * error codes, the rate limits) and the API contract, not from the library.
 */
@ExtendWith(RunningPlatform.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OdomoClientTests {

    static final String DRIVER = "driver@peugeot.example";
    static final List<String> SCOPES = List.of(Scopes.TELEMETRY, Scopes.POSITION, Scopes.TRIP);

    RunningPlatform.Instance platform;
    RunningPlatform.App app;
    OdomoClient odomo;
    UserSession driver;

    @BeforeAll
    void enrollTheDemoDriver() {
        platform = RunningPlatform.instance();
        app = RunningPlatform.register("client-tests", SCOPES, "premium");
        odomo = client(app).build();
        driver = odomo.session(enroll(odomo, SCOPES));
    }

    OdomoClient.Builder client(RunningPlatform.App registered) {
        return OdomoClient.builder().baseUri(platform.baseUri()).realm(Realm.PEUGEOT).clientId(registered.clientId())
                .clientSecret(registered.clientSecret());
    }

    /** The enrollment of a desktop app: a loopback listener on any port, the user's login and consent. */
    static Tokens enroll(OdomoClient client, List<String> scopes) {
        try (LoopbackCallback callback = LoopbackCallback.start(0, "/callback")) {
            AuthorizationRequest request = client.authorizationRequest(scopes, callback.redirectUri());
            BrowserLogin browser = new BrowserLogin();
            URI back = browser.allow(request.uri(), DRIVER, RunningPlatform.DEMO_PASSWORD);
            assertThat(back.toString()).startsWith(callback.redirectUri() + "?");
            assertThat(browser.follow(back).statusCode()).isEqualTo(200);
            return client.exchange(request, callback.await(Duration.ofSeconds(10)));
        }
    }

    Vehicle car(String motorization) {
        return driver.vehicles().stream().filter(v -> motorization.equals(v.motorization())).findFirst().orElseThrow();
    }

    @Test
    void theEnrollmentGivesTokensForTheScopesAskedThatLastAnHour() {
        Instant before = Instant.now();
        Tokens tokens = enroll(odomo, List.of(Scopes.TELEMETRY, Scopes.OPENID));
        assertThat(tokens.scopes()).containsExactlyInAnyOrder(Scopes.TELEMETRY, Scopes.OPENID);
        assertThat(tokens.accessToken()).isNotBlank();
        assertThat(tokens.refreshToken()).isNotBlank();
        assertThat(tokens.idToken()).as("openid was granted").isNotBlank();
        // docs/identity.md: access tokens are valid one hour
        assertThat(tokens.expiresAt()).isBetween(before.plusSeconds(3540), Instant.now().plusSeconds(3600));
        assertThat(odomo.session(tokens).user().email()).isEqualTo(DRIVER);
    }

    @Test
    void aUserWhoDeclinesIsAnAuthorizationDeniedException() {
        AuthorizationRequest request = odomo.authorizationRequest(SCOPES, URI.create("http://127.0.0.1:9999/callback"));
        URI declined = URI.create("http://127.0.0.1:9999/callback?error=access_denied&state=" + request.state());
        AuthorizationDeniedException denied = catchThrowableOfType(AuthorizationDeniedException.class,
                () -> odomo.exchange(request, declined));
        assertThat(denied.error()).isEqualTo("access_denied");
        URI forged = URI.create("http://127.0.0.1:9999/callback?code=abc&state=another");
        assertThat(catchThrowableOfType(OdomoClientException.class, () -> odomo.exchange(request, forged)))
                .hasMessageContaining("state");
    }

    @Test
    void theDriverAndTheirFiveCarsAsTheReadmeListsThem() {
        User user = driver.user();
        assertThat(user.email()).isEqualTo(DRIVER);
        // README, demo accounts: an e-208, a 308, a 308 with the maintenance-only service, a 3008
        // Hybrid4 and an e-Expert Hydrogen
        Page<Vehicle> first = driver.vehicles();
        assertThat(first.total()).isEqualTo(5);
        assertThat(first.items()).extracting(Vehicle::motorization)
                .containsExactlyInAnyOrder("Electric", "Thermic", "Thermic", "Hybrid", "Hydrogen");
        assertThat(first.items()).allSatisfy(v -> assertThat(v.vin()).hasSize(17).startsWith("V"));
        Vehicle one = first.items().get(0);
        Vehicle read = driver.vehicle(one.id());
        assertThat(read.id()).isEqualTo(one.id());
        assertThat(read.vin()).isEqualTo(one.vin());
        assertThat(read.motorization()).isEqualTo(one.motorization());
    }

    @Test
    void pagesOfTwoVehiclesFollowTheNextLinksToTheSameFiveCars() {
        List<Vehicle> all = driver.vehicles().items();
        Page<Vehicle> page = driver.vehicles(PageRequest.ofSize(2));
        List<String> seen = new ArrayList<>();
        int number = 1;
        while (true) {
            assertThat(page.currentPage()).isEqualTo(number);
            assertThat(page.totalPages()).isEqualTo(3);
            assertThat(page.total()).isEqualTo(5);
            assertThat(page.items()).hasSize(number < 3 ? 2 : 1);
            page.items().forEach(v -> seen.add(v.id()));
            if (!page.hasNext()) {
                break;
            }
            page = page.next();
            number++;
        }
        assertThat(number).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(all.stream().map(Vehicle::id).toList());
        assertThat(driver.vehicles(PageRequest.ofSize(2)).stream().map(Vehicle::id).toList())
                .containsExactlyElementsOf(seen);
    }

    @Test
    void theElectricCarsStatusHasItsBatteryMileageAndPositionAndTheLegacyEnergyArray() {
        Status status = driver.status(car("Electric").id());
        Energy battery = status.energy("Electric").orElseThrow();
        assertThat(battery.level()).isBetween(0.0, 100.0);
        assertThat(battery.autonomy()).isNotNull().isNotNegative();
        assertThat(battery.createdAt()).isBefore(Instant.now());
        assertThat(battery.charging()).isNotNull();
        assertThat(battery.charging().plugged()).isNotNull();
        assertThat(status.energies()).extracting(Energy::type).containsExactly("Electric");
        // README: energy is an array, one item per energy type, each the energies item of its type,
        // the electric one carrying the older charging object directly
        assertThat(status.legacyEnergy()).containsExactlyElementsOf(status.energies());
        assertThat(status.mileage()).isPositive();
        assertThat(status.lastPosition()).isNotNull();
        // the demo's Peugeot cars live in France
        assertThat(status.lastPosition().latitude()).isBetween(42.0, 51.5);
        assertThat(status.lastPosition().longitude()).isBetween(-5.0, 8.5);
        assertThat(status.raw()).containsKeys("_links", "createdAt", "energies", "energy", "odometer");

        Position last = driver.lastPosition(car("Electric").id());
        assertThat(last.latitude()).isBetween(42.0, 51.5);
        assertThat(last.createdAt()).isNotNull();
    }

    @Test
    void theCarInDataPrivacyModeShowsItsEnergyButNoPosition() {
        // README: the 3008 in "Data" mode shows no location
        Status status = driver.status(car("Hybrid").id());
        assertThat(status.energies()).extracting(Energy::type).containsExactlyInAnyOrder("Electric", "Fuel");
        assertThat(status.lastPosition()).isNull();
        NotFoundException none = catchThrowableOfType(NotFoundException.class,
                () -> driver.lastPosition(car("Hybrid").id()));
        assertThat(none.code()).isEqualTo(40499);
    }

    @Test
    void pagesOfTripsGoThroughEveryTripOfThePastOnceNewestFirst() {
        // up to the platform's start: what the demo filled in, which the live fleet does not change;
        // the car with the most trips (two days of the past may be a weekend, without commutes)
        PageRequest past = PageRequest.first().until(platform.startedAt());
        Vehicle busiest = driver.vehicles().stream()
                .max(java.util.Comparator.comparingLong(v -> driver.trips(v.id(), past.size(1)).total())).orElseThrow();
        long total = driver.trips(busiest.id(), past.size(1)).total();
        assertThat(total).as("trips of a demo driver's car over two days").isGreaterThanOrEqualTo(2);
        int size = (int) Math.max(1, total / 3);
        int pages = (int) ((total + size - 1) / size);
        Page<Trip> page = driver.trips(busiest.id(), past.size(size));
        List<Trip> seen = new ArrayList<>();
        for (int number = 1; number <= pages; number++) {
            assertThat(page.currentPage()).isEqualTo(number);
            assertThat(page.totalPages()).isEqualTo(pages);
            assertThat(page.total()).isEqualTo(total);
            assertThat(page.items()).hasSize(number < pages ? size : (int) (total - (long) size * (pages - 1)));
            seen.addAll(page.items());
            assertThat(page.hasNext()).isEqualTo(number < pages);
            if (page.hasNext()) {
                page = page.next();
            }
        }
        assertThat(seen).hasSize((int) total);
        assertThat(new HashSet<>(seen.stream().map(Trip::id).toList())).hasSize((int) total);
        assertThat(seen).extracting(Trip::startedAt).isSortedAccordingTo((a, b) -> b.compareTo(a))
                .allSatisfy(started -> assertThat(started).isBefore(platform.startedAt()));
        assertThat(driver.trips(busiest.id(), past.size(size)).stream().map(Trip::id).toList())
                .containsExactlyElementsOf(seen.stream().map(Trip::id).toList());

        Trip done = seen.stream().filter(t -> Boolean.TRUE.equals(t.done())).findFirst().orElseThrow();
        assertThat(done.distance()).isPositive();
        assertThat(done.stoppedAt()).isAfter(done.startedAt());
        Trip read = driver.trip(busiest.id(), done.id());
        assertThat(read.id()).isEqualTo(done.id());
        assertThat(read.startedAt()).isEqualTo(done.startedAt());
        assertThat(read.stoppedAt()).isEqualTo(done.stoppedAt());
        assertThat(read.distance()).isEqualTo(done.distance());
    }

    @Test
    void anUnknownVehicleIsANotFoundExceptionWithTheErrorBody() {
        Instant before = Instant.now().minusSeconds(1);
        NotFoundException e = catchThrowableOfType(NotFoundException.class, () -> driver.status("no-such-vehicle"));
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.code()).isEqualTo(40400);
        assertThat(e.uuid()).isNotBlank();
        assertThat(e.serverMessage()).isNotBlank();
        assertThat(e.timestamp()).isBetween(before, Instant.now().plusSeconds(1));
        assertThat(e).hasMessageContaining("40400").hasMessageContaining(e.uuid());
    }

    @Test
    void aScopeTheUserDidNotGrantIsAForbiddenException() {
        ForbiddenException e = catchThrowableOfType(ForbiddenException.class,
                () -> driver.alerts(car("Electric").id(), PageRequest.first()));
        assertThat(e.status()).isEqualTo(403);
        assertThat(e.code()).isEqualTo(40301);
    }

    @Test
    void anExpiredAccessTokenIsRefreshedBeforeTheCallAndTheNewPairKept() {
        Tokens enrolled = enroll(odomo, SCOPES);
        Tokens expiring = new Tokens(enrolled.accessToken(), enrolled.refreshToken(), null, Instant.now(),
                enrolled.scopes());
        TokenStore store = TokenStore.inMemory(expiring);
        UserSession session = odomo.session(store);
        assertThat(session.user().email()).isEqualTo(DRIVER);
        Tokens kept = store.load().orElseThrow();
        assertThat(kept.accessToken()).isNotEqualTo(enrolled.accessToken());
        assertThat(kept.refreshToken()).as("refresh tokens rotate").isNotEqualTo(enrolled.refreshToken());
        assertThat(kept.expiresAt()).isAfter(Instant.now().plusSeconds(3500));
        assertThat(kept.scopes()).containsExactlyInAnyOrderElementsOf(SCOPES);
        // the used refresh token is spent: the platform refuses it (and, as a replay, ends the grant)
        BadRequestException spent = catchThrowableOfType(BadRequestException.class,
                () -> odomo.refresh(enrolled.refreshToken()));
        assertThat(spent.oauthError()).isEqualTo("invalid_grant");
    }

    @Test
    void aRevokedAccessTokenIsReplacedWithTheRefreshTokenAndTheCallMadeAgain() {
        Tokens enrolled = enroll(odomo, SCOPES);
        TokenStore store = TokenStore.inMemory(enrolled);
        UserSession session = odomo.session(store);
        odomo.revoke(enrolled.accessToken());
        UnauthorizedException refused = catchThrowableOfType(UnauthorizedException.class,
                () -> odomo.session(TokenStore.inMemory(new Tokens(enrolled.accessToken(), null, null,
                        enrolled.expiresAt(), enrolled.scopes()))).user());
        assertThat(refused.code()).isEqualTo(40101);
        assertThat(session.user().email()).isEqualTo(DRIVER);
        assertThat(store.load().orElseThrow().accessToken()).isNotEqualTo(enrolled.accessToken());

        session.revoke();
        assertThat(store.load()).isEmpty();
        BadRequestException gone = catchThrowableOfType(BadRequestException.class,
                () -> odomo.refresh(enrolled.refreshToken()));
        assertThat(gone.oauthError()).isEqualTo("invalid_grant");
    }

    @Test
    void concurrentCallsWithAnExpiringTokenShareOneRefresh() throws Exception {
        Tokens enrolled = enroll(odomo, SCOPES);
        TokenStore store = TokenStore.inMemory(new Tokens(enrolled.accessToken(), enrolled.refreshToken(), null,
                Instant.now(), enrolled.scopes()));
        UserSession session = odomo.session(store);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(() -> session.user().email());
            }
            // a refresh token sent twice would end the grant and fail the calls after it
            for (Future<String> call : pool.invokeAll(calls)) {
                assertThat(call.get()).isEqualTo(DRIVER);
            }
        } finally {
            pool.shutdownNow();
        }
        Tokens kept = store.load().orElseThrow();
        assertThat(session.user().email()).isEqualTo(DRIVER);
        assertThat(store.load().orElseThrow()).isEqualTo(kept);
    }

    @Test
    void pastTheSandboxBurstLimitARateLimitedExceptionSaysWhenToCallAgain() {
        // README, rate limits: the sandbox plan allows 5 calls a second; past it 429, code 42902,
        // with Retry-After in whole seconds until a call can pass again (the rest of the second)
        RunningPlatform.App sandbox = RunningPlatform.register("client-tests-sandbox", SCOPES, "sandbox");
        OdomoClient client = client(sandbox).build();
        UserSession session = client.session(enroll(client, SCOPES));
        RateLimitedException limited = null;
        for (int call = 0; call < 50 && limited == null; call++) {
            try {
                session.user();
            } catch (RateLimitedException e) {
                limited = e;
            }
        }
        assertThat(limited).as("a 429 within 50 quick calls").isNotNull();
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.code()).isEqualTo(42902);
        assertThat(limited.uuid()).isNotBlank();
        assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(1));

        // Waiting for the Retry-After, every call of a quick run passes, where some were refused.
        UserSession patient = client(sandbox).retryWhenRateLimited(5, Duration.ofSeconds(2)).build()
                .session(session.tokens());
        for (int call = 0; call < 12; call++) {
            assertThat(patient.user().email()).isEqualTo(DRIVER);
        }
    }

    @Test
    void linksAreFollowedOnTheClientsBaseAddressOnly() {
        URI followed = odomo.onBase("http://internal-node:8081/connectedcar/v4/user/vehicles?client_id=x&pageToken=bzo2");
        assertThat(followed).isEqualTo(URI.create(
                platform.baseUri() + "/connectedcar/v4/user/vehicles?client_id=x&pageToken=bzo2"));
    }
}
