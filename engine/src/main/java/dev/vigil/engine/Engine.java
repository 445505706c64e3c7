package dev.vigil.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.engine.api.ClockMode;
import dev.vigil.engine.api.Deployment;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.api.EventType;
import dev.vigil.engine.api.InvalidEventsException;
import dev.vigil.engine.api.ReplayResult;
import dev.vigil.engine.api.RuleSetCompilationException;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.api.RuleSetStatus;
import dev.vigil.engine.api.RuleTestCase;
import dev.vigil.engine.api.RuleTestReport;
import dev.vigil.engine.event.EventDecoder;
import dev.vigil.engine.replay.Replay;
import dev.vigil.engine.ruleset.Compatibility;
import dev.vigil.engine.ruleset.CompiledRuleSet;
import dev.vigil.engine.ruleset.RuleSetCompiler;
import dev.vigil.engine.ruletest.RuleTests;
import dev.vigil.engine.session.LiveRuleSet;
import dev.vigil.engine.session.Watchdog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Vigil's engine: compiles rule sets, runs each deployed one in its own session, takes events,
 * replays history. The entry point of the module.
 *
 * <pre>{@code
 * try (var engine = Engine.create(EngineConfig.defaults().withListener(myListener))) {
 *     engine.deploy(RuleSetSource.of("fraud", Map.of("fraud.drl", drl)));
 *     engine.submit("fraud", List.of(eventJson));
 * }
 * }</pre>
 *
 * <p>Thread-safe. Deploys of one rule set are serialized; different rule sets deploy, run and fail
 * independently.
 */
public final class Engine implements AutoCloseable {
    private final EngineConfig config;
    private final RuleSetCompiler compiler;
    private final Map<String, LiveRuleSet> ruleSets = new ConcurrentHashMap<>();
    private final Map<String, Object> deployLocks = new ConcurrentHashMap<>();
    private final Map<String, Integer> versions = new ConcurrentHashMap<>();

    private final Watchdog watchdog;

    private Engine(EngineConfig config) {
        this.config = config;
        this.compiler = new RuleSetCompiler(config.allowUnsafeRules());
        this.watchdog = Watchdog.start(config.ruleTimeout());
    }

    public static Engine create(EngineConfig config) {
        return new Engine(config);
    }

    /**
     * Compiles without deploying, for validation; close the result.
     *
     * @throws RuleSetCompilationException with every error when it does not compile
     */
    public CompiledRuleSet compile(RuleSetSource source) {
        return compiler.compile(source);
    }

    /** Deploys {@code source} as the next version of its rule set (1 for a new one). */
    public Deployment deploy(RuleSetSource source) {
        return deploy(source, 0);
    }

    /**
     * Deploys {@code source} as {@code version} (0: the next one). A new rule set starts a session;
     * a running one moves to the new version between batches, keeping its windows. A version that
     * does not compile, or cannot replace the running one in place, changes nothing.
     *
     * @throws RuleSetCompilationException with every reason when it is not deployed
     */
    public Deployment deploy(RuleSetSource source, int version) {
        return deploy(source, version, RuleSetStatus.RUNNING);
    }

    /**
     * Deploys {@code source} as {@code version} in the state it was in when the server stopped:
     * failed, with {@code reason}. It is compiled, so its rules and types can be read, but runs no
     * session and takes no events, as before the stop, until another version is deployed.
     *
     * @throws RuleSetCompilationException with every reason when it does not compile
     */
    public Deployment deployFailed(RuleSetSource source, int version, String reason) {
        return deploy(source, version, RuleSetStatus.failed(reason));
    }

    private Deployment deploy(RuleSetSource source, int version, RuleSetStatus initial) {
        synchronized (deployLocks.computeIfAbsent(source.name(), n -> new Object())) {
            var compiled = compiler.compile(source);
            var existing = ruleSets.get(source.name());
            int next = version > 0 ? version : versions.getOrDefault(source.name(), 0) + 1;
            var rules = compiled.rules();
            var types = compiled.eventTypes();
            var warnings = compiled.warnings();
            int carried = 0;
            if (existing != null && existing.status().state() == RuleSetStatus.State.RUNNING
                    && initial.state() == RuleSetStatus.State.RUNNING) {
                var problems = Compatibility.check(existing.running(), compiled);
                if (!problems.isEmpty()) {
                    compiled.close();
                    throw new RuleSetCompilationException(source.name(), problems);
                }
                try {
                    carried = existing.deploy(compiled, next).join();
                } catch (CompletionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : e;
                }
            } else {
                if (existing != null) {
                    existing.close();
                }
                ruleSets.put(source.name(), new LiveRuleSet(compiled, next, config.clock(), config.listener(), config.tick(),
                        config.maxFacts(), config.alertBudget(), config.eventTimes(), initial, watchdog));
            }
            versions.put(source.name(), next);
            return new Deployment(source.name(), next, rules, types, warnings, carried);
        }
    }

    /** Stops a rule set and disposes its session; false when none had that name. */
    public boolean undeploy(String name) {
        synchronized (deployLocks.computeIfAbsent(name, n -> new Object())) {
            var live = ruleSets.remove(name);
            if (live == null) {
                return false;
            }
            live.close();
            return true;
        }
    }

    /** The deployed rule set called {@code name}. */
    public Optional<LiveRuleSet> ruleSet(String name) {
        return Optional.ofNullable(ruleSets.get(name));
    }

    /** Every deployed rule set. */
    public Collection<LiveRuleSet> ruleSets() {
        return List.copyOf(ruleSets.values());
    }

    /** The event types each deployed rule set accepts, by rule set name. */
    public Map<String, List<EventType>> eventTypes() {
        var out = new TreeMap<String, List<EventType>>();
        ruleSets.forEach((name, live) -> out.put(name, live.decoder().eventTypes()));
        return out;
    }

    /**
     * Decodes {@code events} against rule set {@code name} and queues them, all or none.
     *
     * @throws InvalidEventsException                      naming every bad event and field; nothing was queued
     * @throws dev.vigil.engine.api.QueueFullException when the rule set's queue cannot take them now
     * @throws NoSuchElementException                      when no rule set has that name
     */
    public void submit(String name, List<? extends JsonNode> events) {
        var live = ruleSet(name).orElseThrow(() -> new NoSuchElementException("no rule set named '" + name + "' is deployed"));
        EventDecoder decoder = live.decoder();
        live.submit(decoder.decodeAll(events));
    }

    /**
     * Replays {@code events} through a fresh event-time session of {@code source}, whatever the
     * clock mode of its settings.
     *
     * @param until when not null, the clock moves to it after the last event so pending absences fire
     */
    public ReplayResult replay(RuleSetSource source, Iterator<? extends JsonNode> events, Instant until) {
        var eventTime = source.withSettings(source.settings().withClockMode(ClockMode.EVENT_TIME));
        return Replay.run(compiler.compile(eventTime), events, until, config.clock(), watchdog);
    }

    /**
     * Runs rule test cases against {@code source} with this engine's compiler (so the same check of
     * rule code) and under its watchdog (so the same rule timeout).
     */
    public RuleTestReport test(RuleSetSource source, List<RuleTestCase> cases) {
        return RuleTests.run(source, cases, watchdog, compiler);
    }

    /** The watchdog over this engine's sessions, for replays and rule tests run beside them: the same rule timeout. */
    public Watchdog watchdog() {
        return watchdog;
    }

    /** Stops every rule set after what is queued, waiting up to 30 s for them. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /**
     * Stops every rule set, all at once: each processes what is queued, and those that have not
     * finished within {@code grace} are left after the event they are on. The events they did not
     * process were accepted: a server that keeps a journal runs them at its next start.
     */
    public void close(Duration grace) {
        watchdog.close();
        long deadline = System.nanoTime() + grace.toNanos();
        var stopping = new ArrayList<LiveRuleSet>();
        for (var name : new ArrayList<>(ruleSets.keySet())) {
            synchronized (deployLocks.computeIfAbsent(name, n -> new Object())) {
                var live = ruleSets.remove(name);
                if (live != null) {
                    live.requestStop();
                    stopping.add(live);
                }
            }
        }
        stopping.forEach(live -> live.awaitStop(deadline));
    }
}
