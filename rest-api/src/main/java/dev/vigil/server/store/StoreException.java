package dev.vigil.server.store;

/** A database operation that failed; the message says which. */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreException(String what, Throwable cause) {
        super(what + ": " + cause.getMessage(), cause);
    }
}
