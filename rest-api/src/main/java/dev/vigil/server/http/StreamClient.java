package dev.vigil.server.http;

import dev.vigil.engine.api.Alert;
import io.javalin.http.sse.SseClient;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One client of the live alert stream: a bounded buffer of its own, filled by the alert writer
 * without waiting, and a thread that writes from it to the client. A client that reads slowly or
 * not at all holds up that thread and nothing else. One that falls {@link #BUFFER} alerts behind
 * is dropped: the writer stops filling its buffer at once, and the client gets an
 * {@code overflow} event when it reads again, then the end of the stream.
 */
public final class StreamClient implements Consumer<Alert> {
    /**
     * Alerts a client may fall behind before it is dropped: a second of the largest alert budget,
     * so that a client reading as fast as it can rides out a burst. The buffers hold the same alert
     * objects as one another, so many clients that stop reading cost little more than one.
     */
    public static final int BUFFER = 10_000;
    private static final AtomicInteger NUMBER = new AtomicInteger();

    private final SseClient client;
    private final Predicate<Alert> filter;
    private final Function<Alert, String> data;
    private final Consumer<StreamClient> onOverflow;
    private final ArrayBlockingQueue<Alert> buffer = new ArrayBlockingQueue<>(BUFFER);
    private final Thread sender;
    private volatile boolean overflowed;

    /**
     * @param filter     which alerts the client asked for
     * @param data       an alert as the stream's {@code data}
     * @param onOverflow called once with this client, on the writer's thread, when it falls too far behind
     */
    StreamClient(SseClient client, Predicate<Alert> filter, Function<Alert, String> data, Consumer<StreamClient> onOverflow) {
        this.client = client;
        this.filter = filter;
        this.data = data;
        this.onOverflow = onOverflow;
        this.sender = new Thread(this::send, "vigil-stream-" + NUMBER.incrementAndGet());
        sender.setDaemon(true);
    }

    /** Starts writing to the client. */
    void start() {
        sender.start();
    }

    /** Called by the alert writer with each stored alert: never waits. */
    @Override
    public void accept(Alert alert) {
        if (overflowed || !filter.test(alert)) {
            return;
        }
        if (!buffer.offer(alert)) {
            overflowed = true;
            buffer.clear();
            onOverflow.accept(this);
        }
    }

    private void send() {
        try {
            while (!client.terminated()) {
                var alert = buffer.poll(1, TimeUnit.SECONDS);
                if (overflowed) {
                    client.sendEvent("overflow", "{\"error\": \"stream_overflow\", \"message\": \"this stream fell " + BUFFER
                            + " alerts behind and was closed; read what it missed from GET /api/v1/alerts, then connect again\"}");
                    client.close();
                    return;
                }
                if (alert != null) {
                    client.sendEvent("alert", data.apply(alert), alert.id());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
