package dev.vigil.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;

/** Reading request bodies and parameters, with a 400 that says what is wrong. */
public final class Bodies {
    private Bodies() {
    }

    public static ObjectNode object(Context ctx, ObjectMapper json) {
        try {
            var node = json.readTree(ctx.bodyAsBytes());
            if (node == null || !node.isObject()) {
                throw ApiException.badRequest("the body must be a JSON object");
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("the body could not be read: " + e.getMessage());
        }
    }

    /**
     * The request body, read straight into an array of its declared length, or 413 when it is
     * longer than {@code limit}. (Javalin's own reading copies through two buffers per request,
     * which an endpoint taking thousands of small posts a second notices.) Reads the body once.
     */
    public static byte[] bytes(Context ctx, long limit) {
        long length = ctx.req().getContentLengthLong();
        if (length > limit) {
            throw tooLarge(limit);
        }
        try (var in = ctx.req().getInputStream()) {
            if (length >= 0) {
                return in.readNBytes((int) length);
            }
            var body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (body.length > limit) {
                throw tooLarge(limit);
            }
            return body;
        } catch (IOException e) {
            throw ApiException.badRequest("the body could not be read: " + e.getMessage());
        }
    }

    public static ApiException tooLarge(long limit) {
        return new ApiException(413, "body_too_large", "the body is larger than the limit of " + limit + " bytes");
    }

    public static int intParam(String value, String name) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a whole number, was '" + value + "'");
        }
    }
}
