package org.odomo.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.odomo.account.AccountManagement;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistration;
import org.odomo.apps.AppRegistry;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.NewVehicle;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.VehicleRegistry;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;
import org.springframework.web.util.HtmlUtils;

import tools.jackson.databind.json.JsonMapper;

/**
 * The end-user pages in a real browser (headless Chromium): enrollment in two brand realms with
 * their theming, declining, login failures and throttling, sign-up with vehicle linking, and
 * withdrawing an app's access from the account page. Every page visited is also checked for
 * accessibility basics and for loading nothing from another origin. Screenshots of the main
 * steps land in {@code target/screenshots/}.
 *
 * <p>The app's redirect URI is a page of the test server itself ({@code /test-app/callback}),
 * registered exactly, so the browser really lands there with the code and the state.
 */
@Tag("browser")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class EndUserBrowserTests {

    static final String PASSWORD = "correct horse battery";
    static final String SECRET = "browser-test-secret";
    static final String CLIENT_ID = "browser-test-client";
    static final String NATIVE_CLIENT_ID = "browser-native-client";
    static final String NATIVE_REDIRECT = "com.example.odomo:/oauth2/callback";
    static final String APP_NAME = "Charge Planner";
    static final String CALLBACK_PATH = "/test-app/callback";
    static final Set<String> APP_SCOPES = Set.of(Scopes.TELEMETRY, Scopes.POSITION, Scopes.TRIP);
    /** In the order the consent page lists them (the request gives them in another). */
    static final List<String> REQUESTED = List.of(Scopes.TELEMETRY, Scopes.POSITION, Scopes.TRIP);
    static final List<String> REQUESTED_IN_ANOTHER_ORDER = List.of(Scopes.TRIP, Scopes.POSITION, Scopes.TELEMETRY);
    private static final AtomicInteger SERIAL = new AtomicInteger();

    private static Chromium browser;

    @LocalServerPort
    int port;
    @Autowired
    AppRegistry apps;
    @Autowired
    AccountManagement accounts;
    @Autowired
    VehicleRegistry vehicles;
    @Autowired
    JdbcTemplate jdbc;

    private App app;

    /** The app's redirect target: a bare page that shows what the app received. */
    @TestConfiguration(proxyBeanMethods = false)
    static class AppCallbackPage {
        @Bean
        @Order(0)
        SecurityFilterChain appCallbackChain(HttpSecurity http) throws Exception {
            http.securityMatcher("/test-app/**")
                    .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                    .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                    .csrf(csrf -> csrf.disable());
            return http.build();
        }

        @Bean
        RouterFunction<ServerResponse> appCallbackRoute() {
            return RouterFunctions.route().GET(CALLBACK_PATH, request -> {
                StringBuilder html = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                        + "<title>Charge Planner</title></head><body><main><h1>Back in Charge Planner</h1><dl>");
                request.params().forEach((name, values) -> html.append("<dt>").append(HtmlUtils.htmlEscape(name))
                        .append("</dt><dd id=\"").append(HtmlUtils.htmlEscape(name)).append("\">")
                        .append(HtmlUtils.htmlEscape(String.join(", ", values))).append("</dd>"));
                html.append("</dl></main></body></html>");
                return ServerResponse.ok().contentType(MediaType.TEXT_HTML).body(html.toString());
            }).build();
        }
    }

    @BeforeAll
    static void startBrowser() {
        browser = new Chromium();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    @BeforeEach
    void freshSessionAndApp() {
        browser.forgetCookies();
        app = apps.ensureRegistered(new AppRegistration(APP_NAME, "Plans charging stops on long trips",
                "Odomo Test Apps", "dev@example.com", 10_000L, "browser-test", APP_SCOPES, List.of(callback()),
                "premium"), CLIENT_ID, SECRET);
    }

    // ---------------------------------------------------------------- enrollment

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Brand.class, names = {"PEUGEOT", "OPEL"})
    void enrollsThroughLoginAndConsentThenTheAppCallsTheApi(Brand brand) {
        String email = account(brand, "enrol");
        String state = startAuthorization(brand, CLIENT_ID, callback());

        assertThat(path()).isEqualTo("/am/login");
        assertThemed(brand);
        assertThat(browser.text("h1")).isEqualTo("Log in to your " + brand.label() + " account");
        PageChecks.assertAccessibleAndSelfContained(browser);
        browser.screenshot(key(brand) + "-1-login");
        browser.find("#password").click();
        new Actions(browser.driver()).sendKeys(Keys.TAB).perform();
        assertThat(browser.script("return document.activeElement.id")).isEqualTo("login");
        browser.screenshot(key(brand) + "-1-login-keyboard-focus");

        logIn(email, PASSWORD);
        assertConsentPage(brand);
        browser.screenshot(key(brand) + "-2-consent");

        browser.clickAndWait("#accept");
        Map<String, String> landed = landedOnCallback();
        assertThat(landed).containsEntry("state", state).doesNotContainKey("error");
        assertThat(landed.get("code")).isNotBlank();
        assertThat(browser.text("#code")).isEqualTo(landed.get("code"));
        browser.screenshot(key(brand) + "-3-back-in-app");

        Enrollment.Tokens tokens = exchange(landed.get("code"), brand);
        assertThat(tokens.scope().split(" ")).contains(REQUESTED.toArray(String[]::new));
        HttpResponse<String> me = callUser(tokens.accessToken(), brand);
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        assertThat(JsonMapper.builder().build().readTree(me.body()).path("email").stringValue()).isEqualTo(email);
    }

    @Test
    void decliningSendsTheBrowserBackWithAccessDenied() {
        String email = account(Brand.DS, "decline");
        String state = startAuthorization(Brand.DS, CLIENT_ID, callback());
        logIn(email, PASSWORD);
        assertConsentPage(Brand.DS);

        browser.clickAndWait("#decline");
        Map<String, String> landed = landedOnCallback();
        assertThat(landed).containsEntry("error", "access_denied").containsEntry("state", state)
                .doesNotContainKey("code");
        browser.screenshot("ds-declined");
    }

    /**
     * Apps on phones register a private-use scheme redirect. The consent page's Content Security
     * Policy must let the browser follow the authorization server's redirect there: browsers apply
     * form-action to the redirects that follow a form post.
     */
    @Test
    void consentingForANativeAppIsNotBlockedByTheContentSecurityPolicy() {
        App nativeApp = apps.ensureRegistered(new AppRegistration("Charge Planner for phones",
                "Plans charging stops on long trips", "Odomo Test Apps", "dev@example.com", 10_000L,
                "browser-native-test", APP_SCOPES, List.of(NATIVE_REDIRECT), "premium"), NATIVE_CLIENT_ID, SECRET);
        String email = account(Brand.PEUGEOT, "native");
        // A browser of its own: a headless one hands the app's scheme to no app, and the tab that
        // tried stays unusable for the next tests.
        Chromium shared = browser;
        browser = new Chromium();
        try {
            startAuthorization(Brand.PEUGEOT, NATIVE_CLIENT_ID, NATIVE_REDIRECT);
            logIn(email, PASSWORD);
            assertThat(path()).isEqualTo("/am/oauth2/consent");

            browser.script("""
                    window.__violations = [];
                    document.addEventListener('securitypolicyviolation',
                        e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));""");
            browser.find("#accept").click();
            browser.waitUntil(d -> codeIssuedTo(nativeApp) || !violations().isEmpty());
            assertThat(violations()).isEmpty();
            assertThat(codeIssuedTo(nativeApp)).isTrue();
        } finally {
            browser.close();
            browser = shared;
        }
    }

    // ---------------------------------------------------------------- login failures

    @Test
    void aWrongPasswordIsToldAndTheRealmAndPendingAuthorizationAreKept() {
        String email = account(Brand.CITROEN, "typo");
        String state = startAuthorization(Brand.CITROEN, CLIENT_ID, callback());

        logIn(email, "not the password");
        assertThat(path()).isEqualTo("/am/login");
        assertThat(browser.text("[role=alert]")).isEqualTo("Wrong e-mail or password.");
        assertThemed(Brand.CITROEN);
        assertThat(browser.find("input[name=realm]").getDomAttribute("value")).isEqualTo(Brand.CITROEN.realm());
        assertThat(browser.find("#password").getDomProperty("value")).isEmpty();
        PageChecks.assertAccessibleAndSelfContained(browser);
        browser.screenshot("citroen-login-wrong-password");

        logIn(email, PASSWORD);
        assertConsentPage(Brand.CITROEN);
        browser.clickAndWait("#accept");
        assertThat(landedOnCallback()).containsEntry("state", state).containsKey("code");
    }

    @Test
    void fiveWrongPasswordsSlowTheLoginFromThisBrowser() {
        String email = account(Brand.VAUXHALL, "guess");
        startAuthorization(Brand.VAUXHALL, CLIENT_ID, callback());
        for (int attempt = 1; attempt < 5; attempt++) {
            logIn(email, "guess number " + attempt);
            assertThat(browser.url()).contains("error=credentials");
            assertThat(browser.text("[role=alert]")).isEqualTo("Wrong e-mail or password.");
        }
        logIn(email, "guess number 5");
        assertThat(browser.url()).contains("error=throttled");
        assertThat(browser.text("[role=alert]")).matches("Too many failed attempts\\. Try again in (30|29) seconds\\.");
        assertThemed(Brand.VAUXHALL);
        PageChecks.assertAccessibleAndSelfContained(browser);
        browser.screenshot("vauxhall-login-throttled");

        logIn(email, PASSWORD);
        assertThat(path()).isEqualTo("/am/login");
        assertThat(browser.text("[role=alert]")).startsWith("Too many failed attempts");
    }

    // ---------------------------------------------------------------- sign-up

    @Test
    void signingUpCreatesTheAccountAndLinksTheVehicleOnlyWithItsOwnCode() {
        String peugeotVin = vehicle(Brand.PEUGEOT);
        String peugeotCode = vehicles.issueActivationCode(peugeotVin);
        String opelVin = vehicle(Brand.OPEL);
        String opelCode = vehicles.issueActivationCode(opelVin);
        String email = "signup." + SERIAL.incrementAndGet() + ".peugeot@example.com";

        browser.open(base() + "/am/signup?realm=" + Brand.PEUGEOT.realm());
        assertThemed(Brand.PEUGEOT);
        assertThat(browser.text("h1")).isEqualTo("Create your Peugeot account");
        PageChecks.assertAccessibleAndSelfContained(browser);
        browser.screenshot("peugeot-signup");

        fillSignUp("Ada", "Lovelace", email, peugeotVin, "WRONG-CODE2");
        assertThat(browser.text("[role=alert]"))
                .isEqualTo("These details do not match a Peugeot vehicle. Check the VIN and the activation code;"
                        + " if you already have a Peugeot account, enter its password.");
        assertThat(browser.find("#email").getDomProperty("value")).isEqualTo(email);
        assertThat(browser.find("#vin").getDomProperty("value")).isEqualTo(peugeotVin);
        assertThat(browser.find("#password").getDomProperty("value")).isEmpty();
        assertThemed(Brand.PEUGEOT);
        PageChecks.assertAccessibleAndSelfContained(browser);
        browser.screenshot("peugeot-signup-wrong-code");
        assertThat(accounts.findByEmail(Brand.PEUGEOT, email)).isEmpty();

        fillSignUp("Ada", "Lovelace", email, opelVin, opelCode);
        assertThat(browser.text("[role=alert]"))
                .isEqualTo("These details do not match a Peugeot vehicle. Check the VIN and the activation code;"
                        + " if you already have a Peugeot account, enter its password.");
        assertThat(accounts.findByEmail(Brand.PEUGEOT, email)).isEmpty();
        assertThat(vehicles.find(opelVin).orElseThrow().ownerId()).isNull();

        fillSignUp("Ada", "Lovelace", email, peugeotVin.toLowerCase(), peugeotCode);
        assertThat(path()).isEqualTo("/am/account");
        assertThemed(Brand.PEUGEOT);
        assertThat(browser.text("h1")).isEqualTo("Hello Ada");
        assertThat(browser.text("#vehicles")).contains(peugeotVin);
        PageChecks.assertAccessibleAndSelfContained(browser);
        browser.screenshot("peugeot-signup-done-account");
        assertThat(vehicles.find(peugeotVin).orElseThrow().ownerId())
                .isEqualTo(accounts.findByEmail(Brand.PEUGEOT, email).orElseThrow().id());
    }

    @Test
    void signingUpDuringAnAuthorizationResumesIt() {
        String vin = vehicle(Brand.OPEL);
        String code = vehicles.issueActivationCode(vin);
        String email = "signup." + SERIAL.incrementAndGet() + ".opel@example.com";
        String state = startAuthorization(Brand.OPEL, CLIENT_ID, callback());

        browser.clickAndWait("#signup-link");
        assertThat(path()).isEqualTo("/am/signup");
        assertThemed(Brand.OPEL);
        browser.screenshot("opel-signup");

        fillSignUp("Grace", "Hopper", email, vin, code);
        assertConsentPage(Brand.OPEL);
        browser.clickAndWait("#accept");
        Map<String, String> landed = landedOnCallback();
        assertThat(landed).containsEntry("state", state);
        Enrollment.Tokens tokens = exchange(landed.get("code"), Brand.OPEL);
        assertThat(callUser(tokens.accessToken(), Brand.OPEL).statusCode()).isEqualTo(200);

        // The finished authorization is not replayed: a later sign-up in the same browser ends on
        // the account page, not in a new consent for the app.
        String second = vehicle(Brand.OPEL);
        browser.open(base() + "/am/signup?realm=" + Brand.OPEL.realm());
        fillSignUp("Grace", "Hopper", "second." + email, second, "WRONG-CODE3");
        assertThat(browser.text("[role=alert]")).isEqualTo("These details do not match an Opel vehicle. Check the VIN"
                + " and the activation code; if you already have an Opel account, enter its password.");
        fillSignUp("Grace", "Hopper", "second." + email, second, vehicles.issueActivationCode(second));
        assertThat(path()).isEqualTo("/am/account");
        assertThat(browser.text("#vehicles")).contains(second);
    }

    // ---------------------------------------------------------------- account page

    @Test
    void withdrawingAccessOnTheAccountPageRevokesTheAppsTokens() {
        Brand brand = Brand.OPEL;
        String email = account(brand, "withdraw");
        String state = startAuthorization(brand, CLIENT_ID, callback());
        logIn(email, PASSWORD);
        browser.clickAndWait("#accept");
        Map<String, String> landed = landedOnCallback();
        assertThat(landed).containsEntry("state", state);
        Enrollment.Tokens tokens = exchange(landed.get("code"), brand);
        assertThat(callUser(tokens.accessToken(), brand).statusCode()).isEqualTo(200);

        browser.open(base() + "/am/account?realm=" + brand.realm());
        assertThat(path()).isEqualTo("/am/account");
        assertThemed(brand);
        WebElement listed = browser.find("#apps li[data-app='" + app.id() + "']");
        assertThat(listed.getText()).contains(APP_NAME, "Odomo Test Apps");
        WebElement withdraw = listed.findElement(By.cssSelector("button"));
        assertThat(withdraw.getText()).isEqualTo("Withdraw access");
        assertThat(withdraw.getAccessibleName()).isEqualTo("Withdraw access of " + APP_NAME);
        PageChecks.assertAccessibleAndSelfContained(browser);
        browser.screenshot("opel-account");

        withdraw.click();
        browser.waitUntil(d -> browser.present("[role=status]"));
        assertThat(browser.text("[role=status]")).isEqualTo("Access withdrawn.");
        assertThat(browser.present("#apps li[data-app='" + app.id() + "']")).isFalse();
        assertThat(browser.text("#no-apps")).isEqualTo("No app has access.");
        PageChecks.assertAccessibleAndSelfContained(browser);
        browser.screenshot("opel-account-withdrawn");

        HttpResponse<String> after = callUser(tokens.accessToken(), brand);
        assertThat(after.statusCode()).isEqualTo(401);
        HttpResponse<String> refresh = new WebSession(port).postForm(base() + AuthorizationServerConfiguration.TOKEN
                + "?realm=" + brand.realm(), Map.of("grant_type", "refresh_token", "refresh_token",
                        tokens.refreshToken()), Map.of("Authorization", WebSession.basic(CLIENT_ID, SECRET)));
        assertThat(refresh.statusCode()).isEqualTo(400);
        assertThat(refresh.body()).contains("invalid_grant");

        // A consent page for an app that does not exist says so, in the user's brand.
        browser.open(base() + "/am/oauth2/consent?client_id=no-such-app&scope=data:trip&state=s");
        assertThemed(brand);
        assertThat(browser.text("[role=alert]")).isEqualTo("Unknown application.");
        PageChecks.assertAccessibleAndSelfContained(browser);
        browser.screenshot("opel-problem");
    }

    // ---------------------------------------------------------------- helpers

    private String base() {
        // A loopback address rather than "localhost": OAuth 2.1 forbids "localhost" in redirect URIs.
        return "http://127.0.0.1:" + port;
    }

    private String callback() {
        return base() + CALLBACK_PATH;
    }

    private static String key(Brand brand) {
        return brand.name().toLowerCase(java.util.Locale.ROOT);
    }

    private String path() {
        return URI.create(browser.url()).getPath();
    }

    private String account(Brand brand, String tag) {
        String email = tag + "." + SERIAL.incrementAndGet() + "." + key(brand) + "@example.com";
        accounts.create(brand, email, PASSWORD, "Test", brand.label());
        return email;
    }

    private String vehicle(Brand brand) {
        String prefix = brand == Brand.OPEL ? "W0LZZZKXZMT" : "VR3UHZKXZMT";
        String model = brand == Brand.OPEL ? "O-CORSAE" : "P-E208";
        String vin = String.format("%s%06d", prefix, SERIAL.incrementAndGet());
        vehicles.register(new NewVehicle(vin, brand, model, null, null, Set.of()));
        return vin;
    }

    /** Opens the app's authorization request in the browser; returns its state. */
    private String startAuthorization(Brand brand, String clientId, String redirectUri) {
        String state = "state-" + SERIAL.incrementAndGet();
        browser.open(base() + AuthorizationServerConfiguration.AUTHORIZE + "?response_type=code&client_id=" + clientId
                + "&scope=" + URLEncoder.encode(String.join(" ", REQUESTED_IN_ANOTHER_ORDER), StandardCharsets.UTF_8)
                + "&redirect_uri=" + URLEncoder.encode(redirectUri, StandardCharsets.UTF_8)
                + "&state=" + state + "&realm=" + brand.realm());
        return state;
    }

    private void logIn(String email, String password) {
        browser.type("#email", email);
        browser.type("#password", password);
        browser.clickAndWait("#login");
    }

    private void fillSignUp(String first, String last, String email, String vin, String code) {
        browser.type("#firstName", first);
        browser.type("#lastName", last);
        browser.type("#email", email);
        browser.type("#password", PASSWORD);
        browser.type("#vin", vin);
        browser.type("#activationCode", code);
        browser.clickAndWait("#create");
    }

    private void assertConsentPage(Brand brand) {
        assertThat(path()).isEqualTo("/am/oauth2/consent");
        assertThemed(brand);
        assertThat(browser.text("h1")).isEqualTo(APP_NAME + " wants to access your vehicles");
        List<String> listed = browser.driver().findElements(By.cssSelector("#scopes li")).stream()
                .map(WebElement::getText).toList();
        assertThat(listed).containsExactlyElementsOf(REQUESTED.stream().map(Scopes::describe).toList());
        assertThat(browser.text("main")).doesNotContain("data:");
        assertThat(browser.find("#accept").getText()).isEqualTo("Allow all");
        assertThat(browser.find("#decline").getText()).isEqualTo("Decline");
        PageChecks.assertAccessibleAndSelfContained(browser);
    }

    /** The page shows the brand's identity: its name in the bar and its colour. */
    private void assertThemed(Brand brand) {
        assertThat(browser.find("body").getDomAttribute("data-brand")).isEqualTo(key(brand));
        WebElement bar = browser.find(".brand-bar");
        assertThat(bar.getText()).isEqualTo(brand.label() + " ID");
        assertThat(bar.getCssValue("background-color")).isEqualTo(switch (brand) {
            case PEUGEOT -> "rgba(29, 78, 158, 1)";
            case CITROEN -> "rgba(163, 38, 42, 1)";
            case DS -> "rgba(59, 48, 36, 1)";
            case OPEL -> "rgba(247, 209, 23, 1)";
            case VAUXHALL -> "rgba(184, 39, 45, 1)";
        });
        assertThat(browser.driver().getTitle()).endsWith(" · " + brand.label() + " ID");
    }

    private Map<String, String> landedOnCallback() {
        browser.waitUntil(d -> browser.url().startsWith(callback()));
        return WebSession.query(browser.url());
    }

    private Enrollment.Tokens exchange(String code, Brand brand) {
        HttpResponse<String> token = new WebSession(port).postForm(base() + AuthorizationServerConfiguration.TOKEN
                + "?realm=" + brand.realm(), Map.of("grant_type", "authorization_code", "code", code, "redirect_uri",
                        callback()), Map.of("Authorization", WebSession.basic(CLIENT_ID, SECRET)));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return Enrollment.tokens(token.body());
    }

    private HttpResponse<String> callUser(String accessToken, Brand brand) {
        return new WebSession(port).get(base() + "/connectedcar/v4/user?client_id=" + CLIENT_ID,
                Map.of("Authorization", "Bearer " + accessToken, "x-introspect-realm", brand.realm()));
    }

    private boolean codeIssuedTo(App client) {
        Integer codes = jdbc.queryForObject("SELECT COUNT(*) FROM oauth2_authorization WHERE registered_client_id = ?"
                + " AND authorization_code_value IS NOT NULL", Integer.class, client.id());
        return codes != null && codes > 0;
    }

    @SuppressWarnings("unchecked")
    private static List<String> violations() {
        Object found = browser.script("return window.__violations || [];");
        return found instanceof List<?> list ? (List<String>) list : List.of();
    }
}
