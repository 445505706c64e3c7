package dev.vigil.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.AlertContext;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.api.EngineListener;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.api.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The README's engine example, run as written. */
class ReadmeExampleTest {
    private static final String DRL = """
            package fraud;

            declare Transaction
                @role(event)
                @timestamp(time)
                id : String
                time : long
                accountId : String
                amount : double
            end

            rule "burst"
                @severity("high")
                @suppress("10m")
            when
                $t : Transaction($acc : accountId) over window:time(60s)
                not Transaction(accountId == $acc, this after $t) over window:time(60s)   // $t is the newest: the trigger
                Number(intValue > 5) from accumulate(Transaction(accountId == $acc) over window:time(60s), count(1))
            then
                alerts.raise($acc, "more than 5 transactions in 60 s");
            end
            """;

    @Test
    void readmeExample_raisesTheBurstAlert_liveAndInReplay() throws Exception {
        var json = new ObjectMapper();
        var lastWeek = new ArrayList<JsonNode>();
        for (int i = 0; i < 6; i++) {
            lastWeek.add(json.readTree("""
                    {"type": "Transaction", "id": "t%d", "time": "%s", "accountId": "a1", "amount": 12.5}
                    """.formatted(i, Instant.parse("2026-11-20T10:00:00Z").plusSeconds(i * 10))));
        }
        List<Alert> alerts = new CopyOnWriteArrayList<>();
        EngineListener listener = new EngineListener() {
            @Override
            public void onAlert(Alert alert) {
                alerts.add(alert);
            }
        };

        try (var engine = Engine.create(EngineConfig.defaults().withListener(listener))) {
            engine.deploy(RuleSetSource.of("fraud", Map.of("fraud.drl", DRL)));
            engine.submit("fraud", lastWeek);
            await().atMost(Duration.ofSeconds(10)).until(() -> !alerts.isEmpty());

            var result = engine.replay(RuleSetSource.of("fraud", Map.of("fraud.drl", DRL)), lastWeek.iterator(), null);

            assertThat(alerts).singleElement().satisfies(a -> {
                assertThat(a.severity()).isEqualTo(Severity.HIGH);
                assertThat(a.key()).isEqualTo("a1");
                assertThat(a.evidence()).containsExactly("t5");
                assertThat(a.context()).isEqualTo(new AlertContext(6, List.of("t1", "t2", "t3", "t4", "t5")));
            });
            assertThat(result.alerts()).extracting(Alert::id).containsExactly(alerts.get(0).id());
            assertThat(result.stats().events()).isEqualTo(6);
        }
    }
}
