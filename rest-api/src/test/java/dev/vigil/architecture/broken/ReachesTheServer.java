package dev.vigil.architecture.broken;

import dev.vigil.server.VigilServer;

/** A transport that reaches into the server: what the transports' rule refuses. */
public final class ReachesTheServer {
    private ReachesTheServer() {
    }

    static int port(VigilServer server) {
        return server.port();
    }
}
