package dev.vigil.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.CloudEventFormat;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.EngineListener;
import dev.vigil.engine.api.Event;
import dev.vigil.engine.api.EventError;
import dev.vigil.engine.api.InvalidEventsException;
import dev.vigil.engine.api.Partitioning;
import dev.vigil.engine.api.QueueFullException;
import dev.vigil.engine.api.RuleError;
import dev.vigil.engine.api.RuleSetStats;
import dev.vigil.engine.api.RuleSetStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One assigned partition of a rule set's topic: the stream its records go into, in offset order,
 * and what a commit of it needs. Owned by the rule set's poll thread; the stream's worker only adds
 * the alerts it raises.
 *
 * <p>A partition taken over first <em>rebuilds</em>: it reads again from the commit point's
 * {@code rebuildFrom} to its {@code resumeAt}, the records whose alerts were produced before, with
 * its alerts held back (the stream still remembers them, so it does not raise them again), and
 * moves its watermark and clock to where they were. Then it <em>runs</em>: its alerts go to the
 * server and, at the next commit, to the alerts topic.
 */
final class PartitionRun {
    /** Reads record values as the API reads posted events: decimals keep every digit, and "{...} junk" is not JSON. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS,
            DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Where a partition is. */
    enum State { REBUILDING, RUNNING }

    private final TopicPartition partition;
    private final RuleSetStream stream;
    private final AlertOutlet outlet;
    private long retentionMillis;
    private final OffsetTimes window = new OffsetTimes();
    /** Alerts raised since the last commit, by the stream's worker; taken at a checkpoint, on that worker. */
    private final List<Alert> raised = new ArrayList<>();
    private volatile State state = State.REBUILDING;
    private final CommitPoint resumeFrom;
    /** The next offset to read; -1 until the consumer tells where a partition without a commit starts. */
    private long next = -1;
    private CommitPoint committed;
    private long committedOffset = -1;
    private volatile long heldBack;
    private volatile long lag = -1;

    /**
     * @param open       opens the partition's stream with the listener it is given
     * @param resumeFrom where the partition was committed, or null when nothing was: it runs at once
     * @param retention  how long its events stay in the rule set's windows at most, in ms
     */
    PartitionRun(TopicPartition partition, Function<EngineListener, RuleSetStream> open, AlertOutlet outlet, CommitPoint resumeFrom,
                 long retention) {
        this.partition = partition;
        this.outlet = outlet;
        this.resumeFrom = resumeFrom;
        this.retentionMillis = retention;
        this.committed = resumeFrom;
        if (resumeFrom == null) {
            state = State.RUNNING;
        } else {
            this.next = resumeFrom.rebuildFrom();
        }
        this.stream = open.apply(listener());
    }

    TopicPartition partition() {
        return partition;
    }

    RuleSetStream stream() {
        return stream;
    }

    State state() {
        return state;
    }

    /** Where a rebuild reads from, and up to; null when it took over nothing. */
    CommitPoint resumeFrom() {
        return resumeFrom;
    }

    /** The last offset committed, -1 before the first commit of this run. */
    long committedOffset() {
        return committedOffset;
    }

    /** The next offset to read, -1 before it is known. */
    long position() {
        return next;
    }

    /** How long events stay in the windows of the version now running, in ms: commit points from here on cover it. */
    void retention(long millis) {
        retentionMillis = millis;
    }

    /** Where a partition that had no commit starts, as the consumer's reset policy put it. */
    void startAt(long position) {
        if (next < 0) {
            next = position;
        }
    }

    /** Whether it took over a commit point with records to read again, rather than starting afresh or where it was left idle. */
    boolean rebuilt() {
        return resumeFrom != null && resumeFrom.rebuildFrom() < resumeFrom.resumeAt();
    }

    /** Records behind the end of the partition as of the last poll, -1 before it is known. */
    long lag() {
        return lag;
    }

    void lag(long value) {
        lag = value;
    }

    /** Alerts a rebuild raised again and held back, since they were produced before. */
    long heldBack() {
        return heldBack;
    }

    /**
     * Reads {@code records} (this partition's, in offset order) into the stream. A record that is
     * not an event goes to {@code deadLetters} with the reason, unless it lies before the point a
     * rebuild resumes at: that one was dead-lettered before.
     */
    void take(List<ConsumerRecord<byte[], byte[]>> records, Set<String> eventTypes, Partitioning key, List<DeadLetter> deadLetters) {
        var batch = new ArrayList<Event>(records.size());
        for (var record : records) {
            if (state == State.REBUILDING && record.offset() >= resumeFrom.resumeAt()) {
                submit(batch);
                batch = new ArrayList<>();
                finishRebuild();
            }
            next = record.offset() + 1;
            try {
                for (var event : read(record, eventTypes, key)) {
                    window.add(record.offset(), event.time());
                    batch.add(event);
                }
            } catch (RecordException e) {
                if (state == State.RUNNING) {
                    deadLetters.add(new DeadLetter(record, e.getMessage()));
                }
            }
        }
        submit(batch);
    }

    /** Ends a rebuild that has read every record it had to (also when the topic ends there): the stream runs from here. */
    void rebuildDoneAt(long position) {
        if (state == State.REBUILDING && Math.max(position, next) >= resumeFrom.resumeAt()) {
            next = Math.max(next, position);
            finishRebuild();
        }
    }

    private void finishRebuild() {
        stream.flush().join();
        stream.catchUp(resumeFrom.watermark(), resumeFrom.clock()).join();
        // The worker raised everything up to here before this returns: what it raises next is new.
        state = State.RUNNING;
    }

    private void submit(List<Event> batch) {
        while (!batch.isEmpty()) {
            try {
                stream.submit(batch);
                return;
            } catch (QueueFullException e) {
                stream.flush().join();
            }
        }
    }

    /**
     * The events of a record's value, as {@code POST /api/v1/events} takes them: one event, a
     * CloudEvent in structured mode, or a JSON array of either, all or none (the record is
     * dead-lettered whole, naming the element at fault).
     */
    private List<Event> read(ConsumerRecord<byte[], byte[]> record, Set<String> eventTypes, Partitioning key) {
        if (record.value() == null) {
            throw new RecordException("the record has no value: a Vigil event or a CloudEvent in JSON was expected");
        }
        JsonNode value;
        try {
            value = JSON.readTree(record.value());
        } catch (JsonProcessingException e) {
            throw new RecordException("the record's value is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RecordException("the record's value could not be read: " + e.getMessage());
        }
        if (!value.isArray()) {
            return List.of(readOne(record, value, -1, eventTypes, key));
        }
        var events = new ArrayList<Event>(value.size());
        for (int i = 0; i < value.size(); i++) {
            events.add(readOne(record, value.get(i), i, eventTypes, key));
        }
        return events;
    }

    /** One event of a record; {@code index} is its place in the record's array, -1 when the value is one event. */
    private Event readOne(ConsumerRecord<byte[], byte[]> record, JsonNode value, int index, Set<String> eventTypes, Partitioning key) {
        var where = index < 0 ? "" : "event " + index + ": ";
        if (CloudEventFormat.isCloudEvent(value)) {
            var problems = new ArrayList<EventError>();
            value = CloudEventFormat.toEvent(value, Math.max(index, 0), eventTypes::contains, problems);
            if (value == null) {
                throw new RecordException(where + describe(problems));
            }
        }
        if (!value.isObject()) {
            throw new RecordException(where + "an event must be a JSON object, was " + value.getNodeType());
        }
        Event event;
        try {
            event = stream.decode(value, Math.max(index, 0));
        } catch (InvalidEventsException e) {
            throw new RecordException(where + describe(e.errors()));
        }
        checkKey(record, value, event.type(), key);
        return event;
    }

    /** A record's key must be the event's partition key: events of one key must all reach the same partition. */
    private static void checkKey(ConsumerRecord<byte[], byte[]> record, JsonNode value, String type, Partitioning key) {
        if (record.key() == null) {
            return;
        }
        var field = key.keyOf(type);
        if (field.isEmpty()) {
            return;
        }
        var recordKey = new String(record.key(), StandardCharsets.UTF_8);
        var eventKey = value.path(field.get()).asText();
        if (!recordKey.equals(eventKey)) {
            throw new RecordException("the record's key '" + recordKey + "' is not the event's " + field.get() + " '" + eventKey
                    + "': produce each " + type + " with its " + field.get() + " as the key, so that one partition has all of a key's events");
        }
    }

    private static String describe(List<EventError> problems) {
        return problems.stream().map(p -> (p.field() == null ? "" : "field '" + p.field() + "': ") + p.message())
                .collect(Collectors.joining("; "));
    }

    /**
     * Once the stream has processed everything given to it, takes on its worker the alerts raised
     * since the last commit and the point the stream is at: they are committed together.
     */
    CompletableFuture<Checkpoint> checkpoint() {
        long position = next;
        return stream.checkpoint(stats -> {
            List<Alert> alerts;
            synchronized (raised) {
                alerts = List.copyOf(raised);
                raised.clear();
            }
            return new Checkpoint(this, stats, alerts, position);
        });
    }

    /**
     * The offset to commit for {@code checkpoint}, with the point a takeover rebuilds from in its
     * metadata; null while the partition rebuilds, or when nothing moved since the last commit.
     */
    OffsetAndMetadata offsetToCommit(Checkpoint checkpoint) {
        if (state != State.RUNNING || checkpoint.position() < 0) {
            return null;
        }
        var stats = checkpoint.stats();
        long position = checkpoint.position();
        long clock = stats.clock();
        long horizon = clock == Long.MIN_VALUE ? Long.MIN_VALUE : clock - retentionMillis;
        long rebuildFrom = window.firstSince(horizon, position);
        long firstHeld = window.firstHeld(stats.watermark(), stats.buffered(), position);
        var point = new CommitPoint(Math.min(rebuildFrom, firstHeld), position, stats.watermark(), clock);
        long offset = Math.min(firstHeld, position);
        if (point.equals(committed) && offset == committedOffset && checkpoint.alerts().isEmpty()) {
            return null;
        }
        return new OffsetAndMetadata(offset, point.format());
    }

    /** The transaction that held {@code offset} committed. */
    void committed(OffsetAndMetadata offset) {
        committed = CommitPoint.parse(offset.metadata());
        committedOffset = offset.offset();
    }

    /**
     * The listener of the partition's stream: alerts held back while it rebuilds, else kept for the
     * next commit and handed to the server; a failure is the rule set's to tell.
     */
    private EngineListener listener() {
        return new EngineListener() {
            @Override
            public void onAlert(Alert alert) {
                if (state == State.REBUILDING) {
                    heldBack++;
                    return;
                }
                synchronized (raised) {
                    raised.add(alert);
                }
                outlet.onAlert(alert);
            }

            @Override
            public void onRuleError(RuleError error) {
                if (state == State.RUNNING) {
                    outlet.onRuleError(error);
                }
            }

            @Override
            public void onLateEvent(String ruleSet, Event event, long watermark, boolean inserted) {
                if (state == State.RUNNING) {
                    outlet.onLateEvent(ruleSet, event, watermark, inserted);
                }
            }

            @Override
            public void onProcessed(String ruleSet, int events, long waitedNanos, long processingNanos) {
                outlet.onProcessed(ruleSet, events, waitedNanos, processingNanos);
            }

        };
    }

    /**
     * What a commit of a partition takes.
     *
     * @param position the next offset to read when it was taken
     */
    record Checkpoint(PartitionRun run, RuleSetStats stats, List<Alert> alerts, long position) {
    }

    /** A record that is not an event, and why. */
    record DeadLetter(ConsumerRecord<byte[], byte[]> record, String reason) {
    }

    /** Why a record is not an event of the rule set. */
    private static final class RecordException extends RuntimeException {
        RecordException(String message) {
            super(message, null, false, false);
        }
    }
}
