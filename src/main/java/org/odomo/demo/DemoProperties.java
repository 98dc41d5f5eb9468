package org.odomo.demo;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The demo data and simulated fleet of the embedded default.
 *
 * @param enabled       seed demo accounts and vehicles on first start
 * @param password      password of every demo account
 */
@ConfigurationProperties("odomo.demo")
public record DemoProperties(boolean enabled, String password) {

    public DemoProperties {
        password = password == null || password.isBlank() ? "odomo-demo" : password;
        if (password.length() < 8) {
            throw new IllegalArgumentException("odomo.demo.password needs at least 8 characters");
        }
    }
}
