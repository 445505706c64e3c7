package dev.vigil.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.engine.api.Severity;
import dev.vigil.server.auth.Scope;
import dev.vigil.server.store.WebhookStore.Delivery;
import dev.vigil.server.store.WebhookStore.Subscription;
import dev.vigil.server.webhook.AddressPolicy;
import dev.vigil.server.webhook.Payloads;
import dev.vigil.server.webhook.Signer;
import dev.vigil.server.webhook.Webhooks;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code /api/v1/webhooks}: subscriptions, test deliveries, the delivery log and retries by hand. */
public final class WebhookRoutes {
    private static final Set<String> FIELDS = Set.of("url", "filter", "format", "secret");
    private static final Set<String> FILTER_FIELDS = Set.of("rulesets", "rules", "minSeverity");

    private final Webhooks webhooks;
    private final ObjectMapper json;

    public WebhookRoutes(Webhooks webhooks, ObjectMapper json) {
        this.webhooks = webhooks;
        this.json = json;
    }

    public void create(Context ctx) {
        var body = Bodies.object(ctx, json);
        var problems = new ArrayList<Map<String, String>>();
        body.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                problems.add(problem(f, "unknown field: a subscription has url, filter, format and secret"));
            }
        });
        var url = text(body, "url", problems);
        if (url == null) {
            problems.add(problem("url", "give the receiver's address, as in \"url\": \"https://example.com/hooks/vigil\""));
        } else {
            checkUrl(url, problems, webhooks.addresses());
        }
        var format = body.has("format") ? text(body, "format", problems) : "vigil";
        if (format != null && !Payloads.FORMATS.contains(format)) {
            problems.add(problem("format", "'" + format + "' is not a format: use one of " + String.join(", ", Payloads.FORMATS)));
        }
        var secret = body.has("secret") ? text(body, "secret", problems) : Signer.newSecret();
        if (secret != null) {
            try {
                Signer.key(secret);
            } catch (IllegalArgumentException e) {
                problems.add(problem("secret", e.getMessage()));
            }
        }
        List<String> ruleSets = List.of();
        List<String> rules = List.of();
        Severity minSeverity = Severity.LOW;
        var filter = body.get("filter");
        if (filter != null && !filter.isNull()) {
            if (!filter.isObject()) {
                problems.add(problem("filter", "a filter is an object: {\"rulesets\": [...], \"rules\": [...], \"minSeverity\": \"high\"}"));
            } else {
                filter.fieldNames().forEachRemaining(f -> {
                    if (!FILTER_FIELDS.contains(f)) {
                        problems.add(problem("filter." + f, "unknown field: a filter has rulesets, rules and minSeverity"));
                    }
                });
                ruleSets = strings(filter, "rulesets", problems);
                rules = strings(filter, "rules", problems);
                if (filter.has("minSeverity")) {
                    var text = text(filter, "minSeverity", problems, "filter.minSeverity");
                    try {
                        minSeverity = Severity.parse(text);
                    } catch (IllegalArgumentException e) {
                        problems.add(problem("filter.minSeverity", e.getMessage()));
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ApiException(400, "invalid_subscription", problems.size() + " problem(s) in the subscription: "
                    + problems.get(0).get("field") + ": " + problems.get(0).get("message"), problems);
        }
        var s = webhooks.subscribe(url, ruleSets, rules, minSeverity, format, secret);
        ctx.status(201).json(view(s, false));
    }

    public void list(Context ctx) {
        var out = json.createArrayNode();
        webhooks.subscriptions().forEach(s -> out.add(view(s, true)));
        ctx.json(out);
    }

    public void get(Context ctx) {
        ctx.json(view(find(ctx), true));
    }

    public void delete(Context ctx) {
        var id = ctx.pathParam("id");
        if (!webhooks.unsubscribe(id)) {
            throw ApiException.notFound("no webhook subscription '" + id + "'");
        }
        ctx.status(204);
    }

    /** Sends a test delivery at once and answers how it went: the delivery's state, the receiver's status, the time it took. */
    public void test(Context ctx) {
        var sent = webhooks.test(find(ctx));
        ctx.json(view(sent.alert().id(), sent.attempt()));
    }

    public void deliveries(Context ctx) {
        var s = find(ctx);
        int limit = ctx.queryParam("limit") == null ? 100 : Bodies.intParam(ctx.queryParam("limit"), "limit");
        if (limit < 1 || limit > 1000) {
            throw ApiException.badRequest("limit must be between 1 and 1000");
        }
        long before = 0;
        var cursor = ctx.queryParam("cursor");
        if (cursor != null) {
            try {
                before = Long.parseLong(cursor);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("cursor must be the 'next' of a previous page");
            }
        }
        var page = webhooks.deliveries(s.id(), before, limit);
        var out = json.createObjectNode();
        var items = out.putArray("deliveries");
        page.forEach(d -> items.add(view(d)));
        if (page.size() == limit) {
            out.put("next", Long.toString(page.get(page.size() - 1).seq()));
        } else {
            out.putNull("next");
        }
        ctx.json(out);
    }

    public void retry(Context ctx) {
        var s = find(ctx);
        var alertId = ctx.pathParam("alertId");
        var attempt = webhooks.retry(s.id(), alertId)
                .orElseThrow(() -> ApiException.notFound("no delivery of alert '" + alertId + "' to " + s.id() + " is pending or failed"));
        ctx.json(view(alertId, attempt));
    }

    private ObjectNode view(String alertId, Webhooks.Attempt attempt) {
        var out = json.createObjectNode().put("alertId", alertId).put("state", attempt.state());
        if (attempt.status() == null) {
            out.putNull("status");
        } else {
            out.put("status", attempt.status());
        }
        return out.put("error", attempt.error()).put("ms", attempt.took().toMillis());
    }

    private Subscription find(Context ctx) {
        var id = ctx.pathParam("id");
        return webhooks.subscription(id).orElseThrow(() -> ApiException.notFound("no webhook subscription '" + id + "'"));
    }

    private ObjectNode view(Subscription s, boolean maskSecret) {
        var out = json.createObjectNode().put("id", s.id()).put("url", s.url()).put("format", s.format());
        var filter = out.putObject("filter");
        s.ruleSets().forEach(filter.putArray("rulesets")::add);
        s.rules().forEach(filter.putArray("rules")::add);
        filter.put("minSeverity", s.minSeverity().label());
        out.put("secret", maskSecret ? Signer.masked(s.secret()) : s.secret());
        out.put("createdAt", s.createdAt().toString());
        return out;
    }

    private ObjectNode view(Delivery d) {
        var out = json.createObjectNode().put("alertId", d.alertId()).put("state", d.state()).put("attempts", d.attempts());
        if (d.lastStatus() == null) {
            out.putNull("lastStatus");
        } else {
            out.put("lastStatus", d.lastStatus());
        }
        out.put("lastError", d.lastError());
        out.put("nextAttempt", "pending".equals(d.state()) ? d.nextAttempt().toString() : null);
        out.put("createdAt", d.createdAt().toString());
        out.put("deliveredAt", d.deliveredAt() == null ? null : d.deliveredAt().toString());
        return out;
    }

    private static void checkUrl(String url, List<Map<String, String>> problems, AddressPolicy addresses) {
        try {
            var uri = new URI(url);
            var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                problems.add(problem("url", "the url must be http or https, not '" + (scheme.isEmpty() ? url : scheme) + "'"));
            } else if (uri.getHost() == null || uri.getHost().isBlank()) {
                problems.add(problem("url", "the url has no host"));
            } else {
                addresses.refusal(uri).ifPresent(why -> problems.add(problem("url", why)));
            }
        } catch (URISyntaxException e) {
            problems.add(problem("url", "not a URL: " + e.getMessage()));
        }
    }

    private static String text(JsonNode node, String field, List<Map<String, String>> problems) {
        return text(node, field, problems, field);
    }

    private static String text(JsonNode node, String field, List<Map<String, String>> problems, String name) {
        var value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            problems.add(problem(name, "must be a string"));
            return null;
        }
        return value.asText();
    }

    private static List<String> strings(JsonNode filter, String field, List<Map<String, String>> problems) {
        var value = filter.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        var out = new ArrayList<String>();
        if (!value.isArray()) {
            problems.add(problem("filter." + field, "must be a list of names, as in [\"fraud\"]"));
            return List.of();
        }
        value.forEach(v -> {
            if (v.isTextual() && !v.asText().isBlank()) {
                out.add(v.asText());
            } else {
                problems.add(problem("filter." + field, "must hold names, and holds " + v));
            }
        });
        return out;
    }

    private static Map<String, String> problem(String field, String message) {
        var out = new LinkedHashMap<String, String>();
        out.put("field", field);
        out.put("message", message);
        return out;
    }

    public void addTo(RoutesConfig routes) {
        routes.post("/api/v1/webhooks", this::create, Scope.WEBHOOKS_WRITE);
        routes.get("/api/v1/webhooks", this::list, Scope.WEBHOOKS_WRITE);
        routes.get("/api/v1/webhooks/{id}", this::get, Scope.WEBHOOKS_WRITE);
        routes.delete("/api/v1/webhooks/{id}", this::delete, Scope.WEBHOOKS_WRITE);
        routes.post("/api/v1/webhooks/{id}/test", this::test, Scope.WEBHOOKS_WRITE);
        routes.get("/api/v1/webhooks/{id}/deliveries", this::deliveries, Scope.WEBHOOKS_WRITE);
        routes.post("/api/v1/webhooks/{id}/deliveries/{alertId}/retry", this::retry, Scope.WEBHOOKS_WRITE);
    }
}
