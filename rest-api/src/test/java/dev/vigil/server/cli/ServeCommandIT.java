package dev.vigil.server.cli;

import static dev.vigil.server.TestServer.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.server.ServeProcess;
import dev.vigil.server.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil serve} as the launcher runs it: the packaged jar in a process of its own. */
class ServeCommandIT {
    private ServeProcess process;
    @TempDir
    Path work;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null) {
            process.close();
        }
    }

    private int serve(Path rules) throws IOException {
        process = ServeProcess.start(Map.of(), "--port", "0", "--data", work.resolve("data").toString(), "--rules", rules.toString());
        return process.port();
    }

    private String get(int port, String path, String token) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return TestServer.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void serve_withTheDefaultRules_answersHealth_andSavingARuleFileRedeploysIt() throws Exception {
        var rules = work.resolve("rules");
        var fraud = Files.createDirectories(rules.resolve("fraud"));
        var file = fraud.resolve("transactions.drl");
        Files.copy(Path.of("..", "rules", "fraud", "transactions.drl"), file);

        int port = serve(rules);

        var health = JSON.readTree(get(port, "/api/v1/health", null));
        assertThat(health.get("status").asText()).isEqualTo("ok");
        assertThat(health.get("ruleSets").get(0).get("name").asText()).isEqualTo("fraud");
        assertThat(process.output()).anyMatch(l -> l.contains("admin token"));
        var token = Files.readString(work.resolve("data").resolve("admin-token")).trim();

        Files.writeString(file, Files.readString(file) + "\n// edited\n");

        await().atMost(Duration.ofSeconds(30)).until(() ->
                JSON.readTree(get(port, "/api/v1/rulesets/fraud", token)).get("version").asInt() == 2);

        Files.writeString(file, Files.readString(file) + "\nrule \"broken\" when Nope() then end\n");

        await().atMost(Duration.ofSeconds(30)).until(() -> process.output().stream().anyMatch(l -> l.contains("Unable to resolve ObjectType 'Nope'")));
        assertThat(JSON.readTree(get(port, "/api/v1/rulesets/fraud", token)).get("version").asInt()).isEqualTo(2);
    }
}
