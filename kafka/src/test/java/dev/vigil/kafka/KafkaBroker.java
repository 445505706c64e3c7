package dev.vigil.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Apache Kafka broker for tests: KRaft mode, broker and controller in one child
 * JVM on free loopback ports, with its data in a temporary folder that {@link #close()} deletes.
 *
 * <p>The child runs {@link KafkaBrokerMain} on this JVM's class path (which holds {@code kafka_2.13}
 * as a test dependency), with the settings of {@code broker.properties} beside this class, which
 * {@code bench/kafka/broker} uses too. Everything it logs goes to {@code broker.log} in its folder;
 * when it does not come up, the exception carries the end of that log. A shutdown hook stops it
 * when the tests' JVM exits without closing it, and the child stops by itself when that JVM dies
 * (its standard input closes), so that no broker outlives its tests.
 *
 * <p>{@link #shared()} is one broker for every test class of a JVM; tests keep apart by their own
 * topic and group names.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOG_LINES = 30;
    private static final Pattern ERROR = Pattern.compile(" (ERROR|FATAL) |^Caused by:|^Exception in thread");
    private static final List<String> JVM_OPTIONS = List.of(
            "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
            // The tests' simplelogger.properties is on the class path too: the broker logs at info.
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
            "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=info",
            "-Dorg.slf4j.simpleLogger.showDateTime=true");

    private static KafkaBroker shared;

    private final Path folder;
    private final Process process;
    private final String bootstrap;
    private final Admin admin;
    private final Thread shutdownHook;
    private boolean stopped;

    private KafkaBroker(Path folder, Process process, String bootstrap) {
        this.folder = folder;
        this.process = process;
        this.bootstrap = bootstrap;
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "vigil-test-broker-admin",
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200));
        this.shutdownHook = new Thread(this::stop, "kafka-broker-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The broker shared by every test of this JVM, started on first use and stopped when the JVM exits. */
    public static synchronized KafkaBroker shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    /** Starts a broker of its own and waits until it answers; the caller closes it. */
    public static KafkaBroker start() {
        try {
            var folder = Files.createTempDirectory("vigil-kafka-");
            var ports = freePorts(2);
            var bootstrap = "127.0.0.1:" + ports.get(0);
            var settings = folder.resolve("server.properties");
            Files.writeString(settings, settings(folder.resolve("data"), bootstrap, "127.0.0.1:" + ports.get(1)));
            var command = new ArrayList<String>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(JVM_OPTIONS);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), KafkaBrokerMain.class.getName(),
                    Uuid.randomUuid().toString(), settings.toString()));
            var process = new ProcessBuilder(command)
                    .directory(folder.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(folder.resolve("broker.log").toFile())
                    .start();
            var broker = new KafkaBroker(folder, process, bootstrap);
            try {
                broker.awaitReady();
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the Kafka broker", e);
        }
    }

    /** The address clients connect to, {@code 127.0.0.1:port}. */
    public String bootstrap() {
        return bootstrap;
    }

    /** An admin client of this broker, closed with it; callers do not close it. */
    public Admin admin() {
        return admin;
    }

    /** Creates a topic with one replica and waits until the broker has it. */
    public void createTopic(String name, int partitions) {
        await(admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all(), "create topic " + name);
    }

    /** Stops the broker (forcibly when it does not stop within 5 s) and deletes its folder. */
    @Override
    public void close() {
        if (this == shared) {
            throw new IllegalStateException("the shared Kafka broker stops when the JVM exits: close only a broker from start()");
        }
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
        stop();
    }

    private synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        admin.close(Duration.ZERO);
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteFolder();
    }

    /*
     * Polls with a short timeout rather than once with the whole one, so that a child that dies on
     * start (a port taken meanwhile, a bad setting) fails the start at once, with its log.
     */
    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        var options = new DescribeClusterOptions().timeoutMs((int) ATTEMPT_TIMEOUT.toMillis());
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka broker exited with code " + process.exitValue() + " on start; " + logExcerpt());
            }
            try {
                if (!admin.describeCluster(options).nodes().get().isEmpty()) {
                    return;
                }
            } catch (ExecutionException e) {
                // not listening or not ready yet: the next attempt tells
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the Kafka broker started", e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the Kafka broker at " + bootstrap + " did not answer within "
                        + START_TIMEOUT.toSeconds() + " s; " + logExcerpt());
            }
        }
    }

    private static void await(KafkaFuture<?> future, String what) {
        try {
            future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("could not " + what + " within " + ADMIN_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what, e);
        }
    }

    private static String settings(Path data, String listener, String controller) throws IOException {
        String template;
        try (InputStream in = KafkaBroker.class.getResourceAsStream("broker.properties")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return template + "\n"
                + "listeners=PLAINTEXT://" + listener + ",CONTROLLER://" + controller + "\n"
                + "advertised.listeners=PLAINTEXT://" + listener + "\n"
                + "controller.quorum.voters=1@" + controller + "\n"
                + "log.dirs=" + data + "\n";
    }

    /*
     * Ports free now, all different; the broker binds them a moment later, a race that a busy
     * machine seldom loses (and that fails the start with the broker's log when it does).
     */
    private static List<Integer> freePorts(int count) throws IOException {
        var sockets = new ArrayList<ServerSocket>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (var socket : sockets) {
                socket.close();
            }
        }
    }

    /* The log's errors and their causes (a stack trace's last lines seldom name it), then its last lines. */
    private String logExcerpt() {
        var log = folder.resolve("broker.log");
        try {
            var lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            var errors = lines.stream().filter(line -> ERROR.matcher(line).find()).toList();
            return "its errors:\n" + String.join("\n", last(errors, LOG_LINES / 2))
                    + "\nthe end of its log:\n" + String.join("\n", last(lines, LOG_LINES));
        } catch (IOException e) {
            return "its log " + log + " cannot be read: " + e.getMessage();
        }
    }

    private static List<String> last(List<String> lines, int count) {
        return lines.subList(Math.max(0, lines.size() - count), lines.size());
    }

    private void deleteFolder() {
        try (var paths = Files.walk(folder)) {
            for (var path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the Kafka broker's folder " + folder, e);
        }
    }
}
