package org.odomo.b2c;

import java.util.LinkedHashMap;
import java.util.Map;

import org.odomo.access.B2cCaller;
import org.odomo.access.Callers;
import org.odomo.account.Account;
import org.odomo.account.AccountManagement;
import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /user}: the end user the token was issued for. */
@RestController
@RequestMapping(path = "/connectedcar/v4", produces = {"application/hal+json", "application/json"})
class UserApi {

    private final AccountManagement accounts;

    UserApi(AccountManagement accounts) {
        this.accounts = accounts;
    }

    @GetMapping("/user")
    Map<String, Object> user() {
        B2cCaller caller = Callers.current();
        Account account = accounts.find(caller.accountId())
                .orElseThrow(() -> new ApiException(ApiErrorCode.NOT_FOUND, "no such user"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("_links", Map.of("self", Map.of("href", Links.href(caller.clientId(), "/user")),
                "vehicles", Map.of("href", Links.href(caller.clientId(), "/user/vehicles"))));
        body.put("email", account.email());
        if (account.firstName() != null) {
            body.put("firstName", account.firstName());
        }
        if (account.lastName() != null) {
            body.put("lastName", account.lastName());
        }
        body.put("createdAt", account.createdAt().toString());
        body.put("updatedAt", account.updatedAt().toString());
        return body;
    }

}
