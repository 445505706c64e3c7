package dev.vigil.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code vigil serve} started as users start it, through the {@code ./vigil} launcher (so with
 * its JVM options, or those of {@code VIGIL_JAVA_OPTS}), on a free port, with an admin token of
 * the benchmark's own and its data in {@code data} under a work folder; everything it prints goes
 * to {@code server.log} there. The launcher replaces itself with the JVM, so {@link #pid()} is the
 * server's JVM.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+/)");

    private final Process process;
    private final String url;
    private final String token;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ServerProcess(Process process, String url, String token, Path log) {
        this.process = process;
        this.url = url;
        this.token = token;
        this.log = log;
    }

    /** Starts the server with {@code options} after {@code serve --port 0 --data <work>/data}, and waits until it listens. */
    static ServerProcess start(Path work, String... options) throws IOException {
        var token = "bench-" + Long.toHexString(System.nanoTime());
        var command = new ArrayList<>(List.of("./vigil", "serve", "--port", "0", "--data", work.resolve("data").toString()));
        command.addAll(List.of(options));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("VIGIL_ADMIN_TOKEN", token);
        var process = builder.start();
        var listening = new CompletableFuture<String>();
        var log = work.resolve("server.log");
        var reader = new Thread(() -> {
            try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 var out = Files.newBufferedWriter(log)) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.write(line);
                    out.newLine();
                    out.flush();
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        listening.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                listening.completeExceptionally(e);
            }
            listening.completeExceptionally(new IllegalStateException("the server stopped; see " + log));
        }, "server-log");
        reader.setDaemon(true);
        reader.start();
        try {
            return new ServerProcess(process, listening.get(120, TimeUnit.SECONDS), token, log);
        } catch (Exception e) {
            process.destroy();
            throw new IllegalStateException("the server did not start: " + e.getMessage() + " (log: " + log + ")", e);
        }
    }

    /** The server's address, ending in '/'. */
    String url() {
        return url;
    }

    /** The admin token. */
    String token() {
        return token;
    }

    /** The server JVM's process id. */
    long pid() {
        return process.pid();
    }

    /** The file everything the server prints goes to, a line at a time as it prints it. */
    Path log() {
        return log;
    }

    /** Whether the server is still running. */
    boolean isAlive() {
        return process.isAlive();
    }

    /** Sends {@code request} with the admin token and answers the response as text. */
    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request to {@code path} (relative to the server's address). */
    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(url + path));
    }

    /** The server's {@code /metrics} now. */
    Scrape scrape() throws IOException, InterruptedException {
        return Scrape.parse(send(request("metrics")).body());
    }

    /** Kills the server with SIGKILL, as a crash would end it: no shutdown hook runs, nothing is flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Stops the server and waits up to 30 s for it to exit. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(30, TimeUnit.SECONDS);
    }
}
