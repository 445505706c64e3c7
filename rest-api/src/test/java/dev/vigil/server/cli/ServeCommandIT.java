package dev.vigil.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil serve} as the launcher runs it: the packaged jar in a process of its own. */
class ServeCommandIT {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/");
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final List<String> output = new CopyOnWriteArrayList<>();
    private Process process;
    @TempDir
    Path work;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor();
        }
    }

    private int serve(Path rules) throws IOException {
        var jar = Path.of("target", "vigil.jar").toAbsolutePath();
        assertThat(jar).exists();
        process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "serve", "--port", "0", "--data", work.resolve("data").toString(), "--rules", rules.toString())
                .redirectErrorStream(true).start();
        var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        var thread = new Thread(() -> reader.lines().forEach(output::add));
        thread.setDaemon(true);
        thread.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> output.stream().anyMatch(l -> LISTENING.matcher(l).find()));
        var line = output.stream().filter(l -> LISTENING.matcher(l).find()).findFirst().orElseThrow();
        var m = LISTENING.matcher(line);
        m.find();
        return Integer.parseInt(m.group(1));
    }

    private String get(int port, String path, String token) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void serve_withTheDefaultRules_answersHealth_andSavingARuleFileRedeploysIt() throws Exception {
        var rules = work.resolve("rules");
        var fraud = Files.createDirectories(rules.resolve("fraud"));
        var file = fraud.resolve("transactions.drl");
        Files.copy(Path.of("..", "rules", "fraud", "transactions.drl"), file);

        int port = serve(rules);

        var health = json.readTree(get(port, "/api/v1/health", null));
        assertThat(health.get("status").asText()).isEqualTo("ok");
        assertThat(health.get("ruleSets").get(0).get("name").asText()).isEqualTo("fraud");
        assertThat(output).anyMatch(l -> l.contains("admin token"));
        var token = Files.readString(work.resolve("data").resolve("admin-token")).trim();

        Files.writeString(file, Files.readString(file) + "\n// edited\n");

        await().atMost(Duration.ofSeconds(30)).until(() ->
                json.readTree(get(port, "/api/v1/rulesets/fraud", token)).get("version").asInt() == 2);

        Files.writeString(file, Files.readString(file) + "\nrule \"broken\" when Nope() then end\n");

        await().atMost(Duration.ofSeconds(30)).until(() -> output.stream().anyMatch(l -> l.contains("Unable to resolve ObjectType 'Nope'")));
        assertThat(json.readTree(get(port, "/api/v1/rulesets/fraud", token)).get("version").asInt()).isEqualTo(2);
    }
}
