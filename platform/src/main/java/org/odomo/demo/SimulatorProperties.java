package org.odomo.demo;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The fleet simulator run by the platform itself.
 *
 * @param enabled    run simulated vehicles in this JVM
 * @param seed       seed of everything random in the fleet (VINs, models, homes, behaviour)
 * @param vehicles   simulated vehicles in all, demo vehicles included
 * @param timeFactor simulated seconds per real second (1 = real time)
 */
@ConfigurationProperties("odomo.simulator")
public record SimulatorProperties(boolean enabled, long seed, int vehicles, double timeFactor) {

    public SimulatorProperties {
        if (vehicles < 0) {
            throw new IllegalArgumentException("odomo.simulator.vehicles must not be negative");
        }
        timeFactor = timeFactor <= 0 ? 1.0 : timeFactor;
    }
}
