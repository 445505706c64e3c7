package dev.vigil.server.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.RuleError;
import dev.vigil.kafka.AlertOutlet;
import dev.vigil.server.json.Views;
import java.io.UncheckedIOException;

/**
 * The server as the Kafka transport sees it: the alerts of rule sets that consume a topic go
 * through the alert pipeline (store, live stream, webhooks) like any other, their processing to the
 * metrics, and alerts are written for the alerts topic as the API returns them.
 */
public final class KafkaAlerts implements AlertOutlet {
    private final AlertPipeline pipeline;
    private final ObjectMapper json;
    private final Views views;

    public KafkaAlerts(AlertPipeline pipeline, ObjectMapper json) {
        this.pipeline = pipeline;
        this.json = json;
        this.views = new Views(json);
    }

    @Override
    public void onAlert(Alert alert) {
        pipeline.onAlert(alert);
    }

    @Override
    public void onProcessed(String ruleSet, int events, long waitedNanos, long processingNanos) {
        pipeline.onProcessed(ruleSet, events, waitedNanos, processingNanos);
    }

    @Override
    public void awaitStored(String ruleSet) throws InterruptedException {
        pipeline.awaitStored(ruleSet);
    }

    @Override
    public byte[] json(Alert alert) {
        try {
            return json.writeValueAsBytes(views.alert(alert));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("alert " + alert.id() + " could not be written as JSON", e);
        }
    }

    @Override
    public void onRuleError(RuleError error) {
        pipeline.onRuleError(error);
    }

}
