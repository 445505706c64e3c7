package dev.vigil.server.auth;

import io.javalin.security.RouteRole;
import java.util.Locale;

/** What a token allows; each route names the scope it needs. */
public enum Scope implements RouteRole {
    EVENTS_WRITE, ALERTS_READ, RULES_READ, RULES_WRITE, WEBHOOKS_WRITE,
    /** Only the admin token: issuing and revoking tokens. */
    ADMIN;

    /** The name used in tokens and messages: {@code events:write}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', ':');
    }
}
