package dev.vigil.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.server.auth.Scope;
import dev.vigil.server.auth.Tokens;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code /api/v1/tokens}: the caller's own token, and for an admin, issuing, listing and revoking tokens and rotating the admin's. */
public final class TokenRoutes {
    private final Tokens tokens;
    private final Authorization authorization;
    private final ObjectMapper json;
    private final InstantSource clock;

    public TokenRoutes(Tokens tokens, Authorization authorization, ObjectMapper json, InstantSource clock) {
        this.tokens = tokens;
        this.authorization = authorization;
        this.json = json;
        this.clock = clock;
    }

    public void addTo(RoutesConfig routes) {
        routes.get("/api/v1/tokens/self", this::self);
        routes.post("/api/v1/tokens/admin/rotate", this::rotateAdmin, Scope.ADMIN);
        routes.post("/api/v1/tokens", this::issue, Scope.ADMIN);
        routes.get("/api/v1/tokens", this::list, Scope.ADMIN);
        routes.delete("/api/v1/tokens/{name}", this::revoke, Scope.ADMIN);
    }

    private void self(Context ctx) {
        var grant = authorization.authenticate(ctx);
        ctx.json(Map.of("name", grant.name(), "scopes", grant.scopes().stream().map(Scope::label).sorted().toList()));
    }

    private void rotateAdmin(Context ctx) {
        ctx.json(Map.of("name", "admin", "token", tokens.rotateAdmin()
                .orElseThrow(() -> new ApiException(409, "admin_token_configured", "the admin token is set by VIGIL_ADMIN_TOKEN:"
                        + " change it there and restart"))));
    }

    private void issue(Context ctx) {
        var body = Bodies.object(ctx, json);
        var name = body.path("name").asText("");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
            throw ApiException.badRequest("name must be 1-128 letters, digits, '.', '_' or '-'");
        }
        var labels = new ArrayList<String>();
        body.path("scopes").forEach(s -> labels.add(s.asText()));
        Set<Scope> scopes;
        try {
            scopes = Tokens.parse(labels);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (scopes.isEmpty()) {
            throw ApiException.badRequest("give the token at least one scope: {\"name\": \"...\", \"scopes\": [\"events:write\"]}");
        }
        var token = tokens.issue(name, scopes, clock.instant())
                .orElseThrow(() -> new ApiException(409, "conflict", "a token named '" + name + "' exists; revoke it first"));
        ctx.status(201).json(Map.of("name", name, "token", token, "scopes", scopes.stream().map(Scope::label).sorted().toList()));
    }

    private void list(Context ctx) {
        ctx.json(tokens.list().stream().map(t -> {
            var out = new LinkedHashMap<String, Object>();
            out.put("name", t.name());
            out.put("scopes", t.scopes().stream().map(Scope::label).sorted().toList());
            out.put("source", t.source());
            return out;
        }).toList());
    }

    private void revoke(Context ctx) {
        var name = ctx.pathParam("name");
        if (tokens.isFromFile(name)) {
            throw new ApiException(409, "token_in_file", "the token '" + name + "' comes from the tokens file: remove it there");
        }
        if (!tokens.revoke(name)) {
            throw ApiException.notFound("no token named '" + name + "'");
        }
        ctx.status(204);
    }
}
