package dev.vigil.server;

import static dev.vigil.server.TestServer.ADMIN_TOKEN;
import static dev.vigil.server.TestServer.read;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The rule editor's state in a real headless Chromium against the real server: unsaved edits kept
 * across a reload and guarded on leaving, a failed deploy's banner gone once fixed, the version
 * after a rollback, a parse error listed before the errors it causes, the name checked as typed,
 * and a read-only token. One server and one browser for the class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EditorStateE2EIT {
    private static final String DRL = """
            package state;

            declare Payment
                @role(event)
                @timestamp(time)
                id : String
                time : long
                accountId : String
                amount : double
            end

            rule "huge"
            when
                Payment(amount > 9000, $acc : accountId) over window:time(1m)
            then
                alerts.raise($acc, "huge payment");
            end
            """;
    private static final String RULE = "rule: big\nwhen:\n  pattern: match\n  event: Payment\n  where: amount > 5000\n";

    @TempDir
    static Path data;
    @TempDir
    static Path profile;
    private static TestServer server;
    private static Browser browser;
    private static WebDriver driver;
    private static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        Browser.assumeInstalled();
        server = TestServer.start(TestServer.config(data));
        deploy(DRL.replace("amount > 9000", "amount > 9999"));
        deploy(DRL);
        browser = Browser.start(profile);
        driver = browser.driver;
        wait = browser.wait;
    }

    private static void deploy(String drl) throws Exception {
        var answer = server.put("/api/v1/rulesets/state", Map.of("files", Map.of("state.drl", drl, "big.rule.yaml", RULE)));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
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

    @Test
    @Order(1)
    void draftSurvivesReload_leavingAsks_bannerClears_causeFirst_versionAfterRollback() throws Exception {
        browser.signIn(base(), ADMIN_TOKEN);
        driver.get(base() + "/#/editor/state");
        openedAt("v2");
        assertThat(driver.findElements(By.cssSelector("#tabs .tab.modified"))).isEmpty();

        // Typed, then reloaded: the draft comes back, marked, with its note.
        var content = editorOf("state.drl");
        content.sendKeys(Keys.chord(Keys.CONTROL, Keys.END), "// kept across a reload\n");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#tabs .tab.modified[data-path='state.drl']")));
        ((JavascriptExecutor) driver).executeScript("setTimeout(() => location.reload(), 0)");
        acceptIfAsked();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("draft-note")));
        assertThat(driver.findElement(By.id("draft-note")).getText()).matches("Restored unsaved draft from .*, based on v2\\.\\s*Discard");
        assertThat(driver.findElement(By.cssSelector("#tabs .tab.modified")).getAttribute("data-path")).isEqualTo("state.drl");
        assertThat(driver.findElement(By.cssSelector("#editor .cm-content")).getText()).contains("// kept across a reload");
        browser.screenshot("state-draft-restored");

        // Leaving asks; staying keeps the editor.
        driver.findElement(By.linkText("Rule sets")).click();
        var question = wait.until(ExpectedConditions.alertIsPresent());
        assertThat(question.getText()).contains("not deployed");
        question.dismiss();
        assertThat(driver.getCurrentUrl()).endsWith("#/editor/state");
        assertThat(driver.findElement(By.id("draft-note")).isDisplayed()).isTrue();

        // A parse error: the cause first, the unknown type it causes in the rule file folded away, positions that agree.
        content = editorOf("state.drl");
        content.sendKeys(Keys.chord(Keys.CONTROL, Keys.END), "rule \"broken\" when Payment( then end");
        wait.until(ExpectedConditions.textToBe(By.id("validation"), "does not compile"));
        var first = driver.findElement(By.cssSelector("#problems > ul > li"));
        var where = first.findElement(By.cssSelector(".where")).getText();
        assertThat(where).startsWith("state.drl:");
        var position = where.substring("state.drl:".length());
        assertThat(first.getText()).contains("Line " + position);
        assertThat(driver.findElement(By.cssSelector("#following summary")).getText()).isEqualTo("1 more error that follows from the first");
        assertThat(driver.findElement(By.cssSelector("#following li")).isDisplayed()).isFalse();
        browser.screenshot("state-cascade");

        // Deployed as it is: the banner says so in words, and goes once the text is fixed.
        driver.findElement(By.id("deploy")).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#deploy-result pre.error"))).getText())
                .matches("does not compile: \\d+ errors? \\(see Problems\\)");
        content = editorOf("state.drl");
        content.sendKeys(Keys.chord(Keys.CONTROL, Keys.END), Keys.chord(Keys.SHIFT, Keys.HOME), Keys.BACK_SPACE);
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#deploy-result pre.error")));
        wait.until(ExpectedConditions.textMatches(By.id("validation"), Pattern.compile("^compiles")));

        // Deployed: the draft and the marker go.
        driver.findElement(By.id("deploy")).click();
        wait.until(ExpectedConditions.textToBe(By.id("version"), "v3"));
        assertThat(driver.findElements(By.cssSelector("#tabs .tab.modified"))).isEmpty();
        assertThat(((JavascriptExecutor) driver).executeScript("return localStorage.getItem('vigil.draft.state')")).isNull();

        // A diff is cleared when the selection changes.
        driver.findElement(By.id("show-versions")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("show-diff"))).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#diff .file")));
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("diff-from"))).selectByValue("1");
        assertThat(driver.findElements(By.cssSelector("#diff .file"))).isEmpty();

        // Rolled back to v1: the version text and the editor show v4 with v1's files.
        driver.findElement(By.cssSelector("#versions tr[data-version='1'] button.rollback")).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.textToBe(By.id("version"), "v4"));
        assertThat(driver.findElement(By.id("deployed")).getText()).isEqualTo("Rolled back to the files of v1: v4 is active");
        editorOf("state.drl");
        wait.until(ExpectedConditions.textMatches(By.cssSelector("#editor .cm-content"), Pattern.compile("amount > 9999")));
        browser.screenshot("state-rolled-back");

        // Nothing unsaved: leaving does not ask; a bad name is refused before any request.
        driver.findElement(By.linkText("Rule sets")).click();
        var name = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-name")));
        name.sendKeys("my fraud");
        assertThat(driver.findElement(By.id("new-name-problem")).getText()).isEqualTo("a name has only letters, digits, '.', '_' and '-', not ' '");
        assertThat(driver.findElement(By.id("create")).isEnabled()).isFalse();
        name.sendKeys(Keys.chord(Keys.CONTROL, "a"), "my-fraud");
        assertThat(driver.findElement(By.id("new-name-problem")).getText()).isEmpty();
        assertThat(driver.findElement(By.id("create")).isEnabled()).isTrue();
    }

    @Test
    @Order(2)
    void readOnlyToken_getsAReadOnlyEditor_thatSaysValidationNeedsRulesWrite() throws Exception {
        var reader = read(server.post("/api/v1/tokens", Map.of("name", "reader", "scopes", List.of("rules:read")))).get("token").asText();
        // The earlier test leaves typed work behind: leaving it, and signing out, ask first.
        driver.get(base() + "/");
        acceptIfOpen();
        var signOut = driver.findElements(By.id("signout"));
        if (!signOut.isEmpty()) {
            signOut.get(0).click();
            acceptIfOpen();
        }
        browser.signIn(base(), reader);
        driver.get(base() + "/#/editor/state");
        openedAt("v4");
        assertThat(driver.findElement(By.id("read-only")).getText()).isEqualTo("read-only: your token can read rules");
        assertThat(driver.findElements(By.id("deploy"))).isEmpty();
        assertThat(driver.findElement(By.id("validation")).getText()).isEqualTo("validation needs rules:write");
        driver.findElement(By.id("show-versions")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#versions tr[data-version='1']")));
        assertThat(driver.findElements(By.cssSelector("#versions button.rollback"))).isEmpty();
        browser.screenshot("state-read-only");
    }

    private static void openedAt(String version) {
        wait.until(ExpectedConditions.textToBe(By.id("version"), version));
        wait.until(d -> d.findElements(By.cssSelector("#tabs [data-path]")).size() == 2);
    }

    private static WebElement editorOf(String path) {
        driver.findElement(By.cssSelector("#tabs [data-path='" + path + "'] button.name")).click();
        var content = driver.findElement(By.cssSelector("#editor .cm-content"));
        content.click();
        return content;
    }

    /** Accepts the browser's "leave the page?" question when it asks one (it does after the user has typed). */
    private static void acceptIfAsked() {
        try {
            new WebDriverWait(driver, Duration.ofSeconds(3)).until(ExpectedConditions.alertIsPresent()).accept();
        } catch (TimeoutException e) {
            // Chromium asked nothing: the page reloaded at once.
        }
    }

    /** Accepts the editor's own "leave?" question when it is open now (the editor asks it as the user leaves). */
    private static void acceptIfOpen() {
        try {
            driver.switchTo().alert().accept();
        } catch (NoAlertPresentException e) {
            // nothing was asked
        }
    }

    private static String base() {
        return server.uri("").toString();
    }
}
