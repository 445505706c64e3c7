package dev.vigil.engine.ruletest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vigil.dsl.Durations;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.ClockMode;
import dev.vigil.engine.api.Diagnostic;
import dev.vigil.engine.api.EventTimeBounds;
import dev.vigil.engine.api.Expectation;
import dev.vigil.engine.api.RuleSetCompilationException;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.api.RuleTestCase;
import dev.vigil.engine.api.RuleTestFormatException;
import dev.vigil.engine.api.RuleTestReport;
import dev.vigil.engine.api.RuleTimeoutException;
import dev.vigil.engine.api.RunawayRulesException;
import dev.vigil.engine.api.Severity;
import dev.vigil.engine.replay.Replay;
import dev.vigil.engine.ruleset.CompiledRuleSet;
import dev.vigil.engine.ruleset.RuleSetCompiler;
import dev.vigil.engine.session.Watchdog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Rule test cases, kept as {@code *.test.yaml} next to a rule set's rules: reading them, and
 * running each in a fresh pseudo-clock session of the rule set.
 *
 * <pre>
 * name: card used more than 5 times in a minute
 * events:                      # times relative to start (at:) or absolute (time:)
 *   - {at: 0s,  type: Transaction, accountId: a1, amount: 10}
 * expect:
 *   - {rule: "Velocity", key: a1, at: 50s}
 * expectNone:
 *   - {rule: "Velocity", key: a2}
 * exactly: false               # true: no other alert may fire
 * until: 10m                   # move the clock to start + 10m after the last event
 * </pre>
 *
 * A file holds one case, several as YAML documents, or a list of them.
 */
public final class RuleTests {
    /** Where relative times count from unless a case gives {@code start}. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Set<String> CASE_KEYS = Set.of("name", "start", "events", "expect", "expectNone", "exactly", "until");
    private static final Set<String> EXPECTATION_KEYS = Set.of("rule", "key", "at", "severity", "message", "attributes");

    private RuleTests() {
    }

    /** Every {@code *.test.yaml} under {@code folder}, by path, read as cases. */
    public static List<RuleTestCase> load(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            var out = new ArrayList<RuleTestCase>();
            for (var path : paths.filter(p -> p.getFileName().toString().endsWith(".test.yaml") && Files.isRegularFile(p)).sorted().toList()) {
                out.addAll(parse(folder.relativize(path).toString().replace('\\', '/'), Files.readString(path, StandardCharsets.UTF_8)));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the test cases under " + folder + ": " + e.getMessage(), e);
        }
    }

    /** The cases {@code yaml} holds; {@link RuleTestFormatException} naming the file and line when it is not valid. */
    public static List<RuleTestCase> parse(String file, String yaml) {
        var cases = new ArrayList<RuleTestCase>();
        try (JsonParser parser = YAML.createParser(yaml)) {
            for (var token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.START_ARRAY) {
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        cases.add(readCase(file, parser, cases.size()));
                    }
                } else if (token == JsonToken.START_OBJECT) {
                    cases.add(readCase(file, parser, cases.size()));
                } else if (token != JsonToken.VALUE_NULL) {
                    throw new RuleTestFormatException(file, line(parser), "a test case is a mapping with name, events and expect");
                }
            }
        } catch (IOException e) {
            int line = e instanceof com.fasterxml.jackson.core.JsonProcessingException p && p.getLocation() != null
                    ? p.getLocation().getLineNr() : 0;
            throw new RuleTestFormatException(file, line, "not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (cases.isEmpty()) {
            throw new RuleTestFormatException(file, 0, "no test case in it");
        }
        return cases;
    }

    private static int line(JsonParser parser) {
        var location = parser.currentTokenLocation();
        return location == null ? 0 : location.getLineNr();
    }

    /** Reads the case whose START_OBJECT the parser is at, keeping the line of each event and expectation. */
    private static RuleTestCase readCase(String file, JsonParser parser, int index) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw new RuleTestFormatException(file, line(parser), "a test case is a mapping with name, events and expect");
        }
        int caseLine = line(parser);
        var scalars = new HashMap<String, JsonNode>();
        var lists = new HashMap<String, List<Map.Entry<Integer, JsonNode>>>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            var key = parser.currentName();
            int keyLine = line(parser);
            if (!CASE_KEYS.contains(key)) {
                throw new RuleTestFormatException(file, keyLine, "unknown key '" + key + "'; a test case has " + sorted(CASE_KEYS));
            }
            var token = parser.nextToken();
            if (key.equals("events") || key.equals("expect") || key.equals("expectNone")) {
                var items = new ArrayList<Map.Entry<Integer, JsonNode>>();
                if (token == JsonToken.START_ARRAY) {
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        int itemLine = line(parser);
                        items.add(Map.entry(itemLine, YAML.readTree(parser)));
                    }
                } else if (token != JsonToken.VALUE_NULL) {
                    throw new RuleTestFormatException(file, keyLine, key + " must be a list");
                }
                lists.put(key, items);
            } else {
                scalars.put(key, YAML.readTree(parser));
            }
        }
        var name = scalars.containsKey("name") ? scalars.get("name").asText() : "case " + (index + 1);
        var start = scalars.containsKey("start") ? instant(file, caseLine, "start", scalars.get("start").asText()) : DEFAULT_START;
        var events = new ArrayList<ObjectNode>();
        var eventLines = new ArrayList<Integer>();
        int n = 0;
        for (var item : lists.getOrDefault("events", List.of())) {
            n++;
            events.add(event(file, item.getKey(), item.getValue(), start, n));
            eventLines.add(item.getKey());
        }
        if (events.isEmpty()) {
            throw new RuleTestFormatException(file, caseLine, "test case '" + name + "' has no events");
        }
        var expect = expectations(file, lists.getOrDefault("expect", List.of()));
        var expectNone = expectations(file, lists.getOrDefault("expectNone", List.of()));
        if (expect.isEmpty() && expectNone.isEmpty() && !scalars.containsKey("exactly")) {
            throw new RuleTestFormatException(file, caseLine, "test case '" + name + "' expects nothing: give expect, expectNone,"
                    + " or exactly: true for no alert at all");
        }
        var exactly = scalars.containsKey("exactly") && scalars.get("exactly").asBoolean();
        var until = scalars.containsKey("until") ? duration(file, caseLine, "until", scalars.get("until").asText()) : null;
        if (until != null) {
            representable(file, caseLine, "until", start.plus(until));
        }
        return new RuleTestCase(file, name, caseLine, start, events, eventLines, expect, expectNone, exactly, until);
    }

    private static ObjectNode event(String file, int line, JsonNode item, Instant start, int n) {
        if (!item.isObject()) {
            throw new RuleTestFormatException(file, line, "an event is a mapping: {at: 10s, type: Transaction, ...}");
        }
        var fields = (ObjectNode) item.deepCopy();
        if (!fields.hasNonNull("type")) {
            throw new RuleTestFormatException(file, line, "the event has no type");
        }
        var at = fields.remove("at");
        var time = fields.remove("time");
        if ((at == null) == (time == null)) {
            throw new RuleTestFormatException(file, line, "give the event either at: (after the start, e.g. 10s) or time: (an instant)");
        }
        var when = at != null ? start.plus(duration(file, line, "at", at.asText())) : instant(file, line, "time", time.asText());
        var out = YAML.createObjectNode().put("type", fields.remove("type").asText());
        out.put("id", fields.has("id") ? fields.remove("id").asText() : file + "#" + n);
        out.put("time", when.toString());
        out.setAll(fields);
        return out;
    }

    private static List<Expectation> expectations(String file, List<Map.Entry<Integer, JsonNode>> items) {
        var out = new ArrayList<Expectation>();
        for (var item : items) {
            int line = item.getKey();
            var node = item.getValue();
            if (!node.isObject()) {
                throw new RuleTestFormatException(file, line, "an expectation is a mapping: {rule: \"...\", key: ..., at: ...}");
            }
            var names = new ArrayList<String>();
            node.fieldNames().forEachRemaining(names::add);
            for (var key : names) {
                if (!EXPECTATION_KEYS.contains(key)) {
                    throw new RuleTestFormatException(file, line, "unknown key '" + key + "'; an expectation has " + sorted(EXPECTATION_KEYS));
                }
            }
            if (!node.hasNonNull("rule")) {
                throw new RuleTestFormatException(file, line, "the expectation names no rule");
            }
            Severity severity = null;
            if (node.hasNonNull("severity")) {
                try {
                    severity = Severity.parse(node.get("severity").asText());
                } catch (IllegalArgumentException e) {
                    throw new RuleTestFormatException(file, line, e.getMessage());
                }
            }
            var attributes = new LinkedHashMap<String, String>();
            if (node.hasNonNull("attributes")) {
                var given = node.get("attributes");
                if (!given.isObject() || given.properties().stream().anyMatch(e -> !e.getValue().isValueNode())) {
                    throw new RuleTestFormatException(file, line, "attributes is a mapping of attribute to value: {count: 6, terminal: T1}");
                }
                given.properties().forEach(e -> attributes.put(e.getKey(), e.getValue().asText()));
            }
            out.add(new Expectation(node.get("rule").asText(), node.hasNonNull("key") ? node.get("key").asText() : null,
                    node.hasNonNull("at") ? duration(file, line, "at", node.get("at").asText()) : null, severity,
                    node.hasNonNull("message") ? node.get("message").asText() : null, attributes, line));
        }
        return out;
    }

    private static Duration duration(String file, int line, String key, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new RuleTestFormatException(file, line, key + ": " + e.getMessage());
        }
    }

    private static Instant instant(String file, int line, String key, String text) {
        try {
            return representable(file, line, key, Instant.parse(text));
        } catch (DateTimeParseException e) {
            throw new RuleTestFormatException(file, line, key + ": '" + text + "' is not an instant such as 2026-01-01T00:00:00Z");
        }
    }

    private static Instant representable(String file, int line, String key, Instant instant) {
        try {
            EventTimeBounds.representable(instant);
            return instant;
        } catch (IllegalArgumentException e) {
            throw new RuleTestFormatException(file, line, key + ": " + e.getMessage());
        }
    }

    private static String sorted(Set<String> keys) {
        return keys.stream().sorted().collect(Collectors.joining(", "));
    }

    /**
     * Runs {@code cases} against {@code source}, each in a fresh event-time session under
     * {@code watchdog}. Rules that do not compile fail every case with their diagnostics. A case
     * whose rules loop fails with the reason: past the firing limit, the next case runs; stopped by
     * the rule timeout, the cases after it are failed without running, so that a looping rule
     * costs one timeout, not one per case.
     */
    public static RuleTestReport run(RuleSetSource source, List<RuleTestCase> cases, Watchdog watchdog) {
        return run(source, cases, watchdog, new RuleSetCompiler(), done -> { });
    }

    /**
     * As {@link #run(RuleSetSource, List, Watchdog)}, compiling with {@code compiler} (which may take
     * unsafe rule code) and telling {@code progress} how many cases are done after each one; what
     * progress throws stops the run.
     */
    public static RuleTestReport run(RuleSetSource source, List<RuleTestCase> cases, Watchdog watchdog, RuleSetCompiler compiler,
                                     IntConsumer progress) {
        var eventTime = source.withSettings(source.settings().withClockMode(ClockMode.EVENT_TIME));
        var results = new ArrayList<RuleTestReport.CaseResult>();
        for (var testCase : cases) {
            CompiledRuleSet compiled;
            try {
                compiled = compiler.compile(eventTime);
            } catch (RuleSetCompilationException e) {
                var failures = e.diagnostics().stream().filter(d -> d.level() == Diagnostic.Level.ERROR)
                        .map(d -> "the rules do not compile: " + d.file() + ":" + d.line() + ":" + d.column() + ": "
                                + d.message().lines().findFirst().orElse(""))
                        .toList();
                failRest(cases, results, failures);
                break;
            }
            try {
                results.add(run(compiled, testCase, watchdog));
            } catch (RunawayRulesException e) {
                results.add(failed(testCase, e.getMessage()));
            } catch (RuleTimeoutException e) {
                results.add(failed(testCase, e.getMessage()));
                failRest(cases, results, List.of("not run: the rules of an earlier case were stopped by the rule timeout"));
                break;
            }
            progress.accept(results.size());
        }
        progress.accept(results.size());
        return new RuleTestReport(results);
    }

    private static RuleTestReport.CaseResult failed(RuleTestCase testCase, String failure) {
        return new RuleTestReport.CaseResult(testCase.file(), testCase.name(), false, List.of(failure), List.of());
    }

    /** Fails each case not yet in {@code results} with {@code failures}. */
    private static void failRest(List<RuleTestCase> cases, List<RuleTestReport.CaseResult> results, List<String> failures) {
        cases.stream().skip(results.size())
                .forEach(c -> results.add(new RuleTestReport.CaseResult(c.file(), c.name(), false, failures, List.of())));
    }

    private static RuleTestReport.CaseResult run(CompiledRuleSet compiled, RuleTestCase testCase, Watchdog watchdog) {
        var until = testCase.until() == null ? null : testCase.start().plus(testCase.until());
        var result = Replay.run(compiled, testCase.events().iterator(), until, InstantSource.fixed(testCase.start()), watchdog);
        var fired = result.alerts();
        var failures = new ArrayList<String>();
        for (var error : result.errors()) {
            failures.add("event " + (error.index() + 1) + " (line " + testCase.eventLines().get(error.index()) + ")"
                    + (error.field() == null ? "" : ", field " + error.field()) + ": " + error.message());
        }
        for (var expected : testCase.expect()) {
            if (fired.stream().noneMatch(a -> expected.matches(a, testCase.start()))) {
                failures.add("line " + expected.line() + ": expected " + expected.describe() + "; fired: " + list(fired, testCase.start()));
            }
        }
        for (var unwanted : testCase.expectNone()) {
            var matching = fired.stream().filter(a -> unwanted.matches(a, testCase.start())).toList();
            if (!matching.isEmpty()) {
                failures.add("line " + unwanted.line() + ": expected no " + unwanted.describe().substring(3) + "; fired: "
                        + list(matching, testCase.start()));
            }
        }
        if (testCase.exactly()) {
            var extra = fired.stream().filter(a -> testCase.expect().stream().noneMatch(e -> e.matches(a, testCase.start()))).toList();
            if (!extra.isEmpty()) {
                failures.add("exactly: these alerts fired and none was expected: " + list(extra, testCase.start()));
            }
        }
        return new RuleTestReport.CaseResult(testCase.file(), testCase.name(), failures.isEmpty(), failures, fired);
    }

    private static String list(List<Alert> alerts, Instant start) {
        if (alerts.isEmpty()) {
            return "none";
        }
        return alerts.stream().map(a -> "\"" + a.rule() + "\" key " + a.key() + " at " + Expectation.offset(Duration.between(start, a.eventTime())))
                .collect(Collectors.joining(", "));
    }
}
