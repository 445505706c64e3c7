package dev.vigil.engine.session;

import dev.vigil.engine.alert.AlertMeter;
import dev.vigil.engine.alert.Alerts;
import dev.vigil.engine.api.AlertFloodException;
import dev.vigil.engine.api.Event;
import dev.vigil.engine.api.RuleInfo;
import dev.vigil.engine.api.RunawayRulesException;
import dev.vigil.engine.ruleset.CompiledRuleSet;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.drools.core.common.DefaultEventHandle;
import org.drools.core.common.InternalFactHandle;
import org.drools.core.common.InternalWorkingMemory;
import org.kie.api.KieBase;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.runtime.KieContainer;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.FactHandle;
import org.kie.api.time.SessionPseudoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rule set's stream-mode KieSession and the operations its single owner thread performs on it:
 * move the clock, insert, fire, and move to a new version.
 *
 * <p>Not thread-safe by design: Drools corrupts its fact store when inserts race with firing, so
 * exactly one thread (a session's worker, or a replay) calls into this.
 */
final class SessionCore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionCore.class);
    private final String ruleSet;
    private KieContainer container;
    private KieSession session;
    private InternalWorkingMemory timers;
    private SessionPseudoClock pseudoClock;
    private final Alerts alerts;
    private final AlertMeter meter = new AlertMeter();
    private final EventIds eventIds;
    private final int maxFirings;
    private ReleaseId module;
    private Map<String, Map<String, String>> declaredFields;
    private FactMigration migration;

    SessionCore(CompiledRuleSet compiled, int version, InstantSource wallClock, int maxFirings) {
        this.ruleSet = compiled.name();
        this.container = compiled.adoptContainer();
        this.module = compiled.releaseId();
        this.declaredFields = compiled.declaredFields();
        this.maxFirings = maxFirings;
        this.eventIds = new EventIds(kieBase());
        Function<Object, String> idOf = eventIds::get;
        // The match whose consequence runs is the agenda's knowledge helper's; asking it costs
        // nothing, where an agenda listener would make Drools build an event for every firing.
        this.alerts = new Alerts(ruleSet, wallClock, this::now, idOf, () -> timers.getAgenda().getKnowledgeHelper().getMatch(),
                meter);
        alerts.use(version, rulesByName(compiled.rules()), compiled.eventHorizon());
        startSession();
    }

    private void startSession() {
        session = container.newKieSession();
        timers = (InternalWorkingMemory) session;
        pseudoClock = session.getSessionClock() instanceof SessionPseudoClock p ? p : null;
        session.setGlobal(Alerts.GLOBAL, alerts);
    }

    /** The session clock in epoch milliseconds. */
    long now() {
        return session.getSessionClock().getCurrentTime();
    }

    boolean isPseudoClock() {
        return pseudoClock != null;
    }

    /**
     * Moves a pseudo clock to {@code target}, stopping at every pending timer on the way and firing
     * there, so what a timer makes true (an absence, an expiry) fires at its own time rather than at
     * the time of whatever moved the clock. Timers due exactly at {@code target} run with the move.
     */
    void advanceTo(long target) {
        long now = pseudoClock.getCurrentTime();
        if (target <= now) {
            return;
        }
        boolean ranDue = false;
        for (;;) {
            long toNext = timers.getTimeToNextJob();
            if (toNext == -1) {
                break;
            }
            long next = now + toNext;
            if (next >= target) {
                break;
            }
            if (next <= now) {
                // Overdue timers (from events inserted behind the clock) run once, in place.
                if (ranDue) {
                    break;
                }
                ranDue = true;
                next = now;
            } else {
                ranDue = false;
            }
            pseudoClock.advanceTime(next - now, TimeUnit.MILLISECONDS);
            now = next;
            fire();
        }
        pseudoClock.advanceTime(target - now, TimeUnit.MILLISECONDS);
    }

    void insert(Event event) {
        eventIds.put(event.fact(), event.id());
        session.insert(event.fact());
    }

    /**
     * Fires what is due; a {@link RunawayRulesException} when the rule set does not come to rest, an
     * {@link AlertFloodException} when it raised more alerts than its budget.
     */
    void fire() {
        int fired = session.fireAllRules(maxFirings);
        if (meter.isExceeded()) {
            throw new AlertFloodException(meter.exceeded());
        }
        if (fired >= maxFirings) {
            // Name the rule that would fire next without firing it: the loop's likely culprit.
            var next = new String[1];
            session.fireAllRules(match -> {
                next[0] = match.getRule().getName();
                return false;
            }, 1);
            throw new RunawayRulesException(ruleSet, maxFirings, next[0]);
        }
    }

    Alerts alerts() {
        return alerts;
    }

    /** What counts the session's alerts against its budget. */
    AlertMeter meter() {
        return meter;
    }

    long factCount() {
        return session.getFactCount();
    }

    KieSession session() {
        return session;
    }

    /**
     * Moves the running session to {@code next} between batches, keeping its facts and timers.
     *
     * <p>Drools offers two ways to change a live rule set: a new KieBase and session, which loses
     * every window, or {@code KieContainer.updateToVersion}, which rewires the existing session's
     * network incrementally (about 0.1-0.2 s) and keeps its facts, timers and window contents; new
     * and changed rules see the events already inside their windows. Vigil uses the latter. Its
     * gap, that a changed declared type leaves the old class's instances in memory matching nothing
     * and never expiring, is closed here: such facts are carried into the new class with their ids
     * and event times. Re-matching can re-raise alerts already raised; those have the same ids and
     * the alerts global drops them. When the in-place move cannot work (a version that drops one
     * of the running packages) or fails, the rule set moves through a new session that takes the
     * running one's facts ({@link #restart}).
     *
     * @return how many facts were carried into changed types (or, through a new session, in all)
     */
    int update(CompiledRuleSet next, int version) {
        if (!packages(next.container().getKieBase()).containsAll(packages(container.getKieBase()))) {
            // Moving in place onto a version without one of the running packages breaks Drools' rewiring
            // (on a later version it looks for the dropped package's classes).
            return restart(next, version, List.of());
        }
        // Facts of types whose declaration changes come out before the swap and go back in after
        // it: deleting an old-class fact after the swap leaves it in Drools' object store for good.
        var changed = changedTypes(declaredFields, next.declaredFields());
        var out = new ArrayList<Carried>();
        if (!changed.isEmpty()) {
            List<FactHandle> handles = new ArrayList<>(session.getFactHandles(o -> changed.contains(o.getClass().getName())));
            for (var handle : handles) {
                var fact = ((InternalFactHandle) handle).getObject();
                out.add(new Carried(fact, timestamp(handle), eventIds.remove(fact)));
                session.delete(handle);
            }
            out.sort(Comparator.comparingLong(Carried::time));
        }
        var previous = module;
        String failure;
        try {
            var errors = container.updateToVersion(next.adoptModule()).getMessages(Message.Level.ERROR);
            failure = errors.isEmpty() ? null : errors.stream().map(Message::getText).collect(Collectors.joining("; "));
        } catch (RuntimeException e) {
            failure = e.toString();
        }
        if (failure != null) {
            LOG.warn("rule set '{}' could not move to version {} in place ({}); it continues in a new session with its facts",
                    ruleSet, version, failure);
            return restart(next, version, out);
        }
        module = next.releaseId();
        CompiledRuleSet.release(previous);
        declaredFields = next.declaredFields();
        migration = new FactMigration(container.getKieBase());
        eventIds.use(container.getKieBase());
        int carried = 0;
        for (var fact : out) {
            if (migration.isDeclared(fact.object.getClass().getName())) {
                var fresh = migration.convert(fact.object, fact.time);
                if (fact.id != null) {
                    eventIds.put(fresh, fact.id);
                }
                session.insert(fresh);
                carried++;
            }
        }
        alerts.use(version, rulesByName(next.rules()), next.eventHorizon());
        fire();
        return carried;
    }

    /**
     * Moves to {@code next} through a new container and session: the running session's events (and
     * those of {@code takenOut}, facts already taken out of it) go into the new one in time order, each
     * declared type's instances converted into the class of the new version's type of the same
     * simple name (so a renamed package keeps its events), with the clock stepping through their
     * times to where it was. Rules fire on the way; alerts they raise again have the same ids and
     * are dropped, and the alerts' suppression state is kept.
     */
    private int restart(CompiledRuleSet next, int version, List<Carried> takenOut) {
        // The events the session was given (those with an id), not what its rules made of them: the
        // rules make those again as the events go back in, where carrying both would count twice.
        var facts = new ArrayList<Carried>();
        takenOut.stream().filter(f -> f.id != null).forEach(facts::add);
        facts.addAll(heldEvents());
        facts.sort(Comparator.comparingLong(Carried::time));
        var oldDeclared = new FactMigration(container.getKieBase());
        long clock = now();
        var previous = module;
        try {
            session.dispose();
        } finally {
            container.dispose();
        }
        container = next.adoptContainer();
        module = next.releaseId();
        CompiledRuleSet.release(previous);
        declaredFields = next.declaredFields();
        migration = new FactMigration(container.getKieBase());
        eventIds.use(container.getKieBase());
        alerts.use(version, rulesByName(next.rules()), next.eventHorizon());
        startSession();
        int carried = 0;
        for (var fact : facts) {
            if (insertMoved(fact, oldDeclared)) {
                carried++;
            }
        }
        if (pseudoClock != null) {
            advanceTo(clock);
        }
        fire();
        return carried;
    }

    /**
     * The events the session was given (those with an id), with their times, in no order; not what
     * its rules made of them, which the rules make again when the events go into another session.
     */
    List<Carried> heldEvents() {
        var facts = new ArrayList<Carried>();
        try {
            for (var handle : session.getFactHandles()) {
                var fact = ((InternalFactHandle) handle).getObject();
                var id = eventIds.get(fact);
                if (id != null) {
                    facts.add(new Carried(fact, timestamp(handle), id));
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("rule set '{}': the facts of the old session could not be read, the new one starts without them", ruleSet, e);
        }
        return facts;
    }

    /**
     * Inserts an event moved from another session at its time (the clock stepping there first),
     * converted into the running version's class of its type; false when its type is one of
     * {@code oldTypes} that the running version no longer has, and it is left out.
     */
    boolean insertMoved(Carried fact, FactMigration oldTypes) {
        Object object = fact.object;
        var types = declaredTypes();
        if (types.canConvert(object)) {
            object = types.convert(object, fact.time);
        } else if (oldTypes.isDeclared(object.getClass().getName())) {
            return false;
        }
        if (pseudoClock != null && fact.time != Long.MIN_VALUE) {
            advanceTo(fact.time);
        }
        eventIds.put(object, fact.id);
        session.insert(object);
        fire();
        return true;
    }

    /** The declared types of the running version, to tell which moved facts it no longer has. */
    FactMigration declaredTypes() {
        if (migration == null) {
            migration = new FactMigration(kieBase());
        }
        return migration;
    }

    /** The packages of {@code kieBase} that hold rules or declared types. */
    private static Set<String> packages(org.kie.api.KieBase kieBase) {
        var names = new HashSet<String>();
        for (var pkg : kieBase.getKiePackages()) {
            if (!pkg.getRules().isEmpty() || !pkg.getFactTypes().isEmpty()) {
                names.add(pkg.getName());
            }
        }
        return names;
    }

    /** Declared types (by class name) that the next version changes or drops. */
    private static Set<String> changedTypes(Map<String, Map<String, String>> before, Map<String, Map<String, String>> after) {
        var changed = new HashSet<String>();
        before.forEach((type, fields) -> {
            if (!fields.equals(after.get(type))) {
                changed.add(type);
            }
        });
        return changed;
    }

    /** An event on its way from one session to another: the fact, its time and its id. */
    record Carried(Object object, long time, String id) {
    }

    /** An event decoded against an older version, carried into the running one if its type changed. */
    Event current(Event event) {
        if (migration == null || !migration.isStale(event.fact())) {
            return event;
        }
        return new Event(event.id(), event.type(), event.time(), migration.convert(event.fact(), event.time()));
    }

    KieBase kieBase() {
        return container.getKieBase();
    }

    private static long timestamp(FactHandle handle) {
        return handle instanceof DefaultEventHandle e ? e.getStartTimestamp() : Long.MIN_VALUE;
    }

    private static Map<String, RuleInfo> rulesByName(List<RuleInfo> rules) {
        return rules.stream().collect(Collectors.toMap(RuleInfo::qualifiedName, r -> r));
    }

    @Override
    public void close() {
        try {
            session.dispose();
        } finally {
            container.dispose();
            CompiledRuleSet.release(module);
        }
    }
}
