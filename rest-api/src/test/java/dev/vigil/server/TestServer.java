package dev.vigil.server;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The real server as the server tests ({@code *IT}) drive it: started on port 0, its data folder
 * (the H2 database, the keys) in the test's temporary folder, and HTTP helpers that send the admin
 * token and answer status, headers and body as they came, for the test to assert on.
 */
public final class TestServer implements AutoCloseable {
    /** The admin token of {@link #config}. */
    public static final String ADMIN_TOKEN = "test-admin-token";
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final HttpClient HTTP = HttpClient.newHttpClient();
    /** How long a request may take before the test fails: a server that hangs fails it rather than holding the build. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ALERTS_WITHIN = Duration.ofSeconds(10);

    private final VigilServer server;
    private final String token;

    private TestServer(VigilServer server, String token) {
        this.server = server;
        this.token = token;
    }

    /** A server's configuration with its data in {@code data}, port 0 and the admin token {@link #ADMIN_TOKEN}. */
    public static ServerConfig config(Path data) {
        return ServerConfig.defaults(data).withPort(0).withAdminToken(ADMIN_TOKEN);
    }

    /** A server of {@link #config}. */
    public static TestServer start(Path data) {
        return start(config(data));
    }

    /**
     * A server of {@code config}; requests carry its admin token: the configured one, else the one
     * the server keeps in its data folder.
     */
    public static TestServer start(ServerConfig config) {
        var server = VigilServer.start(config);
        if (config.adminToken() != null) {
            return new TestServer(server, config.adminToken());
        }
        try {
            return new TestServer(server, Files.readString(config.dataDirectory().resolve("admin-token")).trim());
        } catch (IOException e) {
            server.close();
            throw new UncheckedIOException(e);
        }
    }

    /** A server started some other way, driven with {@code token}; closing this closes it. */
    public static TestServer of(VigilServer server, String token) {
        return new TestServer(server, token);
    }

    public VigilServer server() {
        return server;
    }

    public int port() {
        return server.port();
    }

    /** {@code path} on this server: {@code http://127.0.0.1:port/path}. */
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** A request with the admin token and a JSON content type; a null body sends none. */
    public HttpRequest.Builder request(String method, String path, String body) {
        return request(method, path, body, "application/json", token);
    }

    /**
     * A request with {@code contentType} and {@code token} (either header left out when null), given
     * up after a minute; a null body sends none.
     */
    public HttpRequest.Builder request(String method, String path, String body, String contentType, String token) {
        var request = HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        return send(request(method, path, body));
    }

    public HttpResponse<String> send(String method, String path, String body, String contentType, String token)
            throws IOException, InterruptedException {
        return send(request(method, path, body, contentType, token));
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    /** Posts {@code body}: a string as it is, anything else as JSON. */
    public HttpResponse<String> post(String path, Object body) throws IOException, InterruptedException {
        return send("POST", path, text(body));
    }

    /** Puts {@code body}: a string as it is, anything else as JSON. */
    public HttpResponse<String> put(String path, Object body) throws IOException, InterruptedException {
        return send("PUT", path, text(body));
    }

    public HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return send("DELETE", path, null);
    }

    /** The JSON that a GET of {@code path} answers. */
    public JsonNode getJson(String path) throws IOException, InterruptedException {
        return read(get(path));
    }

    /** Waits (at most 10 s) until {@code GET /api/v1/alerts} lists {@code count} alerts. */
    public void awaitAlerts(int count) {
        await().atMost(ALERTS_WITHIN).until(() -> getJson("/api/v1/alerts").get("alerts").size() == count);
    }

    /** The body of {@code response} as JSON. */
    public static JsonNode read(HttpResponse<String> response) throws JsonProcessingException {
        return JSON.readTree(response.body());
    }

    /** {@code value} written as JSON. */
    public static String toJson(Object value) throws JsonProcessingException {
        return JSON.writeValueAsString(value);
    }

    private static String text(Object body) throws JsonProcessingException {
        return body == null || body instanceof String ? (String) body : toJson(body);
    }

    @Override
    public void close() {
        server.close();
    }
}
