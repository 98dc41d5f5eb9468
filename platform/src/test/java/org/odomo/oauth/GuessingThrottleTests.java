package org.odomo.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.odomo.account.AccountManagement;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.NewVehicle;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * Password and activation-code guessing, over real HTTP from several source addresses
 * (127.0.0.x), against the default limits docs/identity.md gives: five wrong passwords for one
 * account from one source, twenty from one source over any accounts, ten for one account from
 * sources it never logged in from; ten wrong sign-ups per VIN and per source. A stranger's
 * guesses must never keep the owner out, and sign-up must not tell whether an e-mail has an
 * account.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class GuessingThrottleTests {

    static final String PASSWORD = "correct horse battery";
    private static final Pattern ALERT = Pattern.compile("role=\"alert\"[^>]*>([^<]*)<");

    @LocalServerPort
    int port;
    @Autowired
    AccountManagement accounts;
    @Autowired
    VehicleRegistry vehicles;

    private SourceBoundSession from(String address) {
        return new SourceBoundSession(address, port);
    }

    private String account(Brand brand) {
        String email = "guess." + UUID.randomUUID() + "@example.com";
        accounts.create(brand, email, PASSWORD, "Guess", "Target");
        return email;
    }

    private static void assertWrongPassword(SourceBoundSession.Response login) {
        assertThat(login.status()).isEqualTo(302);
        assertThat(login.locationPath()).startsWith("/am/login?").endsWith("&error=credentials");
    }

    /** A throttled login: back to the login page with how long to wait, at most {@code seconds}. */
    private static void assertThrottled(SourceBoundSession.Response login, long seconds) {
        assertThat(login.status()).isEqualTo(302);
        assertThat(login.locationPath()).startsWith("/am/login?").contains("&error=throttled&retry=");
        long retry = Long.parseLong(WebSession.query(login.locationPath()).get("retry"));
        assertThat(retry).isBetween(1L, seconds);
    }

    private static void assertLoggedIn(SourceBoundSession.Response login) {
        assertThat(login.status()).isEqualTo(302);
        assertThat(login.locationPath()).startsWith("/am/account?");
    }

    @Test
    void guessesFromOneSourceSlowThatSourceAndNotTheOwnerElsewhere() {
        Brand brand = Brand.CITROEN;
        String email = account(brand);
        SourceBoundSession stranger = from("127.0.0.2");
        for (int attempt = 1; attempt < 5; attempt++) {
            assertWrongPassword(stranger.logIn(brand.realm(), email, "guess " + attempt));
        }
        SourceBoundSession.Response fifth = stranger.logIn(brand.realm(), email, "guess 5");
        assertThrottled(fifth, 30);
        SourceBoundSession.Response page = stranger.get(fifth.locationPath());
        assertThat(page.status()).isEqualTo(200);
        assertThat(alert(page.body())).matches("Too many failed attempts\\. Try again in (30|29) seconds\\.");
        // Refused before the password is checked: the right one does not get in from there...
        assertThrottled(stranger.logIn(brand.realm(), email, PASSWORD), 30);
        // ...but the owner, elsewhere, gets in at once, and a typo there is just a typo.
        SourceBoundSession owner = from("127.0.0.3");
        assertWrongPassword(owner.logIn(brand.realm(), email, "typo"));
        assertLoggedIn(owner.logIn(brand.realm(), email, PASSWORD));

        // An e-mail without an account is throttled the same way: no way to tell them apart.
        SourceBoundSession prober = from("127.0.0.4");
        String nobody = "nobody." + UUID.randomUUID() + "@example.com";
        for (int attempt = 1; attempt < 5; attempt++) {
            assertWrongPassword(prober.logIn(brand.realm(), nobody, "guess " + attempt));
        }
        assertThrottled(prober.logIn(brand.realm(), nobody, "guess 5"), 30);
    }

    @Test
    void oneSourceTryingManyAccountsIsSlowedForEveryAccount() {
        Brand brand = Brand.DS;
        SourceBoundSession sprayer = from("127.0.0.5");
        for (int attempt = 1; attempt < 20; attempt++) {
            assertWrongPassword(sprayer.logIn(brand.realm(), "spray." + UUID.randomUUID() + "@example.com", "123456"));
        }
        assertThrottled(sprayer.logIn(brand.realm(), "spray." + UUID.randomUUID() + "@example.com", "123456"), 10);
        String email = account(brand);
        assertThrottled(sprayer.logIn(brand.realm(), email, PASSWORD), 10);
        assertLoggedIn(from("127.0.0.6").logIn(brand.realm(), email, PASSWORD));
    }

    @Test
    void guessesFromManySourcesSlowTheAccountExceptFromWhereItsOwnerLoggedIn() {
        Brand brand = Brand.OPEL;
        String email = account(brand);
        SourceBoundSession owner = from("127.0.0.7");
        assertLoggedIn(owner.logIn(brand.realm(), email, PASSWORD));
        for (int source = 10; source < 15; source++) {
            SourceBoundSession stranger = from("127.0.0." + source);
            assertWrongPassword(stranger.logIn(brand.realm(), email, "guess a"));
            if (source < 14) {
                assertWrongPassword(stranger.logIn(brand.realm(), email, "guess b"));
            } else {
                assertThrottled(stranger.logIn(brand.realm(), email, "guess b"), 5);
            }
        }
        assertThrottled(from("127.0.0.20").logIn(brand.realm(), email, PASSWORD), 5);
        assertLoggedIn(from("127.0.0.7").logIn(brand.realm(), email, PASSWORD));
    }

    // ---------------------------------------------------------------- sign-up

    private String vehicle(Brand brand) {
        String vin = String.format("VR3UHZKXZNT%06d", ThreadLocalRandom.current().nextInt(1_000_000));
        vehicles.register(new NewVehicle(vin, brand, "P-E208", null, null, Set.of()));
        return vin;
    }

    private SourceBoundSession.Response signUp(SourceBoundSession session, Brand brand, String email,
            String password, String vin, String code) {
        SourceBoundSession.Response form = session.get("/am/signup?realm=" + brand.realm());
        assertThat(form.status()).isEqualTo(200);
        return session.postForm("/am/signup", Map.of("email", email, "password", password, "firstName", "Sign",
                "lastName", "Up", "vin", vin, "activationCode", code, "realm", brand.realm(), "_csrf",
                WebSession.csrf(form.body())));
    }

    private static String alert(String html) {
        Matcher m = ALERT.matcher(html);
        if (!m.find()) {
            throw new AssertionError("no alert in page: " + html);
        }
        return m.group(1).strip();
    }

    @Test
    void signUpAnswersAlikeWhetherOrNotTheEmailHasAnAccount() {
        Brand brand = Brand.PEUGEOT;
        String existing = account(brand);
        String fresh = "fresh." + UUID.randomUUID() + "@example.com";
        String vin = vehicle(brand);
        String code = vehicles.issueActivationCode(vin);
        SourceBoundSession session = from("127.0.0.30");
        String refusal = "These details do not match a Peugeot vehicle. Check the VIN and the activation code; "
                + "if you already have a Peugeot account, enter its password.";

        SourceBoundSession.Response wrongCode = signUp(session, brand, fresh, PASSWORD, vin, "WRONG-CODE1");
        SourceBoundSession.Response takenEmail = signUp(session, brand, existing, "another password", vin, code);
        SourceBoundSession.Response both = signUp(session, brand, existing, "another password", vin, "WRONG-CODE1");
        for (SourceBoundSession.Response refused : java.util.List.of(wrongCode, takenEmail, both)) {
            assertThat(refused.status()).isEqualTo(400);
            assertThat(alert(refused.body())).isEqualTo(refusal);
        }
        assertThat(accounts.findByEmail(brand, fresh)).isEmpty();
        assertThat(vehicles.find(vin).orElseThrow().ownerId()).isNull();

        // The owner of the existing account, with its password, links the vehicle to it.
        SourceBoundSession.Response linked = signUp(session, brand, existing, PASSWORD, vin, code);
        assertThat(linked.status()).isEqualTo(302);
        assertThat(linked.locationPath()).startsWith("/am/account?");
        assertThat(vehicles.find(vin).orElseThrow().ownerId())
                .isEqualTo(accounts.findByEmail(brand, existing).orElseThrow().id());
    }

    @Test
    void activationGuessesAreThrottledPerVinAndPerSource() {
        Brand brand = Brand.PEUGEOT;
        String target = vehicle(brand);
        String targetCode = vehicles.issueActivationCode(target);
        SourceBoundSession guesser = from("127.0.0.40");
        for (int attempt = 1; attempt < 10; attempt++) {
            SourceBoundSession.Response refused = signUp(guesser, brand, "g" + attempt + "." + UUID.randomUUID()
                    + "@example.com", PASSWORD, target, String.format("GUESS-%05d", attempt));
            assertThat(refused.status()).isEqualTo(400);
        }
        SourceBoundSession.Response tenth = signUp(guesser, brand, "g10." + UUID.randomUUID() + "@example.com",
                PASSWORD, target, "GUESS-00010");
        assertThat(tenth.status()).isEqualTo(429);
        // Both limits are reached: the longer wait (the source's) is the one told.
        assertThat(alert(tenth.body())).matches("Too many failed attempts\\. Try again in (10|9) seconds\\.");

        // The VIN is slowed for every source, its owner's too, for a few seconds only.
        SourceBoundSession owner = from("127.0.0.41");
        String ownerEmail = "owner." + UUID.randomUUID() + "@example.com";
        assertThat(signUp(owner, brand, ownerEmail, PASSWORD, target, targetCode).status()).isEqualTo(429);
        assertThat(accounts.findByEmail(brand, ownerEmail)).isEmpty();

        // The guessing source is slowed for every VIN; another source is not.
        String other = vehicle(brand);
        String otherCode = vehicles.issueActivationCode(other);
        assertThat(signUp(guesser, brand, "o." + UUID.randomUUID() + "@example.com", PASSWORD, other, otherCode)
                .status()).isEqualTo(429);
        SourceBoundSession.Response elsewhere = signUp(from("127.0.0.42"), brand,
                "o." + UUID.randomUUID() + "@example.com", PASSWORD, other, otherCode);
        assertThat(elsewhere.status()).isEqualTo(302);

        // Once the VIN's delay is over, its owner signs up.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> signUp(owner, brand, ownerEmail, PASSWORD, target, targetCode).status() == 302);
        assertThat(vehicles.find(target).orElseThrow().ownerId())
                .isEqualTo(accounts.findByEmail(brand, ownerEmail).orElseThrow().id());
    }
}
