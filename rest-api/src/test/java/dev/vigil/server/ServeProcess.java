package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * {@code vigil serve} as the launcher runs it: the packaged jar in a process of its own. Its
 * environment holds none of the {@code VIGIL_} variables of the shell that runs the tests, only
 * those the test gives, so that an operator's settings never change what a test sees.
 */
public final class ServeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/");
    private static final Duration STARTS_WITHIN = Duration.ofSeconds(90);

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private int port;

    private ServeProcess(Process process) {
        this.process = process;
        var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        var thread = new Thread(() -> reader.lines().forEach(output::add));
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs {@code vigil serve} with {@code options} and the environment variables {@code variables}; answers once it listens. */
    public static ServeProcess start(Map<String, String> variables, String... options) throws IOException {
        var jar = Path.of("target", "vigil.jar").toAbsolutePath();
        assertThat(jar).exists();
        var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "serve"));
        command.addAll(List.of(options));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("VIGIL_"));
        builder.environment().putAll(variables);
        var serving = new ServeProcess(builder.start());
        try {
            await().atMost(STARTS_WITHIN).until(() -> serving.output.stream().anyMatch(l -> LISTENING.matcher(l).find()));
        } catch (RuntimeException e) {
            serving.process.destroyForcibly();
            throw e;
        }
        var m = LISTENING.matcher(serving.output.stream().filter(l -> LISTENING.matcher(l).find()).findFirst().orElseThrow());
        m.find();
        serving.port = Integer.parseInt(m.group(1));
        return serving;
    }

    public int port() {
        return port;
    }

    /** Every line it printed so far. */
    public List<String> output() {
        return output;
    }

    /** Stops it as a crash would, with SIGKILL, and waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
