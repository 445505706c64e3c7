package dev.vigil.server.http;

import java.util.List;

/**
 * A request that cannot be served, with the HTTP status and the body it gets:
 * {@code {"error": code, "message": text, "details": [...]}}. Handlers throw it; one mapper writes it.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;
    private final transient List<?> details;

    public ApiException(int status, String code, String message, List<?> details) {
        super(message);
        this.status = status;
        this.code = code;
        this.details = List.copyOf(details);
    }

    public ApiException(int status, String code, String message) {
        this(status, code, message, List.of());
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public List<?> details() {
        return details;
    }
}
