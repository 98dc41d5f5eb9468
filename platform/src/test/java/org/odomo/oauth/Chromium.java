package org.odomo.oauth;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.ChromiumDriverLogLevel;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium driven through ChromeDriver, both from the operating system's packages
 * ({@code /usr/bin/chromium}, {@code /usr/bin/chromedriver}; override with the system properties
 * {@code odomo.test.chromium} and {@code odomo.test.chromedriver}). Selenium Manager is never asked
 * to find or download anything: the driver's path is given and offline mode is set. Each
 * instance has its own throw-away profile directory, removed on {@link #close()}.
 */
final class Chromium implements AutoCloseable {

    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;

    Chromium() {
        System.setProperty("SE_OFFLINE", "true");
        String binary = System.getProperty("odomo.test.chromium", "/usr/bin/chromium");
        String chromedriver = System.getProperty("odomo.test.chromedriver", "/usr/bin/chromedriver");
        try {
            profile = Files.createTempDirectory("odomo-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver))
                .usingAnyFreePort()
                .withLogLevel(ChromiumDriverLogLevel.SEVERE)
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--disable-features=Translate,MediaRouter",
                "--window-size=1280,1000", "--lang=en-GB", "--user-data-dir=" + profile.toAbsolutePath());
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            service.stop();
            deleteProfile();
            throw e;
        }
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    WebDriver driver() {
        return driver;
    }

    void open(String url) {
        driver.get(url);
    }

    String url() {
        return driver.getCurrentUrl();
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    boolean present(String css) {
        return !driver.findElements(By.cssSelector(css)).isEmpty();
    }

    String text(String css) {
        return find(css).getText();
    }

    void type(String css, String value) {
        WebElement field = find(css);
        field.clear();
        field.sendKeys(value);
    }

    /**
     * Clicks and waits until another document is loaded (the old one is marked, and the mark is
     * gone from the new one), so that a form post answered with the same page still counts.
     */
    void clickAndWait(String css) {
        script("window.__odomoPreviousPage = true;");
        find(css).click();
        waitUntil(d -> Boolean.TRUE.equals(script(
                "return !window.__odomoPreviousPage && document.readyState === 'complete';")));
    }

    /** Waits up to 15 seconds; a page being replaced meanwhile is no failure. */
    <T> T waitUntil(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(15)).ignoring(WebDriverException.class)
                .until(condition::apply);
    }

    Object script(String js, Object... args) {
        return driver.executeScript(js, args);
    }

    /** Forgets the session: the next page starts logged out, as in a fresh browser. */
    void forgetCookies() {
        driver.manage().deleteAllCookies();
    }

    /**
     * Saves the whole page, also what lies below the window, as
     * {@code target/screenshots/NAME.png} (through ChromeDriver's DevTools command endpoint).
     */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path target = SCREENSHOTS.resolve(name + ".png");
            @SuppressWarnings("unchecked")
            Map<String, Object> size = (Map<String, Object>) script("""
                    const e = document.documentElement;
                    return {width: Math.max(e.clientWidth, e.scrollWidth), height: Math.max(e.clientHeight, e.scrollHeight)};""");
            Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                    "captureBeyondViewport", true, "clip", Map.of("x", 0, "y", 0, "width", size.get("width"),
                            "height", size.get("height"), "scale", 1)));
            Files.write(target, Base64.getDecoder().decode((String) shot.get("data")));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteProfile();
        }
    }

    private void deleteProfile() {
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary directory is harmless.
        }
    }
}
