package org.odomo.api;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A liveness answer that touches nothing (no database, no authentication): for load balancers,
 * and as the baseline that measures what authentication and filtering cost the API.
 */
@RestController
class Ping {

    @GetMapping(path = "/ping", produces = MediaType.TEXT_PLAIN_VALUE)
    String ping() {
        return "pong";
    }
}
