package dev.vigil.server;

import static dev.vigil.server.TestServer.ADMIN_TOKEN;
import static dev.vigil.server.TestServer.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random and mutated input to every endpoint that takes some, against the real server: no input
 * gets a 5xx or hangs, and input that is refused changes nothing (no event accepted, no version
 * deployed). The number of tries per property is jqwik's {@code jqwik.tries.default} (60 in the
 * test suite); {@code bench/run-fuzz.sh} runs it with as many as asked, for a long run.
 */
class EndpointFuzzIT {
    private static final Pattern ACCEPTED = Pattern.compile("(?m)^vigil_events_accepted_total\\{[^}]*} ([0-9.E]+)");
    private static final String DRL = """
            package fraud;
            declare Transaction
                @role(event)
                @timestamp(time)
                id : String
                time : long
                accountId : String
                amount : double
                card : boolean
                at : java.util.Date
            end
            rule "large"
            when
                $t : Transaction(amount > 1000, $acc : accountId) over window:time(1m)
            then
                alerts.raise($acc, "large transaction");
            end
            """;
    private static final String EVENT = "{\"type\": \"Transaction\", \"id\": \"t1\", \"time\": \"2026-11-20T10:00:00Z\", "
            + "\"accountId\": \"a1\", \"amount\": 12.5, \"card\": true, \"at\": 1795168800000}";
    private static final String RULE_YAML = """
            rule: velocity
            severity: high
            when:
              pattern: count
              event: Transaction
              per: accountId
              count: ">= 3"
              within: 1m
            then:
              message: "{accountId}: {count}"
            """;
    private static final String TEST_YAML = """
            name: large
            events:
              - {at: 0s, type: Transaction, accountId: a1, amount: 5000}
            expect:
              - {rule: large, key: a1}
            """;

    private static Path data;
    private static TestServer server;

    @BeforeContainer
    static void start() throws Exception {
        data = Files.createTempDirectory("vigil-fuzz");
        server = TestServer.start(TestServer.config(data).withMaxBodyBytes(256 * 1024));
        var deployed = send("PUT", "/api/v1/rulesets/fraud", JSON.writeValueAsString(Map.of("files", Map.of("fraud.drl", DRL))),
                "application/json", Map.of());
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);
    }

    @AfterContainer
    static void stop() throws IOException {
        server.close();
        try (var files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static HttpResponse<String> send(String method, String path, String body, String contentType, Map<String, String> headers)
            throws IOException, InterruptedException {
        var request = server.request(method, path, body, contentType, ADMIN_TOKEN).timeout(Duration.ofSeconds(20));
        headers.forEach(request::header);
        return server.send(request);
    }

    private static double accepted() throws IOException, InterruptedException {
        var m = ACCEPTED.matcher(send("GET", "/metrics", null, null, Map.of()).body());
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    private static int version() throws IOException, InterruptedException {
        return JSON.readTree(send("GET", "/api/v1/rulesets/fraud", null, null, Map.of()).body()).get("version").asInt();
    }

    /** A text changed in a few random places: characters replaced, dropped, doubled, or the end cut off. */
    private static Arbitrary<String> mutated(String seed) {
        var edit = Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, seed.length() - 1),
                Arbitraries.chars().with('{', '}', '[', ']', '"', ',', ':', '\n', '\\', 'x', '0', '-', ' ', '\u00e9', '\u0000'))
                .as((kind, at, c) -> (UnaryOperator<String>) text -> {
                    int i = Math.min(at, Math.max(0, text.length() - 1));
                    if (text.isEmpty()) {
                        return String.valueOf(c);
                    }
                    return switch (kind) {
                        case 0 -> text.substring(0, i) + c + text.substring(i + 1);
                        case 1 -> text.substring(0, i) + text.substring(i + 1);
                        case 2 -> text.substring(0, i) + text.charAt(i) + text.substring(i);
                        default -> text.substring(0, i);
                    };
                });
        return edit.list().ofMinSize(1).ofMaxSize(6).map(edits -> {
            var text = seed;
            for (var e : edits) {
                text = e.apply(text);
            }
            return text;
        });
    }

    @Provide
    Arbitrary<String> eventBodies() {
        var values = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(30).map(s -> JSON.valueToTree(s).toString()),
                Arbitraries.doubles().map(String::valueOf), Arbitraries.longs().map(String::valueOf),
                Arbitraries.of("null", "true", "[]", "{}", "1e400", "-0", "\"2026-13-40T99:00:00Z\""),
                Arbitraries.of("9223372036854775807", "-9223372036854775808", "\"+999999999-12-31T23:59:59Z\"",
                        "\"-999999999-01-01T00:00:00Z\"", "1e30", "1.5", "-1e400"));
        var fields = Arbitraries.of("type", "id", "time", "accountId", "amount", "card", "at", "nope");
        var random = Combinators.combine(fields.list().ofMaxSize(8), values.list().ofSize(8)).as((names, vals) -> {
            var out = new StringBuilder("{");
            for (int i = 0; i < names.size(); i++) {
                out.append(i == 0 ? "" : ",").append('"').append(names.get(i)).append("\":").append(vals.get(i));
            }
            return out.append('}').toString();
        });
        return Arbitraries.oneOf(mutated(EVENT), random, mutated("[" + EVENT + "," + EVENT + "]"), mutated(EVENT + "\n" + EVENT + "\n"),
                Arbitraries.strings().ofMaxLength(200));
    }

    @Property
    void events_neverGetA5xx_andRefusedOnesAreNotTaken(@ForAll("eventBodies") String body,
                                                        @ForAll("eventContentTypes") String contentType) throws Exception {
        double before = accepted();
        Map<String, String> headers = contentType.equals("binary")
                ? Map.of("ce-specversion", "1.0", "ce-id", "x1", "ce-source", "/fuzz", "ce-type", "Transaction") : Map.of();
        var response = send("POST", "/api/v1/events", body, contentType.equals("binary") ? "application/json" : contentType, headers);

        assertThat(response.statusCode()).as(response.body()).isLessThan(500);
        if (response.statusCode() != 202) {
            assertThat(accepted()).as("refused: %s", response.body()).isEqualTo(before);
            assertThat(JSON.readTree(response.body()).get("message").asText()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> eventContentTypes() {
        return Arbitraries.of("application/json", "application/x-ndjson", "application/cloudevents+json",
                "application/cloudevents-batch+json", "binary", "text/plain");
    }

    @Provide
    Arbitrary<Map<String, String>> ruleFiles() {
        return Arbitraries.oneOf(
                mutated(DRL).map(drl -> Map.of("fraud.drl", drl)),
                mutated(RULE_YAML).map(yaml -> Map.of("fraud.drl", DRL, "velocity.rule.yaml", yaml)),
                Arbitraries.strings().ofMaxLength(100).map(name -> Map.of(name.isEmpty() ? "x" : name, DRL)),
                Arbitraries.integers().between(90, 20_000).map(n -> Map.of("fraud.drl",
                        DRL.replace("amount > 1000", "amount > " + "(".repeat(n) + "1000" + ")".repeat(n)))));
    }

    @Property
    void rules_thatAreRefused_leaveTheRunningVersion(@ForAll("ruleFiles") Map<String, String> files) throws Exception {
        int before = version();
        var body = JSON.writeValueAsString(Map.of("files", files));

        var validated = send("POST", "/api/v1/rulesets/fraud/validate", body, "application/json", Map.of());
        var deployed = send("PUT", "/api/v1/rulesets/fraud", body, "application/json", Map.of());

        assertThat(validated.statusCode()).as(validated.body()).isLessThan(500);
        assertThat(deployed.statusCode()).as(deployed.body()).isLessThan(500);
        assertThat(version()).isEqualTo(deployed.statusCode() == 200 ? before + 1 : before);
    }

    /** Expressions that reach outside the rules, each hiding from a check of names in the text in its own way. */
    private static final List<String> ESCAPES = List.of(
            "java.lang.Runtime.getRuntime().exec(\"touch escaped\")",
            "java.lang.System.getenv()",
            "ModuleLayer.boot().findLoader(\"java.base\")",
            "new java.beans.Expression(\"x\", \"toString\", new Object[0])",
            "new java.beans.Statement(\"x\", \"toString\", new Object[0])",
            "java.util.logging.Logger.getGlobal()",
            "javax.xml.parsers.DocumentBuilderFactory.newInstance()",
            "javax.management.remote.JMXConnectorFactory.class",
            "\"\".getClass().getClassLoader()",
            "java.lang.Thread.currentThread()",
            "java.nio.file.Path.of(\"/etc/passwd\")",
            "java.lang.invoke.MethodHandles.lookup()",
            "java.util.concurrent.ForkJoinPool.commonPool()");
    /** Every place rule code runs, with %s where the expression goes. */
    private static final List<String> PLACES = List.of(
            "rule \"c\" when $t : Transaction() then String.valueOf(%s); end",
            "rule \"u\" when $t : Transaction() then // a unicode line feed ends this comment for Java: \\u000a String.valueOf(%s);\nend",
            "rule \"e\" when $t : Transaction() eval(String.valueOf(%s) != null) then end",
            "rule \"k\" when $t : Transaction(String.valueOf(%s) != null) then end",
            "rule \"f\" when $t : Transaction() $s : String() from String.valueOf(%s) then end",
            "rule \"m\" dialect \"mvel\" when $t : Transaction() then String.valueOf(%s); end",
            "rule \"s\" salience (String.valueOf(%s).length()) when $t : Transaction() then end",
            "function String leak() { return String.valueOf(%s); }",
            "declare Runtime end\ndeclare System end\nrule \"d\" when $t : Transaction() then String.valueOf(%s); end");

    @Provide
    Arbitrary<String> escapes() {
        return Combinators.combine(Arbitraries.of(ESCAPES), Arbitraries.of(PLACES)).as((code, place) -> DRL + place.formatted(code));
    }

    @Property
    void ruleCode_reachingOutsideTheAllowlist_isRefusedByDeployValidateAndReplay(@ForAll("escapes") String drl) throws Exception {
        int before = version();
        var files = JSON.writeValueAsString(Map.of("files", Map.of("fraud.drl", drl)));

        var deployed = send("PUT", "/api/v1/rulesets/fraud", files, "application/json", Map.of());
        var validated = send("POST", "/api/v1/rulesets/fraud/validate", files, "application/json", Map.of());
        var replayed = send("POST", "/api/v1/replays", JSON.writeValueAsString(Map.of("files", Map.of("fraud.drl", drl),
                "events", List.of(JSON.readTree(EVENT)))), "application/json", Map.of());

        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(422);
        assertThat(deployed.body()).contains("fraud.drl").contains("rule code may not");
        assertThat(validated.body()).as(validated.body()).contains("rule code may not");
        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(422);
        assertThat(version()).isEqualTo(before);
    }

    @Property
    void ruleTestFiles_neverGetA5xx(@ForAll("testFiles") String yaml) throws Exception {
        var response = send("POST", "/api/v1/rulesets/fraud/tests", JSON.writeValueAsString(Map.of("files", Map.of("x.test.yaml", yaml))),
                "application/json", Map.of());

        assertThat(response.statusCode()).as(response.body()).isLessThan(500);
    }

    @Provide
    Arbitrary<String> testFiles() {
        return Arbitraries.oneOf(mutated(TEST_YAML), Arbitraries.strings().ofMaxLength(80),
                Arbitraries.of("+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z").map(t -> TEST_YAML.replaceFirst("\n", "\nstart: \"" + t + "\"\n")));
    }

    @Property
    void queryParameters_neverGetA5xx(@ForAll("paths") String path, @ForAll("parameters") List<String> parameters) throws Exception {
        var query = new StringBuilder();
        for (int i = 0; i + 1 < parameters.size(); i += 2) {
            query.append(query.length() == 0 ? "?" : "&").append(URLEncoder.encode(parameters.get(i), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(parameters.get(i + 1), StandardCharsets.UTF_8));
        }
        var response = send("GET", path + query, null, null, Map.of());

        assertThat(response.statusCode()).as(response.body()).isLessThan(500);
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.of("/api/v1/alerts", "/api/v1/rulesets/fraud", "/api/v1/rulesets/fraud/versions", "/api/v1/webhooks",
                "/api/v1/event-types", "/api/v1/alerts/nope", "/api/v1/replays/nope");
    }

    @Provide
    Arbitrary<List<String>> parameters() {
        var names = Arbitraries.of("ruleset", "rule", "severity", "key", "since", "until", "limit", "cursor", "generated", "x");
        var values = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(20), Arbitraries.of("-1", "0", "1001", "99999999999999999999",
                "2026-11-20T10:00:00Z", "critical", "true", "%", "\u0000", "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z"));
        return Combinators.combine(names, values).as(List::of).list().ofMaxSize(4).map(pairs -> pairs.stream().flatMap(List::stream).toList());
    }
}
