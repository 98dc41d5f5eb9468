package org.odomo.client.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a user does in the browser between the app's authorization address and its redirect:
 * the platform's login form, then its consent form (Allow all), over HTTP with the session
 * cookie and the forms' CSRF tokens, following nothing by itself so that each step is checked.
 */
public final class BrowserLogin {

    private final HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /**
     * Logs in and allows everything asked; answers the address the platform sends the browser
     * back to (the app's redirect URI with the code), without going there.
     */
    public URI allow(URI authorization, String email, String password) {
        HttpResponse<String> start = get(authorization);
        URI login = redirect(start, authorization);
        expect(login.getPath().equals("/am/login"), "the login page", start);
        HttpResponse<String> loginPage = get(login);
        expect(loginPage.statusCode() == 200, "the login form", loginPage);
        String realm = query(authorization, "realm");
        HttpResponse<String> loggedIn = post(login.resolve("/am/login"), "email=" + encode(email) + "&password="
                + encode(password) + "&realm=" + encode(realm) + "&_csrf=" + encode(csrf(loginPage.body())));
        URI resumed = redirect(loggedIn, login);
        expect(!resumed.getPath().equals("/am/login"), "a successful login", loggedIn);
        HttpResponse<String> resumedResponse = get(resumed);
        URI next = redirect(resumedResponse, resumed);
        if (!next.getPath().startsWith("/am/")) {
            return next; // consent given before for these scopes: straight back to the app
        }
        HttpResponse<String> consentPage = get(next);
        expect(consentPage.statusCode() == 200, "the consent page", consentPage);
        StringBuilder decision = new StringBuilder("client_id=").append(encode(query(authorization, "client_id")))
                .append("&state=").append(encode(query(next, "state")))
                .append("&_csrf=").append(encode(csrf(consentPage.body())));
        for (String scope : query(authorization, "scope").split(" ")) {
            decision.append("&scope=").append(encode(scope));
        }
        HttpResponse<String> decided = post(next.resolve("/am/oauth2/authorize"), decision.toString());
        return redirect(decided, next);
    }

    /** Goes where the platform sent the browser (the app's loopback listener). */
    public HttpResponse<String> follow(URI uri) {
        return get(uri);
    }

    private HttpResponse<String> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET().build());
    }

    private HttpResponse<String> post(URI uri, String form) {
        return send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return browser.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static URI redirect(HttpResponse<String> response, URI from) {
        expect(response.statusCode() == 302 || response.statusCode() == 303, "a redirect", response);
        return from.resolve(response.headers().firstValue("Location").orElseThrow());
    }

    private static void expect(boolean condition, String what, HttpResponse<String> response) {
        if (!condition) {
            throw new AssertionError("expected " + what + ", got " + response.statusCode() + " "
                    + response.headers().firstValue("Location").orElse("") + " " + response.body());
        }
    }

    private static String csrf(String html) {
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(html);
        if (!m.find()) {
            throw new AssertionError("no CSRF token in the page: " + html);
        }
        return m.group(1);
    }

    private static String query(URI uri, String name) {
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no " + name + " in " + uri);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The scopes of an authorization address, as asked. */
    public static List<String> scopes(URI authorization) {
        return List.of(query(authorization, "scope").split(" "));
    }
}
