package dev.vigil.server;

import static dev.vigil.server.TestServer.ADMIN_TOKEN;
import static dev.vigil.server.TestServer.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Named tokens from a YAML file: their scopes hold, the file is read again when it changes, and a broken one changes nothing. */
class TokensFileIT {
    private static final String INGEST = "ingest-token-0123456789";
    private static final String ANALYST = "analyst-token-0123456789";
    private static final String ONCALL = "oncall-token-0123456789";
    private static final Pattern RELOADS = Pattern.compile("(?m)^vigil_reloads_total\\{file=\"tokens\",outcome=\"(\\w+)\"} ([0-9.E]+)");
    @TempDir
    Path dir;
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String sha256(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    private Path file() {
        return dir.resolve("tokens.yaml");
    }

    /** Replaces the file in one step, as a config map or a secret is. */
    private void write(String yaml) throws IOException {
        var fresh = dir.resolve("tokens.yaml.new");
        Files.writeString(fresh, yaml);
        Files.move(fresh, file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private TestServer start() {
        server = TestServer.start(TestServer.config(dir.resolve("data"))
                .withAccess(ServerConfig.Access.NONE.withTokensFile(file()).withReloadEvery(Duration.ofMillis(100))));
        return server;
    }

    private int status(String method, String path, String body, String token) throws IOException, InterruptedException {
        return server.send(method, path, body, "application/json", token).statusCode();
    }

    private double reloads(String outcome) throws Exception {
        var m = RELOADS.matcher(server.get("/metrics").body());
        while (m.find()) {
            if (m.group(1).equals(outcome)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }

    private String twoTokens() throws Exception {
        return """
                tokens:
                  - name: payments-ingest
                    sha256: %s
                    scopes: [events:write]
                  - name: analyst
                    token: %s
                    scopes: [alerts:read, rules:read]
                """.formatted(sha256(INGEST), ANALYST);
    }

    @Test
    void tokensOfTheFile_getTheirScopes_andNoOthers() throws Exception {
        write(twoTokens());
        start();

        assertThat(status("GET", "/api/v1/alerts", null, ANALYST)).isEqualTo(200);
        assertThat(status("GET", "/api/v1/rulesets", null, ANALYST)).isEqualTo(200);
        assertThat(status("POST", "/api/v1/events", "{\"type\": \"X\"}", ANALYST)).isEqualTo(403);
        assertThat(status("GET", "/api/v1/alerts", null, INGEST)).isEqualTo(403);
        assertThat(status("GET", "/api/v1/alerts", null, sha256(INGEST))).as("the hash is not the token").isEqualTo(401);
        JsonNode self = read(server.send("GET", "/api/v1/tokens/self", null, "application/json", INGEST));
        assertThat(self.get("name").asText()).isEqualTo("payments-ingest");
        assertThat(self.get("scopes").toString()).isEqualTo("[\"events:write\"]");
        var listed = server.getJson("/api/v1/tokens");
        assertThat(listed.toString()).contains("{\"name\":\"analyst\"", "\"source\":\"file\"").doesNotContain(ANALYST, sha256(INGEST));
    }

    @Test
    void aChangedFile_takesEffectWithoutARestart_andABrokenOneChangesNothing() throws Exception {
        write(twoTokens());
        start();
        assertThat(status("GET", "/api/v1/alerts", null, ANALYST)).isEqualTo(200);

        write("""
                tokens:
                  - name: oncall
                    token: %s
                    scopes: [alerts:read]
                """.formatted(ONCALL));
        await().atMost(Duration.ofSeconds(20)).until(() -> status("GET", "/api/v1/alerts", null, ONCALL) == 200);
        assertThat(status("GET", "/api/v1/alerts", null, ANALYST)).as("removed from the file").isEqualTo(401);
        assertThat(status("POST", "/api/v1/events", "{}", INGEST)).isEqualTo(401);

        write("""
                tokens:
                  - name: oncall
                    token: %s
                    scopes: [alerts:read, events:write]
                  - name: typo
                    token: %s
                    scopes: [alert:read]
                """.formatted(ONCALL, ANALYST));
        await().atMost(Duration.ofSeconds(20)).until(() -> reloads("refused") >= 1);
        assertThat(status("GET", "/api/v1/alerts", null, ONCALL)).isEqualTo(200);
        assertThat(status("POST", "/api/v1/events", "{}", ONCALL)).as("the refused file's wider scope").isEqualTo(403);
        assertThat(status("GET", "/api/v1/alerts", null, ANALYST)).isEqualTo(401);
        assertThat(reloads("applied")).isEqualTo(1);
        var audit = server.getJson("/api/v1/audit").get("entries");
        assertThat(audit.toString()).contains("\"tokens file\"", "added oncall; removed analyst, payments-ingest");
    }

    @Test
    void namesOfTheFile_cannotBeIssuedOrRevokedThroughTheApi_norTakeAnIssuedName() throws Exception {
        write(twoTokens());
        start();

        assertThat(status("POST", "/api/v1/tokens", "{\"name\": \"analyst\", \"scopes\": [\"alerts:read\"]}", ADMIN_TOKEN)).isEqualTo(409);
        var revoke = server.delete("/api/v1/tokens/analyst");
        assertThat(revoke.statusCode()).isEqualTo(409);
        assertThat(revoke.body()).contains("tokens file");
        assertThat(status("GET", "/api/v1/alerts", null, ANALYST)).isEqualTo(200);

        assertThat(status("POST", "/api/v1/tokens", "{\"name\": \"oncall\", \"scopes\": [\"alerts:read\"]}", ADMIN_TOKEN)).isEqualTo(201);
        write(twoTokens() + """
                  - name: oncall
                    token: %s
                    scopes: [alerts:read]
                """.formatted(ONCALL));
        await().atMost(Duration.ofSeconds(20)).until(() -> reloads("refused") >= 1);
        assertThat(status("GET", "/api/v1/alerts", null, ONCALL)).isEqualTo(401);
    }

    @Test
    void start_withABrokenFile_failsNamingTheEntryAndTheField() throws Exception {
        write("""
                tokens:
                  - name: ok
                    token: %s
                    scopes: [alerts:read]
                  - name: wrong
                    sha256: abc
                    scopes: [alerts:read]
                """.formatted(ONCALL));

        assertThatThrownBy(this::start).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokens[1] ('wrong').sha256");
        // Nothing was opened: the data folder is free for the next start.
        write(twoTokens());
        start();
        assertThat(status("GET", "/api/v1/alerts", null, ANALYST)).isEqualTo(200);
    }
}
