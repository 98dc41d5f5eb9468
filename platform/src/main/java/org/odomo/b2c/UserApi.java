package org.odomo.b2c;

import org.odomo.access.B2cCaller;
import org.odomo.access.Callers;
import org.odomo.access.FieldAccess;
import org.odomo.account.Account;
import org.odomo.account.AccountManagement;
import org.odomo.api.ApiErrorCode;
import org.odomo.api.ApiException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** {@code GET /user}: the end user the token was issued for. */
@RestController
@RequestMapping(path = "/connectedcar/v4", produces = {"application/hal+json", "application/json"})
class UserApi {

    private final AccountManagement accounts;

    UserApi(AccountManagement accounts) {
        this.accounts = accounts;
    }

    @GetMapping("/user")
    ObjectNode user() {
        B2cCaller caller = Callers.current();
        Account account = accounts.find(caller.accountId())
                .orElseThrow(() -> new ApiException(ApiErrorCode.NOT_FOUND, "no such user"));
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode links = body.putObject("_links");
        links.set("self", Links.link(Links.href(caller.clientId(), "/user")));
        links.set("vehicles", Links.link(Links.href(caller.clientId(), "/user/vehicles")));
        body.put("email", account.email());
        if (account.firstName() != null) {
            body.put("firstName", account.firstName());
        }
        if (account.lastName() != null) {
            body.put("lastName", account.lastName());
        }
        body.put("createdAt", account.createdAt().toString());
        body.put("updatedAt", account.updatedAt().toString());
        // The user's own account: no vehicle data, so only structure passes.
        FieldAccess.structureOnly().filter("user", body);
        return body;
    }

}
