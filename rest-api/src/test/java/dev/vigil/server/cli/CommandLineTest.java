package dev.vigil.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.engine.api.AlertBudget;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.TestDrl;
import dev.vigil.server.http.RequestRate;
import dev.vigil.server.rules.RuleSetFolder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandLineTest {
    /** The command line's environment in these tests: none of the VIGIL_ variables a shell may export. */
    private static final Environment NO_VARIABLES = new Environment(Map.of());
    private static final String GOOD = TestDrl.TRANSACTION + """
            rule "large"
            when
                $t : Transaction(amount > 1000)
            then
                alerts.raise($t.getAccountId(), "large");
            end
            """;

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run vigil(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var line = Main.commandLine(NO_VARIABLES).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int exit = line.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void validate_aGoodRuleSet_exits0_andSaysWhatItHolds() throws Exception {
        Files.createDirectories(dir.resolve("fraud"));
        Files.writeString(dir.resolve("fraud/fraud.drl"), GOOD);

        var run = vigil("validate", dir.resolve("fraud").toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("fraud: ok, 1 rule(s), event types [Transaction]");
    }

    @Test
    void validate_aFolderOfRuleSets_withOneBroken_printsFileLineColumn_andExits1() throws Exception {
        Files.createDirectories(dir.resolve("fraud"));
        Files.writeString(dir.resolve("fraud/fraud.drl"), GOOD);
        Files.createDirectories(dir.resolve("ops/sub"));
        Files.writeString(dir.resolve("ops/sub/broken.drl"), GOOD.replace("package fraud;", "package ops;")
                .replace("Transaction(amount > 1000)", "Transaction(amont > 1000)"));

        var run = vigil("validate", dir.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("fraud: ok")
                .containsPattern("\\Q" + dir.resolve("ops/sub/broken.drl") + "\\E:12:\\d+: .*amont.*\\]\\n")
                .contains("ops: 1 error(s)");
    }

    @Test
    void dsl_printsTheGeneratedDrl_orTheDiagnosticsAndExits1() throws Exception {
        Files.createDirectories(dir.resolve("fraud"));
        Files.writeString(dir.resolve("fraud/fraud.drl"), GOOD);
        var rule = dir.resolve("fraud/burst.rule.yaml");
        Files.writeString(rule, """
                rule: burst
                when: {pattern: count, event: Transaction, per: accountId, count: "> 3", within: 10s}
                """);

        var run = vigil("dsl", rule.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("// Generated from burst.rule.yaml").contains("package fraud;", "rule \"burst\"",
                "accumulate(Transaction(accountId == $key, this before[0ms, 9999ms] $event);");

        Files.writeString(rule, "rule: burst\nwhen: {pattern: count, event: Transaction, per: account, count: \"> 3\", within: 10s}\n");
        var broken = vigil("dsl", rule.toString());
        assertThat(broken.exit()).isEqualTo(1);
        assertThat(broken.out()).isEmpty();
        assertThat(broken.err()).startsWith(rule + ":2:49: per: Transaction has no field 'account'");

        assertThat(vigil("validate", dir.resolve("fraud").toString()).out()).contains(rule + ":2:49: per: Transaction has no field");
        assertThat(vigil("dsl", dir.resolve("fraud/fraud.drl").toString()).exit()).isEqualTo(2);
    }

    @Test
    void validate_aFolderWithoutRules_isAnError() {
        var run = vigil("validate", dir.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("holds no rule files");
    }

    @Test
    void validate_withoutAFolder_isAUsageError() {
        var run = vigil("validate");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("DIR");
    }

    @Test
    void serve_listsTheWebhookConcurrency_andRefusesOneBelowOne() {
        var help = vigil("serve", "--help");
        var refused = vigil("serve", "--port", "0", "--data", dir.resolve("data").toString(), "--rules", "none", "--webhook-concurrency", "0");

        assertThat(help.out()).contains("--webhook-concurrency", "VIGIL_WEBHOOK_CONCURRENCY", "default 8");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("--webhook-concurrency: must be between 1 and 256, was 0");
    }

    /** The configuration {@code vigil serve args} starts the server with, in an environment without variables. */
    static ServerConfig serveConfig(String... args) {
        return serveConfig(NO_VARIABLES, args);
    }

    private static ServerConfig serveConfig(Environment environment, String... args) {
        var line = Main.commandLine(environment);
        line.parseArgs(Stream.concat(Stream.of("serve"), Stream.of(args)).toArray(String[]::new));
        return line.getSubcommands().get("serve").<Main.Serve>getCommand().config();
    }

    @Test
    void serve_takesItsDefaultsAndTheAdminTokenFromTheEnvironmentItIsGiven_andAnOptionBeatsAVariable() {
        var environment = new Environment(Map.of("VIGIL_PORT", "9090", "VIGIL_MAX_BODY", "1MB", "VIGIL_ADMIN_TOKEN", "from-the-environment",
                "VIGIL_TOKENS_FILE", "/etc/vigil/tokens.yaml", "VIGIL_RULE_TIMEOUT", "5s"));

        var config = serveConfig(environment);

        assertThat(config.port()).isEqualTo(9090);
        assertThat(config.maxBodyBytes()).isEqualTo(1L << 20);
        assertThat(config.adminToken()).isEqualTo("from-the-environment");
        assertThat(config.access().tokensFile()).isEqualTo(Path.of("/etc/vigil/tokens.yaml"));
        assertThat(config.rules().ruleTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(serveConfig(environment, "--port", "7000").port()).isEqualTo(7000);
    }

    @Test
    void serve_withoutVariables_takesTheDocumentedDefaults_whateverTheProcessEnvironmentHolds() {
        var config = serveConfig();

        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.bind()).isEqualTo("127.0.0.1");
        assertThat(config.dataDirectory()).isEqualTo(Path.of("data"));
        assertThat(config.adminToken()).isNull();
        assertThat(config.access().tokensFile()).isNull();
        assertThat(config.access().secretKey()).isNull();
        assertThat(config.rules().ruleTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void serve_rulesWritable_isOffByDefault_andOnWithTheOptionOrItsVariable() {
        assertThat(serve(NO_VARIABLES).rulesWritable).isFalse();
        assertThat(serve(NO_VARIABLES, "--rules-writable").rulesWritable).isTrue();
        assertThat(serve(new Environment(Map.of("VIGIL_RULES_WRITABLE", "true"))).rulesWritable).isTrue();
        assertThat(vigil("serve", "--help").out()).contains("--rules-writable", "VIGIL_RULES_WRITABLE");
    }

    private static Main.Serve serve(Environment environment, String... args) {
        var line = Main.commandLine(environment);
        line.parseArgs(Stream.concat(Stream.of("serve"), Stream.of(args)).toArray(String[]::new));
        return line.getSubcommands().get("serve").getCommand();
    }

    @Test
    void serve_takesTheBodyLimit_andRefusesOneThatIsNotASizeIsZeroOrTooLarge() {
        var help = vigil("serve", "--help");

        assertThat(serveConfig("--max-body", "512KB").maxBodyBytes()).isEqualTo(512 * 1024);
        assertThat(serveConfig().maxBodyBytes()).isEqualTo(10L << 20);
        assertThat(help.out()).contains("--max-body", "VIGIL_MAX_BODY", "default 10MB");
        assertThatThrownBy(() -> serveConfig("--max-body", "10 parsecs")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--max-body: '10 parsecs' is not a size; give bytes with an optional unit: 512KB, 8MB, 1GB");
        assertThatThrownBy(() -> serveConfig("--max-body", "0KB")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--max-body: must be between 1B and 1GB, was 0B");
        assertThatThrownBy(() -> serveConfig("--max-body", "9000000000000GB")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--max-body: '9000000000000GB' is too large");
    }

    @Test
    void serve_takesTheMinimumRequestRate_withinItsBounds() {
        var help = vigil("serve", "--help");

        assertThat(serveConfig().input().minRequestRate()).isEqualTo(new RequestRate(1024, Duration.ofSeconds(10)));
        assertThat(serveConfig("--min-request-rate", "512B/s").input().minRequestRate().bytesPerSecond()).isEqualTo(512);
        assertThat(serveConfig("--min-request-rate", "2MB").input().minRequestRate().bytesPerSecond()).isEqualTo(2L << 20);
        assertThat(help.out()).contains("--min-request-rate", "VIGIL_MIN_REQUEST_RATE", "default 1KB/s");
        assertThatThrownBy(() -> serveConfig("--min-request-rate", "0B/s")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--min-request-rate: must be between 1B/s and 100MB/s, was 0B/s");
        assertThatThrownBy(() -> serveConfig("--min-request-rate", "1GB/s")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--min-request-rate: must be between 1B/s and 100MB/s, was 1GB/s");
        assertThatThrownBy(() -> serveConfig("--min-request-rate", "fast")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--min-request-rate: 'fast' is not a rate; give bytes a second: 512B/s, 1KB/s, 1MB/s");
    }

    @Test
    void serve_takesTheAlertBudget_andRefusesOneOutsideItsRange() {
        var help = vigil("serve", "--help");

        assertThat(serveConfig().rules().alertBudget()).isEqualTo(new AlertBudget(1_000, 10_000));
        assertThat(serveConfig("--max-alerts-per-event", "1", "--max-alerts-per-second", "1000000").rules().alertBudget())
                .isEqualTo(new AlertBudget(1, 1_000_000));
        assertThat(help.out()).contains("--max-alerts-per-event", "VIGIL_MAX_ALERTS_PER_EVENT", "default 1000",
                "--max-alerts-per-second", "VIGIL_MAX_ALERTS_PER_SECOND", "default 10000");
        assertThatThrownBy(() -> serveConfig("--max-alerts-per-event", "0")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--max-alerts-per-event: must be between 1 and 1000000, was 0");
        assertThatThrownBy(() -> serveConfig("--max-alerts-per-second", "1000001")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--max-alerts-per-second: must be between 1 and 1000000, was 1000001");
    }

    private Path ruleSet(String name, String drl) throws Exception {
        var folder = dir.resolve(name);
        Files.createDirectories(folder);
        Files.writeString(folder.resolve(name + ".drl"), drl);
        return folder;
    }

    private static String transaction(int i, String account, double amount) {
        return "{\"type\":\"Transaction\",\"id\":\"t" + i + "\",\"time\":\"2026-11-20T10:00:" + String.format("%02d", i)
                + "Z\",\"accountId\":\"" + account + "\",\"amount\":" + amount + "}";
    }

    @Test
    void replay_writesTheAlertsAsNdjson_andASummary() throws Exception {
        var rules = ruleSet("fraud", GOOD);
        var events = dir.resolve("events.ndjson");
        Files.writeString(events, transaction(1, "a1", 5000) + "\n" + transaction(2, "a2", 10) + "\n\n" + transaction(3, "a3", 2000) + "\n");
        var out = dir.resolve("alerts.ndjson");

        var run = vigil("replay", "--rules", rules.toString(), "--events", events.toString(), "--out", out.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        var alerts = Files.readAllLines(out);
        assertThat(alerts).hasSize(2).allSatisfy(line -> assertThat(line).contains("\"rule\":\"large\""));
        assertThat(alerts.get(0)).contains("\"key\":\"a1\"");
        assertThat(run.err()).containsPattern("events\\s+3").containsPattern("large\\s+2")
                .contains("2026-11-20T10:00:01Z .. 2026-11-20T10:00:03Z");
    }

    @Test
    void replay_asGiven_takesTheLatenessOfTheFoldersSettingsYaml_andLatenessOverridesIt_whileSortedNothingIsLate() throws Exception {
        var rules = ruleSet("fraud", GOOD);
        var events = dir.resolve("late.ndjson");
        // t3 comes after t5: 2 s late.
        Files.writeString(events, transaction(1, "a1", 10) + "\n" + transaction(5, "a1", 10) + "\n" + transaction(3, "a1", 10) + "\n");

        var noSettings = vigil("replay", "--rules", rules.toString(), "--events", events.toString(), "--order", "as-given",
                "--out", dir.resolve("a.ndjson").toString());
        var sorted = vigil("replay", "--rules", rules.toString(), "--events", events.toString(), "--out", dir.resolve("s.ndjson").toString());
        Files.writeString(rules.resolve(RuleSetFolder.SETTINGS), "lateness: 2s\n");
        var withSettings = vigil("replay", "--rules", rules.toString(), "--events", events.toString(), "--order", "as-given",
                "--out", dir.resolve("b.ndjson").toString());
        var overridden = vigil("replay", "--rules", rules.toString(), "--events", events.toString(), "--lateness", "1999ms",
                "--order", "as-given", "--out", dir.resolve("c.ndjson").toString());

        assertThat(noSettings.err()).as(noSettings.err()).containsPattern("late\\s+1\\n")
                .containsPattern("input order\\s+1 out of order, at most 2s behind; run as given\\n");
        assertThat(sorted.err()).as(sorted.err()).containsPattern("late\\s+0\\n")
                .containsPattern("input order\\s+1 out of order, at most 2s behind; sorted by event time\\n");
        assertThat(withSettings.err()).as(withSettings.err()).containsPattern("late\\s+0\\n");
        assertThat(overridden.err()).as(overridden.err()).containsPattern("late\\s+1\\n");
    }

    @Test
    void replay_appliesTheLatePolicyAndUnknownFieldsOfTheFoldersSettingsYaml() throws Exception {
        var rules = ruleSet("fraud", GOOD);
        var events = dir.resolve("late-large.ndjson");
        // t3, large, comes 2 s late; t6 carries a field Transaction does not declare.
        Files.writeString(events, transaction(1, "a1", 10) + "\n" + transaction(5, "a1", 10) + "\n" + transaction(3, "a3", 5000) + "\n"
                + transaction(6, "a6", 5000).replace("}", ",\"channel\":\"web\"}") + "\n");

        var defaults = vigil("replay", "--rules", rules.toString(), "--events", events.toString(), "--order", "as-given",
                "--out", dir.resolve("a.ndjson").toString());
        Files.writeString(rules.resolve(RuleSetFolder.SETTINGS), "latePolicy: drop\nallowUnknownFields: true\n");
        var withSettings = vigil("replay", "--rules", rules.toString(), "--events", events.toString(), "--order", "as-given",
                "--out", dir.resolve("b.ndjson").toString());

        assertThat(defaults.exit()).as(defaults.err()).isZero();
        assertThat(defaults.err()).containsPattern("late\\s+1\\n").containsPattern("invalid \\(skipped\\)\\s+1\\n")
                .contains("invalid event 3 (channel)");
        assertThat(Files.readAllLines(dir.resolve("a.ndjson"))).singleElement().asString().contains("\"key\":\"a3\"");
        assertThat(withSettings.err()).containsPattern("late\\s+1\\n").containsPattern("invalid \\(skipped\\)\\s+0\\n");
        assertThat(Files.readAllLines(dir.resolve("b.ndjson"))).singleElement().asString().contains("\"key\":\"a6\"");
    }

    /** {@code count} transactions a second apart on five accounts, in a shuffled order. */
    private Path shuffledTransactions(int count) throws Exception {
        var lines = new ArrayList<String>();
        for (int i = 0; i < count; i++) {
            lines.add("{\"type\":\"Transaction\",\"id\":\"t" + i + "\",\"time\":" + (1_795_168_800_000L + i * 1_000L)
                    + ",\"accountId\":\"a" + i % 5 + "\",\"amount\":" + (i % 7 == 0 ? 5000 : 10) + "}");
        }
        Collections.shuffle(lines, new Random(9));
        var file = dir.resolve("shuffled.ndjson");
        Files.write(file, lines);
        return file;
    }

    @Test
    void replay_notOnATerminal_saysTheSortThenPrintsProgressLinesOfTheEventsProcessed() throws Exception {
        var rules = ruleSet("fraud", TestDrl.BURST);
        var events = shuffledTransactions(3_000);

        var sorted = vigil("replay", "--rules", rules.toString(), "--events", events.toString(), "--progress-interval", "100ms",
                "--sort-memory", "1000", "--out", dir.resolve("sorted.ndjson").toString());
        var asGiven = vigil("replay", "--rules", rules.toString(), "--events", events.toString(), "--order", "as-given",
                "--lateness", "1h", "--out", dir.resolve("as-given.ndjson").toString());

        assertThat(sorted.exit()).as(sorted.err()).isZero();
        assertThat(sorted.err()).doesNotContain("\r")
                .containsPattern("(?m)^sorted 3,000 events by event time in \\d+\\.\\d s$")
                .containsPattern("(?m)^replayed 3,000 of 3,000 events \\(100%\\), [\\d,]+ events/s, 0 s left$")
                .containsPattern("(?m)^input order\\s+[\\d,]+ out of order, at most \\d+m?\\d*s? behind; sorted by event time$");
        assertThat(sorted.err().indexOf("sorted 3,000")).isLessThan(sorted.err().indexOf("replayed 3,000 of 3,000"));
        assertThat(asGiven.err()).doesNotContain("sorted 3,000")
                .containsPattern("(?m)^replayed 3,000 events \\(about 100%\\), [\\d,]+ events/s, about 0 s left$");
        assertThat(sorted(dir.resolve("sorted.ndjson"))).isNotEmpty().isEqualTo(sorted(dir.resolve("as-given.ndjson")));
    }

    @Test
    void replay_refusesAnUnknownOrder_aSortMemoryOutsideItsRange_andAProgressIntervalOutsideItsRange() throws Exception {
        var rules = ruleSet("fraud", GOOD);
        var events = shuffledTransactions(3);

        var order = vigil("replay", "--rules", rules.toString(), "--events", events.toString(), "--order", "random");
        var memory = vigil("replay", "--rules", rules.toString(), "--events", events.toString(), "--sort-memory", "999");
        var most = vigil("replay", "--rules", rules.toString(), "--events", events.toString(), "--sort-memory", "50000000",
                "--out", dir.resolve("out.ndjson").toString());
        var interval = vigil("replay", "--rules", rules.toString(), "--events", events.toString(), "--progress-interval", "99ms");

        assertThat(order.exit()).isEqualTo(2);
        assertThat(order.err()).contains("--order: must be event-time or as-given, was 'random'");
        assertThat(memory.exit()).isEqualTo(2);
        assertThat(memory.err()).contains("--sort-memory: must be between 1000 and 50000000, was 999");
        assertThat(most.exit()).as(most.err()).isZero();
        assertThat(interval.exit()).isEqualTo(2);
        assertThat(interval.err()).contains("--progress-interval: must be between 100ms and 1h, was 99ms");
    }

    @Test
    void aBadSettingsYaml_isNamedWithEveryBadKey_andALatenessThatIsNoDurationIsAUsageError() throws Exception {
        var rules = ruleSet("fraud", GOOD);
        Files.writeString(rules.resolve(RuleSetFolder.SETTINGS), "lateness: soon\nclock: sundial\n");

        var validate = vigil("validate", rules.toString());
        Files.writeString(rules.resolve(RuleSetFolder.SETTINGS), "- lateness\n");
        var notAMapping = vigil("validate", rules.toString());
        Files.delete(rules.resolve(RuleSetFolder.SETTINGS));
        var badOption = vigil("replay", "--rules", rules.toString(), "--events", rules.resolve("fraud.drl").toString(), "--lateness", "soon");

        assertThat(validate.exit()).isEqualTo(1);
        assertThat(validate.out() + validate.err()).contains(rules.resolve(RuleSetFolder.SETTINGS).toString())
                .contains("settings.lateness").contains("settings.clock must be \"event-time\" or \"realtime\"");
        assertThat(notAMapping.exit()).isEqualTo(1);
        assertThat(notAMapping.out() + notAMapping.err()).contains("must be a mapping of settings");
        assertThat(badOption.exit()).isEqualTo(2);
        assertThat(badOption.err()).contains("--lateness: 'soon' is not a duration");
    }

    @Test
    void replay_withPartitions_overridesTheSettingsYaml_andRaisesTheSameAlerts() throws Exception {
        var rules = ruleSet("fraud", TestDrl.BURST);
        var events = dir.resolve("bursts.ndjson");
        var lines = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            lines.append("{\"type\":\"Transaction\",\"id\":\"t").append(i).append("\",\"time\":").append(1_795_168_800_000L + i * 5_000L)
                    .append(",\"accountId\":\"a").append((i * 3 + i / 10) % 5).append("\",\"amount\":10}\n");
        }
        Files.writeString(events, lines);

        var one = vigil("replay", "--rules", rules.toString(), "--events", events.toString(), "--out", dir.resolve("one.ndjson").toString());
        var unkeyed = vigil("replay", "--rules", rules.toString(), "--events", events.toString(), "--partitions", "2",
                "--out", dir.resolve("unkeyed.ndjson").toString());
        Files.writeString(rules.resolve(RuleSetFolder.SETTINGS), "partitionBy: accountId\npartitions: 1\n");
        var keyed = vigil("replay", "--rules", rules.toString(), "--events", events.toString(), "--partitions", "2",
                "--out", dir.resolve("keyed.ndjson").toString());

        assertThat(one.exit()).as(one.err()).isZero();
        assertThat(unkeyed.exit()).as("a DRL rule gives no key to take").isEqualTo(1);
        assertThat(unkeyed.out() + unkeyed.err()).contains("rule \"burst\": partitions is 2 but partitionBy is not given");
        assertThat(keyed.exit()).as(keyed.err()).isZero();
        var alerts = sorted(dir.resolve("one.ndjson"));
        assertThat(alerts).hasSizeGreaterThan(5);
        assertThat(sorted(dir.resolve("keyed.ndjson"))).isEqualTo(alerts);
    }

    @Test
    void replay_withPartitionsOutsideOneTo256_isAUsageErrorNamingTheRange() throws Exception {
        var rules = ruleSet("fraud", GOOD);
        Files.writeString(rules.resolve(RuleSetFolder.SETTINGS), "partitionBy: accountId\n");
        var events = dir.resolve("events.ndjson");
        Files.writeString(events, transaction(1, "a1", 5000) + "\n");

        var none = vigil("replay", "--rules", rules.toString(), "--events", events.toString(), "--partitions", "0");
        var tooMany = vigil("replay", "--rules", rules.toString(), "--events", events.toString(), "--partitions", "257");
        var most = vigil("replay", "--rules", rules.toString(), "--events", events.toString(), "--partitions", "4",
                "--out", dir.resolve("alerts.ndjson").toString());

        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("--partitions: must be between 1 and 256, was 0");
        assertThat(tooMany.exit()).isEqualTo(2);
        assertThat(tooMany.err()).contains("--partitions: must be between 1 and 256, was 257");
        assertThat(most.exit()).as(most.err()).isZero();
        assertThat(Files.readAllLines(dir.resolve("alerts.ndjson"))).hasSize(1);
    }

    /** The alerts of {@code file} without the wall-clock time they were raised at, in the order of their ids. */
    private static List<String> sorted(Path file) throws Exception {
        var json = new ObjectMapper();
        var alerts = new ArrayList<String>();
        for (var line : Files.readAllLines(file)) {
            var alert = (ObjectNode) json.readTree(line);
            alert.remove("firedAt");
            alerts.add(alert.toString());
        }
        return alerts.stream().sorted().toList();
    }

    @Test
    void replay_ofCsv_andComparedWithOtherRules_marksEachAlert() throws Exception {
        var rules = ruleSet("fraud", GOOD.replace("amount > 1000", "amount > 100"));
        var before = ruleSet("before", GOOD);
        var events = dir.resolve("events.csv");
        Files.writeString(events, "id,when,accountId,amount\nt1,2026-11-20 10:00:01,a1,5000\nt2,1795168802000,a2,500\n");
        var out = dir.resolve("alerts.ndjson");

        var run = vigil("replay", "--rules", rules.toString(), "--events", events.toString(), "--type", "Transaction",
                "--time", "when", "--compare", before.toString(), "--out", out.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        var alerts = Files.readAllLines(out);
        assertThat(alerts).hasSize(2);
        assertThat(alerts.get(0)).contains("\"key\":\"a1\"").contains("\"diff\":\"unchanged\"");
        assertThat(alerts.get(1)).contains("\"key\":\"a2\"").contains("\"diff\":\"added\"");
        assertThat(run.err()).contains("1 added, 0 removed, 1 unchanged");
    }

    @Test
    void replay_aBrokenLine_exits1NamingIt_andACsvWithoutTypeIsAUsageError() throws Exception {
        var rules = ruleSet("fraud", GOOD);
        var events = dir.resolve("events.ndjson");
        Files.writeString(events, transaction(1, "a1", 5000) + "\n{\"type\":\n");
        var csv = dir.resolve("events.csv");
        Files.writeString(csv, "id,when\n");

        var broken = vigil("replay", "--rules", rules.toString(), "--events", events.toString(), "--out", dir.resolve("out").toString());
        var usage = vigil("replay", "--rules", rules.toString(), "--events", csv.toString());

        assertThat(broken.exit()).isEqualTo(1);
        assertThat(broken.err()).contains("line 2: not JSON");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("--type and --time");
    }

    @Test
    void test_printsEachCase_andExits1WhenOneFails() throws Exception {
        var rules = ruleSet("fraud", GOOD);
        Files.writeString(rules.resolve("large.test.yaml"), """
                name: a large transaction alerts
                events:
                  - {at: 0s, type: Transaction, id: t1, accountId: a1, amount: 5000}
                expect:
                  - {rule: large, key: a1, at: 0s}
                """);
        var passing = vigil("test", dir.toString());
        Files.writeString(rules.resolve("small.test.yaml"), """
                name: a small one does not
                events:
                  - {at: 0s, type: Transaction, id: t1, accountId: a1, amount: 5000}
                expectNone:
                  - {rule: large}
                """);

        var failing = vigil("test", rules.toString());

        assertThat(passing.exit()).as(passing.out() + passing.err()).isZero();
        assertThat(passing.out()).contains("PASS " + rules.resolve("large.test.yaml") + ": a large transaction alerts", "1 passed, 0 failed");
        assertThat(failing.exit()).isEqualTo(1);
        assertThat(failing.out()).contains("FAIL " + rules.resolve("small.test.yaml") + ": a small one does not")
                .contains("expected no alert of rule \"large\"; fired: \"large\" key a1 at 0s").contains("1 passed, 1 failed");
    }

    private static final String SPIN = GOOD + """
            rule "spin"
            when
                $t : Transaction(amount < 0)
            then
                long i = 1;
                while (i > 0) {
                    i = (i % 1000) + 1;
                }
            end
            """;

    @Test
    void replay_whoseRuleNeverReturns_isStoppedAtTheRuleTimeout_andExits1NamingTheRule() throws Exception {
        var rules = ruleSet("fraud", SPIN);
        var events = dir.resolve("events.ndjson");
        Files.writeString(events, transaction(1, "a1", 5000) + "\n" + transaction(2, "a2", -1) + "\n");

        var run = vigil("replay", "--rules", rules.toString(), "--events", events.toString(), "--out", dir.resolve("out").toString(),
                "--rule-timeout", "1s");

        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("error: rule 'spin' of rule set 'fraud' did not return for 1000 ms (an endless loop?),"
                + " and its session was stopped");
    }

    @Test
    void test_whoseRuleNeverReturns_failsThatCaseNamingTheRule_andExits1() throws Exception {
        var rules = ruleSet("fraud", SPIN);
        Files.writeString(rules.resolve("spin.test.yaml"), """
                name: a refund spins
                events:
                  - {at: 0s, type: Transaction, id: t1, accountId: a1, amount: -1}
                exactly: true
                """);

        var run = vigil("test", rules.toString(), "--rule-timeout", "1s");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("FAIL " + rules.resolve("spin.test.yaml") + ": a refund spins")
                .contains("rule 'spin' of rule set 'fraud' did not return for 1000 ms").contains("0 passed, 1 failed");
    }

    @Test
    void theRuleTimeout_ofServeReplayAndTest_isBetweenOneSecondAndAnHour() throws Exception {
        var rules = ruleSet("fraud", GOOD);

        assertThat(serveConfig("--rule-timeout", "2s").rules().ruleTimeout()).hasSeconds(2);
        assertThatThrownBy(() -> serveConfig("--rule-timeout", "500ms")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--rule-timeout: must be between 1s and 1h, was 500ms");
        var replay = vigil("replay", "--rules", rules.toString(), "--events", rules.resolve("fraud.drl").toString(), "--rule-timeout", "2h");
        var test = vigil("test", rules.toString(), "--rule-timeout", "soon");
        assertThat(replay.exit()).isEqualTo(2);
        assertThat(replay.err()).contains("--rule-timeout: must be between 1s and 1h, was 2h");
        assertThat(test.exit()).isEqualTo(2);
        assertThat(test.err()).contains("--rule-timeout: ");
    }

    @Test
    void test_withNoCasesAtAll_exits1() throws Exception {
        ruleSet("fraud", GOOD);

        var run = vigil("test", dir.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("no test cases found");
    }
}
