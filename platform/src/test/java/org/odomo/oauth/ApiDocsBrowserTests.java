package org.odomo.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * The API documentation (Swagger UI) renders under its Content Security Policy: the page lists the
 * operations, and the browser reports no violation of the policy from the first byte on.
 */
@Tag("browser")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class ApiDocsBrowserTests {

    @LocalServerPort
    int port;

    @Test
    void swaggerUiWorksUnderItsContentSecurityPolicy() {
        try (Chromium browser = new Chromium()) {
            // Listens before any script of the page runs, so that no violation goes unseen.
            ((ChromeDriver) browser.driver()).executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
                    Map.of("source", "window.__violations = []; document.addEventListener("
                            + "'securitypolicyviolation', e => window.__violations.push("
                            + "e.violatedDirective + ' ' + e.blockedURI));"));
            browser.open("http://localhost:" + port + "/docs/b2c/index.html");
            new WebDriverWait(browser.driver(), Duration.ofSeconds(30))
                    .until(d -> !d.findElements(By.cssSelector(".swagger-ui .opblock")).isEmpty());
            assertThat(browser.driver().findElements(By.cssSelector(".swagger-ui .opblock"))).hasSizeGreaterThan(10);
            assertThat(browser.find(".swagger-ui .info .title").getText()).isNotBlank();
            // Expanding an operation draws its icons and parameters.
            browser.find(".swagger-ui .opblock-summary").click();
            new WebDriverWait(browser.driver(), Duration.ofSeconds(10))
                    .until(d -> !d.findElements(By.cssSelector(".swagger-ui .opblock-body")).isEmpty());
            assertThat((List<?>) browser.script("return window.__violations")).isEmpty();
            browser.screenshot("api-docs");
        }
    }
}
