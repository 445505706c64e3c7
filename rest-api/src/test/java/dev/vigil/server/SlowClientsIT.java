package dev.vigil.server;

import static dev.vigil.server.TestServer.ADMIN_TOKEN;
import static dev.vigil.server.TestServer.read;
import static dev.vigil.server.TestServer.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.server.http.InputLimits;
import dev.vigil.server.http.RequestRate;
import dev.vigil.server.http.SlowClientHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that send their request body a byte at a time, with a valid token: they hold no thread
 * of the server's, so health and the other routes keep answering while they trickle, and the
 * server closes their connections once they fall under the minimum rate.
 */
class SlowClientsIT {
    /** More than the server's threads (250): each would hold one if a body were read on a thread. */
    private static final int TRICKLERS = 400;
    /** How long health, another route and an event post may take while the tricklers hold their connections. */
    private static final Duration ANSWERS_WITHIN = Duration.ofSeconds(2);
    /** How long setting up (a deploy compiles its rules) may take. */
    private static final Duration SET_UP_WITHIN = Duration.ofSeconds(30);

    private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    private final List<Trickler> tricklers = new ArrayList<>();
    @TempDir
    Path data;
    private TestServer server;

    @AfterEach
    void stop() throws IOException {
        trickle.shutdownNow();
        for (var trickler : tricklers) {
            trickler.channel.close();
        }
        server.close();
    }

    private HttpResponse<String> send(String method, String path, String body, String token) throws IOException, InterruptedException {
        return server.send(server.request(method, path, body, "application/json", token).timeout(SET_UP_WITHIN));
    }

    /**
     * The status of a request sent on a connection of its own, as a health probe or a new client
     * sends it; a {@link java.net.SocketTimeoutException} when no answer comes within {@link #ANSWERS_WITHIN}.
     */
    private int onNewConnection(String method, String path, String token, String body) throws IOException {
        try (var socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout((int) ANSWERS_WITHIN.toMillis());
            var bytes = body.getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(bytes);
            var statusLine = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(statusLine.substring(9, 12));
        }
    }

    /** A connection that sent its headers and sends its body a byte at a time; what the server answered, once closed. */
    private static final class Trickler {
        final SocketChannel channel;
        final StringBuilder answer = new StringBuilder();
        volatile boolean closed;

        Trickler(int port, String token, int length) throws IOException {
            channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            channel.configureBlocking(false);
            write("POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n[");
        }

        void write(String text) {
            try {
                channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            } catch (IOException e) {
                closed = true;
            }
        }

        /** Reads what the server sent; true once it closed the connection. */
        boolean closedByServer() {
            var buffer = ByteBuffer.allocate(4096);
            try {
                for (int n = channel.read(buffer); n != 0; n = channel.read(buffer)) {
                    if (n < 0) {
                        closed = true;
                        break;
                    }
                    answer.append(new String(buffer.array(), 0, n, StandardCharsets.US_ASCII));
                    buffer.clear();
                }
            } catch (IOException e) {
                closed = true;
            }
            return closed;
        }
    }

    @Test
    void fourHundredBodiesTrickledAByteAtATime_leaveHealthAndEventsAnswering_andAreCutOffUnderTheMinimumRate() throws Exception {
        server = TestServer.start(TestServer.config(data)
                .withInput(InputLimits.DEFAULTS.withMinRequestRate(new RequestRate(1024, Duration.ofSeconds(5)))));
        assertThat(send("PUT", "/api/v1/rulesets/fraud", toJson(Map.of("files", Map.of("fraud.drl", TestDrl.LARGE))), ADMIN_TOKEN)
                .statusCode()).isEqualTo(200);
        var ingest = read(send("POST", "/api/v1/tokens", toJson(Map.of("name", "ingest",
                "scopes", List.of("events:write"))), ADMIN_TOKEN)).get("token").asText();

        for (int i = 0; i < TRICKLERS; i++) {
            tricklers.add(new Trickler(server.port(), ingest, 1_000));
        }
        trickle.scheduleWithFixedDelay(() -> tricklers.forEach(t -> t.write(" ")), 500, 500, TimeUnit.MILLISECONDS);

        var tricklersStillOpen = tricklers.stream().filter(t -> !t.closedByServer()).count();
        int posted = onNewConnection("POST", "/api/v1/events", ingest, "{\"type\": \"Transaction\", \"id\": \"t1\","
                + " \"time\": \"2026-11-20T10:00:00Z\", \"accountId\": \"a1\", \"amount\": 5000}");
        // Health and another route answer within their bound every time they are asked, for as long as tricklers are connected.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            assertThat(onNewConnection("GET", "/api/v1/health", ADMIN_TOKEN, "")).isEqualTo(200);
            assertThat(onNewConnection("GET", "/api/v1/rulesets", ADMIN_TOKEN, "")).isEqualTo(200);
            return tricklers.stream().allMatch(Trickler::closedByServer);
        });

        assertThat(tricklersStillOpen).as("the tricklers were connected when the event was posted").isEqualTo(TRICKLERS);
        assertThat(posted).isEqualTo(202);
        assertThat(tricklers).filteredOn(t -> !t.answer.isEmpty())
                .allSatisfy(t -> assertThat(t.answer.toString()).startsWith("HTTP/1.1 408 ").contains("\"error\": \"request_too_slow\""));
        assertThat(onNewConnection("GET", "/api/v1/health", ADMIN_TOKEN, "")).isEqualTo(200);
    }

    @Test
    void aBodyThatComesFastThenTrickles_isCutOffUnderItsRoute_whichAnswersAndFreesItsThread() throws Exception {
        server = TestServer.start(TestServer.config(data)
                .withInput(InputLimits.DEFAULTS.withMinRequestRate(new RequestRate(1024, Duration.ofSeconds(2)))));
        int length = SlowClientHandler.EARLY_BYTES * 2;
        var trickler = new Trickler(server.port(), ADMIN_TOKEN, length);
        tricklers.add(trickler);
        var fast = " ".repeat(SlowClientHandler.EARLY_BYTES + 1024);
        trickler.channel.configureBlocking(true);
        trickler.write(fast);
        trickler.channel.configureBlocking(false);
        trickle.scheduleWithFixedDelay(() -> trickler.write(" "), 100, 100, TimeUnit.MILLISECONDS);

        await().atMost(Duration.ofSeconds(30)).until(trickler::closedByServer);

        assertThat(trickler.answer.toString()).startsWith("HTTP/1.1 400 ").contains("the body could not be read")
                .contains("slower than 1024 bytes a second over 2000 ms (--min-request-rate)");
        assertThat(onNewConnection("GET", "/api/v1/health", ADMIN_TOKEN, "")).isEqualTo(200);
    }
}
