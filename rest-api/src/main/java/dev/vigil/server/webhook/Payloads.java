package dev.vigil.server.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.engine.api.Alert;
import dev.vigil.server.json.Views;
import java.util.List;
import java.util.Locale;

/** The body a subscription receives for an alert, in its format: Vigil's own, Alertmanager's or Slack's. */
public final class Payloads {
    /** The formats a subscription may ask for. */
    public static final List<String> FORMATS = List.of("vigil", "alertmanager", "slack");

    private final ObjectMapper json;
    private final Views views;

    public Payloads(ObjectMapper json) {
        this.json = json;
        this.views = new Views(json);
    }

    public byte[] render(String format, Alert alert) {
        var body = switch (format) {
            case "alertmanager" -> alertmanager(alert);
            case "slack" -> slack(alert);
            default -> views.alert(alert);
        };
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an alert cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    /** Alertmanager's webhook payload, version 4: one group holding the alert, firing. */
    private ObjectNode alertmanager(Alert a) {
        var labels = json.createObjectNode().put("alertname", a.rule()).put("ruleset", a.ruleSet()).put("severity", a.severity().label())
                .put("key", a.key());
        var annotations = json.createObjectNode().put("message", a.message());
        a.attributes().forEach((k, v) -> annotations.put(k, String.valueOf(v)));
        var out = json.createObjectNode().put("version", "4")
                .put("groupKey", "{}:{alertname=\"" + a.rule().replace("\"", "\\\"") + "\", key=\"" + a.key().replace("\"", "\\\"") + "\"}")
                .put("truncatedAlerts", 0).put("status", "firing").put("receiver", "vigil");
        out.putObject("groupLabels").put("alertname", a.rule()).put("key", a.key());
        out.set("commonLabels", labels.deepCopy());
        out.set("commonAnnotations", annotations.deepCopy());
        out.put("externalURL", "");
        var alert = out.putArray("alerts").addObject().put("status", "firing");
        alert.set("labels", labels);
        alert.set("annotations", annotations);
        alert.put("startsAt", a.eventTime().toString()).put("endsAt", "0001-01-01T00:00:00Z").put("generatorURL", "")
                .put("fingerprint", a.id().substring(0, Math.min(16, a.id().length())));
        return out;
    }

    /** A Slack incoming-webhook message: a line of text, and blocks with the rule, key, severity and message. */
    private ObjectNode slack(Alert a) {
        var severity = a.severity().label().toUpperCase(Locale.ROOT);
        var out = json.createObjectNode().put("text", "[" + severity + "] " + a.rule() + " (" + a.key() + "): " + a.message());
        var blocks = out.putArray("blocks");
        blocks.addObject().put("type", "header").putObject("text").put("type", "plain_text").put("text", "[" + severity + "] " + a.rule());
        var fields = blocks.addObject().put("type", "section").putArray("fields");
        fields.addObject().put("type", "mrkdwn").put("text", "*Rule*\n" + a.rule());
        fields.addObject().put("type", "mrkdwn").put("text", "*Key*\n" + a.key());
        fields.addObject().put("type", "mrkdwn").put("text", "*Severity*\n" + a.severity().label());
        fields.addObject().put("type", "mrkdwn").put("text", "*Rule set*\n" + a.ruleSet());
        blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", a.message().isEmpty() ? " " : a.message());
        blocks.addObject().put("type", "context").putArray("elements").addObject().put("type", "mrkdwn")
                .put("text", "alert " + a.id() + " at " + a.eventTime());
        return out;
    }
}
