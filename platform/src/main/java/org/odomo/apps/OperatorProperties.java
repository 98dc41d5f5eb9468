package org.odomo.apps;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The platform operator's account for the admin API and the metrics.
 *
 * @param username operator login
 * @param password operator password; when absent a random one is generated and logged at start
 */
@ConfigurationProperties("odomo.operator")
public record OperatorProperties(String username, String password) {

    public OperatorProperties {
        username = username == null || username.isBlank() ? "operator" : username;
    }
}
