package dev.vigil.engine.session;

import dev.vigil.engine.api.AlertBudget;
import dev.vigil.engine.api.ClockMode;
import dev.vigil.engine.api.EngineListener;
import dev.vigil.engine.api.Event;
import dev.vigil.engine.api.LatePolicy;
import dev.vigil.engine.api.RuleSetSettings;
import dev.vigil.engine.api.RuleSetStats;
import dev.vigil.engine.api.RuleSetStatus;
import dev.vigil.engine.clock.Watermark;
import dev.vigil.engine.event.EventDecoder;
import dev.vigil.engine.ruleset.CompiledRuleSet;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Drives one session through time, synchronously: the single place where events are put in order,
 * the watermark is kept, and the clock is moved. A live rule set runs one on its worker thread; a
 * replay runs one on the caller's thread. Because both go through this, live and replay agree.
 *
 * <p>In event-time mode an event waits in a reorder buffer until the watermark (newest event time
 * minus the allowed lateness) reaches it; released events are inserted in time order, each after
 * the pseudo clock has moved to its time, and rules fire after each. Events behind the watermark
 * are late: counted, reported, and inserted or left out by the rule set's {@link LatePolicy}.
 * In realtime mode events are inserted as they come. Not thread-safe.
 */
public final class RuleSetRunner implements AutoCloseable {
    private static final Comparator<Pending> ORDER = Comparator.comparingLong((Pending p) -> p.event.time())
            .thenComparingLong(p -> p.seq);

    private final String ruleSet;
    private final InstantSource wallClock;
    private final EngineListener listener;
    private final Watchdog watchdog;
    private final PriorityQueue<Pending> buffer = new PriorityQueue<>(ORDER);
    private final AlertBudget alertBound;
    private final RuleSetSettings settings;
    private final Watermark watermark;
    private Sessions sessions;
    private EventDecoder decoder;
    private int version;
    private long seq;
    private long processed;
    private long late;
    private long droppedLate;
    /** The clock the rule set's sessions were last moved to (the one session's, or every partition's). */
    private long clock = Long.MIN_VALUE;

    /**
     * Starts a fresh session for {@code compiled}, taking over its container, with the rule set's
     * alert budget (the default one where it sets none) and no per-second limit: for a replay.
     */
    public RuleSetRunner(CompiledRuleSet compiled, int version, InstantSource wallClock, EngineListener listener) {
        this(compiled, version, wallClock, listener, null, null);
    }

    /**
     * Starts the sessions for {@code compiled} (one, or one per partition), taking over its container.
     *
     * @param alertBound the engine's alert budget, which the rule set's own stays within; null for a
     *                   replay: the rule set's own, or the default one
     * @param watchdog   watches the threads of a partitioned rule set's sessions; null: none does
     */
    public RuleSetRunner(CompiledRuleSet compiled, int version, InstantSource wallClock, EngineListener listener,
                         AlertBudget alertBound, Watchdog watchdog) {
        this.ruleSet = compiled.name();
        this.alertBound = alertBound;
        this.wallClock = wallClock;
        this.listener = listener;
        this.watchdog = watchdog;
        this.version = version;
        this.settings = compiled.source().settings();
        this.watermark = new Watermark(settings.allowedLateness(), settings.idleTimeout());
        this.sessions = open(compiled, version, null);
        this.decoder = EventDecoder.forKieBase(sessions.kieBase(), settings.allowUnknownFields(), wallClock);
    }

    /**
     * The sessions for {@code compiled}: partitioned when it has a key and runs on event time. With
     * {@code moved}, the events of the sessions it replaces go in first, at their times.
     */
    private Sessions open(CompiledRuleSet compiled, int at, Moved moved) {
        var compiledSettings = compiled.source().settings();
        Sessions opened;
        if (compiled.partitioning().isPartitioned() && compiledSettings.clockMode() == ClockMode.EVENT_TIME) {
            var partitions = new Partitions(compiled, at, wallClock, listener, watchdog);
            partitions.useBudget(alertBudget(compiledSettings));
            if (moved != null) {
                moved.into(partitions.cores());
                partitions.insertMoved(moved.facts, moved.oldTypes, moved.clock);
            }
            partitions.start();
            opened = partitions;
        } else {
            var one = new Stepper(new SessionCore(compiled, at, wallClock, compiledSettings.maxFiringsPerStep()), listener);
            opened = new OneSession(one);
            opened.useBudget(alertBudget(compiledSettings));
            if (moved != null) {
                moved.into(opened.cores());
                for (var fact : moved.facts) {
                    one.core().insertMoved(fact, moved.oldTypes);
                    one.deliver();
                }
                one.step(moved.clock, null);
            }
        }
        return opened;
    }

    private AlertBudget alertBudget(RuleSetSettings of) {
        return alertBound == null ? of.alertBudget().orElse(AlertBudget.DEFAULTS) : of.alertBudget().within(alertBound);
    }

    /** The alert budget the session counts against. */
    public AlertBudget alertBudget() {
        return sessions.budget();
    }

    /**
     * Whether the alerts raised from now on count against the per-second limit of the budget:
     * those of live events do; a replay's, and those raised again while a recovery replays the
     * journal, do not (they came at their own pace before).
     */
    public void countAlertsPerSecond(boolean value) {
        sessions.countAlertsPerSecond(value);
    }

    /** Decodes events against the running version. Thread-safe: the decoder is immutable. */
    public EventDecoder decoder() {
        return decoder;
    }

    public int version() {
        return version;
    }

    /** Takes one event: orders it, or inserts it at once in realtime mode, and fires what follows. */
    public void accept(Event event) {
        processed++;
        if (!sessions.isPseudoClock()) {
            sessions.step(Long.MIN_VALUE, event);
            return;
        }
        if (watermark.isLate(event.time())) {
            late++;
            boolean insert = settings.latePolicy() == LatePolicy.PROCESS;
            if (insert) {
                // Behind the clock: it goes in where the clock is, without moving it.
                sessions.step(clock, event);
            } else {
                droppedLate++;
            }
            listener.onLateEvent(ruleSet, event, watermark.current(), insert);
            return;
        }
        long wm = watermark.observe(event.time(), wallClock.millis());
        if (buffer.isEmpty() && event.time() <= wm) {
            // In order with nothing waiting: the common case skips the buffer.
            insertAt(event);
            return;
        }
        buffer.add(new Pending(event, seq++));
        release(wm);
    }

    /**
     * Lets time pass without events: in event-time mode the watermark follows the wall clock once
     * the input has been idle, so absence rules fire; in realtime mode due timers fire. Hands what
     * waits to the partitions of a partitioned rule set, whose clocks all move to the rule set's.
     */
    public void idle() {
        if (sessions.isPseudoClock()) {
            long wm = watermark.onIdle(wallClock.millis());
            release(wm);
            if (wm != Long.MIN_VALUE && wm > clock) {
                advance(wm);
            }
        } else {
            sessions.step(Long.MIN_VALUE, null);
        }
        sessions.flush();
    }

    /** The end of a finite input: releases every buffered event, and waits for the partitions to take them. */
    public void finish() {
        if (sessions.isPseudoClock()) {
            release(watermark.close());
            if (clock != Long.MIN_VALUE) {
                advance(clock);
            }
        }
        sessions.sync();
    }

    /** Hands the steps given so far to the partitions of a partitioned rule set, whose clocks all move to the rule set's. */
    public void flush() {
        sessions.flush();
    }

    /** Waits until the sessions have done every step given so far (a partitioned rule set's run elsewhere). */
    public void sync() {
        sessions.flush();
        sessions.sync();
    }

    /** Moves the pseudo clock to {@code time} (epoch ms), firing every timer due on the way. */
    public void advanceClockTo(long time) {
        if (sessions.isPseudoClock()) {
            release(watermark.close());
            if (time > clock) {
                advance(time);
            }
        }
        sessions.sync();
    }

    /**
     * Moves the watermark to {@code to} and the clock to {@code clockTo} (epoch ms) where they are
     * behind, releasing the events the watermark passes and firing the timers due on the way: for an
     * input read again to rebuild the windows, the point it had reached before, also by time passing
     * without events.
     */
    public void catchUp(long to, long clockTo) {
        if (sessions.isPseudoClock()) {
            release(watermark.raiseTo(to));
            if (clockTo > clock) {
                advance(clockTo);
            }
        }
        sessions.sync();
    }

    /**
     * Moves the rule set to a new version: in place when neither is partitioned ({@link SessionCore#update}),
     * otherwise through new sessions that take the running ones' events, each to its partition under
     * the new key and count. Returns the facts carried over.
     */
    public int update(CompiledRuleSet next, int nextVersion) {
        var nextSettings = next.source().settings();
        int carried;
        if (sessions instanceof OneSession one && !next.partitioning().isPartitioned()) {
            carried = one.update(next, nextVersion);
            one.useBudget(alertBudget(nextSettings));
        } else {
            carried = move(next, nextVersion);
        }
        this.version = nextVersion;
        this.decoder = EventDecoder.forKieBase(sessions.kieBase(), nextSettings.allowUnknownFields(), wallClock);
        return carried;
    }

    private int move(CompiledRuleSet next, int nextVersion) {
        try {
            sessions.sync();
        } catch (RuntimeException e) {
            next.close();
            throw e;
        }
        var moved = new Moved(sessions.cores(), sessions.now());
        sessions.close();
        sessions = open(next, nextVersion, moved);
        return moved.facts.size();
    }

    /** The events of the sessions a rule set leaves, in time order, and what their alerts remember. */
    private static final class Moved {
        final List<SessionCore.Carried> facts = new ArrayList<>();
        final FactMigration oldTypes;
        final List<SessionCore> from;
        final long clock;

        Moved(List<SessionCore> from, long clock) {
            this.from = from;
            this.clock = clock;
            this.oldTypes = from.get(0).declaredTypes();
            // An event of a type without a key is in every partition: it moves once.
            var seen = Collections.newSetFromMap(new IdentityHashMap<Object, Boolean>());
            for (var core : from) {
                for (var fact : core.heldEvents()) {
                    if (seen.add(fact.object())) {
                        facts.add(fact);
                    }
                }
            }
            facts.sort(Comparator.comparingLong(SessionCore.Carried::time).thenComparing(SessionCore.Carried::id));
        }

        /**
         * Gives {@code cores} what the alerts of the sessions left remember, and the first of them their
         * counters; and makes them convert the events decoded for the sessions left that are still queued.
         */
        void into(List<SessionCore> cores) {
            cores.forEach(SessionCore::declaredTypes);
            for (var core : cores) {
                for (var old : from) {
                    core.alerts().rememberFrom(old.alerts());
                }
            }
            for (var old : from) {
                cores.get(0).alerts().countFrom(old.alerts());
            }
        }
    }

    private void release(long upTo) {
        while (!buffer.isEmpty() && buffer.peek().event.time() <= upTo) {
            insertAt(buffer.poll().event);
        }
    }

    /** Inserts an event in order: the clock moves to its time first. */
    private void insertAt(Event event) {
        clock = Math.max(clock, event.time());
        sessions.step(clock, event);
    }

    private void advance(long to) {
        clock = Math.max(clock, to);
        sessions.advance(clock);
    }

    /** The counters now; {@code queued} and {@code status} are the caller's to fill in. */
    public RuleSetStats stats(RuleSetStatus status, int queued) {
        var counters = sessions.counters();
        return new RuleSetStats(ruleSet, version, status, processed, late, droppedLate, buffer.size(), queued,
                counters.raisedPerRule(), counters.suppressed(), counters.duplicates(), (int) counters.remembered(), counters.ruleErrors(),
                counters.factCount(), sessions.now(), watermark.current(), counters.refused());
    }

    /** Milliseconds until the session's next timer, -1 when none; for realtime sessions to wake on time. */
    public long timeToNextTimer() {
        return sessions.timeToNextTimer();
    }

    @Override
    public void close() {
        sessions.close();
    }

    private record Pending(Event event, long seq) {
    }
}
