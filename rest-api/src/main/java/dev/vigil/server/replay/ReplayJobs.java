package dev.vigil.server.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.server.http.ApiException;
import dev.vigil.server.http.AuditRoutes;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays that run in the background, one at a time on a thread of their own, and what each has
 * done: a client polls a job by its id. A finished job is kept for an hour, in memory only.
 */
final class ReplayJobs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayJobs.class);
    /** How long a finished job's result is kept. */
    private static final Duration KEEP_JOBS = Duration.ofHours(1);

    private final InstantSource clock;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        var thread = new Thread(r, "vigil-replay");
        thread.setDaemon(true);
        return thread;
    });

    ReplayJobs(InstantSource clock) {
        this.clock = clock;
    }

    /**
     * Queues a job of {@code total} events (-1: not known) that runs {@code replay}, which counts the
     * events it has read into the counter it is given; {@code ended} gets the job once it has ended.
     */
    Job submit(long total, Function<AtomicLong, ObjectNode> replay, Consumer<Job> ended) {
        jobs.values().removeIf(j -> j.finishedAt != null && j.finishedAt.plus(KEEP_JOBS).isBefore(clock.instant()));
        var job = new Job(UUID.randomUUID().toString(), total, clock);
        jobs.put(job.id, job);
        runner.execute(() -> {
            job.run(() -> replay.apply(job.done));
            ended.accept(job);
        });
        return job;
    }

    /** The job with {@code id}, while it is kept. */
    Optional<Job> get(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    @Override
    public void close() {
        runner.shutdownNow();
    }

    /** A replay that runs in the background, and what it has done. */
    static final class Job {
        final String id;
        final long total;
        final AtomicLong done = new AtomicLong();
        private final InstantSource clock;
        volatile String status = "queued";
        volatile Instant finishedAt;
        volatile ObjectNode result;
        volatile ApiException failure;

        Job(String id, long total, InstantSource clock) {
            this.id = id;
            this.total = total;
            this.clock = clock;
        }

        /** "done: 3 alerts", or why it was refused or failed: how the job ended, for the audit log. */
        String outcome() {
            return result != null ? ReplayRoutes.outcome(result) : AuditRoutes.outcome(failure);
        }

        void run(Supplier<ObjectNode> replay) {
            status = "running";
            try {
                result = replay.get();
                status = "done";
            } catch (ApiException e) {
                failure = e;
                status = "failed";
            } catch (RuntimeException e) {
                LOG.error("replay job {} failed", id, e);
                failure = new ApiException(500, "internal_error", "the replay failed: " + e.getMessage());
                status = "failed";
            } finally {
                finishedAt = clock.instant();
            }
        }

        ObjectNode view(ObjectMapper json) {
            var out = json.createObjectNode().put("id", id).put("status", status);
            var progress = out.putObject("progress").put("events", done.get());
            if (total >= 0) {
                progress.put("total", total);
            }
            if (result != null) {
                out.set("result", result);
            }
            if (failure != null) {
                out.putObject("error").put("error", failure.code()).put("message", failure.getMessage())
                        .set("details", json.valueToTree(failure.details()));
            }
            return out;
        }
    }
}
