package dev.vigil.server;

import static dev.vigil.server.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.rules.RulesDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * A rule set of the rules folder in the editor, in a real headless Chromium: the list and the
 * editor name the folder that manages it, and the editor does not change it (no typing, deploy,
 * rollback or settings) while validation and the rule tests still run on its text.
 */
class ManagedRuleSetE2EIT {
    private static final String TESTS = """
            name: a large transaction raises large
            events:
              - {at: 0s, type: Transaction, id: t1, accountId: a1, amount: 5000}
            expect:
              - {rule: large, key: a1}
            """;

    @TempDir
    Path data;
    @TempDir
    Path browserProfile;
    /** Under the module's folder, given relative to it, as a user gives {@code --rules rules}. */
    private Path work;
    private TestServer server;
    private RulesDirectory directory;
    private Browser browser;

    @BeforeAll
    static void needsChromium() {
        Browser.assumeInstalled();
    }

    @AfterEach
    void stop() throws IOException {
        if (browser != null) {
            browser.close();
        }
        if (directory != null) {
            directory.close();
        }
        if (server != null) {
            server.close();
        }
        if (work == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(work)) {
            for (var path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Test
    void aManagedRuleSet_isBadgedInTheListAndTheEditor_whichIsReadOnlyButStillValidatesAndTests() throws Exception {
        var target = Files.createDirectories(Path.of("target"));
        work = Path.of("").toAbsolutePath().relativize(Files.createTempDirectory(target.toAbsolutePath(), "managed-e2e-"));
        var rules = work.resolve("rules");
        var fraud = Files.createDirectories(rules.resolve("fraud"));
        Files.writeString(fraud.resolve("fraud.drl"), TestDrl.LARGE);
        Files.writeString(fraud.resolve("fraud.test.yaml"), TESTS);
        server = TestServer.start(data);
        directory = new RulesDirectory(rules, server.server().ruleSets(), server.server().audit());
        directory.deployChanged();
        Files.writeString(fraud.resolve("fraud.drl"), TestDrl.LARGE + "// reviewed\n");
        directory.deployChanged();
        var label = "managed by " + rules.resolve("fraud");

        browser = Browser.start(browserProfile);
        var driver = browser.driver;
        var wait = browser.wait;
        browser.signIn("http://127.0.0.1:" + server.port(), ADMIN_TOKEN);

        var row = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#rulesets tr[data-name='fraud']")));
        assertThat(row.findElement(By.cssSelector(".badge.managed")).getText()).isEqualTo(label);
        browser.screenshot("managed-rule-sets");

        row.findElement(By.linkText("fraud")).click();
        wait.until(ExpectedConditions.textToBe(By.id("version"), "v2"));
        wait.until(ExpectedConditions.textMatches(By.id("validation"), Pattern.compile("^compiles")));
        assertThat(driver.findElement(By.id("managed")).getText()).isEqualTo(label);
        assertThat(driver.findElement(By.id("managed-note")).getText()).contains("edit its files there", "--rules-writable");
        assertThat(driver.findElement(By.id("deploy")).isEnabled()).isFalse();
        assertThat(driver.findElements(By.id("add-file"))).as("no file can be added").isEmpty();
        var content = driver.findElement(By.cssSelector("#editor .cm-content"));
        content.click();
        content.sendKeys(Keys.chord(Keys.CONTROL, Keys.END), "typed", Keys.chord(Keys.CONTROL, "s"));
        assertThat(content.getText()).as("read-only").doesNotContain("typed");

        driver.findElement(By.id("show-settings")).click();
        assertThat(driver.findElement(By.id("setting-lateness")).isEnabled()).isFalse();
        driver.findElement(By.id("show-versions")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#versions tr[data-version='1']")));
        assertThat(driver.findElements(By.cssSelector("#versions button.rollback"))).isEmpty();

        driver.findElement(By.id("show-tests")).click();
        driver.findElement(By.id("run-tests")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#test-results p"), "1 passed, 0 failed against v2"));
        browser.screenshot("managed-editor");
        assertThat(server.getJson("/api/v1/rulesets/fraud/versions")).as("the editor deployed nothing").hasSize(2);
    }
}
