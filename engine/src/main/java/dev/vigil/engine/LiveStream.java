package dev.vigil.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.engine.api.Event;
import dev.vigil.engine.api.QueueFullException;
import dev.vigil.engine.api.RuleSetFailedException;
import dev.vigil.engine.api.RuleSetStats;
import dev.vigil.engine.api.RuleSetStatus;
import dev.vigil.engine.api.RuleSetStream;
import dev.vigil.engine.session.LiveRuleSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/** A rule set's stream: a live rule set of its own, known to the engine so that deploys reach it. */
final class LiveStream implements RuleSetStream {
    private final String name;
    private final LiveRuleSet live;
    private final Consumer<LiveStream> onClose;

    LiveStream(String name, LiveRuleSet live, Consumer<LiveStream> onClose) {
        this.name = name;
        this.live = live;
        this.onClose = onClose;
    }

    LiveRuleSet live() {
        return live;
    }

    @Override
    public String ruleSet() {
        return live.name();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Event decode(JsonNode event, int index) {
        return live.decoder().decode(event, index);
    }

    /**
     * {@inheritDoc}
     *
     * @throws QueueFullException     when they do not fit the queue now
     * @throws RuleSetFailedException when it has stopped
     */
    @Override
    public void submit(List<Event> events) {
        live.submit(events);
    }

    @Override
    public CompletableFuture<RuleSetStats> flush() {
        return live.flush();
    }

    @Override
    public <T> CompletableFuture<T> checkpoint(Function<RuleSetStats, T> take) {
        return live.checkpoint(take);
    }

    @Override
    public CompletableFuture<RuleSetStats> catchUp(long watermark, long clock) {
        return live.catchUp(watermark, clock);
    }

    @Override
    public RuleSetStatus status() {
        return live.status();
    }

    @Override
    public RuleSetStats stats() {
        return live.stats();
    }

    @Override
    public void close() {
        onClose.accept(this);
        live.close();
    }
}
