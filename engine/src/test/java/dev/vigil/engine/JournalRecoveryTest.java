package dev.vigil.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.api.EngineListener;
import dev.vigil.engine.api.RuleSetSource;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Windows rebuilt from a journal: the kept events go through the session as they were posted. */
class JournalRecoveryTest {
    private static final String DRL = """
            package pay;

            declare Payment
                @role(event)
                @timestamp(time)
                @expires(1h)
                id : String
                time : long
                amount : java.math.BigDecimal
            end

            rule "large"
            when
                $p : Payment(amount > 10)
            then
                alerts.raise($p.getId(), "amount " + $p.getAmount());
            end
            """;

    @Test
    void recover_keepsEveryDigitOfTheKeptEventsDecimals() throws Exception {
        var alerts = new CopyOnWriteArrayList<Alert>();
        var json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        var kept = List.of(json.readTree("{\"type\":\"Payment\",\"id\":\"p1\",\"time\":\"2026-11-20T10:00:00Z\",\"amount\":12345678901234567.89}"));
        try (var engine = Engine.create(EngineConfig.defaults().withClock(InstantSource.fixed(Instant.parse("2026-11-20T10:00:00Z")))
                .withListener(new EngineListener() {
                    @Override
                    public void onAlert(Alert alert) {
                        alerts.add(alert);
                    }
                }))) {
            engine.deploy(RuleSetSource.of("pay", Map.of("pay.drl", DRL)));

            var recovery = engine.recover("pay", new ListJournal(kept), Duration.ofDays(1));

            assertThat(recovery.replayed()).isEqualTo(1);
            assertThat(alerts).singleElement().satisfies(a -> assertThat(a.message()).isEqualTo("amount 12345678901234567.89"));
        }
    }
}
