package org.odomo.oauth;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.odomo.apps.App;
import org.odomo.apps.AppRegistry;
import org.springframework.security.web.header.HeaderWriter;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The Content Security Policy of the end-user pages. Everything comes from this server; forms
 * post only to it, and only to the redirect URIs of the app whose authorization is being made.
 *
 * <p>Browsers apply {@code form-action} to the redirects that follow a form post too: the
 * consent decision (and a login or sign-up when the user already consented) ends in the
 * authorization server's redirect to the app. A fixed {@code http: https:} list let forms post to
 * any web site yet still blocked apps on phones, whose redirect URIs use a private-use scheme
 * ({@code com.example.app:/callback}). So the policy names, per request, the origins or schemes of
 * the registered redirect URIs of that one app: the {@code client_id} of the consent page, or the
 * one of the authorization request waiting in the session.
 */
final class EndUserPagePolicy implements HeaderWriter {

    static final String HEADER = "Content-Security-Policy";
    private static final String FIXED = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none';"
            + " object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    private final AppRegistry apps;
    private final HttpSessionRequestCache requestCache = new HttpSessionRequestCache();

    EndUserPagePolicy(AppRegistry apps) {
        this.apps = apps;
    }

    @Override
    public void writeHeaders(HttpServletRequest request, HttpServletResponse response) {
        if (response.containsHeader(HEADER)) {
            return;
        }
        StringBuilder policy = new StringBuilder(FIXED);
        for (String source : redirectSources(request, response)) {
            policy.append(' ').append(source);
        }
        response.setHeader(HEADER, policy.toString());
    }

    private Set<String> redirectSources(HttpServletRequest request, HttpServletResponse response) {
        Set<String> sources = new LinkedHashSet<>();
        clientOf(request, response).flatMap(apps::findByClientId).map(App::redirectUris)
                .ifPresent(uris -> uris.forEach(uri -> source(uri).ifPresent(sources::add)));
        return sources;
    }

    private Optional<String> clientOf(HttpServletRequest request, HttpServletResponse response) {
        String clientId = request.getParameter("client_id");
        if (clientId == null && request.getSession(false) != null) {
            SavedRequest saved = requestCache.getRequest(request, response);
            String[] values = saved == null ? null : saved.getParameterValues("client_id");
            clientId = values == null || values.length == 0 ? null : values[0];
        }
        return Optional.ofNullable(clientId).filter(id -> !id.isBlank());
    }

    /**
     * The CSP source matching a redirect URI: its origin for web URIs (browsers ignore the path
     * of a redirect target), its scheme for private-use ones. Nothing for what is not a plain URI.
     */
    static Optional<String> source(String redirectUri) {
        try {
            URI uri = new URI(redirectUri);
            String scheme = uri.getScheme();
            if (scheme == null || !scheme.matches("[A-Za-z][A-Za-z0-9+.-]*")) {
                return Optional.empty();
            }
            scheme = scheme.toLowerCase(Locale.ROOT);
            if (scheme.equals("http") || scheme.equals("https")) {
                String host = uri.getHost();
                if (host == null || !host.matches("[A-Za-z0-9.\\[\\]:-]+")) {
                    return Optional.empty();
                }
                if (host.equals("127.0.0.1") || host.equals("[::1]")) {
                    // A loopback redirect URI may come with any port (RFC 8252 §7.3), as the
                    // authorization endpoint accepts: the policy must let the browser go there.
                    return Optional.of(scheme + "://" + host + ":*");
                }
                return Optional.of(scheme + "://" + host + (uri.getPort() < 0 ? "" : ":" + uri.getPort()));
            }
            return Optional.of(scheme + ":");
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
