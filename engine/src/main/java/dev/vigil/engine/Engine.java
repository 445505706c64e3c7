package dev.vigil.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.engine.api.Admission;
import dev.vigil.engine.api.ClockMode;
import dev.vigil.engine.api.Deployment;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.api.EngineListener;
import dev.vigil.engine.api.EventType;
import dev.vigil.engine.api.InvalidEventsException;
import dev.vigil.engine.api.JournalReader;
import dev.vigil.engine.api.NoSuchRuleSetException;
import dev.vigil.engine.api.Partitioning;
import dev.vigil.engine.api.QueueFullException;
import dev.vigil.engine.api.Recovery;
import dev.vigil.engine.api.ReplayOrder;
import dev.vigil.engine.api.ReplayResult;
import dev.vigil.engine.api.RuleSetCompilationException;
import dev.vigil.engine.api.RuleSetFailedException;
import dev.vigil.engine.api.RuleSetInfo;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.api.RuleSetStats;
import dev.vigil.engine.api.RuleSetStatus;
import dev.vigil.engine.api.RuleSetStream;
import dev.vigil.engine.api.RuleTestCase;
import dev.vigil.engine.api.RuleTestFormatException;
import dev.vigil.engine.api.RuleTestReport;
import dev.vigil.engine.api.SourcedElsewhereException;
import dev.vigil.engine.api.Ticker;
import dev.vigil.engine.api.Validation;
import dev.vigil.engine.event.EventDecoder;
import dev.vigil.engine.ruleset.Compatibility;
import dev.vigil.engine.ruleset.CompiledRuleSet;
import dev.vigil.engine.ruleset.RuleSetCompiler;
import dev.vigil.engine.ruletest.RuleTests;
import dev.vigil.engine.session.LiveRuleSet;
import dev.vigil.engine.session.Watchdog;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

/**
 * Vigil's engine: compiles rule sets, runs each deployed one in its own session, admits events,
 * replays history and runs rule tests. The entry point of the module: what lies outside it (the
 * server, the command line, transports) reaches the engine through this class and the values of
 * {@code dev.vigil.engine.api}, never through its internals.
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
    /** The streams a transport opened, by rule set: deploys reach them, undeploys stop them. */
    private final Map<String, Set<LiveStream>> streams = new ConcurrentHashMap<>();

    private final Watchdog watchdog;

    private Engine(EngineConfig config) {
        this.config = config;
        this.compiler = new RuleSetCompiler(config.allowUnsafeRules());
        this.watchdog = config.ticker() == Ticker.SYSTEM
                ? Watchdog.start(config.ruleTimeout())
                : Watchdog.stepped(config.ruleTimeout(), config.ticker());
    }

    public static Engine create(EngineConfig config) {
        return new Engine(config);
    }

    /**
     * Compiles {@code source} without deploying it, and tells what it holds.
     *
     * @throws RuleSetCompilationException with every error when it does not compile
     */
    public Validation validate(RuleSetSource source) {
        try (var compiled = compiler.compile(source)) {
            return new Validation(source.name(), compiled.rules(), compiled.eventTypes(), compiled.warnings(), compiled.generated());
        }
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
                    // A partitioned version's sessions each take a compile of their own: made here, not on the worker.
                    compiled.compileCopies();
                    var ownCompiles = new ArrayList<CompiledRuleSet>();
                    streamsOf(source.name()).forEach(stream -> ownCompiles.add(compileForStream(source)));
                    carried = existing.deploy(compiled, next).join();
                    deployToStreams(source.name(), ownCompiles, next);
                } catch (CompletionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : e;
                }
            } else {
                closeStreams(source.name());
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
            closeStreams(name);
            var live = ruleSets.remove(name);
            if (live == null) {
                return false;
            }
            live.close();
            return true;
        }
    }

    /**
     * Opens a stream of rule set {@code name} for a transport that feeds it one ordered input, such
     * as a Kafka partition: a session of its own, whose alerts, rule errors and failure go to
     * {@code listener} instead of the engine's. Deploys of the rule set reach it; see
     * {@link RuleSetStream}.
     *
     * @param stream its name among the rule set's streams, for logs
     * @throws NoSuchRuleSetException when no rule set has that name
     * @throws RuleSetFailedException when the rule set is not running
     */
    public RuleSetStream openStream(String name, String stream, EngineListener listener) {
        synchronized (deployLocks.computeIfAbsent(name, n -> new Object())) {
            var live = live(name);
            if (live.status().state() != RuleSetStatus.State.RUNNING) {
                throw new RuleSetFailedException(name, live.status());
            }
            var own = new LiveRuleSet(compileForStream(live.running().source()), versions.get(name), config.clock(),
                    new FailsTheRuleSet(listener, live), config.tick(), config.maxFacts(), config.alertBudget(), config.eventTimes(),
                    RuleSetStatus.RUNNING, watchdog);
            var opened = new LiveStream(stream, own, closing -> streamsOf(name).remove(closing));
            streams.computeIfAbsent(name, n -> ConcurrentHashMap.newKeySet()).add(opened);
            return opened;
        }
    }

    /** A stream is one partition of its rule set: one session, whatever the rule set's partition count. */
    private CompiledRuleSet compileForStream(RuleSetSource source) {
        return compiler.compile(source.withSettings(source.settings().withPartitioning(Partitioning.NONE)));
    }

    private Set<LiveStream> streamsOf(String name) {
        return streams.getOrDefault(name, Set.of());
    }

    /** Moves every stream of rule set {@code name} to {@code version}, each on a compile of its own; one that cannot stops. */
    private void deployToStreams(String name, List<CompiledRuleSet> ownCompiles, int version) {
        var each = ownCompiles.iterator();
        for (var stream : List.copyOf(streamsOf(name))) {
            var compiled = each.hasNext() ? each.next() : null;
            if (compiled == null) {
                // Opened while this version compiled: it already runs it.
                continue;
            }
            try {
                stream.live().deploy(compiled, version).join();
            } catch (RuntimeException e) {
                // Its transport sees it stopped and opens another on the running version.
                stream.close();
            }
        }
        ownCompiles.forEach(CompiledRuleSet::close);
    }

    private void closeStreams(String name) {
        List.copyOf(streamsOf(name)).forEach(LiveStream::close);
    }

    /** The deployed rule set called {@code name}, as it stands now. */
    public Optional<RuleSetInfo> ruleSet(String name) {
        return Optional.ofNullable(ruleSets.get(name)).map(this::info);
    }

    /** Every deployed rule set, as it stands now, by name. */
    public List<RuleSetInfo> ruleSets() {
        return ruleSets.values().stream().map(this::info).sorted(Comparator.comparing(RuleSetInfo::name)).toList();
    }

    private RuleSetInfo info(LiveRuleSet live) {
        var running = live.running();
        // A rule set fed by a transport runs in its streams: their counters are the rule set's.
        var stats = live.stats();
        for (var stream : streamsOf(live.name())) {
            stats = stats.plus(stream.stats());
        }
        return new RuleSetInfo(live.name(), live.status(), stats, running.source(), running.rules(), live.decoder().eventTypes(),
                running.generated(), live.alertBudget(), live.eventTimes(), live.capacity(), live.room(), running.partitioning(),
                running.history(), running.warnings());
    }

    /** The event types each deployed rule set accepts, by rule set name. */
    public Map<String, List<EventType>> eventTypes() {
        var out = new TreeMap<String, List<EventType>>();
        ruleSets.forEach((name, live) -> out.put(name, live.decoder().eventTypes()));
        return out;
    }

    /** Whether a deployed rule set declares event type {@code type}. */
    public boolean accepts(String type) {
        return ruleSets.values().stream().anyMatch(live -> live.decoder().accepts(type));
    }

    /**
     * Takes events into the rule sets that declare their types, all or none: it routes them, holds
     * room in every queue they go to, decodes them, hands them to the admission's journal, and only
     * then queues them.
     *
     * @return how many events each rule set took, by name
     * @throws NoSuchRuleSetException  when the admission names a rule set that is not deployed
     * @throws InvalidEventsException  naming every bad event and field (and the rule set it was decoded for)
     * @throws QueueFullException      when a queue the events go to has no room for them now
     * @throws RuleSetFailedException  when an event's only rule sets have failed
     * @throws SourcedElsewhereException when the admission names a rule set fed by a transport
     */
    public Map<String, Integer> admit(Admission admission) {
        List<LiveRuleSet> targets;
        if (admission.ruleSet() != null) {
            var live = live(admission.ruleSet());
            var source = live.running().source().settings().source();
            if (!source.isApi()) {
                throw new SourcedElsewhereException(live.name(), source);
            }
            targets = List.of(live);
        } else {
            // A rule set fed by a transport takes its events from there alone.
            targets = ruleSets.values().stream().filter(live -> live.running().source().settings().source().isApi())
                    .sorted(Comparator.comparing(LiveRuleSet::name)).toList();
        }
        return EventAdmission.admit(admission, targets);
    }

    /**
     * Decodes {@code events} against rule set {@code name} and queues them, all or none.
     *
     * @throws InvalidEventsException naming every bad event and field; nothing was queued
     * @throws QueueFullException     when the rule set's queue cannot take them now
     * @throws NoSuchRuleSetException when no rule set has that name
     */
    public void submit(String name, List<? extends JsonNode> events) {
        var live = live(name);
        EventDecoder decoder = live.decoder();
        live.submit(decoder.decodeAll(events));
    }

    /**
     * Completes with rule set {@code name}'s counters once everything submitted to it before this
     * call has been processed.
     *
     * @throws NoSuchRuleSetException when no rule set has that name
     */
    public CompletableFuture<RuleSetStats> flush(String name) {
        return live(name).flush();
    }

    /**
     * Rebuilds rule set {@code name}'s windows from what {@code journal} kept before a stop, before it
     * takes live events. Event types kept without bound are read back {@code unbounded} far.
     *
     * @throws NoSuchRuleSetException when no rule set has that name
     */
    public Recovery recover(String name, JournalReader journal, Duration unbounded) {
        return JournalRecovery.run(live(name), journal, unbounded, config.clock().millis());
    }

    private LiveRuleSet live(String name) {
        var live = ruleSets.get(name);
        if (live == null) {
            throw new NoSuchRuleSetException(name);
        }
        return live;
    }

    /**
     * Compiles {@code source} for a replay through a fresh session on event time, whatever the clock
     * mode of its settings, under this engine's rule check and rule timeout, that sorts its input by
     * event time ({@link ReplayOrder#defaults()}).
     *
     * @throws RuleSetCompilationException with every error when it does not compile
     */
    public PreparedReplay prepareReplay(RuleSetSource source) {
        return prepareReplay(source, ReplayOrder.defaults());
    }

    /** Like {@link #prepareReplay(RuleSetSource)}, taking its input in {@code order}. */
    public PreparedReplay prepareReplay(RuleSetSource source, ReplayOrder order) {
        var eventTime = source.withSettings(source.settings().withClockMode(ClockMode.EVENT_TIME));
        return new PreparedReplay(compiler.compile(eventTime), config.clock(), watchdog, order);
    }

    /**
     * Replays {@code events} through a fresh event-time session of {@code source}, whatever the
     * clock mode of its settings, sorted by event time.
     *
     * @param until when not null, the clock moves to it after the last event so pending absences fire
     */
    public ReplayResult replay(RuleSetSource source, Iterator<? extends JsonNode> events, Instant until) {
        return replay(source, events, until, ReplayOrder.defaults());
    }

    /** Like {@link #replay(RuleSetSource, Iterator, Instant)}, taking {@code events} in {@code order}. */
    public ReplayResult replay(RuleSetSource source, Iterator<? extends JsonNode> events, Instant until, ReplayOrder order) {
        try (var replay = prepareReplay(source, order)) {
            return replay.run(events, until);
        }
    }

    /**
     * Runs rule test cases against {@code source} with this engine's compiler (so the same check of
     * rule code) and under its watchdog (so the same rule timeout).
     */
    public RuleTestReport test(RuleSetSource source, List<RuleTestCase> cases) {
        return test(source, cases, done -> { });
    }

    /**
     * As {@link #test(RuleSetSource, List)}, telling {@code progress} how many cases are done after
     * each one; an exception it throws (a cancellation) stops the run and is thrown from here.
     */
    public RuleTestReport test(RuleSetSource source, List<RuleTestCase> cases, IntConsumer progress) {
        return RuleTests.run(source, cases, watchdog, compiler, progress);
    }

    /**
     * The rule test cases of the {@code *.test.yaml} files in {@code folder}.
     *
     * @throws RuleTestFormatException naming the file and what is wrong in it
     */
    public static List<RuleTestCase> readTests(Path folder) {
        return RuleTests.load(folder);
    }

    /**
     * The rule test cases of one test file's text; {@code file} names it in errors.
     *
     * @throws RuleTestFormatException naming the file and what is wrong in it
     */
    public static List<RuleTestCase> parseTests(String file, String yaml) {
        return RuleTests.parse(file, yaml);
    }

    /**
     * Stops every session whose step has lasted the rule timeout, now: for an engine whose
     * {@link EngineConfig#ticker()} a test steps (the system ticker is looked at by itself).
     */
    public void checkRuleTimeouts() {
        watchdog.check();
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
                streamsOf(name).forEach(stream -> {
                    stream.live().requestStop();
                    stopping.add(stream.live());
                });
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
