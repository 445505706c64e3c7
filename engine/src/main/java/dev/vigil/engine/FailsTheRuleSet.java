package dev.vigil.engine;

import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.EngineListener;
import dev.vigil.engine.api.Event;
import dev.vigil.engine.api.RuleError;
import dev.vigil.engine.session.LiveRuleSet;

/**
 * A stream's listener: what the stream raises goes to the transport's listener, and a failure of
 * the stream fails its rule set, so that the rule set's state says what its rules did wherever
 * they ran (the engine's listener is told once, by the rule set).
 */
final class FailsTheRuleSet implements EngineListener {
    private final EngineListener transport;
    private final LiveRuleSet ruleSet;

    FailsTheRuleSet(EngineListener transport, LiveRuleSet ruleSet) {
        this.transport = transport;
        this.ruleSet = ruleSet;
    }

    @Override
    public void onAlert(Alert alert) {
        transport.onAlert(alert);
    }

    @Override
    public void onRuleError(RuleError error) {
        transport.onRuleError(error);
    }

    @Override
    public void onLateEvent(String name, Event event, long watermark, boolean inserted) {
        transport.onLateEvent(name, event, watermark, inserted);
    }

    @Override
    public void onProcessed(String name, int events, long waitedNanos, long processingNanos) {
        transport.onProcessed(name, events, waitedNanos, processingNanos);
    }

    @Override
    public void onRuleSetFailed(String name, int version, String reason) {
        transport.onRuleSetFailed(name, version, reason);
        ruleSet.failedElsewhere(reason);
    }
}
