package dev.vigil.server;

import static dev.vigil.server.TestServer.ADMIN_TOKEN;
import static dev.vigil.server.TestServer.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The editor's simulator, the progress of long work and the alert pages, in a real headless
 * Chromium against the real server: an event typed in the form fires the draft's rules with
 * its evidence, a draft change fires without a deploy, a backtest and the rule tests show their
 * progress, and the alerts view pages through a range of event time.
 */
class EditorSimulatorE2EIT {
    private static final String DRL = TestDrl.TRANSACTION + """

            rule "large"
                @severity("high")
            when
                Transaction(amount > 1000, $acc : accountId)
            then
                alerts.raise($acc, "large transaction");
            end
            """;
    private static final String TESTS = """
            name: a large transaction raises large
            events:
              - {at: 0s, type: Transaction, accountId: a1, amount: 5000}
            expect:
              - {rule: large, key: a1}
            ---
            name: a small one does not
            events:
              - {at: 0s, type: Transaction, accountId: a1, amount: 5}
            expectNone:
              - {rule: large}
            """;
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @TempDir
    static Path data;
    @TempDir
    static Path browserProfile;
    @TempDir
    static Path files;
    private static TestServer server;
    private static Browser browser;
    private static WebDriver driver;
    private static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        Browser.assumeInstalled();
        server = TestServer.start(data);
        var deployed = server.put("/api/v1/rulesets/fraud", Map.of("files", Map.of("fraud.drl", DRL, "fraud.test.yaml", TESTS)));
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);
        browser = Browser.start(browserProfile);
        driver = browser.driver;
        wait = browser.wait;
        browser.signIn(base(), ADMIN_TOKEN);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static String base() {
        return "http://127.0.0.1:" + server.port();
    }

    private static void openEditor() {
        driver.get(base() + "/#/editor/fraud");
        driver.navigate().refresh();
        wait.until(ExpectedConditions.textToBe(By.id("version"), "v1"));
        wait.until(ExpectedConditions.textMatches(By.id("validation"), Pattern.compile("^compiles")));
    }

    private static void type(String id, String text) {
        WebElement input = driver.findElement(By.id(id));
        input.clear();
        input.sendKeys(text);
    }

    @Test
    void anEventTypedInTheForm_firesTheDraftsRules_withWhatTriggered_andADraftChangeFiresWithoutADeploy() throws Exception {
        openEditor();
        driver.findElement(By.id("show-simulator")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sim-field-amount")));
        assertThat(driver.findElement(By.id("sim-type")).getAttribute("value")).isEqualTo("Transaction");
        assertThat(driver.findElement(By.id("sim-field-amount")).getAttribute("type")).isEqualTo("number");
        assertThat(driver.findElements(By.id("sim-field-time"))).isEmpty();

        type("sim-time", "2026-11-20T10:00:00Z");
        type("sim-field-accountId", "a1");
        type("sim-field-amount", "5000");
        driver.findElement(By.id("sim-send")).click();
        var alert = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".sim-alert[data-rule='large']")));
        assertThat(alert.getText()).contains("HIGH", "large", "a1: large transaction", "what triggered: sim-1");
        assertThat(driver.findElement(By.id("sim-summary")).getText()).isEqualTo("1 event run, 1 alert");

        // A second, small event: the whole batch runs again; the small one fires nothing.
        type("sim-time", "2026-11-20T10:00:05Z");
        type("sim-field-accountId", "a2");
        type("sim-field-amount", "5");
        driver.findElement(By.id("sim-send")).click();
        wait.until(ExpectedConditions.textToBe(By.id("sim-summary"), "2 events run, 1 alert"));
        assertThat(driver.findElement(By.cssSelector(".sim-results li[data-id='sim-2']")).getText()).contains("nothing fired");

        // A rule added in the editor, not deployed, fires on the next run.
        var content = driver.findElement(By.cssSelector("#editor .cm-content"));
        content.click();
        content.sendKeys(Keys.chord(Keys.CONTROL, Keys.END));
        content.sendKeys("rule \"seen\" when Transaction($acc : accountId) then alerts.raise($acc, \"seen\"); end");
        content.sendKeys(Keys.ESCAPE);
        wait.until(ExpectedConditions.textToBe(By.id("validation"), "compiles: 2 rules"));
        driver.findElement(By.id("sim-run")).click();
        wait.until(ExpectedConditions.textToBe(By.id("sim-summary"), "2 events run, 3 alerts"));
        assertThat(driver.findElement(By.cssSelector(".sim-results li[data-id='sim-2']")).getText()).contains("seen", "a2: seen");
        driver.findElement(By.cssSelector(".sim-results li[data-id='sim-1'] .sim-alert[data-rule='large']")).click();
        var details = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("alert-details")));
        assertThat(details.getText()).contains("What triggered: 1 event", "\"id\":\"sim-1\"", "\"amount\":5000");
        assertThat(driver.findElement(By.id("version")).getText()).isEqualTo("v1");
        assertThat(server.getJson("/api/v1/rulesets/fraud").get("rules")).hasSize(1);
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView()", driver.findElement(By.id("sim-summary")));
        browser.screenshot("editor-simulator");

        // A draft that does not compile says so, and runs nothing.
        content.sendKeys(Keys.chord(Keys.CONTROL, Keys.END));
        content.sendKeys(" rule \"broken\" when Transaction( then end");
        content.sendKeys(Keys.ESCAPE);
        wait.until(ExpectedConditions.textToBe(By.id("validation"), "does not compile"));
        driver.findElement(By.id("sim-run")).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sim-compile-errors"))).getText())
                .contains("The rules in the editor do not compile, so nothing ran:", "fraud.drl:");
    }

    @Test
    void aLargeBacktestAndTheRuleTests_showTheirProgress_toTheirLastStep() throws Exception {
        var events = new StringBuilder();
        for (int i = 0; i < 30_000; i++) {
            events.append(toJson(Map.of("type", "Transaction", "id", "e" + i, "time", T0.plusMillis(10L * i).toString(),
                    "accountId", "a" + (i % 50), "amount", i % 1000 == 0 ? 5000 : 10))).append('\n');
        }
        var file = Files.writeString(files.resolve("events.ndjson"), events);
        openEditor();
        driver.findElement(By.id("events-file")).sendKeys(file.toString());
        driver.findElement(By.id("run-backtest")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#backtest-progress .track .bar")));
        wait.until(ExpectedConditions.textMatches(By.cssSelector("#backtest-progress .progress-text"),
                Pattern.compile("^30,000 of 30,000 events in [0-9.]+ s$")));
        assertThat(driver.findElement(By.id("backtest-stats")).getText()).contains("30000 events", "30 alerts");
        assertThat(driver.findElement(By.cssSelector("#backtest-progress .bar")).getAttribute("style")).contains("width: 100%");

        driver.findElement(By.id("show-tests")).click();
        driver.findElement(By.id("run-tests")).click();
        wait.until(ExpectedConditions.textMatches(By.cssSelector("#test-progress .progress-text"),
                Pattern.compile("^2 of 2 cases in [0-9.]+ s$")));
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#test-results p"))).getText())
                .isEqualTo("2 passed, 0 failed against v1");
    }

    @Test
    void theAlertsView_pagesThroughARangeOfEventTime() throws Exception {
        var lines = new StringBuilder();
        for (int i = 0; i < 130; i++) {
            var at = i < 120 ? T0.plusSeconds(20L * i) : T0.plusSeconds(7200 + i);
            lines.append(toJson(Map.of("type", "Transaction", "id", "p" + i, "time", at.toString(), "accountId", "k" + i,
                    "amount", 5000))).append('\n');
        }
        var posted = server.send("POST", "/api/v1/events?ruleset=fraud", lines.toString(), "application/x-ndjson", ADMIN_TOKEN);
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> server.getJson("/api/v1/alerts?limit=1000").get("alerts").size() == 130);

        // The simulator's draft is not deployed: leaving the editor asks first.
        driver.get(base() + "/#/alerts");
        try {
            driver.switchTo().alert().accept();
        } catch (NoAlertPresentException noDraftLeft) {
            // run on its own, this test finds no draft to leave
        }
        wait.until(ExpectedConditions.textMatches(By.id("alerts-page"), Pattern.compile("^100 alerts; more are stored$")));
        type("alerts-since", "2026-11-20T10:00:00Z");
        type("alerts-until", "2026-11-20T11:00:00Z");
        driver.findElement(By.id("alerts-apply")).click();
        wait.until(ExpectedConditions.textToBe(By.id("alerts-page"),
                "100 alerts with event time from 2026-11-20 10:00:00Z before 2026-11-20 11:00:00Z; more are stored"));
        driver.findElement(By.id("alerts-more")).click();
        wait.until(ExpectedConditions.textToBe(By.id("alerts-page"),
                "120 alerts with event time from 2026-11-20 10:00:00Z before 2026-11-20 11:00:00Z"));
        assertThat(driver.findElements(By.cssSelector("#live-alerts tbody tr"))).hasSize(120);
        assertThat(driver.findElement(By.id("alerts-more")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.cssSelector("#live-alerts tbody tr:last-child")).getText()).contains("2026-11-20 10:00:00Z");
    }
}
