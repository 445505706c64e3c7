package dev.vigil.server.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The Jetty handler in front of the routes that reads each request body as it arrives, before a
 * thread takes the request, and cuts off a body that arrives slower than the minimum rate.
 *
 * <p>Routes read bodies with blocking reads, so a client that sends its body a byte every few
 * seconds holds a server thread for as long as it keeps sending, and a few hundred such clients
 * hold them all: health and every other route then wait. Here a body is read without a thread,
 * as its bytes come, up to {@link #EARLY_BYTES} (within {@link #EARLY_BUDGET} for all requests
 * together); the route runs once it is whole, or that much of it is at hand. Every body, read here
 * or by its route, must bring at least {@code rate} bytes a second over each {@code window}, or
 * end within it: one that does not is answered 408 (read here) or failed under its route, and its
 * connection is closed.
 *
 * <p>Jetty's own {@code StatisticsHandler.MinimumDataRateHandler} divides the bytes of all
 * requests together by the age of one, and checks only when a route asks for more, so one slow
 * client among fast ones passes, and a stalled one is never looked at.
 */
public final class SlowClientHandler extends Handler.Wrapper {
    /** The most of one body read before its route runs; the rest is the route's to read. */
    public static final int EARLY_BYTES = 1 << 20;
    /** The most bytes of bodies held here at once, for all requests together. */
    static final long EARLY_BUDGET = 64L << 20;

    private final long bytesPerSecond;
    private final Duration window;
    private final Set<Body> bodies = ConcurrentHashMap.newKeySet();
    private final AtomicLong held = new AtomicLong();
    private ScheduledExecutorService checks;

    /** Bodies must bring {@code bytesPerSecond} over each {@code window}, or end within it. */
    public SlowClientHandler(long bytesPerSecond, Duration window) {
        this.bytesPerSecond = bytesPerSecond;
        this.window = window;
    }

    @Override
    protected void doStart() throws Exception {
        checks = Executors.newSingleThreadScheduledExecutor(r -> {
            var thread = new Thread(r, "vigil-slow-clients");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(50, window.toMillis() / 4);
        checks.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        checks.shutdownNow();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!hasBody(request)) {
            return super.handle(request, response, callback);
        }
        var body = new Body(request, response, callback);
        bodies.add(body);
        body.readEarly(true);
        return true;
    }

    private static boolean hasBody(Request request) {
        return request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    }

    private void check() {
        long now = System.nanoTime();
        for (var body : bodies) {
            body.check(now);
        }
    }

    private String tooSlow() {
        return "the request body arrived slower than " + bytesPerSecond + " bytes a second over " + window.toMillis()
                + " ms (--min-request-rate); send it at once or faster";
    }

    /**
     * One request's body: read here until its route runs, then handed to the route (what was read
     * first), and watched for its rate until it ends.
     */
    private final class Body extends Request.Wrapper {
        private final Response response;
        private final Callback completion;
        private final AtomicLong received = new AtomicLong();
        /** Bytes read before the route ran, copied out of Jetty's buffers while more was awaited. */
        private byte[] early;
        private int earlyLength;
        /** The last chunk read before the route ran, still Jetty's: handed over as it is. */
        private Content.Chunk last;
        private boolean dispatched;
        private boolean refused;
        /** Whether all of the body has arrived (or the exchange is over): no longer watched. */
        private volatile boolean ended;
        private long windowStart = getBeginNanoTime();
        private long windowFrom;

        Body(Request request, Response response, Callback callback) {
            super(request);
            this.response = new Response.Wrapper(this, response);
            this.completion = Callback.from(callback, this::done);
        }

        /**
         * Reads what has arrived; then waits for more without a thread, or runs the route: inline
         * when called from {@link SlowClientHandler#handle}, else on a thread of the pool, since a demand callback
         * must not block on reading (the route's reads would wait for it to return).
         */
        void readEarly(boolean inHandle) {
            for (;;) {
                var chunk = getWrapped().read();
                synchronized (this) {
                    if (refused) {
                        if (chunk != null) {
                            chunk.release();
                        }
                        return;
                    }
                    if (chunk == null) {
                        copyLast();
                        break;
                    }
                    copyLast();
                    last = chunk;
                    if (!took(chunk) && !Content.Chunk.isFailure(chunk) && earlyLength + chunk.remaining() < EARLY_BYTES
                            && held.get() < EARLY_BUDGET) {
                        continue;
                    }
                    dispatched = true;
                }
                if (inHandle) {
                    route();
                } else {
                    getComponents().getExecutor().execute(this::route);
                }
                return;
            }
            getWrapped().demand(() -> readEarly(false));
        }

        /** Counts what {@code chunk} brought; true when the body has now ended, and is no longer watched. */
        private boolean took(Content.Chunk chunk) {
            long got = received.addAndGet(chunk.remaining());
            if (chunk.isLast() || got == getLength()) {
                ended = true;
                bodies.remove(this);
            }
            return ended;
        }

        /** Moves the chunk kept from Jetty's buffers into {@link #early}, so that waiting holds no buffer of Jetty's. */
        private void copyLast() {
            if (last == null) {
                return;
            }
            if (Content.Chunk.isFailure(last)) {
                return;
            }
            var bytes = last.getByteBuffer();
            int n = bytes.remaining();
            if (early == null || early.length < earlyLength + n) {
                early = Arrays.copyOf(early == null ? new byte[0] : early, Math.max(earlyLength + n, earlyLength * 2));
            }
            bytes.get(early, earlyLength, n);
            earlyLength += n;
            held.addAndGet(n);
            last.release();
            last = null;
        }

        private void route() {
            try {
                if (!getHandler().handle(this, response, completion)) {
                    Response.writeError(this, response, completion, 404);
                }
            } catch (Throwable e) {
                Response.writeError(this, response, completion, e);
            }
        }

        @Override
        public Content.Chunk read() {
            synchronized (this) {
                if (early != null) {
                    var out = Content.Chunk.from(ByteBuffer.wrap(early, 0, earlyLength), false);
                    held.addAndGet(-earlyLength);
                    early = null;
                    return out;
                }
                if (last != null) {
                    var out = last;
                    last = null;
                    return out;
                }
            }
            var chunk = getWrapped().read();
            if (chunk != null) {
                took(chunk);
            }
            return chunk;
        }

        @Override
        public void demand(Runnable demandCallback) {
            boolean atHand;
            synchronized (this) {
                atHand = early != null || last != null;
            }
            if (atHand) {
                demandCallback.run();
            } else {
                getWrapped().demand(demandCallback);
            }
        }

        /** At {@code now}, cuts the body off when it brought less than the rate over the window just gone. */
        void check(long now) {
            long elapsed = now - windowStart;
            if (ended || elapsed < window.toNanos()) {
                return;
            }
            long got = received.get();
            if ((got - windowFrom) * 1_000_000_000L >= bytesPerSecond * elapsed) {
                windowStart = now;
                windowFrom = got;
                return;
            }
            bodies.remove(this);
            boolean answer;
            synchronized (this) {
                answer = !dispatched;
                refused = answer;
            }
            if (answer) {
                refuse();
            } else {
                // The route's blocked read fails, the route answers, and the unread rest closes the connection.
                getWrapped().fail(new TimeoutException(tooSlow()));
            }
        }

        /** Answers 408 for a body the route never saw; the connection closes, its body unread. */
        private void refuse() {
            var json = "{\"error\": \"request_too_slow\", \"message\": \"" + tooSlow() + "\", \"details\": []}";
            response.setStatus(408);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            response.write(true, ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), completion);
        }

        /** The exchange is over: nothing of the body stays held. */
        private void done() {
            ended = true;
            bodies.remove(this);
            synchronized (this) {
                if (early != null) {
                    held.addAndGet(-earlyLength);
                    early = null;
                }
                if (last != null) {
                    last.release();
                    last = null;
                }
            }
        }
    }
}
