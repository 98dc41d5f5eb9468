package org.odomo.oauth;

import java.security.Principal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.odomo.account.Account;
import org.odomo.account.AccountManagement;
import org.odomo.apps.App;
import org.odomo.apps.AppRegistry;
import org.odomo.vehicle.Brand;
import org.odomo.vehicle.Scopes;
import org.odomo.vehicle.VehicleRegistry;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.CsrfAuthenticationStrategy;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.stereotype.Controller;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Server-rendered pages of the identity server, themed per brand. */
@Controller
class EndUserPages {

    private final AppRegistry apps;
    private final AccountManagement accounts;
    private final VehicleRegistry vehicles;
    private final RevocationAwareAuthorizationService authorizations;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ActivationThrottle activations;
    private final ApplicationEventPublisher events;
    private final HttpSessionRequestCache requestCache = new HttpSessionRequestCache();

    EndUserPages(AppRegistry apps, AccountManagement accounts, VehicleRegistry vehicles,
            RevocationAwareAuthorizationService authorizations, JdbcTemplate jdbc, TransactionTemplate tx,
            ActivationThrottle activations, ApplicationEventPublisher events) {
        this.activations = activations;
        this.events = events;
        this.apps = apps;
        this.accounts = accounts;
        this.vehicles = vehicles;
        this.authorizations = authorizations;
        this.jdbc = jdbc;
        this.tx = tx;
    }

    @GetMapping("/am/login")
    String login(HttpServletRequest request, HttpServletResponse response, Model model,
            @RequestParam(required = false) String error, @RequestParam(required = false) String retry) {
        Brand brand = brandFor(request, response);
        model.addAttribute("error", error);
        model.addAttribute("throttled", tooManyAttempts(seconds(retry)));
        model.addAttribute("loggedOut", request.getParameter("loggedOut") != null);
        return page(model, brand, "am/login");
    }

    @GetMapping("/am/signup")
    String signupForm(HttpServletRequest request, HttpServletResponse response, Model model) {
        return page(model, brandFor(request, response), "am/signup");
    }

    /**
     * Creates the account and links the vehicle, or, when the e-mail already has an account and
     * its password is the one entered, links the vehicle to that account. Every refusal that
     * depends on the account, the VIN or the code reads the same, costs the same two slow hash
     * checks, and counts against the VIN and the source address: the page tells neither whether
     * the e-mail has an account nor which of the details was wrong.
     */
    @PostMapping("/am/signup")
    String signup(HttpServletRequest request, HttpServletResponse response, Model model, @RequestParam String email,
            @RequestParam String password, @RequestParam String firstName, @RequestParam String lastName,
            @RequestParam String vin, @RequestParam String activationCode) {
        Brand brand = brandFor(request, response);
        model.addAttribute("email", email);
        model.addAttribute("firstName", firstName);
        model.addAttribute("lastName", lastName);
        model.addAttribute("vin", vin);
        String source = SourceAddress.of(request);
        java.time.Duration wait = activations.wait(vin, source);
        if (!wait.isZero()) {
            return refused(model, response, brand, 429, tooManyAttempts((wait.toMillis() + 999) / 1000));
        }
        try {
            accounts.checkNewAccount(email, password);
        } catch (IllegalArgumentException e) {
            return refused(model, response, brand, 400, sentence(e.getMessage()));
        }
        Account account;
        try {
            account = tx.execute(status -> {
                Optional<Account> existing = accounts.findByEmail(brand, email);
                Account owner = existing.isPresent()
                        ? accounts.authenticate(brand, email, password).orElse(null)
                        : accounts.create(brand, email, password, firstName, lastName);
                // Checked even when the password was wrong, for the same cost either way; the
                // transaction then rolls the link back.
                vehicles.linkWithActivationCode(vin, activationCode, brand,
                        owner != null ? owner.id() : existing.get().id());
                if (owner == null) {
                    throw new SignUpRefused();
                }
                return owner;
            });
        } catch (SignUpRefused | AccountManagement.AccountExistsException | IllegalArgumentException e) {
            // A wrong password for an existing account, an account made meanwhile by another
            // request, or a VIN and code that do not match: one answer.
            return failedActivation(model, response, brand, vin, source, detailsDoNotMatch(brand));
        } catch (IllegalStateException e) {
            // The right code for a vehicle that already has an owner.
            return failedActivation(model, response, brand, vin, source, sentence(e.getMessage()));
        }
        activations.succeeded(vin);
        var authentication = EndUserAuthenticationProvider.authenticated(account);
        var context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(authentication);
        SecurityContextHolder.setContext(context);
        // As a form login does: a new session id against fixation, a new CSRF token.
        request.changeSessionId();
        new CsrfAuthenticationStrategy(new HttpSessionCsrfTokenRepository())
                .onAuthentication(authentication, request, response);
        new HttpSessionSecurityContextRepository().saveContext(context, request, response);
        SavedRequest saved = requestCache.getRequest(request, response);
        return "redirect:" + (saved != null ? saved.getRedirectUrl()
                : "/am/account?realm=" + EndUserPagesConfiguration.encode(brand.realm()));
    }

    private String failedActivation(Model model, HttpServletResponse response, Brand brand, String vin, String source,
            String message) {
        activations.failed(vin, source);
        java.time.Duration next = activations.wait(vin, source);
        return next.isZero() ? refused(model, response, brand, 400, message)
                : refused(model, response, brand, 429, tooManyAttempts((next.toMillis() + 999) / 1000));
    }

    /** The e-mail has an account and the password entered is not its own. */
    private static final class SignUpRefused extends RuntimeException {
        SignUpRefused() {
            super(null, null, false, false);
        }
    }

    static String detailsDoNotMatch(Brand brand) {
        String article = "AEIOU".indexOf(brand.label().charAt(0)) >= 0 ? "an " : "a ";
        return "These details do not match " + article + brand.label() + " vehicle. Check the VIN and the activation"
                + " code; if you already have " + article + brand.label() + " account, enter its password.";
    }

    private String refused(Model model, HttpServletResponse response, Brand brand, int status, String message) {
        model.addAttribute("error", message);
        response.setStatus(status);
        return page(model, brand, "am/signup");
    }

    @GetMapping("/am/oauth2/consent")
    String consent(Principal principal, Model model, HttpServletResponse response,
            @RequestParam(name = "client_id") String clientId, @RequestParam String scope,
            @RequestParam String state) {
        Optional<App> app = apps.findByClientId(clientId);
        Brand brand = realmOfPrincipal().orElse(Brand.PEUGEOT);
        if (app.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("error", "Unknown application.");
            return page(model, brand, "am/problem");
        }
        // In a stable order, data before remote control, whatever order the request gave.
        List<String> order = new ArrayList<>(Scopes.ALL);
        Set<String> requested = new LinkedHashSet<>(Arrays.stream(scope.split(" "))
                .filter(s -> !s.isBlank() && !OidcScopes.OPENID.equals(s))
                .sorted(java.util.Comparator.comparingInt(s -> order.contains(s) ? order.indexOf(s) : order.size()))
                .toList());
        List<String[]> described = new ArrayList<>();
        for (String s : requested) {
            described.add(new String[] {s, Scopes.describe(s)});
        }
        model.addAttribute("app", app.get());
        model.addAttribute("scopes", described);
        model.addAttribute("clientId", clientId);
        model.addAttribute("state", state);
        model.addAttribute("allScopes", String.join(" ", requested));
        return page(model, brand, "am/consent");
    }

    @GetMapping("/am/account")
    String account(Principal principal, Model model) {
        Brand brand = realmOfPrincipal().orElse(Brand.PEUGEOT);
        Account account = accounts.find(Long.parseLong(principal.getName())).orElseThrow();
        List<App> granted = new ArrayList<>();
        for (String appId : jdbc.queryForList("""
                SELECT DISTINCT registered_client_id FROM oauth2_authorization_consent WHERE principal_name = ?
                UNION SELECT DISTINCT registered_client_id FROM oauth2_authorization WHERE principal_name = ?
                    AND refresh_token_value IS NOT NULL""", String.class, principal.getName(), principal.getName())) {
            apps.find(appId).ifPresent(granted::add);
        }
        model.addAttribute("account", account);
        model.addAttribute("apps", granted);
        model.addAttribute("vehicles", vehicles.ownedBy(account.id()));
        return page(model, brand, "am/account");
    }

    @PostMapping("/am/account/revoke")
    String revoke(Principal principal, @RequestParam String appId) {
        Brand brand = realmOfPrincipal().orElse(Brand.PEUGEOT);
        // One transaction with what the app's features do about it (its callbacks fail), so that a
        // node dying half-way leaves either all of it or nothing.
        tx.executeWithoutResult(status -> {
            jdbc.update("DELETE FROM oauth2_authorization_consent WHERE principal_name = ? AND registered_client_id = ?",
                    principal.getName(), appId);
            authorizations.revokeAll(principal.getName(), appId);
            apps.find(appId).ifPresent(app -> events.publishEvent(
                    new AppAccessWithdrawn(Long.parseLong(principal.getName()), app.clientId())));
        });
        return "redirect:/am/account?realm=" + EndUserPagesConfiguration.encode(brand.realm()) + "&revoked";
    }

    private static Optional<Brand> realmOfPrincipal() {
        return EndUserAuthenticationProvider.realmOf(SecurityContextHolder.getContext().getAuthentication())
                .flatMap(Brand::ofRealm);
    }

    /** The realm of this page: its own parameter, else the one of the authorization being made. */
    private Brand brandFor(HttpServletRequest request, HttpServletResponse response) {
        Optional<Brand> brand = Realms.fromRequest(request);
        if (brand.isEmpty()) {
            SavedRequest saved = requestCache.getRequest(request, response);
            String[] realm = saved == null ? null : saved.getParameterValues(Realms.PARAMETER);
            if (realm != null && realm.length > 0) {
                brand = Brand.ofRealm(realm[0]);
            }
        }
        return brand.orElse(Brand.PEUGEOT);
    }

    /** The number of seconds of a page parameter; one when it is missing or not a number. */
    private static long seconds(String value) {
        try {
            return Math.max(1, Math.min(Long.parseLong(value == null ? "1" : value.trim()), 86_400));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** What a throttled login or sign-up tells: how long to wait, in seconds or whole minutes. */
    static String tooManyAttempts(long seconds) {
        String wait;
        if (seconds < 120) {
            wait = seconds == 1 ? "1 second" : seconds + " seconds";
        } else {
            wait = ((seconds + 59) / 60) + " minutes";
        }
        return "Too many failed attempts. Try again in " + wait + ".";
    }

    /** A message of the registries as the page shows it: a sentence. */
    static String sentence(String message) {
        if (message == null || message.isBlank()) {
            return "Something is wrong with what you entered.";
        }
        String text = message.strip();
        text = Character.toUpperCase(text.charAt(0)) + text.substring(1);
        return text.endsWith(".") ? text : text + ".";
    }

    private static String page(Model model, Brand brand, String view) {
        model.addAttribute("brand", brand);
        model.addAttribute("brandKey", brand.name().toLowerCase(java.util.Locale.ROOT));
        model.addAttribute("realm", brand.realm());
        return view;
    }
}
