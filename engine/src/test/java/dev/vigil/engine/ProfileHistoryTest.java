package dev.vigil.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.profile.ProfileRulesTest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How far back a rule set's history reaches when its profiles hold longer than its events stay. */
class ProfileHistoryTest {
    private static final Instant DAY0 = Instant.parse("2026-11-01T12:00:00Z");

    private static Engine engineAt(Instant now) {
        return Engine.create(EngineConfig.defaults().withClock(InstantSource.fixed(now)));
    }

    @Test
    void history_isTheLongestProfileSpan_whenItOutlastsTheEvents() {
        try (var engine = engineAt(DAY0)) {
            engine.deploy(RuleSetSource.of("cards", Map.of("cards.drl", ProfileRulesTest.DRL)));

            var info = engine.ruleSet("cards").orElseThrow();
            assertThat(info.eventTypes()).singleElement().satisfies(t -> assertThat(t.retention()).isEqualTo(Duration.ofMinutes(1)));
            assertThat(info.history()).isEqualTo(Duration.ofDays(30));
        }
    }

    @Test
    void history_isUnbounded_whenAProfilesSpanIsComputed() {
        var drl = ProfileRulesTest.DRL.replace("Profile.of(\"amount\", $card, \"1d\", \"30d\")",
                "Profile.of(\"amount\", $card, \"1d\", $card.length() + \"d\")");
        try (var engine = engineAt(DAY0)) {
            engine.deploy(RuleSetSource.of("cards", Map.of("cards.drl", drl)));

            assertThat(engine.ruleSet("cards").orElseThrow().history()).isNull();
        }
    }

    @Test
    void recover_readsTheJournalBackAsFarAsTheProfilesReach() {
        var kept = new ArrayList<JsonNode>();
        for (int day = 0; day < 10; day++) {
            kept.add(RuleHarness.JSON.createObjectNode().put("type", "Transaction").put("id", "t" + day)
                    .put("time", DAY0.plus(Duration.ofDays(day)).toString()).put("cardId", "c1").put("amount", 10.0));
        }
        try (var engine = engineAt(DAY0.plus(Duration.ofDays(10)))) {
            engine.deploy(RuleSetSource.of("cards", Map.of("cards.drl", ProfileRulesTest.DRL)));

            var recovery = engine.recover("cards", new ListJournal(kept), Duration.ofDays(1));

            assertThat(recovery.replayed()).as("ten days of payments for a 30-day profile, not the last minute's").isEqualTo(10);
        }
    }
}
