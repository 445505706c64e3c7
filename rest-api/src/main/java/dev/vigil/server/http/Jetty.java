package dev.vigil.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.time.Duration;
import java.util.Map;

/** How the server speaks HTTP: where it listens, its limits on slow and large requests, TLS, and the editor's files at {@code /}. */
public final class Jetty {
    /**
     * What the editor's pages may load: only this origin. CodeMirror and the chart set styles
     * inline, hence 'unsafe-inline' for styles (never for scripts).
     */
    private static final String UI_CONTENT_POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
            + " frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private Jetty() {
    }

    /**
     * Listens on {@code bind}:{@code port} (and with TLS when {@code tls} is not null), takes
     * bodies up to {@code maxBodyBytes}, gives up on a request idle for {@code idleTimeout}, and cuts
     * off bodies slower than {@code minRate}.
     */
    public static void configure(JavalinConfig cfg, ObjectMapper json, String bind, int port, long maxBodyBytes, Duration idleTimeout,
                                 RequestRate minRate, Tls tls) {
        cfg.startup.showJavalinBanner = false;
        cfg.jetty.host = bind;
        cfg.jetty.port = port;
        cfg.http.maxRequestSize = maxBodyBytes;
        // A request that sends or takes nothing for this long is given up: a slow or stalled
        // client does not hold a thread for ever.
        cfg.jetty.modifyHttpConfiguration(http -> {
            http.setIdleTimeout(idleTimeout.toMillis());
            // A request is the method of its request line: X-HTTP-Method-Override and the like are dropped on arrival.
            http.addCustomizer(new MethodOverrideHeaders());
        });
        // Bodies are read before a thread takes the request, and a body slower than the minimum rate is cut off:
        // clients that trickle their bodies hold no thread, and health and the other routes keep answering.
        cfg.jetty.modifyServer(server -> server.setHandler(new SlowClientHandler(minRate.bytesPerSecond(), minRate.window())));
        if (tls != null) {
            cfg.jetty.addConnector((server, http) -> tls.connector(server, http, bind, port));
        }
        // Javalin copies each response through a buffer of this size, allocated per request: most
        // answers here are a few hundred bytes, and 32 KB (the default) per request was most of
        // the garbage an event post made.
        cfg.http.responseBufferSize = 8192;
        cfg.jsonMapper(new JavalinJackson(json, false));
    }

    /** The rule editor (module rule-editor-ui) at {@code /}: static files of the same origin as the API. */
    public static void serveEditor(JavalinConfig cfg) {
        cfg.staticFiles.add(ui -> {
            ui.hostedPath = "/";
            ui.directory = "/vigil-ui";
            ui.location = Location.CLASSPATH;
            // A path of the API is never a file: its 404s skip looking in the jar, which serialises
            // on the zip file system and answered unknown API paths at a seventh of the rate of known ones.
            ui.skipFileFunction = request -> request.getRequestURI().startsWith("/api/");
            ui.headers = Map.of("Cache-Control", "no-cache", "X-Content-Type-Options", "nosniff",
                    "Content-Security-Policy", UI_CONTENT_POLICY);
        });
    }
}
