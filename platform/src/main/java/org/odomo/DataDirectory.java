package org.odomo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Resolves {@code odomo.data-dir} to an absolute path and creates it, so that the embedded
 * database, keys and simulator state land where the operator said, whatever the working
 * directory (H2 refuses implicitly relative paths).
 */
class DataDirectory implements EnvironmentPostProcessor, Ordered {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String configured = environment.getProperty("odomo.data-dir");
        if (configured == null || configured.isBlank()) {
            return;
        }
        Path dir = Path.of(configured).toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create data directory " + dir, e);
        }
        environment.getPropertySources().addFirst(
                new MapPropertySource("odomoDataDirectory", Map.of("odomo.data-dir", dir.toString())));
    }

    @Override
    public int getOrder() {
        // After the config files are read.
        return Ordered.LOWEST_PRECEDENCE;
    }
}
