package dev.vigil.server.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Long work that runs in the background, one job at a time on a thread of its own, and what each
 * has done: a client polls a job by its id for its progress (steps done of the total, and the time
 * it has run) and may cancel it. A finished job is kept for an hour, in memory only.
 */
public final class Jobs implements AutoCloseable {
    /** How long a finished job's result is kept. */
    private static final Duration KEEP_JOBS = Duration.ofHours(1);

    private final InstantSource clock;
    private final String unit;
    private final Function<RuntimeException, ObjectNode> errors;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final ExecutorService runner;

    /**
     * Jobs run on a thread named {@code threadName}, counting their steps in {@code unit} (the name
     * of the count in the progress: "events", "cases"); {@code errors} turns a job's failure into
     * the error body its view shows, once, when it fails.
     */
    public Jobs(String threadName, String unit, InstantSource clock, Function<RuntimeException, ObjectNode> errors) {
        this.clock = clock;
        this.unit = unit;
        this.errors = errors;
        this.runner = Executors.newSingleThreadExecutor(r -> {
            var thread = new Thread(r, threadName);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Queues a job of {@code total} steps (-1: not known) that runs {@code work}, which counts its
     * steps into {@link Job#done} and calls {@link Job#checkCancelled} between them; {@code ended}
     * gets the job once it has ended, however.
     */
    public Job submit(long total, Function<Job, ObjectNode> work, Consumer<Job> ended) {
        jobs.values().removeIf(j -> j.finishedAt != null && j.finishedAt.plus(KEEP_JOBS).isBefore(clock.instant()));
        var job = new Job(UUID.randomUUID().toString(), total);
        jobs.put(job.id, job);
        runner.execute(() -> {
            job.run(work);
            ended.accept(job);
        });
        return job;
    }

    /** The job with {@code id}, while it is kept. */
    public Optional<Job> get(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    @Override
    public void close() {
        runner.shutdownNow();
    }

    /** One job: its state (queued, running, done, failed, cancelled), its progress, then its result or its error. */
    public final class Job {
        private final String id;
        private final long total;
        private final AtomicLong done = new AtomicLong();
        private volatile boolean cancelAsked;
        private volatile String status = "queued";
        private volatile Instant startedAt;
        private volatile Instant finishedAt;
        private volatile ObjectNode result;
        private volatile RuntimeException failure;
        private volatile ObjectNode error;
        private volatile LongSupplier followedSteps;
        private volatile LongSupplier followedTotal;
        private volatile Supplier<String> phase;
        private volatile Runnable stop;

        private Job(String id, long total) {
            this.id = id;
            this.total = total;
        }

        public String id() {
            return id;
        }

        /** The steps done so far, counted by the work. */
        public AtomicLong done() {
            return done;
        }

        /**
         * Shows the steps, the total and the phase that the work's own counters tell instead of
         * {@link #done()}: for work that reads its input ahead of what it has done with it (a
         * replay sorts the whole input before the first event runs). A total below 0 is not known;
         * {@code stop} asks the work to stop when the job is cancelled, between the steps it counts.
         */
        public void follow(LongSupplier steps, LongSupplier total, Supplier<String> phase, Runnable stop) {
            this.followedTotal = total;
            this.phase = phase;
            this.followedSteps = steps;
            this.stop = stop;
            if (cancelAsked) {
                stop.run();
            }
        }

        /** What the work answered, once the job is done; else null. */
        public ObjectNode result() {
            return result;
        }

        /** Why the job failed or was cancelled; null while it runs or when it is done. */
        public RuntimeException failure() {
            return failure;
        }

        /** Whether the job has ended: done, failed or cancelled. */
        public boolean ended() {
            return finishedAt != null;
        }

        /** Asks the job to stop: one still queued does not run, one running stops at its next step. */
        public void cancel() {
            cancelAsked = true;
            var followed = stop;
            if (followed != null) {
                followed.run();
            }
        }

        /** Throws CancellationException when the job was asked to stop; the work calls it between steps. */
        public void checkCancelled() {
            if (cancelAsked) {
                throw new CancellationException("cancelled after " + done.get() + " " + unit);
            }
        }

        private void run(Function<Job, ObjectNode> work) {
            startedAt = clock.instant();
            status = "running";
            try {
                checkCancelled();
                result = work.apply(this);
                status = "done";
            } catch (CancellationException e) {
                failure = e;
                status = "cancelled";
            } catch (RuntimeException e) {
                failure = e;
                error = errors.apply(e);
                status = "failed";
            } finally {
                finishedAt = clock.instant();
            }
        }

        /** The job as {@code GET} shows it: id, status, progress (steps, total when known, time run), result or error. */
        public ObjectNode view(ObjectMapper json) {
            var out = json.createObjectNode().put("id", id).put("status", status);
            var steps = followedSteps;
            var progress = out.putObject("progress").put(unit, steps == null ? done.get() : steps.getAsLong());
            long known = steps == null ? total : followedTotal.getAsLong();
            if (known >= 0) {
                progress.put("total", known);
            } else if (total >= 0) {
                progress.put("total", total);
            }
            if (steps != null && !ended()) {
                progress.put("phase", phase.get());
            }
            var started = startedAt;
            if (started != null) {
                var end = finishedAt == null ? clock.instant() : finishedAt;
                progress.put("elapsedMs", Duration.between(started, end).toMillis());
            }
            if (result != null) {
                out.set("result", result);
            }
            if (error != null) {
                out.set("error", error);
            }
            return out;
        }
    }
}
