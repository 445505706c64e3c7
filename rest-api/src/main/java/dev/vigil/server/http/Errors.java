package dev.vigil.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.LinkedHashMap;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place exceptions become answers: {@code {"error": code, "message": text, "details": [...]}}
 * with the status the exception carries, and 500 naming the failure for anything unexpected.
 */
public final class Errors {
    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

    private Errors() {
    }

    /** Maps the exceptions of every route; {@code maxBodyBytes} is named in the answer to a body too large. */
    public static void addTo(RoutesConfig routes, long maxBodyBytes) {
        routes.exception(ApiException.class, (e, ctx) -> answer(ctx, e.status(), e.code(), e.getMessage(), e.details()));
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            var refused = e.getStatus() == 413 ? Bodies.tooLarge(maxBodyBytes)
                    : new ApiException(e.getStatus(), "http_" + e.getStatus(), e.getMessage());
            answer(ctx, refused.status(), refused.code(), refused.getMessage(), List.of());
        });
        routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            answer(ctx, 500, "internal_error", "the server failed to handle the request: " + e.getMessage(), List.of());
        });
    }

    private static void answer(Context ctx, int status, String code, String message, List<?> details) {
        var body = new LinkedHashMap<String, Object>();
        body.put("error", code);
        body.put("message", message);
        body.put("details", details);
        ctx.status(status).json(body);
    }
}
