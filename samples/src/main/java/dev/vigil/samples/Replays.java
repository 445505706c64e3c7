package dev.vigil.samples;

import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.Engine;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.ReplayResult;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.EventReaders;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

/** A rule set replayed over NDJSON events in this process, as {@code vigil replay} does: the alerts it raises. */
public final class Replays {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The rule timeout of {@code vigil replay} by default. */
    private static final Duration RULE_TIMEOUT = Duration.ofSeconds(10);

    private Replays() {
    }

    /**
     * The alerts {@code rules} raise over the NDJSON {@code events}, the clock moved on to
     * {@code until} (when not null) after the last one so that absences still fire.
     */
    public static List<Alert> alerts(RuleSetSource rules, InputStream events, Instant until) {
        var input = EventReaders.ndjson(events, JSON);
        ReplayResult result;
        try (var engine = Engine.create(EngineConfig.defaults().withClock(InstantSource.fixed(Instant.EPOCH)).withRuleTimeout(RULE_TIMEOUT));
             var replay = engine.prepareReplay(rules)) {
            result = replay.run(input, until);
        }
        if (!result.errors().isEmpty()) {
            throw new IllegalArgumentException("the events do not fit the rules' types: " + result.errors().get(0));
        }
        return result.alerts();
    }
}
