package dev.vigil.engine.session;

import dev.vigil.engine.api.RuleInfo;
import dev.vigil.engine.api.RuleTimeoutException;
import dev.vigil.engine.api.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guard over every session Vigil runs, live rule sets, replays and rule tests alike: a session
 * whose thread stays in one step (a consequence, an event's conditions, time passing) for the rule
 * timeout is stopped, naming the rule that runs, and the server goes on.
 *
 * <p>Time comes from a {@link Ticker}. {@link #start} looks on a thread of its own four times per
 * timeout, so a stuck session is stopped between 1 and 1.25 timeouts after its step began;
 * {@link #stepped} never looks by itself, so that a test steps the ticker and calls {@link #check}.
 */
public final class Watchdog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
    /** How long a caller waits for a stopped replay's thread to dispose of its session. */
    private static final long JOIN_STOPPED_MILLIS = 1_000;

    private final Duration timeout;
    private final Ticker ticker;
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService looks;

    private Watchdog(Duration timeout, Ticker ticker, ScheduledExecutorService looks) {
        this.timeout = timeout;
        this.ticker = ticker;
        this.looks = looks;
    }

    /** A watchdog on {@link System#nanoTime} that looks by itself. Close it to stop its thread. */
    public static Watchdog start(Duration timeout) {
        requirePositive(timeout);
        var looks = Executors.newSingleThreadScheduledExecutor(r -> {
            var thread = new Thread(r, "vigil-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        var watchdog = new Watchdog(timeout, Ticker.system(), looks);
        long every = Math.max(10, timeout.toMillis() / 4);
        looks.scheduleWithFixedDelay(watchdog::check, every, every, TimeUnit.MILLISECONDS);
        return watchdog;
    }

    /** A watchdog on {@code ticker} that looks only when {@link #check} is called: for tests that step time. */
    public static Watchdog stepped(Duration timeout, Ticker ticker) {
        requirePositive(timeout);
        return new Watchdog(timeout, Objects.requireNonNull(ticker, "ticker"), null);
    }

    private static void requirePositive(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the rule timeout must be positive, was " + timeout);
        }
    }

    /** How long a session may stay in one step. */
    public Duration timeout() {
        return timeout;
    }

    /** Stops every watched session whose step has lasted the timeout or longer. */
    public void check() {
        long now = ticker.read();
        long limit = timeout.toNanos();
        for (var watch : watches) {
            try {
                watch.check(now, limit);
            } catch (RuntimeException e) {
                LOG.error("watching rule set '{}' failed", watch.ruleSet(), e);
            }
        }
    }

    long now() {
        return ticker.read();
    }

    /**
     * Watches the session {@code thread} runs until the watch is closed.
     *
     * @param rules   the rules it runs, to name the one that does not return
     * @param onStall called on the watchdog's thread, once, with that rule's name (null when no
     *                rule's code is on the thread's stack): it fails the session and stops the thread
     */
    Watch watch(String ruleSet, Thread thread, Supplier<List<RuleInfo>> rules, Consumer<String> onStall) {
        var watch = new Watch(this, ruleSet, thread, rules, onStall);
        watches.add(watch);
        return watch;
    }

    void forget(Watch watch) {
        watches.remove(watch);
    }

    /**
     * Runs a session that is not a live rule set's (a replay, a rule test) on a thread of its own,
     * watched, and answers what it returns. The caller's thread (a request's, a job's, the command
     * line's) is never the one stopped: when the session stalls, this throws
     * {@link RuleTimeoutException} at once and the session's thread is stopped.
     *
     * @param session given the watch, on which it marks its steps
     * @throws RuleTimeoutException when a rule did not return within the timeout
     */
    public <T> T run(String ruleSet, List<RuleInfo> rules, Function<Watch, T> session) {
        var outcome = new CompletableFuture<T>();
        var holder = new Watch[1];
        var thread = new Thread(() -> {
            try {
                outcome.complete(session.apply(holder[0]));
            } catch (Throwable e) {
                // Also ThreadDeath from the stop below: the outcome is already the timeout then.
                outcome.completeExceptionally(e);
            }
        }, "vigil-session-" + ruleSet);
        thread.setDaemon(true);
        try (var watch = watch(ruleSet, thread, () -> rules, rule -> {
            if (outcome.completeExceptionally(new RuleTimeoutException(ruleSet, rule, timeout))) {
                RunningRule.stop(thread);
            }
        })) {
            holder[0] = watch;
            thread.start();
            return await(outcome, thread);
        }
    }

    private static <T> T await(CompletableFuture<T> outcome, Thread thread) {
        try {
            return outcome.get();
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the session ran", e);
        } catch (ExecutionException e) {
            var cause = e.getCause();
            if (cause instanceof RuleTimeoutException) {
                joinStopped(thread);
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** Gives a stopped thread a moment to dispose of its session before the caller releases what it holds. */
    private static void joinStopped(Thread thread) {
        try {
            thread.join(JOIN_STOPPED_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops looking; sessions still watched are no longer stopped. */
    @Override
    public void close() {
        if (looks != null) {
            looks.shutdownNow();
        }
    }
}
