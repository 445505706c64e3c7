package dev.vigil.server.cli;

import static dev.vigil.server.TestServer.ADMIN_TOKEN;
import static dev.vigil.server.TestServer.read;
import static dev.vigil.server.TestServer.toJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.ServerConfig;
import dev.vigil.server.TestDrl;
import dev.vigil.server.TestServer;
import dev.vigil.server.VigilServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a method and a state mean over HTTP: a GET changes nothing, and a server still starting says so. */
class HttpSemanticsIT {
    private static final String EVENT = "{\"type\": \"Transaction\", \"id\": \"t1\", \"time\": \"2026-11-20T10:00:00Z\", \"accountId\": \"a1\","
            + " \"amount\": 5}";
    @TempDir
    Path work;
    private TestServer server;
    private Main.Serve.Serving serving;

    @AfterEach
    void stop() {
        if (serving != null) {
            serving.close();
        } else if (server != null) {
            server.close();
        }
    }

    private ServerConfig config() {
        return TestServer.config(work.resolve("data"));
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        var request = HttpRequest.newBuilder(server.uri(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + ADMIN_TOKEN);
        if (headers.length == 0) {
            request.header("Content-Type", "application/json");
        } else {
            request.headers(headers);
        }
        return server.send(request);
    }

    @Test
    void aGetThatAsksToBeADelete_isAGet_whateverHeaderOrParameterAsks() throws Exception {
        server = TestServer.start(config());
        assertThat(send("PUT", "/api/v1/rulesets/fraud", toJson(Map.of("files", Map.of("fraud.drl", TestDrl.LARGE))))
                .statusCode()).isEqualTo(200);
        assertThat(send("POST", "/api/v1/tokens", "{\"name\": \"ingest\", \"scopes\": [\"events:write\"]}").statusCode()).isEqualTo(201);

        for (var header : new String[] {"X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override", "x-http-method-override"}) {
            var get = send("GET", "/api/v1/rulesets/fraud", null, header, "DELETE");
            assertThat(get.statusCode()).as(header).isEqualTo(200);
            assertThat(read(get).get("name").asText()).as(header).isEqualTo("fraud");
            assertThat(send("GET", "/api/v1/tokens/ingest", null, header, "DELETE").statusCode()).as(header).isIn(404, 405);
            assertThat(send("POST", "/api/v1/rulesets/fraud/validate", "{}", header, "DELETE", "Content-Type", "application/json")
                    .statusCode()).as(header).isEqualTo(400);
        }
        assertThat(send("GET", "/api/v1/rulesets/fraud?_method=DELETE", null).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/api/v1/rulesets/fraud", "_method=DELETE", "Content-Type", "application/x-www-form-urlencoded")
                .statusCode()).isIn(404, 405);

        assertThat(server.server().engine().ruleSet("fraud")).as("still deployed").isPresent();
        assertThat(read(send("GET", "/api/v1/tokens", null)).findValuesAsText("name")).containsExactly("ingest");
        assertThat(read(send("GET", "/api/v1/audit", null)).findValuesAsText("action")).containsExactly("issue token", "deploy");
        assertThat(send("DELETE", "/api/v1/rulesets/fraud", null).statusCode()).as("a real DELETE still works").isEqualTo(204);
    }

    @Test
    void whileTheRulesFolderDeploys_healthSaysStarting_andEventsAreRefusedWithRetryAfter_thenBothGoOn() throws Exception {
        var rules = Files.createDirectories(work.resolve("rules").resolve("fraud"));
        Files.writeString(rules.resolve("fraud.drl"), TestDrl.LARGE);
        var listening = new CompletableFuture<VigilServer>();
        var release = new CountDownLatch(1);
        var started = CompletableFuture.supplyAsync(() -> {
            try {
                return Main.Serve.serve(config(), rules.getParent(), s -> {
                    listening.complete(s);
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        server = TestServer.of(listening.get(60, TimeUnit.SECONDS), ADMIN_TOKEN);

        var health = send("GET", "/api/v1/health", null);
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(read(health).get("status").asText()).isEqualTo("starting");
        var posted = send("POST", "/api/v1/events", EVENT);
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(503);
        assertThat(posted.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(read(posted).get("error").asText()).isEqualTo("starting");
        assertThat(read(posted).get("message").asText()).startsWith("the server is starting");
        var anonymous = server.send("POST", "/api/v1/events", EVENT, "application/json", null);
        assertThat(anonymous.statusCode()).as("no token: refused as always").isEqualTo(401);
        assertThat(send("GET", "/api/v1/rulesets", null).statusCode()).as("reads answer").isEqualTo(200);

        release.countDown();
        serving = started.get(120, TimeUnit.SECONDS);

        health = send("GET", "/api/v1/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(read(health).get("status").asText()).isEqualTo("ok");
        assertThat(read(health).get("ruleSets").findValuesAsText("name")).containsExactly("fraud");
        posted = send("POST", "/api/v1/events", EVENT);
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
    }

    @Test
    void withoutARulesFolder_theServerIsReadyAtOnce() throws Exception {
        serving = Main.Serve.serve(config(), null, s -> {
            throw new AssertionError("no folder to hold the start for");
        });
        server = TestServer.of(serving.server(), ADMIN_TOKEN);

        assertThat(send("GET", "/api/v1/health", null).statusCode()).isEqualTo(200);
    }
}
