package dev.vigil.server;

import static dev.vigil.server.TestServer.ADMIN_TOKEN;
import static dev.vigil.server.TestServer.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.server.webhook.AddressPolicy;
import dev.vigil.server.webhook.Webhooks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The rule editor in a real headless Chromium against the real server on port 0 with a temporary
 * H2: sign in, a syntax error marked at its line, deploy, backtest, live alerts, rollback, the
 * settings form (partition key, Kafka source), in the {@link Browser}; skipped when it is not
 * installed. Screenshots of each screen go to target/screenshots.
 */
class EditorE2EIT {
    private static final String DRL = """
            package fraud;

            declare Transaction
                @role(event)
                @timestamp(time)
                id : String
                time : long
                accountId : String
                amount : double
            end

            rule "large"
                @severity("high")
            when
                Transaction(amount > 1000, $acc : accountId) over window:time(1m)
            then
                alerts.raise($acc, "large transaction");
            end
            """;
    /** Two cases: one that passes, one whose expectation the rules do not meet. */
    private static final String TESTS = """
            name: a large transaction raises large
            events:
              - {at: 0s, type: Transaction, id: t1, accountId: a1, amount: 5000}
            expect:
              - {rule: large, key: a1}
            ---
            name: a small transaction raises large
            events:
              - {at: 0s, type: Transaction, id: t1, accountId: a1, amount: 5}
            expect:
              - {rule: large, key: a1}
            """;

    @TempDir
    Path data;
    @TempDir
    Path browserProfile;
    private TestServer server;
    private Browser browser;
    private WebDriver driver;
    private WebDriverWait wait;

    @BeforeAll
    static void needsChromium() {
        Browser.assumeInstalled();
    }

    @BeforeEach
    void start() throws Exception {
        // The webhook the test subscribes points at this machine, which the server refuses unless allowed.
        server = TestServer.start(TestServer.config(data).withWebhooks(
                Webhooks.Settings.DEFAULTS.withAddresses(AddressPolicy.ANY)));
        var deployed = server.put("/api/v1/rulesets/fraud",
                Map.of("files", Map.of("fraud.drl", DRL, "fraud.test.yaml", TESTS), "settings", Map.of("lateness", "1s")));
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);
        browser = Browser.start(browserProfile);
        driver = browser.driver;
        wait = browser.wait;
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void signIn_markAnError_deploy_backtest_runTests_watchLive_rollBack_newFromTemplate() throws Exception {
        driver.get(base() + "/");
        var tokenInput = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        tokenInput.sendKeys("not-a-token");
        driver.findElement(By.id("signin")).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".signin pre.error"))).getText())
                .isEqualTo("the token is not valid");
        screenshot("sign-in");
        tokenInput.clear();
        tokenInput.sendKeys(ADMIN_TOKEN);
        driver.findElement(By.id("signin")).click();

        // The rule set list.
        var row = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#rulesets tr[data-name='fraud']")));
        assertThat(row.getText()).contains("fraud", "v1", "running", "event-time");
        screenshot("rule-sets");

        // The editor: a syntax error typed on the last line is marked at that line.
        row.findElement(By.linkText("fraud")).click();
        wait.until(ExpectedConditions.textToBe(By.id("version"), "v1"));
        wait.until(ExpectedConditions.textMatches(By.id("validation"), Pattern.compile("^compiles")));
        var content = driver.findElement(By.cssSelector("#editor .cm-content"));
        content.click();
        content.sendKeys(Keys.chord(Keys.CONTROL, Keys.END));
        content.sendKeys("rule \"broken\" when Transaction( then end");
        content.sendKeys(Keys.ESCAPE);
        int errorLine = DRL.split("\n", -1).length;
        wait.until(ExpectedConditions.textToBe(By.id("validation"), "does not compile"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#editor .cm-lintRange-error")));
        var lines = driver.findElements(By.cssSelector("#editor .cm-content > .cm-line"));
        int marked = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).findElements(By.cssSelector(".cm-lintRange-error")).isEmpty()) {
                marked = i + 1;
                break;
            }
        }
        assertThat(marked).isEqualTo(errorLine);
        assertThat(driver.findElement(By.id("problems")).getText()).contains("fraud.drl:" + errorLine + ":");
        screenshot("editor-error");

        // Fixed (the line removed) and deployed with Ctrl-S: version 2.
        content.sendKeys(Keys.END, Keys.chord(Keys.SHIFT, Keys.HOME), Keys.BACK_SPACE);
        wait.until(ExpectedConditions.textMatches(By.id("validation"), Pattern.compile("^compiles")));
        assertThat(driver.findElements(By.cssSelector("#editor .cm-lintRange-error"))).isEmpty();
        content.sendKeys(Keys.chord(Keys.CONTROL, "s"));
        wait.until(ExpectedConditions.textToBe(By.id("version"), "v2"));
        assertThat(driver.findElement(By.id("deployed")).getText()).startsWith("Deployed version 2");
        assertThat(server.getJson("/api/v1/rulesets/fraud").get("version").asInt()).isEqualTo(2);
        screenshot("editor");

        // Backtest: uploaded NDJSON, two large transactions, compared with the active version.
        var events = data.resolve("transactions.ndjson");
        Files.write(events, List.of(
                event("b1", "2026-11-20T09:00:00Z", "a1", 20),
                event("b2", "2026-11-20T09:01:00Z", "a1", 5000),
                event("b3", "2026-11-20T09:02:00Z", "a2", 30),
                event("b4", "2026-11-20T09:05:00Z", "a2", 1500),
                event("b5", "2026-11-20T09:06:00Z", "a3", 10)));
        driver.findElement(By.id("events-file")).sendKeys(events.toString());
        driver.findElement(By.id("run-backtest")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#backtest-alerts tbody tr"), 2));
        var alertRows = driver.findElements(By.cssSelector("#backtest-alerts tbody tr"));
        assertThat(alertRows.get(0).getText()).contains("large", "a1", "high", "unchanged");
        assertThat(alertRows.get(1).getText()).contains("large", "a2");
        var chart = driver.findElement(By.id("backtest-chart"));
        assertThat(chart.getAttribute("data-alerts")).isEqualTo("2");
        assertThat(chart.getAttribute("data-events")).isEqualTo("5");
        assertThat(chart.findElements(By.tagName("canvas"))).isNotEmpty();
        assertThat(driver.findElement(By.id("backtest-stats")).getText()).contains("5 events", "2 alerts", "2 unchanged");
        alertRows.get(0).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("alert-details"))).getText()).contains("What triggered: 1 event", "\"id\":\"b2\"");
        screenshot("backtest");

        // The test cases of the editor's fraud.test.yaml: pass or fail per case, with the reason.
        driver.findElement(By.id("show-tests")).click();
        driver.findElement(By.id("run-tests")).click();
        var report = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#test-results ul.cases")));
        assertThat(driver.findElement(By.id("test-results")).getText()).contains("1 passed, 1 failed against v2");
        var cases = report.findElements(By.cssSelector(":scope > li"));
        assertThat(cases.get(0).getText()).startsWith("PASS a large transaction raises large");
        assertThat(cases.get(1).getText()).startsWith("FAIL a small transaction raises large").contains("expected an alert of rule \"large\" with key a1; fired: none");
        screenshot("tests");

        // Live: an alert of events posted to the API shows within 2 seconds.
        driver.findElement(By.linkText("Live alerts")).click();
        wait.until(ExpectedConditions.textToBe(By.id("stream-state"), "live"));
        var posted = server.post("/api/v1/events", "[" + event("l1", "2026-11-20T11:00:00Z", "live-1", 9000) + ","
                + event("l2", "2026-11-20T11:00:05Z", "live-2", 10) + "]");
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
                .until(() -> !driver.findElements(By.cssSelector("#live-alerts tr[data-rule='large']")).isEmpty());
        var live = driver.findElement(By.cssSelector("#live-alerts tr[data-rule='large']"));
        assertThat(live.getText()).contains("live-1", "large transaction");
        live.findElement(By.cssSelector("button.ack")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#live-alerts tr[data-rule='large'] button.ack"), "acked"));
        driver.findElement(By.cssSelector("#live-alerts tr[data-rule='large']")).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("alert-details"))).getText()).contains("l1");
        screenshot("live-alerts");

        // The journal of what was just posted, replayed as a job; the editor's rules again.
        driver.get(base() + "/#/editor/fraud");
        wait.until(ExpectedConditions.textToBe(By.id("version"), "v2"));
        driver.findElement(By.cssSelector("input[name='source'][value='journal']")).click();
        driver.findElement(By.id("journal-from")).sendKeys("2026-11-20T10:59:00Z");
        driver.findElement(By.id("journal-to")).sendKeys("2026-11-20T11:01:00Z");
        driver.findElement(By.id("run-backtest")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#backtest-alerts tbody tr"), 1));
        assertThat(driver.findElement(By.cssSelector("#backtest-alerts tbody tr")).getText()).contains("large", "live-1");
        assertThat(driver.findElement(By.id("backtest-stats")).getText()).contains("2 events", "1 alerts");

        driver.findElement(By.linkText("Webhooks")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("webhooks")));
        // A refused subscription shows the server's reasons; a good one is listed, has a delivery log, and goes.
        var url = driver.findElement(By.id("hook-url"));
        url.sendKeys("ftp://127.0.0.1/vigil");
        driver.findElement(By.cssSelector("form.inline button[type='submit']")).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("pre.error"))).getText())
                .contains("url: the url must be http or https, not 'ftp'");
        url.clear();
        url.sendKeys("http://127.0.0.1:9/vigil");
        driver.findElement(By.id("hook-rulesets")).sendKeys("fraud");
        driver.findElement(By.cssSelector("form.inline button[type='submit']")).click();
        var hook = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#webhooks tbody tr button.danger")));
        assertThat(driver.findElement(By.cssSelector("#webhooks tbody tr")).getText()).contains("http://127.0.0.1:9/vigil", "fraud; low or higher");
        assertThat(driver.findElements(By.cssSelector("pre.error"))).isEmpty();
        driver.findElement(By.xpath("//table[@id='webhooks']//button[text()='Deliveries']")).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#deliveries h3"))).getText())
                .startsWith("Deliveries of ");
        screenshot("webhooks");
        hook.click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#webhooks tbody tr"), "No subscriptions."));

        // Roll back to version 1: deployed as version 3.
        driver.get(base() + "/#/editor/fraud");
        wait.until(ExpectedConditions.textToBe(By.id("version"), "v2"));
        driver.findElement(By.id("show-versions")).click();
        var rollback = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#versions tr[data-version='1'] button.rollback")));
        rollback.click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.textToBe(By.id("version"), "v3"));
        assertThat(server.getJson("/api/v1/rulesets/fraud").get("version").asInt()).isEqualTo(3);
        driver.findElement(By.id("show-diff")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#diff .file-head")));
        screenshot("versions");

        // A new rule set from the monitoring template in the rule language: it compiles and deploys as version 1.
        driver.findElement(By.linkText("Rule sets")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-name"))).sendKeys("hosts");
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("new-template"))).selectByValue("monitoring-yaml");
        driver.findElement(By.cssSelector("form.inline button[type='submit']")).click();
        wait.until(ExpectedConditions.textToBe(By.id("version"), "new: not deployed"));
        assertThat(driver.findElements(By.cssSelector("#tabs [data-path]")).stream().map(t -> t.getAttribute("data-path")).toList())
                .containsExactly("cpu-hot.rule.yaml", "monitoring.drl");
        wait.until(ExpectedConditions.textMatches(By.id("validation"), Pattern.compile("^compiles: 1 rule$")));

        // Files added, renamed and deleted in tabs; settings changed in their form, a bad one shown as it is refused, and
        // the rule set partitioned by host.
        driver.findElement(By.id("add-file")).click();
        answerPrompt("extra.drl");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#tabs [data-path='extra.drl']")));
        new org.openqa.selenium.interactions.Actions(driver)
                .doubleClick(driver.findElement(By.cssSelector("#tabs [data-path='extra.drl'] button.name"))).perform();
        answerPrompt("more.drl");
        driver.findElement(By.id("add-file")).click();
        answerPrompt("gone.drl");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#tabs [data-path='gone.drl']")));
        driver.findElement(By.cssSelector("#tabs [data-path='gone.drl'] button.close")).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(d -> d.findElements(By.cssSelector("#tabs [data-path]")).stream().map(t -> t.getAttribute("data-path")).toList()
                .equals(List.of("cpu-hot.rule.yaml", "monitoring.drl", "more.drl")));
        driver.findElement(By.id("show-settings")).click();
        var lateness = driver.findElement(By.id("setting-lateness"));
        lateness.clear();
        lateness.sendKeys("soon", Keys.TAB);
        wait.until(ExpectedConditions.textToBe(By.id("validation"), "not checked"));
        assertThat(driver.findElement(By.id("problems")).getText()).contains("lateness");
        lateness.clear();
        lateness.sendKeys("5s", Keys.TAB);
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("setting-latePolicy"))).selectByValue("drop");
        wait.until(ExpectedConditions.textMatches(By.id("validation"), Pattern.compile("^compiles: 1 rule$")));
        // The partition key: a bad one typed is refused naming its type; chosen from the Metric type's fields in the table.
        var partitionKey = driver.findElement(By.id("setting-partitionBy"));
        partitionKey.sendKeys("Metric=host name", Keys.TAB);
        wait.until(ExpectedConditions.textToBe(By.id("validation"), "not checked"));
        assertThat(driver.findElement(By.id("problems")).getText())
                .contains("settings.partitionBy.Metric: partitionBy.Metric must name a field, was 'host name'");
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("setting-partitionBy-Metric"))).selectByValue("host");
        wait.until(ExpectedConditions.attributeToBe(By.id("setting-partitionBy"), "value", "Metric=host"));
        driver.findElement(By.id("setting-partitions")).sendKeys("2", Keys.TAB);
        driver.findElement(By.id("setting-acceptCrossKeyJoins")).click();
        wait.until(ExpectedConditions.textMatches(By.id("validation"), Pattern.compile("^compiles: 1 rule$")));
        // The source: a topic name the server would refuse is named in the form, and refused; a good one is deployed.
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("setting-source"))).selectByValue("kafka");
        var topic = driver.findElement(By.id("setting-source-topic"));
        topic.sendKeys("host metrics", Keys.TAB);
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("setting-source-problem"))).getText())
                .isEqualTo("'host metrics' is not a Kafka topic name: 1 to 249 of a-z, A-Z, 0-9, '.', '_', '-' (and not '.' or '..')");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("problems"),
                "settings.source: source.kafka.topic must be a Kafka topic name (1 to 249 of a-z, A-Z, 0-9, '.', '_', '-'), was 'host metrics'"));
        assertThat(driver.findElement(By.id("validation")).getText()).isEqualTo("not checked");
        topic.clear();
        topic.sendKeys("host-metrics", Keys.TAB);
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("setting-source-startAt"))).selectByValue("latest");
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("setting-source-problem")));
        wait.until(ExpectedConditions.textMatches(By.id("validation"), Pattern.compile("^compiles: 1 rule$")));
        screenshot("settings");

        driver.findElement(By.id("deploy")).click();
        wait.until(ExpectedConditions.textToBe(By.id("version"), "v1"));
        var hosts = server.getJson("/api/v1/rulesets/hosts");
        assertThat(hosts.get("rules").get(0).get("name").asText()).isEqualTo("cpu above 90% for 5 minutes");
        assertThat(hosts.get("files").fieldNames()).toIterable().containsExactlyInAnyOrder("cpu-hot.rule.yaml", "monitoring.drl", "more.drl");
        assertThat(hosts.get("settings").get("lateness").asText()).isEqualTo("5000ms");
        assertThat(hosts.get("settings").get("latePolicy").asText()).isEqualTo("drop");
        assertThat(hosts.get("settings").get("partitionBy").toString()).isEqualTo("{\"Metric\":\"host\"}");
        assertThat(hosts.get("settings").get("partitions").asInt()).isEqualTo(2);
        assertThat(hosts.get("settings").get("acceptCrossKeyJoins").asBoolean()).isTrue();
        assertThat(hosts.get("settings").get("source").get("kafka").get("topic").asText()).isEqualTo("host-metrics");
        assertThat(hosts.get("settings").get("source").get("kafka").get("startAt").asText()).isEqualTo("latest");
        screenshot("new-from-template");

        // Opened again, the form shows the deployed source; this server has no Kafka, so no consumer.
        driver.navigate().refresh();
        wait.until(ExpectedConditions.textToBe(By.id("version"), "v1"));
        driver.findElement(By.id("show-settings")).click();
        assertThat(driver.findElement(By.id("setting-source")).getAttribute("value")).isEqualTo("kafka");
        assertThat(driver.findElement(By.id("setting-source-topic")).getAttribute("value")).isEqualTo("host-metrics");
        assertThat(driver.findElement(By.id("setting-source-startAt")).getAttribute("value")).isEqualTo("latest");
        assertThat(driver.findElement(By.id("kafka-consumer")).getText()).startsWith("None on this server");

        // A narrow window (1024 px): the editor and its Deploy button still fit.
        driver.manage().window().setSize(new Dimension(1024, 768));
        driver.findElement(By.id("show-backtest")).click();
        WebElement deploy = driver.findElement(By.id("deploy"));
        assertThat(deploy.isDisplayed()).isTrue();
        assertThat(deploy.getRect().getX() + deploy.getRect().getWidth()).isLessThanOrEqualTo(1024);
        screenshot("editor-1024");

        // A token that may only read alerts: it lands on the live alerts, and the rest is disabled.
        var watcher = read(server.post("/api/v1/tokens", "{\"name\": \"watcher\", \"scopes\": [\"alerts:read\"]}"))
                .get("token").asText();
        driver.findElement(By.id("signout")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys(watcher);
        driver.findElement(By.id("signin")).click();
        wait.until(ExpectedConditions.textToBe(By.id("stream-state"), "live"));
        assertThat(driver.findElements(By.cssSelector("#nav .disabled")).stream().map(WebElement::getText).toList())
                .containsExactly("Rule sets", "Webhooks");
        assertThat(driver.findElement(By.id("who")).getText()).contains("watcher (alerts:read)");
    }

    private void answerPrompt(String text) {
        var prompt = wait.until(ExpectedConditions.alertIsPresent());
        prompt.sendKeys(text);
        prompt.accept();
    }

    private String base() {
        return server.uri("").toString();
    }

    private static String event(String id, String time, String account, double amount) {
        return "{\"type\": \"Transaction\", \"id\": \"" + id + "\", \"time\": \"" + time + "\", \"accountId\": \"" + account
                + "\", \"amount\": " + amount + "}";
    }

    private void screenshot(String name) throws IOException {
        browser.screenshot(name);
    }
}
