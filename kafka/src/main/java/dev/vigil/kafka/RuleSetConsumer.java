package dev.vigil.kafka;

import dev.vigil.engine.Engine;
import dev.vigil.engine.api.EventType;
import dev.vigil.engine.api.Partitioning;
import dev.vigil.engine.api.RuleSetInfo;
import dev.vigil.engine.api.RuleSetStatus.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rule set's consumer on this instance: a thread that polls the rule set's topic as a member
 * of its group, reads each assigned partition's records into a stream of its own, and commits, in
 * one Kafka transaction, the alerts raised, the records that were not events (to the dead-letter
 * topic) and the offsets up to which all of it was done.
 *
 * <p>When the broker is away, a transaction fails or another instance fenced this one, it drops
 * what it had not committed and starts over, after a backoff, from the last commit: the partitions
 * it gets back rebuild their windows and raise nothing that was produced. When the rule set's rules
 * fail, it stops until a new version is deployed.
 */
final class RuleSetConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RuleSetConsumer.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long FIRST_BACKOFF_MILLIS = 500;
    private static final long MAX_BACKOFF_MILLIS = 30_000;
    private static final int MAX_POLL_RECORDS = 2_000;

    private final Engine engine;
    private final KafkaConfig config;
    private final String ruleSet;
    private final TopicSource source;
    private final int version;
    private final AlertOutlet outlet;
    private final KafkaMetrics metrics;
    private final Thread thread;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Map<TopicPartition, PartitionRun> runs = new ConcurrentHashMap<>();
    private final List<PartitionRun.DeadLetter> deadLetters = new ArrayList<>();
    private volatile String state = "starting";
    private volatile String problem;
    private volatile boolean failed;
    private volatile int startsOver;
    private KafkaConsumer<byte[], byte[]> consumer;
    private AlertTransactions producer;
    private Set<String> eventTypes = Set.of();
    private Partitioning key = Partitioning.NONE;
    private long retentionMillis;
    private int readVersion;
    private long lastCommitNanos;

    RuleSetConsumer(Engine engine, KafkaConfig config, RuleSetInfo info, TopicSource source, AlertOutlet outlet, KafkaMetrics metrics) {
        this.engine = engine;
        this.config = config;
        this.ruleSet = info.name();
        this.version = info.version();
        this.source = source;
        this.outlet = outlet;
        this.metrics = metrics;
        this.thread = new Thread(this::run, "vigil-kafka-" + ruleSet);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    TopicSource source() {
        return source;
    }

    /** The rule set version it was started for. */
    int version() {
        return version;
    }

    /** Whether it has stopped for good: the rules failed, or it was closed. */
    boolean ended() {
        return !thread.isAlive();
    }

    boolean failed() {
        return failed;
    }

    KafkaStatus.RuleSetStatus status() {
        var partitions = runs.values().stream().map(RuleSetConsumer::status)
                .sorted((a, b) -> Integer.compare(a.partition(), b.partition())).toList();
        return new KafkaStatus.RuleSetStatus(ruleSet, source.topic(), config.group(ruleSet), state, problem, startsOver, partitions);
    }

    private static KafkaStatus.PartitionStatus status(PartitionRun run) {
        var from = run.rebuilt() ? run.resumeFrom() : null;
        var stats = run.stream().stats();
        return new KafkaStatus.PartitionStatus(run.partition().partition(), run.state().name().toLowerCase(Locale.ROOT),
                run.lag(), run.committedOffset(), run.position(), from == null ? null : from.rebuildFrom(),
                from == null ? null : from.resumeAt(), run.heldBack(), stats.eventsProcessed(), stats.alerts());
    }

    private void run() {
        long backoff = FIRST_BACKOFF_MILLIS;
        while (stop.getCount() > 0) {
            long started = System.nanoTime();
            try {
                consume();
            } catch (RulesFailed e) {
                failed = true;
                state = "failed";
                problem = e.getMessage();
                LOG.error("rule set '{}' stops consuming {}: {}", ruleSet, source.topic(), e.getMessage());
            } catch (RuntimeException e) {
                // The broker away, a transaction that failed, a fence, a stream the rule set's redeploy or undeploy stopped.
                problem = describe(e);
                state = "retrying";
                startsOver++;
                LOG.warn("rule set '{}' starts over from its last commit on {} in {} ms: {}", ruleSet, source.topic(), backoff, problem);
            } finally {
                release();
            }
            if (failed || !await(backoff)) {
                break;
            }
            // A run that went well for a while starts the backoff again from the first step.
            boolean wentWell = System.nanoTime() - started > TimeUnit.MILLISECONDS.toNanos(MAX_BACKOFF_MILLIS * 2);
            backoff = wentWell ? FIRST_BACKOFF_MILLIS : Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
        }
        if (!failed) {
            state = "stopped";
        }
    }

    private static String describe(Throwable e) {
        var cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        var text = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        // A transaction in an error state says so; why is its cause.
        return cause.getCause() == null ? text : text + " (" + cause.getCause().getMessage() + ")";
    }

    /** Waits {@code millis} unless closed first; false when closed. */
    private boolean await(long millis) {
        try {
            return !stop.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void consume() {
        readRuleSet();
        producer = AlertTransactions.open(config, ruleSet, List.of(config.alertsTopic(), source.deadLetterTopic()), outlet, metrics);
        consumer = new KafkaConsumer<>(consumerProperties());
        consumer.subscribe(List.of(source.topic()), new Rebalance());
        lastCommitNanos = System.nanoTime();
        while (stop.getCount() > 0) {
            var records = consumer.poll(POLL);
            if (state.equals("starting") || state.equals("retrying")) {
                state = "running";
                problem = null;
            }
            for (var partition : records.partitions()) {
                var run = runs.get(partition);
                if (run != null) {
                    var taken = records.records(partition);
                    int before = deadLetters.size();
                    run.take(taken, eventTypes, key, deadLetters);
                    metrics.consumed(ruleSet, taken.size());
                    if (deadLetters.size() > before) {
                        metrics.deadLettered(ruleSet, deadLetters.size() - before);
                    }
                }
            }
            for (var run : runs.values()) {
                run.lag(consumer.currentLag(run.partition()).orElse(-1));
                if (run.state() == PartitionRun.State.REBUILDING) {
                    run.rebuildDoneAt(consumer.position(run.partition()));
                }
            }
            checkStreams();
            if (System.nanoTime() - lastCommitNanos >= config.commitInterval().toNanos()) {
                commit();
            }
        }
        commit();
    }

    /** What the running version says: its event types, its key, how long its windows keep events. */
    private void readRuleSet() {
        var info = engine.ruleSet(ruleSet).orElseThrow(() -> new StartOver("rule set '" + ruleSet + "' is not deployed"));
        if (info.version() == readVersion) {
            return;
        }
        readVersion = info.version();
        eventTypes = info.eventTypes().stream().map(EventType::name).collect(Collectors.toUnmodifiableSet());
        key = info.partitioning();
        retentionMillis = (info.history() == null ? config.maxRebuild() : info.history()).toMillis()
                + info.source().settings().allowedLateness().toMillis();
        runs.values().forEach(run -> run.retention(retentionMillis));
    }

    /** A stream that stopped: its rules failed (this stops), or the rule set moved on without it (this starts over). */
    private void checkStreams() {
        for (var run : runs.values()) {
            var status = run.stream().status();
            if (status.state() == State.FAILED) {
                throw new RulesFailed(status.reason());
            }
            if (status.state() != State.RUNNING) {
                throw new StartOver("rule set '" + ruleSet + "' was redeployed in a way its partitions' sessions cannot follow in place");
            }
        }
    }

    /**
     * Commits what every partition has done: once each stream has processed what it was given and
     * the server has stored the alerts, the alerts, the dead letters and the offsets go to Kafka in
     * one transaction. Nothing is committed when nothing moved.
     */
    private void commit() {
        lastCommitNanos = System.nanoTime();
        // A version deployed since: its streams run it already; its types and key judge the records from here.
        readRuleSet();
        if (runs.isEmpty() && deadLetters.isEmpty()) {
            return;
        }
        var pending = new ArrayList<CompletableFuture<PartitionRun.Checkpoint>>();
        runs.values().forEach(run -> pending.add(run.checkpoint()));
        var checkpoints = new ArrayList<PartitionRun.Checkpoint>();
        for (var checkpoint : pending) {
            try {
                checkpoints.add(checkpoint.join());
            } catch (CompletionException e) {
                checkStreams();
                throw e;
            }
        }
        try {
            outlet.awaitStored(ruleSet);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartOver("interrupted while the alerts were stored");
        }
        var offsets = new HashMap<TopicPartition, OffsetAndMetadata>();
        int alerts = 0;
        for (var checkpoint : checkpoints) {
            var offset = checkpoint.run().offsetToCommit(checkpoint);
            if (offset != null) {
                offsets.put(checkpoint.run().partition(), offset);
            }
            alerts += checkpoint.alerts().size();
        }
        if (offsets.isEmpty() && alerts == 0 && deadLetters.isEmpty()) {
            return;
        }
        try {
            producer.commit(checkpoints, deadLetters, source.deadLetterTopic(), offsets, consumer.groupMetadata());
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // The group moved on while this commit was made (a member joined or left): the transaction was aborted.
            backToLastCommit(e.getMessage());
            return;
        }
        offsets.forEach((partition, offset) -> {
            var run = runs.get(partition);
            if (run != null) {
                run.committed(offset);
            }
        });
        metrics.alertsProduced(ruleSet, alerts);
        deadLetters.clear();
    }

    private Properties consumerProperties() {
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.group(ruleSet));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-" + ruleSet + "-" + config.instanceId());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, source.startAt());
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) config.sessionTimeout().toMillis());
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(1_000, config.sessionTimeout().toMillis() / 4));
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    /** Opens the partitions given to this instance, each where its last commit says, rebuilding its windows first. */
    private void open(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        var committed = consumer.committed(new HashSet<>(partitions));
        for (var partition : partitions) {
            var offset = committed.get(partition);
            var point = offset == null ? null : CommitPoint.parse(offset.metadata());
            if (offset != null && point == null) {
                point = TakeoverByTime.point(consumer, config, partition, offset.offset(), retentionMillis);
            }
            var run = new PartitionRun(partition, listener -> engine.openStream(ruleSet, partition.topic() + "-" + partition.partition(),
                    listener), outlet, point, retentionMillis);
            if (point != null) {
                consumer.seek(partition, point.rebuildFrom());
                LOG.info("rule set '{}' takes over {}: rebuilding its windows from offset {} up to {}", ruleSet, partition,
                        point.rebuildFrom(), point.resumeAt());
            } else {
                // Pinned by the first commit, so that a restart before any record does not skip those produced meanwhile.
                run.startAt(consumer.position(partition));
            }
            runs.put(partition, run);
            metrics.lag(ruleSet, partition, run::lag);
        }
    }

    /**
     * After a commit the group refused (its generation changed under it) and the transaction was
     * aborted: every partition this instance holds goes back to its last commit, its session opened
     * again and rebuilt from there, while the consumer stays in the group, so the rebalance that
     * follows moves only the partitions that change owner, as Kafka Streams does.
     */
    private void backToLastCommit(String why) {
        LOG.info("rule set '{}': the group rebalanced during a commit ({}); its partitions go back to their last commit", ruleSet, why);
        deadLetters.clear();
        var held = List.copyOf(runs.keySet());
        close(held);
        open(held.stream().filter(consumer.assignment()::contains).toList());
    }

    private void close(Collection<TopicPartition> partitions) {
        for (var partition : partitions) {
            var run = runs.remove(partition);
            if (run != null) {
                metrics.forget(ruleSet, partition);
                run.stream().close();
            }
        }
    }

    /** Closes the clients and the streams; what was not committed is another's or this one's again after a rebuild. */
    private void release() {
        close(List.copyOf(runs.keySet()));
        deadLetters.clear();
        if (consumer != null) {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (KafkaException e) {
                LOG.debug("closing the consumer of rule set '{}': {}", ruleSet, e.getMessage());
            }
            consumer = null;
        }
        if (producer != null) {
            producer.close();
            producer = null;
        }
    }

    /**
     * Stops after the poll it is in: commits what is done, leaves the group (its partitions go to the
     * others at once), waiting up to 15 s.
     */
    @Override
    public void close() {
        stop.countDown();
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Called inside poll, on the consumer's thread. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                commit();
                close(partitions);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // Already another's: nothing of them is committed by this one.
            close(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            open(partitions);
        }
    }

    /** Something this run cannot go on from: it starts over from the last commit. */
    static final class StartOver extends RuntimeException {
        StartOver(String message) {
            super(message);
        }
    }

    /** The rule set's rules failed in a partition. */
    private static final class RulesFailed extends RuntimeException {
        RulesFailed(String message) {
            super(message);
        }
    }
}
