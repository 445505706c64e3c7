package dev.vigil.engine.replay;

import static dev.vigil.engine.RuleHarness.at;
import static dev.vigil.engine.RuleHarness.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.EventReaders;
import dev.vigil.engine.TestRules;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.EventInputException;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.ruleset.CompiledRuleSet;
import dev.vigil.engine.ruleset.RuleSetCompiler;
import dev.vigil.engine.session.Watchdog;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayCompareTest {
    private static final String LARGE = """
            rule "large"
            when
                $t : Transaction(amount > 1000, $acc : accountId)
            then
                alerts.raise($acc, "large");
            end
            """;
    private static final InstantSource WALL = InstantSource.fixed(at("0:00"));
    private static final Watchdog WATCHDOG = Watchdog.start(Duration.ofSeconds(10));

    private static CompiledRuleSet compile(String name, String drl) {
        return new RuleSetCompiler().compile(RuleSetSource.of(name, Map.of("rules.drl", drl)));
    }

    /** Transactions 5 s apart over two accounts; every third one large. */
    private static List<JsonNode> events() {
        var out = new ArrayList<JsonNode>();
        for (int i = 0; i < 24; i++) {
            out.add(event("Transaction", "0:%02d".formatted(i * 2), "id", "t" + i, "accountId", "a" + (i % 2),
                    "amount", i % 3 == 0 ? 5_000 : 10));
        }
        return out;
    }

    private static List<String> ids(List<Alert> alerts) {
        return alerts.stream().map(Alert::id).toList();
    }

    @Test
    void compare_listsTheAlertsOfAnAddedRuleAsAdded_andOfARemovedRuleAsRemoved() {
        var added = Replay.compare(compile("fraud", TestRules.TRANSACTION + LARGE),
                compile("fraud", TestRules.TRANSACTION + LARGE + TestRules.burst(3)), events().iterator(), null, WALL, WATCHDOG);
        var removed = Replay.compare(compile("fraud", TestRules.TRANSACTION + LARGE + TestRules.burst(3)),
                compile("fraud", TestRules.TRANSACTION + TestRules.burst(3)), events().iterator(), null, WALL, WATCHDOG);

        assertThat(added.diff().added()).isNotEmpty().allSatisfy(a -> assertThat(a.rule()).isEqualTo("burst"));
        assertThat(added.diff().removed()).isEmpty();
        assertThat(added.diff().unchanged()).isEqualTo(8);
        assertThat(ids(added.baseline().alerts())).hasSize(8);
        assertThat(removed.diff().removed()).hasSize(8).allSatisfy(a -> assertThat(a.rule()).isEqualTo("large"));
        assertThat(removed.diff().added()).isEmpty();
        assertThat(removed.diff().unchanged()).isEqualTo(added.diff().added().size());
    }

    @Test
    void compare_needsTheSameRuleSetName() {
        assertThatThrownBy(() -> Replay.compare(compile("fraud", TestRules.TRANSACTION + LARGE),
                compile("other", TestRules.TRANSACTION + LARGE), events().iterator(), null, WALL, WATCHDOG))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'fraud' and 'other'");
    }

    @Test
    void replayingTwice_andFromNdjsonOrCsv_givesTheSameAlerts_andTheEventTimeSpan() {
        var json = new ObjectMapper();
        var drl = TestRules.TRANSACTION + LARGE + TestRules.burst(3);
        var inline = Replay.run(compile("fraud", drl), events().iterator(), null, WALL, WATCHDOG);
        var again = Replay.run(compile("fraud", drl), events().iterator(), null, WALL, WATCHDOG);
        var ndjson = new StringBuilder();
        var csv = new StringBuilder("id,at,accountId,amount\n");
        for (var e : events()) {
            ndjson.append(e).append('\n');
            csv.append(e.get("id").asText()).append(',').append(e.get("time").asText()).append(',')
                    .append(e.get("accountId").asText()).append(',').append(e.get("amount").asText()).append('\n');
        }
        var compiledForNdjson = compile("fraud", drl);
        var fromNdjson = Replay.run(compiledForNdjson,
                EventReaders.ndjson(new ByteArrayInputStream(ndjson.toString().getBytes(StandardCharsets.UTF_8)), json), null, WALL, WATCHDOG);
        var compiledForCsv = compile("fraud", drl);
        var type = compiledForCsv.eventTypes().get(0);
        var fromCsv = Replay.run(compiledForCsv, EventReaders.csv(new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)),
                type, "at", json), null, WALL, WATCHDOG);

        assertThat(ids(inline.alerts())).isNotEmpty();
        assertThat(ids(again.alerts())).isEqualTo(ids(inline.alerts()));
        assertThat(ids(fromNdjson.alerts())).isEqualTo(ids(inline.alerts()));
        assertThat(ids(fromCsv.alerts())).isEqualTo(ids(inline.alerts()));
        assertThat(inline.stats().firstEventTime()).isEqualTo(at("0:00"));
        assertThat(inline.stats().lastEventTime()).isEqualTo(at("0:46"));
        assertThat(Replay.run(compile("fraud", drl), List.<JsonNode>of().iterator(), null, WALL, WATCHDOG).stats().firstEventTime()).isNull();
    }

    @Test
    void aBrokenInput_stopsTheReplay_namingTheLine() {
        var input = EventReaders.ndjson(new ByteArrayInputStream((events().get(0) + "\n{nope\n").getBytes(StandardCharsets.UTF_8)),
                new ObjectMapper());

        assertThatThrownBy(() -> Replay.run(compile("fraud", TestRules.TRANSACTION + LARGE), input, null, WALL, WATCHDOG))
                .isInstanceOf(EventInputException.class).hasMessageStartingWith("line 2: not JSON");
    }
}
