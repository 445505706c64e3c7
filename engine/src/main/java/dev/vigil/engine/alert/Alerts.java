package dev.vigil.engine.alert;

import dev.vigil.engine.ruleset.RuleInfo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.kie.api.runtime.rule.Match;

/**
 * The {@code alerts} global of every rule set: what a consequence calls to raise an alert.
 *
 * <pre>{@code
 * then
 *     alerts.raise($accountId, "more than 5 transactions in 60 s");
 * }</pre>
 *
 * <p>The engine adds the global to each DRL package; a rule set may also declare it itself. The
 * rest of this class is the engine's side: the session's worker tells it which match is firing,
 * so it finds the rule, its {@code @severity} and {@code @suppress}, and the evidence without the
 * rule passing them, and it drops alerts that were already raised (same id) or are suppressed.
 * Owned by the worker thread of one session; not thread-safe.
 */
public final class Alerts {
    /** Name of the global in DRL. */
    public static final String GLOBAL = "alerts";
    private static final int REMEMBERED_IDS = 100_000;
    private static final int SUPPRESSION_PRUNE_AT = 50_000;

    private final String ruleSet;
    private final InstantSource wallClock;
    private final LongSupplier sessionTime;
    private final Function<Object, String> eventIds;
    private final Map<String, Long> lastAlertByRuleAndKey = new HashMap<>();
    private final Map<String, Boolean> recentIds = new LinkedHashMap<>(1024, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_IDS;
        }
    };
    private final Map<String, Long> raisedPerRule = new TreeMap<>();
    private final List<Alert> pending = new ArrayList<>();
    private final List<RuleError> errors = new ArrayList<>();
    private Map<String, RuleInfo> rules = Map.of();
    private int version;
    private Match current;
    private long suppressed;
    private long duplicates;

    /**
     * @param ruleSet     the rule set's name
     * @param wallClock   source of {@link Alert#firedAt()}
     * @param sessionTime the session clock in epoch milliseconds, source of {@link Alert#eventTime()}
     * @param eventIds    the id of an event object in working memory, null for non-events
     */
    public Alerts(String ruleSet, InstantSource wallClock, LongSupplier sessionTime, Function<Object, String> eventIds) {
        this.ruleSet = ruleSet;
        this.wallClock = wallClock;
        this.sessionTime = sessionTime;
        this.eventIds = eventIds;
    }

    /** Raises an alert about {@code key}. */
    public void raise(Object key, String message) {
        raise(key, message, Map.of());
    }

    /** Raises an alert about {@code key} carrying {@code attributes}. */
    public void raise(Object key, String message, Map<String, ?> attributes) {
        if (current == null) {
            throw new IllegalStateException("alerts.raise can only be called from a rule consequence");
        }
        var rule = current.getRule();
        var info = rules.get(rule.getPackageName() + "." + rule.getName());
        var keyText = String.valueOf(key);
        long eventTime = sessionTime.getAsLong();
        var evidence = Evidence.of(current, eventIds);
        var id = idOf(rule.getName(), keyText, evidence, eventTime);
        if (recentIds.containsKey(id)) {
            duplicates++;
            return;
        }
        recentIds.put(id, Boolean.TRUE);
        if (isSuppressed(info, rule.getName(), keyText, eventTime)) {
            suppressed++;
            return;
        }
        var copy = new TreeMap<String, Object>();
        if (attributes != null) {
            attributes.forEach((k, v) -> copy.put(k, v == null ? "null" : v));
        }
        raisedPerRule.merge(rule.getName(), 1L, Long::sum);
        pending.add(new Alert(id, ruleSet, version, rule.getName(),
                info == null ? Severity.MEDIUM : info.severity(), keyText, message == null ? "" : message,
                Instant.ofEpochMilli(eventTime), wallClock.instant(), evidence, copy));
    }

    private boolean isSuppressed(RuleInfo info, String rule, String key, long eventTime) {
        if (info == null || info.suppress().isZero()) {
            return false;
        }
        long window = info.suppress().toMillis();
        var slot = rule + '\u0000' + key;
        var last = lastAlertByRuleAndKey.get(slot);
        if (last != null && eventTime < last + window) {
            return true;
        }
        lastAlertByRuleAndKey.put(slot, eventTime);
        if (lastAlertByRuleAndKey.size() > SUPPRESSION_PRUNE_AT) {
            long longest = rules.values().stream().mapToLong(r -> r.suppress().toMillis()).max().orElse(0);
            lastAlertByRuleAndKey.values().removeIf(t -> t + longest <= eventTime);
        }
        return false;
    }

    private String idOf(String rule, String key, List<String> evidence, long eventTime) {
        var text = new StringBuilder(ruleSet).append('\u0000').append(rule).append('\u0000').append(key);
        for (var e : evidence) {
            text.append('\u0000').append(e);
        }
        if (evidence.isEmpty()) {
            // Nothing identifies the cause but the moment: tell repeated firings apart by it.
            text.append('\u0001').append(eventTime);
        }
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    /** Engine side: the match whose consequence runs next (null when it has run). */
    public void firing(Match match) {
        this.current = match;
    }

    /** Engine side: a consequence threw. */
    public void failed(Match match, Exception error) {
        var cause = error.getCause() != null && error.getClass().getName().startsWith("org.drools") ? error.getCause() : error;
        errors.add(new RuleError(ruleSet, match.getRule().getName(),
                cause.getClass().getName() + ": " + cause.getMessage(), Instant.ofEpochMilli(sessionTime.getAsLong())));
        current = null;
    }

    /** Engine side: the rules and version now running. */
    public void use(int version, Map<String, RuleInfo> rulesByQualifiedName) {
        this.version = version;
        this.rules = Map.copyOf(rulesByQualifiedName);
    }

    /** Engine side: takes the alerts raised since the last call. */
    public List<Alert> drainAlerts() {
        if (pending.isEmpty()) {
            return List.of();
        }
        var out = List.copyOf(pending);
        pending.clear();
        return out;
    }

    /** Engine side: takes the consequence failures since the last call. */
    public List<RuleError> drainErrors() {
        if (errors.isEmpty()) {
            return List.of();
        }
        var out = List.copyOf(errors);
        errors.clear();
        return out;
    }

    /** Alerts raised per rule name. */
    public Map<String, Long> raisedPerRule() {
        return Map.copyOf(raisedPerRule);
    }

    /** Alerts not raised because the rule's {@code @suppress} window was still open. */
    public long suppressed() {
        return suppressed;
    }

    /** Alerts not raised because one with the same id was raised before. */
    public long duplicates() {
        return duplicates;
    }
}
