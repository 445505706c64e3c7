package dev.vigil.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.server.api.ApiException;
import io.javalin.http.Context;
import java.io.IOException;

/** Reading request bodies and parameters, with a 400 that says what is wrong. */
final class Bodies {
    private Bodies() {
    }

    static ObjectNode object(Context ctx, ObjectMapper json) {
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

    static int intParam(String value, String name) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a whole number, was '" + value + "'");
        }
    }
}
