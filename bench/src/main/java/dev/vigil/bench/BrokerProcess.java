package dev.vigil.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The single-node Kafka broker of {@code bench/kafka/broker}, started as people start it to try
 * Vigil with Kafka: KRaft, on a free loopback port, its data in a folder of the benchmark's own.
 * What the script prints goes to {@code broker-console.log} beside that folder; the broker's own
 * log is {@code broker.log} inside it.
 */
final class BrokerProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("Kafka broker ready: bootstrap (\\S+)");

    private final Process process;
    private final String bootstrap;

    private BrokerProcess(Process process, String bootstrap) {
        this.process = process;
        this.bootstrap = bootstrap;
    }

    /** Starts the broker with its data in {@code data} and waits until it serves clients. */
    static BrokerProcess start(Path data) throws IOException {
        int port = freePortPair();
        var console = data.resolveSibling("broker-console.log");
        var process = new ProcessBuilder(List.of("bench/kafka/broker", "--port", Integer.toString(port), "--data", data.toString()))
                .redirectErrorStream(true).start();
        var ready = new CompletableFuture<String>();
        var reader = new Thread(() -> {
            try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 var out = Files.newBufferedWriter(console)) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.write(line);
                    out.newLine();
                    out.flush();
                    var m = READY.matcher(line);
                    if (m.find()) {
                        ready.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("the broker stopped; see " + console));
        }, "broker-log");
        reader.setDaemon(true);
        reader.start();
        try {
            return new BrokerProcess(process, ready.get(180, TimeUnit.SECONDS));
        } catch (Exception e) {
            process.destroy();
            throw new IllegalStateException("the Kafka broker did not start: " + e.getMessage() + " (see " + console + ")", e);
        }
    }

    /** A port whose next one is free too: the broker's controller listens there. */
    private static int freePortPair() throws IOException {
        var loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < 20; attempt++) {
            try (var first = new ServerSocket(0, 1, loopback)) {
                int port = first.getLocalPort();
                if (port < 65534) {
                    try (var next = new ServerSocket(port + 1, 1, loopback)) {
                        return port;
                    } catch (IOException taken) {
                        // Try another pair.
                    }
                }
            }
        }
        throw new IOException("found no two free loopback ports in a row");
    }

    /** {@code host:port} for clients. */
    String bootstrap() {
        return bootstrap;
    }

    /** Stops the broker (the script forwards SIGTERM) and waits up to 60 s for it to exit. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
