package dev.vigil.server;

import static dev.vigil.server.TestServer.ADMIN_TOKEN;
import static dev.vigil.server.TestServer.read;
import static dev.vigil.server.TestServer.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.server.webhook.AddressPolicy;
import dev.vigil.server.webhook.Webhooks;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the server leaves on disk: a data folder only its owner can read, and webhook secrets encrypted in it. */
class DataAtRestIT {
    private static final Webhooks.Settings LOCAL_RECEIVERS = Webhooks.Settings.DEFAULTS.withAddresses(
            new AddressPolicy(List.of(AddressPolicy.Cidr.parse("127.0.0.0/8"))));
    private final List<Map<String, String>> received = new CopyOnWriteArrayList<>();
    @TempDir
    Path work;
    private TestServer server;
    private HttpServer receiver;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    private Path data() {
        return work.resolve("data");
    }

    private ServerConfig config() {
        return ServerConfig.defaults(data()).withPort(0).withWebhooks(LOCAL_RECEIVERS);
    }

    private void start(ServerConfig config) {
        server = TestServer.start(config);
    }

    private void stopServer() {
        server.close();
        server = null;
    }

    private JsonNode ok(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return read(response);
    }

    /** Every folder and file under the data folder (itself included) with its permissions, as {@code ls -l} shows them. */
    private Map<String, String> permissions() throws IOException {
        var out = new TreeMap<String, String>();
        try (Stream<Path> paths = Files.walk(data())) {
            for (var p : paths.toList()) {
                out.put(data().relativize(p).toString(), PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
            }
        }
        return out;
    }

    private static void assertOwnerOnly(Map<String, String> permissions) {
        permissions.forEach((path, mode) -> assertThat(mode).as(path.isEmpty() ? "the data folder" : path)
                .isIn("rwx------", "rw-------"));
    }

    @Test
    void aNewDataFolder_andEveryFileTheServerWritesInIt_areTheOwnersOnly() throws Exception {
        start(config());
        var token = server.server().generatedAdminToken().orElseThrow();
        assertThat(server.put("/api/v1/rulesets/fraud", Map.of("files", Map.of("fraud.drl", TestDrl.TRANSACTION))).statusCode())
                .isEqualTo(200);
        assertThat(server.post("/api/v1/events", "{\"type\": \"Transaction\", \"id\": \"t1\", \"accountId\": \"a1\", \"amount\": 5}")
                .statusCode()).isEqualTo(202);
        var replay = server.send("POST", "/api/v1/replays?ruleset=fraud", "{\"type\": \"Transaction\", \"id\": \"t1\", \"time\": 1000,"
                + " \"accountId\": \"a1\", \"amount\": 5}\n", "application/x-ndjson", token);
        assertThat(replay.statusCode()).isEqualTo(200);
        stopServer();

        var permissions = permissions();

        assertThat(permissions).containsKeys("", "vigil.mv.db", "admin-token", "secret-key", "replays");
        assertOwnerOnly(permissions);
    }

    @Test
    void aDataFolderOthersCanRead_isTightenedOnStart() throws Exception {
        start(config().withAdminToken(ADMIN_TOKEN));
        stopServer();
        Files.writeString(data().resolve("notes.txt"), "left by an operator");
        Files.createDirectories(data().resolve("replays"));
        try (Stream<Path> paths = Files.walk(data())) {
            for (var p : paths.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-rw-r--"));
            }
        }

        start(config().withAdminToken(ADMIN_TOKEN));

        var permissions = permissions();
        assertThat(permissions).containsKeys("", "vigil.mv.db", "notes.txt", "replays");
        assertOwnerOnly(permissions);
    }

    /** A receiver on localhost that records the headers and the body of every request. */
    private String receiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            var request = new TreeMap<String, String>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((k, v) -> request.put(k, v.get(0)));
            request.put("body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            received.add(request);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    private static String newSecret() {
        var bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return "whsec_" + Base64.getEncoder().encodeToString(bytes);
    }

    /** The Standard Webhooks check, written from the specification apart from the server's signer. */
    private static boolean signedWith(String secret, Map<String, String> request) throws Exception {
        var mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        var content = request.get("webhook-id") + "." + request.get("webhook-timestamp") + "." + request.get("body");
        return request.get("webhook-signature")
                .equals("v1," + Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8))));
    }

    /** Sends a test delivery to the subscription and waits for the receiver to have it. */
    private Map<String, String> testDelivery(String id) throws Exception {
        int before = received.size();
        ok(server.post("/api/v1/webhooks/" + id + "/test", null));
        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() > before);
        return received.get(received.size() - 1);
    }

    /** The secret column as stored, read with plain JDBC while the server is stopped. */
    private List<String> storedSecrets() throws Exception {
        var out = new ArrayList<String>();
        try (var c = DriverManager.getConnection("jdbc:h2:file:" + data().toAbsolutePath().resolve("vigil") + ";AUTO_SERVER=FALSE", "vigil", "");
             var rs = c.createStatement().executeQuery("SELECT secret FROM webhook ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Test
    void webhookSecrets_areNotInTheDatabaseFile_andStillSignAfterARestart() throws Exception {
        var url = receiver();
        var secret = newSecret();
        start(config().withAdminToken(ADMIN_TOKEN));
        var id = ok(server.post("/api/v1/webhooks", toJson(Map.of("url", url, "secret", secret))))
                .get("id").asText();
        stopServer();

        assertThat(storedSecrets()).singleElement().satisfies(stored -> {
            assertThat(stored).startsWith("enc:v1:");
            assertThat(stored).doesNotContain(secret.substring("whsec_".length()));
        });
        var file = new String(Files.readAllBytes(data().resolve("vigil.mv.db")), StandardCharsets.ISO_8859_1);
        assertThat(file).doesNotContain(secret.substring("whsec_".length()));

        start(config().withAdminToken(ADMIN_TOKEN));

        assertThat(signedWith(secret, testDelivery(id))).isTrue();
        assertThat(ok(server.get("/api/v1/webhooks/" + id)).get("secret").asText())
                .isEqualTo("whsec_…" + secret.substring(secret.length() - 4));
    }

    @Test
    void aSecretAnOlderVersionStoredInPlainText_isEncryptedOnStart_once() throws Exception {
        var url = receiver();
        var secret = newSecret();
        start(config().withAdminToken(ADMIN_TOKEN));
        stopServer();
        try (var c = DriverManager.getConnection("jdbc:h2:file:" + data().toAbsolutePath().resolve("vigil") + ";AUTO_SERVER=FALSE", "vigil", "");
             var insert = c.prepareStatement("INSERT INTO webhook (id, url, rule_sets, rules, min_severity, format, secret, created_at)"
                     + " VALUES ('old-hook', ?, '[]', '[]', 'low', 'vigil', ?, ?)")) {
            insert.setString(1, url);
            insert.setString(2, secret);
            insert.setTimestamp(3, Timestamp.from(Instant.parse("2026-01-01T00:00:00Z")));
            insert.executeUpdate();
        }

        start(config().withAdminToken(ADMIN_TOKEN));
        stopServer();
        var encrypted = storedSecrets();
        start(config().withAdminToken(ADMIN_TOKEN));

        assertThat(encrypted).singleElement().asString().startsWith("enc:v1:").doesNotContain(secret.substring("whsec_".length()));
        assertThat(signedWith(secret, testDelivery("old-hook"))).isTrue();
        stopServer();
        assertThat(storedSecrets()).as("encrypted once: the second start left it as it was").isEqualTo(encrypted);
    }

    @Test
    void aWrongOrMissingKey_stopsTheStart_sayingSo_andTheRightKeyStillOpensTheDatabase() throws Exception {
        var key = Base64.getEncoder().encodeToString(new byte[32]);
        var other = Base64.getEncoder().encodeToString("another key of thirty-two bytes!".getBytes(StandardCharsets.US_ASCII));
        var withKey = config().withAdminToken(ADMIN_TOKEN).withAccess(ServerConfig.Access.NONE.withSecretKey(key));
        start(withKey);
        ok(server.post("/api/v1/webhooks", toJson(Map.of("url", "http://127.0.0.1:9/hook"))));
        stopServer();

        assertThatThrownBy(() -> start(config().withAdminToken(ADMIN_TOKEN).withAccess(ServerConfig.Access.NONE.withSecretKey(other))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not decrypt with VIGIL_SECRET_KEY: it was encrypted with another key");
        assertThatThrownBy(() -> start(config().withAdminToken(ADMIN_TOKEN)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("secret-key is missing, and the database holds webhook secrets encrypted with the key it held");
        assertThat(data().resolve("secret-key")).as("no key is made up for secrets encrypted with another").doesNotExist();
        assertThatThrownBy(() -> start(config().withAdminToken(ADMIN_TOKEN).withAccess(ServerConfig.Access.NONE.withSecretKey("c2hvcnQ="))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("VIGIL_SECRET_KEY is not a key: it must be 32 random bytes in base64 (such as `openssl rand -base64 32` prints),"
                        + " and holds 5 bytes");

        start(withKey);

        assertThat(ok(server.get("/api/v1/webhooks"))).hasSize(1);
    }
}
