package dev.vigil.engine.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.AlertDiff;
import dev.vigil.engine.api.ClockMode;
import dev.vigil.engine.api.Comparison;
import dev.vigil.engine.api.EngineListener;
import dev.vigil.engine.api.Event;
import dev.vigil.engine.api.EventError;
import dev.vigil.engine.api.EventTimeBounds;
import dev.vigil.engine.api.InputOrder;
import dev.vigil.engine.api.ReplayOrder;
import dev.vigil.engine.api.ReplayResult;
import dev.vigil.engine.api.ReplayStats;
import dev.vigil.engine.api.RuleError;
import dev.vigil.engine.api.RuleSetStatus;
import dev.vigil.engine.api.RuleTimeoutException;
import dev.vigil.engine.api.RunawayRulesException;
import dev.vigil.engine.ruleset.CompiledRuleSet;
import dev.vigil.engine.session.RuleSetRunner;
import dev.vigil.engine.session.Watch;
import dev.vigil.engine.session.Watchdog;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs events through a fresh event-time session of a rule set, as fast as the machine goes.
 *
 * <p>Uses the same {@link RuleSetRunner} as a live rule set, with the rule set's lateness and late
 * policy, so a replay raises the alerts the live session would have raised, with the same ids.
 * As in a live server, where request threads decode and the session's worker only inserts and
 * fires, reading and decoding the input runs on a thread of its own ({@link DecodingReader}),
 * ahead of the session. Invalid events are skipped and reported by their index in the input; the
 * rest still run.
 *
 * <p>Bounded input runs sorted by event time by default ({@link ReplayOrder}), as a batch run does:
 * the reader's thread reads and sorts it all before the session takes the first event, so the
 * input's order does not change the alerts. Taken as given, it goes through the watermark and the
 * allowed lateness as a live stream would. Either way the result tells how out of order it was.
 *
 * <p>The limits of a live session hold: its rule set's firing limit ({@link RunawayRulesException}),
 * and the rule timeout of the {@link Watchdog} it runs under, on a thread of its own that the
 * watchdog stops ({@link RuleTimeoutException}) while the caller's goes on.
 */
public final class Replay {
    /** How many invalid events and rule errors a result lists; all are counted. */
    public static final int MAX_REPORTED_ERRORS = 100;

    private Replay() {
    }

    /**
     * Replays {@code events} through {@code compiled} in the order given, as a live stream would take
     * them (rule tests do), and keeps every alert. It consumes {@code compiled} (its container becomes
     * the replay's session and is disposed at the end).
     *
     * @param until     when not null, the clock is moved to this time after the last event, so
     *                  absences that become true after it still fire; IllegalArgumentException when
     *                  a rule set's clock cannot hold it ({@link EventTimeBounds#representable})
     * @param wallClock the arrival time of events without {@code time}, and alerts' {@code firedAt}
     * @param watchdog  stops the replay when a rule does not return within its timeout
     */
    public static ReplayResult run(CompiledRuleSet compiled, Iterator<? extends JsonNode> events, Instant until,
                                   InstantSource wallClock, Watchdog watchdog) {
        var alerts = new ArrayList<Alert>();
        var order = ReplayOrder.defaults().withSorted(false);
        var result = run(compiled, events, until, wallClock, watchdog, order, new ProgressCounters(false), alerts::add);
        return new ReplayResult(alerts, result.stats(), result.errors(), result.ruleErrors());
    }

    /**
     * Like {@link #run(CompiledRuleSet, Iterator, Instant, InstantSource, Watchdog)}, in {@code order},
     * telling {@code progress} how far it is, and handing each alert to {@code sink} as it is raised
     * (on the replay's thread) instead of keeping it: for inputs too large to hold every alert. The
     * result's alert list is empty.
     */
    public static ReplayResult run(CompiledRuleSet compiled, Iterator<? extends JsonNode> events, Instant until,
                                   InstantSource wallClock, Watchdog watchdog, ReplayOrder order, ProgressCounters progress,
                                   Consumer<Alert> sink) {
        return runAll(List.of(compiled), events, until, new Pass(wallClock, watchdog, order, progress), List.of(sink)).get(0);
    }

    /**
     * Replays {@code events} once through both rule sets and tells the alerts {@code candidate}
     * raises that {@code baseline} does not, and the reverse: what a new version would change.
     * Alert ids derive from the rule set's name, so both must be compiled under the same name.
     * Consumes both. The events run in the order given.
     */
    public static Comparison compare(CompiledRuleSet baseline, CompiledRuleSet candidate, Iterator<? extends JsonNode> events,
                                     Instant until, InstantSource wallClock, Watchdog watchdog) {
        return compare(baseline, candidate, events, until, wallClock, watchdog, ReplayOrder.defaults().withSorted(false),
                new ProgressCounters(false));
    }

    /**
     * Like {@link #compare(CompiledRuleSet, CompiledRuleSet, Iterator, Instant, InstantSource, Watchdog)},
     * in {@code order}, telling {@code progress} how far it is.
     */
    public static Comparison compare(CompiledRuleSet baseline, CompiledRuleSet candidate, Iterator<? extends JsonNode> events,
                                     Instant until, InstantSource wallClock, Watchdog watchdog, ReplayOrder order,
                                     ProgressCounters progress) {
        if (!baseline.name().equals(candidate.name())) {
            var message = "compared rule sets must have the same name, since alert ids derive from it: '"
                    + baseline.name() + "' and '" + candidate.name() + "'";
            baseline.close();
            candidate.close();
            throw new IllegalArgumentException(message);
        }
        var before = new ArrayList<Alert>();
        var after = new ArrayList<Alert>();
        var results = runAll(List.of(baseline, candidate), events, until, new Pass(wallClock, watchdog, order, progress),
                List.of(before::add, after::add));
        var baseResult = new ReplayResult(before, results.get(0).stats(), results.get(0).errors(), results.get(0).ruleErrors());
        var candidateResult = new ReplayResult(after, results.get(1).stats(), results.get(1).errors(), results.get(1).ruleErrors());
        var beforeIds = new HashSet<String>();
        before.forEach(alert -> beforeIds.add(alert.id()));
        var afterIds = new HashSet<String>();
        after.forEach(alert -> afterIds.add(alert.id()));
        var added = after.stream().filter(alert -> !beforeIds.contains(alert.id())).toList();
        var removed = before.stream().filter(alert -> !afterIds.contains(alert.id())).toList();
        long unchanged = after.stream().filter(alert -> beforeIds.contains(alert.id())).count();
        return new Comparison(baseResult, candidateResult, new AlertDiff(added, removed, unchanged));
    }

    /**
     * How a pass over the input runs.
     *
     * @param wallClock the arrival time of events without {@code time}, and alerts' {@code firedAt}
     * @param watchdog  stops the replay when a rule does not return within its timeout
     * @param order     sorted by event time or as given
     * @param progress  told how far the pass is
     */
    private record Pass(InstantSource wallClock, Watchdog watchdog, ReplayOrder order, ProgressCounters progress) {
    }

    /** One pass over {@code events} through each rule set, each alert to the sink of its rule set; results without alerts. */
    private static List<ReplayResult> runAll(List<CompiledRuleSet> compiled, Iterator<? extends JsonNode> events, Instant until,
                                             Pass pass, List<Consumer<Alert>> sinks) {
        for (var each : compiled) {
            if (each.source().settings().clockMode() != ClockMode.EVENT_TIME) {
                compiled.forEach(CompiledRuleSet::close);
                throw new IllegalArgumentException("replays run on event time: compile rule set '" + each.name()
                        + "' with clock mode EVENT_TIME");
            }
        }
        try {
            if (until != null) {
                EventTimeBounds.representable(until);
            }
        } catch (IllegalArgumentException e) {
            compiled.forEach(CompiledRuleSet::close);
            throw new IllegalArgumentException("until: " + e.getMessage(), e);
        }
        var rules = compiled.stream().flatMap(c -> c.rules().stream()).toList();
        try {
            return pass.watchdog().run(compiled.get(0).name(), rules, watch -> session(compiled, events, until, pass, watch, sinks));
        } finally {
            // What the replay's thread did not take over (a session it could not start) is released here.
            compiled.forEach(CompiledRuleSet::close);
        }
    }

    /** The replay itself, on the thread {@code watch} watches. */
    private static List<ReplayResult> session(List<CompiledRuleSet> compiled, Iterator<? extends JsonNode> events, Instant until,
                                              Pass pass, Watch watch, List<Consumer<Alert>> sinks) {
        var runs = new ArrayList<Run>();
        long started = System.nanoTime();
        try {
            for (int i = 0; i < compiled.size(); i++) {
                runs.add(new Run(compiled.get(i), pass.wallClock(), sinks.get(i), pass.watchdog(), watch));
            }
            var decoders = runs.stream().map(r -> r.runner.decoder()).toList();
            try (var reader = new DecodingReader(events, decoders, pass.order(), pass.progress())) {
                // Reading (and sorting) the input before the first batch is no rule's doing either.
                watch.idle();
                for (var batch = reader.next(); batch != null; batch = reader.next()) {
                    for (int i = 0; i < runs.size(); i++) {
                        runs.get(i).take(batch.events().get(i), batch.errors().get(i));
                    }
                    pass.progress().addProcessed(batch.inputs());
                    pass.progress().checkStop();
                    // Waiting for the input is no rule's doing.
                    watch.idle();
                }
                var elapsed = Duration.ofNanos(System.nanoTime() - started);
                var out = new ArrayList<ReplayResult>();
                for (int i = 0; i < runs.size(); i++) {
                    out.add(runs.get(i).finish(until, reader.read(), reader.invalid(i), elapsed, reader.order()));
                }
                return out;
            }
        } finally {
            runs.forEach(Run::close);
        }
    }

    /** One rule set's session in a replay, and what it has seen. */
    private static final class Run implements AutoCloseable {
        final RuleSetRunner runner;
        final Watch watch;
        final List<RuleError> ruleErrors = new ArrayList<>();
        final List<EventError> errors = new ArrayList<>();
        long ruleErrorCount;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;

        Run(CompiledRuleSet compiled, InstantSource wallClock, Consumer<Alert> sink, Watchdog watchdog, Watch watch) {
            this.watch = watch;
            this.runner = new RuleSetRunner(compiled, 1, wallClock, new EngineListener() {
                @Override
                public void onAlert(Alert alert) {
                    sink.accept(alert);
                }

                @Override
                public void onRuleError(RuleError error) {
                    ruleErrorCount++;
                    if (ruleErrors.size() < MAX_REPORTED_ERRORS) {
                        ruleErrors.add(error);
                    }
                }
            }, null, watchdog);
        }

        void take(List<Event> events, List<EventError> invalid) {
            for (var event : events) {
                first = Math.min(first, event.time());
                last = Math.max(last, event.time());
                watch.step();
                runner.accept(event);
            }
            // A partitioned rule set's partitions take what is theirs now, and their clocks follow.
            runner.flush();
            errors.addAll(invalid);
            if (errors.size() > 2 * MAX_REPORTED_ERRORS) {
                keepFirstErrors();
            }
        }

        /**
         * Keeps the errors of the first events of the input: sorted by event time, they do not
         * come in input order.
         */
        private void keepFirstErrors() {
            errors.sort(Comparator.comparingInt(EventError::index));
            errors.subList(Math.min(errors.size(), MAX_REPORTED_ERRORS), errors.size()).clear();
        }

        ReplayResult finish(Instant until, long count, long invalid, Duration elapsed, InputOrder order) {
            keepFirstErrors();
            watch.step();
            if (until != null) {
                runner.advanceClockTo(until.toEpochMilli());
            } else {
                runner.finish();
            }
            var stats = runner.stats(RuleSetStatus.STOPPED, 0);
            double seconds = Math.max(1e-9, elapsed.toNanos() / 1e9);
            return new ReplayResult(List.of(), new ReplayStats(count, invalid, stats.lateEvents(), stats.alertsPerRule(),
                    stats.suppressed(), ruleErrorCount, elapsed, count / seconds,
                    first == Long.MAX_VALUE ? null : Instant.ofEpochMilli(first),
                    last == Long.MIN_VALUE ? null : Instant.ofEpochMilli(last), order), errors, ruleErrors);
        }

        @Override
        public void close() {
            runner.close();
        }
    }
}
