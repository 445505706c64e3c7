package dev.vigil.engine.alert;

import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.RuleError;
import dev.vigil.engine.api.RuleInfo;
import dev.vigil.engine.api.Severity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.kie.api.definition.rule.Rule;
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
 * rest of this class is the engine's side: it asks the session which match is firing, so it finds
 * the rule, its {@code @severity} and {@code @suppress}, and the evidence without the rule passing
 * them, and it drops alerts that were already raised (same id) or are suppressed.
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
    private final Supplier<Match> currentMatch;
    private final AlertMeter meter;
    private final Map<String, Long> lastAlertByRuleAndKey = new HashMap<>();
    // What was raised, to drop repeats: alert ids, and matches (rule, key, handles) that took events
    // (bound by a pattern or folded by an accumulate),
    // forgotten once older than the horizon, when the events they name have all left the session
    // (the ids too: only those events could raise them again); matches of facts alone stay in
    // lastingMatches, as long as the count allows, since their facts may stay as long as the session.
    // A match that took events is remembered by its facts without the accumulates' results
    // (Evidence.factIds), which tells the same facts matched through another trigger before their
    // ids are worked out; one of facts alone by all its handles, results included, as its alert id
    // holds the time and a new result is a new alert.
    private final Recent<String> recentIds = new Recent<>(REMEMBERED_IDS);
    private final Recent<MatchKey> recentMatches = new Recent<>(REMEMBERED_IDS);
    private final Recent<MatchKey> lastingMatches = new Recent<>(REMEMBERED_IDS);
    private long horizon = -1;
    private final MatchKey probe = new MatchKey();
    private final MatchKey factsProbe = new MatchKey();
    private final Evidence matched = new Evidence();
    private final Map<String, Long> raisedPerRule = new TreeMap<>();
    private final List<Alert> pending = new ArrayList<>();
    private final Map<Rule, RuleInfo> ruleInfoCache = new IdentityHashMap<>();
    private final MessageDigest sha256;
    private final List<RuleError> errors = new ArrayList<>();
    private Map<String, RuleInfo> rules = Map.of();
    private int version;
    private Predicate<Object> raisedElsewhere;
    private long suppressed;
    private long duplicates;

    /**
     * @param ruleSet     the rule set's name
     * @param wallClock   source of {@link Alert#firedAt()}
     * @param sessionTime the session clock in epoch milliseconds, source of {@link Alert#eventTime()}
     * @param eventIds    the id of an event object in working memory, null for non-events
     * @param currentMatch the match whose consequence is running, null outside consequences
     * @param meter       what counts the alerts against the rule set's budget; alerts past it are refused
     */
    public Alerts(String ruleSet, InstantSource wallClock, LongSupplier sessionTime, Function<Object, String> eventIds,
                  Supplier<Match> currentMatch, AlertMeter meter) {
        this.ruleSet = ruleSet;
        this.meter = meter;
        this.wallClock = wallClock;
        this.sessionTime = sessionTime;
        this.eventIds = eventIds;
        this.currentMatch = currentMatch;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    /** Raises an alert about {@code key}. */
    public void raise(Object key, String message) {
        raise(key, message, Map.of());
    }

    /** Raises an alert about {@code key} carrying {@code attributes}. */
    public void raise(Object key, String message, Map<String, ?> attributes) {
        var current = currentMatch.get();
        if (current == null) {
            throw new IllegalStateException("alerts.raise can only be called from a rule consequence");
        }
        if (meter.isExceeded()) {
            // The rule set is over its budget and fails once the firing ends: refuse at the cost of a counter.
            meter.refuse();
            return;
        }
        // Collected before the suppression check, which reads nothing of it, so that a partition that
        // leaves the match to another stops here; what follows reads the same collection.
        matched.collect(current);
        if (raisedElsewhere != null && matched.all(raisedElsewhere)) {
            return;
        }
        var rule = current.getRule();
        var info = ruleInfo(rule);
        var keyText = String.valueOf(key);
        long eventTime = sessionTime.getAsLong();
        var slot = suppressionSlot(info, keyText);
        if (slot != null && isSuppressed(slot, info, eventTime)) {
            suppressed++;
            return;
        }
        factsProbe.set(rule, keyText, matched.factIds(), matched.factSize());
        if (recentMatches.contains(factsProbe)) {
            duplicates++;
            return;
        }
        probe.set(rule, keyText, matched.handleIds(), matched.size());
        if (lastingMatches.contains(probe)) {
            duplicates++;
            return;
        }
        var evidence = matched.evidence(eventIds);
        var context = matched.context(eventIds);
        forgetBefore(eventTime);
        if (evidence.isEmpty() && context.ids().isEmpty()) {
            lastingMatches.add(probe.copy(), eventTime);
        } else {
            recentMatches.add(factsProbe.copy(), eventTime);
        }
        var id = idOf(rule.getName(), keyText, evidence, eventTime);
        if (!recentIds.add(id, eventTime)) {
            duplicates++;
            return;
        }
        if (slot != null) {
            lastAlertByRuleAndKey.put(slot, eventTime);
            pruneSuppression(eventTime);
        }
        var firedAt = wallClock.instant();
        if (!meter.admit(ruleSet, rule.getName(), firedAt.toEpochMilli())) {
            return;
        }
        var copy = new TreeMap<String, Object>();
        if (attributes != null) {
            attributes.forEach((k, v) -> copy.put(k, v == null ? "null" : v));
        }
        raisedPerRule.merge(rule.getName(), 1L, Long::sum);
        pending.add(new Alert(id, ruleSet, version, rule.getName(), info.severity(), keyText, message == null ? "" : message,
                Instant.ofEpochMilli(eventTime), firedAt, evidence, context, copy));
    }

    /**
     * The session clock in epoch milliseconds: event time in event-time mode. For rules that act on
     * time without an event at hand, like deleting a profile that has been idle for its span.
     */
    public long now() {
        return sessionTime.getAsLong();
    }

    /**
     * {@code value} as a message shows it: whole numbers without a fraction ({@code 30000}, not
     * {@code 30000.0}), other numbers to at most two decimals, anything else as its text.
     */
    public String text(Object value) {
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return String.valueOf(d);
            }
            return BigDecimal.valueOf(d).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
        }
        if (value instanceof BigDecimal b) {
            return b.stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }

    /** {@code values} in order of their text, nulls first: a set's contents, the same way every time. */
    public List<Object> sorted(Collection<?> values) {
        var out = new ArrayList<Object>(values);
        out.sort(Comparator.comparing(v -> v == null ? "" : v.toString()));
        return out;
    }

    /** Attributes from names and values in turn: {@code attributes("count", 6, "amount", 12.5)}; a null value is kept as null. */
    public Map<String, Object> attributes(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("attributes take names and values in pairs, got " + namesAndValues.length + " arguments");
        }
        var out = new LinkedHashMap<String, Object>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            out.put(String.valueOf(namesAndValues[i]), namesAndValues[i + 1]);
        }
        return out;
    }

    private void forgetBefore(long eventTime) {
        if (horizon >= 0) {
            recentIds.forgetBefore(eventTime - horizon);
            recentMatches.forgetBefore(eventTime - horizon);
        }
    }

    /**
     * Rule, key and the session's handles of a match: repeats within a session compare equal.
     * Mutable so that one instance probes the map for every firing; what is stored is a copy.
     *
     * <p>The rule is known by its package and name, not as an object: a version deployed in place
     * has new rule objects that match the same facts again, in an order of Drools' choosing. When
     * every event of a window is a trigger, the first to fire, whose id the alert has, may then be
     * another than before; the facts tell the alert already raised.
     */
    private static final class MatchKey {
        private String rulePackage;
        private String rule;
        private String key;
        private long[] handles;
        private int size;
        private int hash;

        void set(Rule rule, String key, long[] handles, int size) {
            set(rule.getPackageName(), rule.getName(), key, handles, size);
        }

        private void set(String rulePackage, String rule, String key, long[] handles, int size) {
            this.rulePackage = rulePackage;
            this.rule = rule;
            this.key = key;
            this.handles = handles;
            this.size = size;
            int h = (rulePackage.hashCode() * 31 + rule.hashCode()) * 31 + key.hashCode();
            for (int i = 0; i < size; i++) {
                h = h * 31 + Long.hashCode(handles[i]);
            }
            this.hash = h;
        }

        MatchKey copy() {
            var copy = new MatchKey();
            copy.set(rulePackage, rule, key, Arrays.copyOf(handles, size), size);
            return copy;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MatchKey m && m.hash == hash && m.rule.equals(rule) && m.rulePackage.equals(rulePackage) && m.key.equals(key)
                    && Arrays.equals(m.handles, 0, m.size, handles, 0, size);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private RuleInfo ruleInfo(Rule rule) {
        var info = ruleInfoCache.get(rule);
        if (info == null) {
            info = rules.get(rule.getPackageName() + "." + rule.getName());
            if (info == null) {
                info = new RuleInfo(rule.getPackageName(), rule.getName(), Severity.MEDIUM, Duration.ZERO);
            }
            ruleInfoCache.put(rule, info);
        }
        return info;
    }

    private static String suppressionSlot(RuleInfo info, String key) {
        return info.suppress().isZero() ? null : info.qualifiedName() + '\u0000' + key;
    }

    /** At most one alert per rule and key per suppression window, counted in event time from the last alert raised. */
    private boolean isSuppressed(String slot, RuleInfo info, long eventTime) {
        var last = lastAlertByRuleAndKey.get(slot);
        return last != null && eventTime < last + info.suppress().toMillis();
    }

    private void pruneSuppression(long eventTime) {
        if (lastAlertByRuleAndKey.size() > SUPPRESSION_PRUNE_AT) {
            long longest = rules.values().stream().mapToLong(r -> r.suppress().toMillis()).max().orElse(0);
            lastAlertByRuleAndKey.values().removeIf(t -> t + longest <= eventTime);
        }
    }

    /**
     * The alert's id: a hash of rule set, rule, key and evidence (the trigger), not of the context,
     * so the same trigger judged against another window is the same alert, dropped as a repeat.
     */
    private String idOf(String rule, String key, List<String> evidence, long eventTime) {
        var text = new StringBuilder(64 + evidence.size() * 16)
                .append(ruleSet).append('\u0000').append(rule).append('\u0000').append(key);
        for (var e : evidence) {
            text.append('\u0000').append(e);
        }
        if (evidence.isEmpty()) {
            // Nothing identifies the cause but the moment: tell repeated firings apart by it.
            text.append('\u0001').append(eventTime);
        }
        return HexFormat.of().formatHex(sha256.digest(text.toString().getBytes(StandardCharsets.UTF_8)), 0, 16);
    }

    /** Engine side: a consequence threw. */
    public void failed(Match match, Exception error) {
        var cause = error.getCause() != null && error.getClass().getName().startsWith("org.drools") ? error.getCause() : error;
        errors.add(new RuleError(ruleSet, match.getRule().getName(),
                cause.getClass().getName() + ": " + cause.getMessage(), Instant.ofEpochMilli(sessionTime.getAsLong())));
    }

    /**
     * Engine side: the rules and version now running, and the longest an event stays in the session
     * (null when some may stay without bound): what is remembered of alerts whose events have all
     * left it is forgotten, since nothing can raise them again.
     */
    public void use(int version, Map<String, RuleInfo> rulesByQualifiedName, Duration eventHorizon) {
        this.version = version;
        this.rules = Map.copyOf(rulesByQualifiedName);
        this.ruleInfoCache.clear();
        this.horizon = eventHorizon == null ? -1 : eventHorizon.toMillis();
    }

    /**
     * Engine side: takes over what {@code other}, the alerts of a session whose events move into this
     * one's, remembers to drop repeats (alert ids, the suppression windows): the alerts those
     * events raise again here have the same ids and are dropped. Matches are not taken: they name
     * the other session's fact handles.
     */
    public void rememberFrom(Alerts other) {
        recentIds.addAll(other.recentIds);
        other.lastAlertByRuleAndKey.forEach((slot, time) -> lastAlertByRuleAndKey.merge(slot, time, Math::max));
    }

    /** Engine side: adds the counters of {@code other}, a session this one takes over from. */
    public void countFrom(Alerts other) {
        other.raisedPerRule.forEach((rule, count) -> raisedPerRule.merge(rule, count, Long::sum));
        suppressed += other.suppressed;
        duplicates += other.duplicates;
    }

    /**
     * Engine side: leaves out the alerts of matches whose every fact passes {@code shared}: in a
     * partitioned rule set, events that go to every partition match alike in each, and the first
     * partition alone raises what they raise by themselves.
     */
    public void leaveToAnother(Predicate<Object> shared) {
        this.raisedElsewhere = shared;
    }

    /** What is remembered to drop repeats: alert ids and matches. */
    public int remembered() {
        return recentIds.size() + recentMatches.size() + lastingMatches.size();
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
