package org.odomo.oauth;

import java.util.Optional;

import org.odomo.apps.App;
import org.odomo.apps.AppRegistry;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * The authorization server's view of registered apps: each active app is a confidential client
 * (HTTP Basic or form secret) for the authorization-code and refresh-token grants, limited to
 * the scopes and redirect URIs it registered, always asking the user's consent.
 */
class AppClientRepository implements RegisteredClientRepository {

    private final AppRegistry apps;
    private final OAuthProperties settings;

    AppClientRepository(AppRegistry apps, OAuthProperties settings) {
        this.apps = apps;
        this.settings = settings;
    }

    @Override
    public void save(RegisteredClient registeredClient) {
        throw new UnsupportedOperationException("apps are registered through the operator API");
    }

    @Override
    public RegisteredClient findById(String id) {
        return apps.find(id).flatMap(app -> client(app)).orElse(null);
    }

    @Override
    public RegisteredClient findByClientId(String clientId) {
        return apps.findByClientId(clientId).flatMap(this::client).orElse(null);
    }

    private Optional<RegisteredClient> client(App app) {
        if (!app.active()) {
            return Optional.empty();
        }
        String secretHash = apps.secretHash(app.clientId()).orElseThrow();
        return Optional.of(RegisteredClient.withId(app.id())
                .clientId(app.clientId())
                .clientName(app.name())
                .clientIdIssuedAt(app.createdAt())
                .clientSecret(secretHash)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .redirectUris(uris -> uris.addAll(app.redirectUris()))
                .scopes(scopes -> {
                    scopes.addAll(app.scopes());
                    scopes.add(OidcScopes.OPENID);
                })
                .clientSettings(ClientSettings.builder().requireAuthorizationConsent(true).requireProofKey(false).build())
                .tokenSettings(TokenSettings.builder()
                        .accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
                        .accessTokenTimeToLive(settings.accessTokenTtl())
                        .refreshTokenTimeToLive(settings.refreshTokenTtl())
                        .authorizationCodeTimeToLive(settings.codeTtl())
                        .reuseRefreshTokens(false)
                        .build())
                .build());
    }
}
