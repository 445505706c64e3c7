package dev.vigil.server.http;

import dev.vigil.server.auth.Scope;
import dev.vigil.server.auth.Tokens;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import java.util.Set;

/**
 * Who may call a route: the bearer token must be one the server knows, hold every scope the route
 * asks for, and stay within the request rate of {@code --rate-limit}. The token's name and scopes
 * are kept on the request for the audit log and the routes.
 */
public final class Authorization {
    private final Tokens tokens;
    /** Null when requests are not limited. */
    private final RateLimiter limiter;

    /** {@code requestsPerSecond} 0: no limit. */
    public Authorization(Tokens tokens, int requestsPerSecond) {
        this.tokens = tokens;
        this.limiter = requestsPerSecond == 0 ? null : new RateLimiter(requestsPerSecond);
    }

    /** Checks every matched route against the scopes it was added with. */
    public void addTo(RoutesConfig routes) {
        routes.beforeMatched(ctx -> authorize(ctx, ctx.routeRoles()));
    }

    /** 401 without a known token, 429 past the rate limit, 403 without every scope in {@code required}; nothing when none is required. */
    public void authorize(Context ctx, Set<? extends RouteRole> required) {
        if (required.isEmpty()) {
            return;
        }
        var grant = authenticate(ctx);
        if (limiter != null) {
            long wait = limiter.take(grant.name());
            if (wait > 0) {
                ctx.header("Retry-After", Long.toString(Math.max(1, (wait + 999) / 1000)));
                throw new ApiException(429, "rate_limited", "token '" + grant.name() + "' made more than " + limiter.perSecond()
                        + " requests a second (--rate-limit); retry after the seconds Retry-After gives");
            }
        }
        for (var role : required) {
            if (!grant.scopes().contains(role)) {
                throw new ApiException(403, "forbidden", "the token lacks the scope " + ((Scope) role).label());
            }
        }
    }

    /** The request's bearer token, its scopes and name kept on the request; 401 when it is not one. */
    public Tokens.Grant authenticate(Context ctx) {
        var bearer = bearer(ctx);
        var grant = tokens.grantOf(bearer).orElseThrow(() -> {
            ctx.header("WWW-Authenticate", "Bearer");
            return new ApiException(401, "unauthorized", bearer == null
                    ? "send a token: Authorization: Bearer <token>" : "the token is not valid");
        });
        ctx.attribute(Tokens.GRANTED_SCOPES, grant.scopes());
        ctx.attribute(Tokens.ACTOR, grant.name());
        return grant;
    }

    private static String bearer(Context ctx) {
        var header = ctx.header("Authorization");
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    }
}
