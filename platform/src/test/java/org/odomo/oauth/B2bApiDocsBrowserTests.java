package org.odomo.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * The B2B API documentation renders in Swagger UI under its Content Security Policy: every
 * operation is listed, and the shapes it shares with the B2C description (referenced in that
 * file) resolve, with no resolver error and no violation of the policy.
 */
@Tag("browser")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class B2bApiDocsBrowserTests {

    @LocalServerPort
    int port;

    @Test
    void theB2bDescriptionRendersWithItsSharedShapesResolved() {
        try (Chromium browser = new Chromium()) {
            ((ChromeDriver) browser.driver()).executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
                    Map.of("source", "window.__violations = []; document.addEventListener("
                            + "'securitypolicyviolation', e => window.__violations.push("
                            + "e.violatedDirective + ' ' + e.blockedURI));"));
            browser.open("http://localhost:" + port + "/docs/b2b/index.html");
            new WebDriverWait(browser.driver(), Duration.ofSeconds(30))
                    .until(d -> !d.findElements(By.cssSelector(".swagger-ui .opblock")).isEmpty());
            assertThat(browser.driver().findElements(By.cssSelector(".swagger-ui .opblock"))).hasSize(47);
            // An operation whose answer is a shape of the B2C description: its schema is drawn.
            WebElement status = browser.driver().findElements(By.cssSelector(".swagger-ui .opblock")).stream()
                    .filter(op -> op.getText().contains("/fleets/{fid}/vehicles/{vid}/status")).findFirst().orElseThrow();
            status.findElement(By.cssSelector(".opblock-summary")).click();
            new WebDriverWait(browser.driver(), Duration.ofSeconds(20))
                    .until(d -> !d.findElements(By.cssSelector(".swagger-ui .opblock-body .model-example")).isEmpty());
            new WebDriverWait(browser.driver(), Duration.ofSeconds(20)).until(d -> d.findElements(
                    By.cssSelector(".swagger-ui .opblock-body .microlight, .swagger-ui .opblock-body pre"))
                    .stream().anyMatch(e -> e.getText().contains("\"_links\"")));
            assertThat(browser.present(".swagger-ui .errors-wrapper")).as("resolver errors").isFalse();
            assertThat((List<?>) browser.script("return window.__violations")).isEmpty();
            browser.screenshot("b2b-api-docs");
        }
    }
}
