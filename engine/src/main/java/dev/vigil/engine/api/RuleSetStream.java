package dev.vigil.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A deployed rule set run over one ordered input of its own, such as one partition of a Kafka
 * topic: a session of its own (the rule set compiled again), with its own reorder buffer,
 * watermark and clock, on a worker thread of its own, under the engine's rule timeout, firing
 * limit and alert budget. Its alerts go to the listener it was opened with, not the engine's.
 *
 * <p>It follows the rule set: a new version deploys into it between batches, keeping its windows;
 * when the rule set is undeployed or replaced by a version that cannot take over in place, it
 * stops ({@link #status()} leaves {@code RUNNING}) and the transport opens another.
 */
public interface RuleSetStream extends AutoCloseable {
    /** The rule set it runs. */
    String ruleSet();

    /** Its name among the rule set's streams, such as {@code payments-3}. */
    String name();

    /**
     * Decodes one event as the API does, against the running version.
     *
     * @param index the event's position, for the error
     * @throws InvalidEventsException naming the field that is wrong
     */
    Event decode(JsonNode event, int index);

    /**
     * Queues decoded events, all or none, to be processed in order.
     *
     * @throws QueueFullException     when they do not fit the queue now: {@link #flush()} and again
     * @throws RuleSetFailedException when it has stopped
     */
    void submit(List<Event> events);

    /** Completes with its counters once everything submitted before has been processed. */
    CompletableFuture<RuleSetStats> flush();

    /**
     * Runs {@code take} on the stream's worker once everything submitted before has been processed,
     * before anything else happens in it (time passing included), and completes with what it
     * returns: what {@code take} drains from the listener then matches the counters it is given,
     * for a transport that commits both together.
     */
    <T> CompletableFuture<T> checkpoint(Function<RuleSetStats, T> take);

    /**
     * Moves its watermark to {@code watermark} and its clock to {@code clock} (epoch ms) where they
     * are behind, releasing the events the watermark passes and firing what falls due on the way:
     * after its input was read again to rebuild its windows, the point it had reached before, also
     * by time passing without events.
     */
    CompletableFuture<RuleSetStats> catchUp(long watermark, long clock);

    /** Running, or stopped or failed and why. */
    RuleSetStatus status();

    /** Counters as of its last batch. */
    RuleSetStats stats();

    /** Stops it after what is queued and disposes its session. */
    @Override
    void close();
}
