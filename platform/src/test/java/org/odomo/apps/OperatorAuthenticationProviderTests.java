package org.odomo.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.odomo.crypto.CredentialGuard;
import org.odomo.crypto.CredentialProperties;
import org.odomo.crypto.CredentialRefusedException;
import org.odomo.crypto.Passwords;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

import io.github.bucket4j.TimeMeter;

/** The operator's name is matched exactly, and wrong guesses go through the guard. */
class OperatorAuthenticationProviderTests {

    final CredentialGuard guard = new CredentialGuard(new CredentialProperties(1000, 1000, Duration.ofMinutes(1),
            1000, 2, Duration.ofSeconds(5), Duration.ofMinutes(1), 100, null, null), Passwords.encoder(), TimeMeter.SYSTEM_NANOTIME);
    final OperatorAuthenticationProvider provider = new OperatorAuthenticationProvider("operator",
            () -> guard.encoder().encode("s3cret"), guard);

    static Authentication basic(String name, String password, String address) {
        UsernamePasswordAuthenticationToken token = UsernamePasswordAuthenticationToken.unauthenticated(name, password);
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setRemoteAddr(address);
        token.setDetails(new WebAuthenticationDetails(request));
        return token;
    }

    @Test
    void theExactNameWithThePasswordIsTheOperator() {
        Authentication result = provider.authenticate(basic("operator", "s3cret", "192.0.2.1"));
        assertThat(result.isAuthenticated()).isTrue();
        assertThat(result.getName()).isEqualTo("operator");
        assertThat(result.getAuthorities()).extracting(GrantedAuthority::getAuthority).isEqualTo(List.of("ROLE_OPERATOR"));
        assertThat(result.getCredentials()).isNull();
    }

    @Test
    void anyOtherSpellingOfTheNameIsRefused() {
        for (String name : List.of("Operator", "OPERATOR", "operator ", " operator", "operato", "operatorx", "oper",
                "", "operator\u0000", "opеrator" /* Cyrillic e */)) {
            assertThatThrownBy(() -> provider.authenticate(basic(name, "s3cret", "192.0.2.1"))).as(name)
                    .isInstanceOf(BadCredentialsException.class);
        }
        assertThatThrownBy(() -> provider.authenticate(basic("operator", "S3cret", "192.0.2.1")))
                .isInstanceOf(BadCredentialsException.class);
        assertThatThrownBy(() -> provider.authenticate(basic("operator", null, "192.0.2.1")))
                .isInstanceOf(BadCredentialsException.class);
    }

    @Test
    void failuresAreThrottledPerAddressBeforeHashing() {
        CredentialGuard strict = new CredentialGuard(new CredentialProperties(2, 10, Duration.ofMinutes(1), 1000, 2,
                Duration.ofSeconds(5), Duration.ofMinutes(1), 100, null, null), Passwords.encoder(), TimeMeter.SYSTEM_NANOTIME);
        OperatorAuthenticationProvider guarded = new OperatorAuthenticationProvider("operator",
                () -> strict.encoder().encode("s3cret"), strict);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> guarded.authenticate(basic("operator", "wrong", "203.0.113.9")))
                    .isInstanceOf(BadCredentialsException.class);
        }
        assertThatThrownBy(() -> guarded.authenticate(basic("operator", "s3cret", "203.0.113.9")))
                .isInstanceOfSatisfying(CredentialRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(CredentialRefusedException.Reason.THROTTLED));
        assertThat(guarded.authenticate(basic("operator", "s3cret", "192.0.2.1")).isAuthenticated()).isTrue();
    }

    @Test
    void anOperatorVerifiedMomentsAgoGetsInWhileOthersSpendTheLoginsBudget() {
        CredentialGuard strict = new CredentialGuard(new CredentialProperties(100, 3, Duration.ofMinutes(1), 1000, 2,
                Duration.ofSeconds(5), Duration.ofMinutes(1), 100, null, null), Passwords.encoder(), TimeMeter.SYSTEM_NANOTIME);
        OperatorAuthenticationProvider guarded = new OperatorAuthenticationProvider("operator",
                () -> strict.encoder().encode("s3cret"), strict);
        assertThat(guarded.authenticate(basic("operator", "s3cret", "192.0.2.1")).isAuthenticated()).isTrue();
        for (int i = 0; i < 3; i++) {
            String address = "203.0.113." + i;
            assertThatThrownBy(() -> guarded.authenticate(basic("operator", "wrong", address)))
                    .isInstanceOf(BadCredentialsException.class);
        }
        assertThatThrownBy(() -> guarded.authenticate(basic("operator", "wrong", "203.0.113.50")))
                .isInstanceOfSatisfying(CredentialRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(CredentialRefusedException.Reason.THROTTLED));
        assertThat(guarded.authenticate(basic("operator", "s3cret", "192.0.2.1")).isAuthenticated()).isTrue();
        assertThat(guarded.authenticate(basic("operator", "s3cret", "192.0.2.77")).isAuthenticated()).isTrue();
        // The remembered password is the operator's only under the operator's exact name.
        assertThatThrownBy(() -> guarded.authenticate(basic("Operator", "s3cret", "192.0.2.1")))
                .isInstanceOf(BadCredentialsException.class);
    }
}
