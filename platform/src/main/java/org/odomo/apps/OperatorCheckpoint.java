package org.odomo.apps;

import java.io.IOException;

import org.odomo.crypto.CredentialCheckpoint;
import org.odomo.crypto.CredentialRefusedException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The operator's HTTP Basic check on the admin API and the actuator, as the credential gate sees
 * it: the same paths as the operator chain, the same realm and name as
 * {@link OperatorAuthenticationProvider}, and its refusal.
 */
final class OperatorCheckpoint implements CredentialCheckpoint {

    private final OperatorAuthenticationProvider provider;

    OperatorCheckpoint(OperatorAuthenticationProvider provider) {
        this.provider = provider;
    }

    OperatorAuthenticationProvider provider() {
        return provider;
    }

    @Override
    public Attempt attempt(HttpServletRequest request) {
        String path = CredentialCheckpoint.path(request);
        if (!under(path, "/admin") && !under(path, "/actuator")) {
            return null;
        }
        Basic basic = CredentialCheckpoint.basic(request);
        return basic == null ? null : new Attempt(OperatorAuthenticationProvider.REALM, basic.user(), basic.secret(),
                () -> provider.storedHashFor(basic.user()));
    }

    @Override
    public void refuse(HttpServletResponse response, CredentialRefusedException refused) throws IOException {
        OperatorSecurityConfiguration.refuse(response, refused);
    }

    private static boolean under(String path, String prefix) {
        return path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
    }
}
