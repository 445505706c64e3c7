package dev.vigil.server.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.Diagnostic;
import dev.vigil.engine.api.EventType;
import dev.vigil.engine.api.RuleInfo;
import dev.vigil.kafka.KafkaStatus;
import java.io.IOException;
import java.util.Locale;

/** The JSON shapes of the engine's values in the API. */
public final class Views {
    private final ObjectMapper json;

    public Views(ObjectMapper json) {
        this.json = json;
    }

    public ObjectNode rule(RuleInfo rule) {
        var node = json.createObjectNode().put("name", rule.name()).put("package", rule.packageName())
                .put("severity", rule.severity().label());
        if (!rule.suppress().isZero()) {
            node.put("suppress", rule.suppress().toMillis() + "ms");
        }
        return node;
    }

    public ObjectNode eventType(EventType type) {
        var node = json.createObjectNode().put("name", type.name()).put("package", type.packageName());
        var fields = node.putArray("fields");
        type.fields().forEach(f -> fields.addObject().put("name", f.name()).put("type", f.type()));
        node.put("timestampField", type.timestampField()).put("durationField", type.durationField());
        node.put("expires", type.expires() == null ? null : type.expires().toMillis() + "ms");
        node.put("retention", type.retention() == null ? null : type.retention().toMillis() + "ms");
        return node;
    }

    /** A diagnostic; {@code "follows": true} when it follows from an earlier one (and goes with it). */
    public ObjectNode diagnostic(Diagnostic d) {
        var node = json.createObjectNode().put("level", d.level().name().toLowerCase(Locale.ROOT)).put("file", d.file())
                .put("line", d.line()).put("column", d.column()).put("message", d.message());
        if (d.rule() != null) {
            node.put("rule", d.rule());
        }
        if (d.follows()) {
            node.put("follows", true);
        }
        return node;
    }

    /** The Kafka transport: the connection, and each rule set's consumer with its partitions. */
    public ObjectNode kafka(KafkaStatus status) {
        var node = json.createObjectNode().put("bootstrap", status.bootstrap()).put("connected", status.connected())
                .put("since", status.since().toString());
        if (status.problem() != null) {
            node.put("problem", status.problem());
        }
        var ruleSets = node.putArray("ruleSets");
        status.ruleSets().forEach(r -> ruleSets.add(kafka(r)));
        return node;
    }

    /** One rule set's consumer: its topic and group, its state, and the partitions assigned to this server. */
    public ObjectNode kafka(KafkaStatus.RuleSetStatus status) {
        var node = json.createObjectNode().put("ruleSet", status.ruleSet()).put("topic", status.topic()).put("group", status.group())
                .put("state", status.state()).put("startsOver", status.startsOver());
        if (status.problem() != null) {
            node.put("problem", status.problem());
        }
        var partitions = node.putArray("partitions");
        for (var p : status.partitions()) {
            var partition = partitions.addObject().put("partition", p.partition()).put("state", p.state()).put("lag", p.lag())
                    .put("committed", p.committed()).put("position", p.position()).put("eventsProcessed", p.events())
                    .put("alerts", p.alerts());
            if (p.rebuildFrom() != null) {
                partition.put("rebuildFrom", p.rebuildFrom()).put("resumeAt", p.resumeAt()).put("alertsHeldBack", p.heldBack());
            }
        }
        return node;
    }

    /**
     * An alert: {@code evidence} the ids of the events that triggered it, {@code context} what its
     * rule consulted beside them ({@code {"events": 42, "ids": [the newest five]}}).
     */
    public ObjectNode alert(Alert a) {
        var node = json.createObjectNode().put("id", a.id()).put("ruleSet", a.ruleSet()).put("version", a.version())
                .put("rule", a.rule()).put("severity", a.severity().label()).put("key", a.key()).put("message", a.message())
                .put("eventTime", a.eventTime().toString()).put("firedAt", a.firedAt().toString());
        var evidence = node.putArray("evidence");
        a.evidence().forEach(evidence::add);
        var context = node.putObject("context").put("events", a.context().events());
        var ids = context.putArray("ids");
        a.context().ids().forEach(ids::add);
        node.set("attributes", json.valueToTree(a.attributes()));
        return node;
    }

    /**
     * The fields of {@link #alert} written straight to {@code out}, inside an object the caller
     * opens and closes: the same text without building the tree, for writing many alerts.
     */
    public void writeAlertFields(JsonGenerator out, Alert a) throws IOException {
        out.writeStringField("id", a.id());
        out.writeStringField("ruleSet", a.ruleSet());
        out.writeNumberField("version", a.version());
        out.writeStringField("rule", a.rule());
        out.writeStringField("severity", a.severity().label());
        out.writeStringField("key", a.key());
        out.writeStringField("message", a.message());
        out.writeStringField("eventTime", a.eventTime().toString());
        out.writeStringField("firedAt", a.firedAt().toString());
        out.writeArrayFieldStart("evidence");
        for (var id : a.evidence()) {
            out.writeString(id);
        }
        out.writeEndArray();
        out.writeObjectFieldStart("context");
        out.writeNumberField("events", a.context().events());
        out.writeArrayFieldStart("ids");
        for (var id : a.context().ids()) {
            out.writeString(id);
        }
        out.writeEndArray();
        out.writeEndObject();
        out.writeFieldName("attributes");
        if (a.attributes().isEmpty()) {
            out.writeStartObject();
            out.writeEndObject();
        } else {
            out.writeTree(json.valueToTree(a.attributes()));
        }
    }
}
