package dev.vigil.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.EngineListener;
import dev.vigil.engine.api.Event;
import dev.vigil.engine.api.RuleError;
import dev.vigil.engine.api.RuleSetSettings;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.api.RuleSetStats;
import dev.vigil.engine.api.RuleSetStatus;
import dev.vigil.engine.ruleset.RuleSetCompiler;
import dev.vigil.engine.session.RuleSetRunner;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Given events, advance the clock, expect alerts: a rule set's session driven synchronously on the
 * test's thread, through the same runner a live rule set and a replay use.
 */
public final class RuleHarness implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    /** The instant tests count from: {@code at("0:05")} is five seconds after it. */
    public static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    private final RuleSetRunner runner;
    private final List<Alert> alerts = new ArrayList<>();
    private final List<RuleError> errors = new ArrayList<>();
    private final List<Event> late = new ArrayList<>();
    private final TestClock wall = new TestClock(T0);
    private int next;

    private RuleHarness(RuleSetSource source) {
        var listener = new EngineListener() {
            @Override
            public void onAlert(Alert alert) {
                synchronized (alerts) {
                    alerts.add(alert);
                }
            }

            @Override
            public void onRuleError(RuleError error) {
                errors.add(error);
            }

            @Override
            public void onLateEvent(String ruleSet, Event event, long watermark, boolean inserted) {
                late.add(event);
            }
        };
        this.runner = new RuleSetRunner(new RuleSetCompiler().compile(source), 1, wall, listener);
    }

    public static RuleHarness of(String drl) {
        return of(drl, RuleSetSettings.DEFAULTS);
    }

    /** A rule set of several files: DRL and rule-language files together. */
    public static RuleHarness of(Map<String, String> files) {
        return new RuleHarness(new RuleSetSource("test", files, RuleSetSettings.DEFAULTS));
    }

    /** A rule set of several files with {@code settings}. */
    public static RuleHarness of(Map<String, String> files, RuleSetSettings settings) {
        return new RuleHarness(new RuleSetSource("test", files, settings));
    }

    public static RuleHarness of(String drl, RuleSetSettings settings) {
        return new RuleHarness(new RuleSetSource("test", Map.of("rules.drl", drl), settings));
    }

    /** {@code "m:ss"}, {@code "m:ss.SSS"} or {@code "h:mm:ss"} after {@link #T0}. */
    public static Instant at(String offset) {
        var parts = offset.split(":");
        double seconds = Double.parseDouble(parts[parts.length - 1]);
        long minutes = Long.parseLong(parts[parts.length - 2]);
        long hours = parts.length > 2 ? Long.parseLong(parts[0]) : 0;
        return T0.plus(Duration.ofHours(hours).plusMinutes(minutes).plusMillis(Math.round(seconds * 1000)));
    }

    /** An event JSON: {@code event("Transaction", "0:05", "accountId", "a1", "amount", 12.5)}. */
    public static ObjectNode event(String type, String offset, Object... fields) {
        var node = JSON.createObjectNode().put("type", type).put("time", at(offset).toString());
        for (int i = 0; i < fields.length; i += 2) {
            node.set((String) fields[i], JSON.valueToTree(fields[i + 1]));
        }
        return node;
    }

    /** Sends an event with the next id (e1, e2, ...) unless it has one. */
    public RuleHarness send(ObjectNode json) {
        if (!json.has("id")) {
            json.put("id", "e" + ++next);
        }
        wall.set(Instant.parse(json.get("time").asText()));
        runner.accept(runner.decoder().decode(json, 0));
        return this;
    }

    public RuleHarness send(String type, String offset, Object... fields) {
        return send(event(type, offset, fields));
    }

    public RuleHarness sendAll(List<? extends JsonNode> events) {
        events.forEach(e -> send((ObjectNode) e.deepCopy()));
        return this;
    }

    /** Moves the session clock to {@code offset}, firing every timer due on the way. */
    public RuleHarness advanceTo(String offset) {
        runner.advanceClockTo(at(offset).toEpochMilli());
        return this;
    }

    /** Releases events the reorder buffer still holds. */
    public RuleHarness finish() {
        runner.finish();
        return this;
    }

    /** The alerts raised so far, once the sessions (a partitioned rule set's, on their threads) have done every step given. */
    public List<Alert> alerts() {
        runner.sync();
        synchronized (alerts) {
            return List.copyOf(alerts);
        }
    }

    public List<RuleError> errors() {
        runner.sync();
        return List.copyOf(errors);
    }

    public List<Event> lateEvents() {
        return List.copyOf(late);
    }

    public RuleSetStats stats() {
        runner.sync();
        return runner.stats(RuleSetStatus.RUNNING, 0);
    }

    public RuleSetRunner runner() {
        return runner;
    }

    @Override
    public void close() {
        runner.close();
    }
}
