package dev.vigil.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.AlertContext;
import dev.vigil.engine.api.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AlertStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private final Database database = Database.inMemory("alerts-" + UUID.randomUUID());
    private final AlertStore store = new AlertStore(database, new ObjectMapper());

    @AfterEach
    void close() {
        database.close();
    }

    private static Alert alert(String id, String ruleSet, Severity severity, String key, int second) {
        return new Alert(id, ruleSet, 1, "burst", severity, key, "more than 5", T0.plusSeconds(second), T0.plusSeconds(second + 1),
                List.of("e6"), new AlertContext(6, List.of("e2", "e3", "e4", "e5", "e6")), Map.of("count", 6));
    }

    private static AlertQuery all(int limit) {
        return new AlertQuery(null, null, null, null, null, null, limit, 0);
    }

    @Test
    void saveAll_storesEachIdOnce_andReadsItBackWhole() {
        var a = alert("a1", "fraud", Severity.HIGH, "acc1", 0);
        store.saveAll(List.of(a));
        store.saveAll(List.of(a, alert("a2", "fraud", Severity.LOW, "acc2", 1)));

        assertThat(store.find(all(10))).extracting(s -> s.alert().id()).containsExactly("a2", "a1");
        assertThat(store.find("a1").orElseThrow().alert()).isEqualTo(a);
        assertThat(store.find("nope")).isEmpty();
    }

    @Test
    void find_anAlertStoredBeforeAlertsHadAContext_readsBackWithNone() throws Exception {
        try (var c = database.connection(); var s = c.createStatement()) {
            s.executeUpdate("INSERT INTO alert (id, rule_set, version, rule, severity, alert_key, message, event_time, fired_at, evidence,"
                    + " attributes) VALUES ('old', 'fraud', 1, 'burst', 'high', 'acc1', 'more than 5', TIMESTAMP WITH TIME ZONE"
                    + " '2026-11-20 10:00:00Z', TIMESTAMP WITH TIME ZONE '2026-11-20 10:00:01Z', '[\"e1\",\"e2\"]', '{}')");
        }

        var old = store.find("old").orElseThrow().alert();

        assertThat(old.evidence()).containsExactly("e1", "e2");
        assertThat(old.context()).isEqualTo(AlertContext.NONE);
    }

    @Test
    void saveAll_aRepeatWithinOneBatch_keepsTheFirst_andStoresTheRest() {
        var first = alert("a1", "fraud", Severity.HIGH, "acc1", 0);
        var again = alert("a1", "fraud", Severity.HIGH, "acc1", 50);
        store.saveAll(List.of(first, alert("a2", "fraud", Severity.LOW, "acc2", 1), again));

        assertThat(store.find(all(10))).extracting(s -> s.alert().id()).containsExactly("a2", "a1");
        assertThat(store.find("a1").orElseThrow().alert().firedAt()).isEqualTo(first.firedAt());
    }

    @Test
    void find_filtersByRuleSetSeverityKeyAndTime() {
        store.saveAll(List.of(alert("a1", "fraud", Severity.LOW, "acc1", 0), alert("a2", "fraud", Severity.HIGH, "acc2", 10),
                alert("a3", "ops", Severity.CRITICAL, "h1", 20), alert("a4", "fraud", Severity.MEDIUM, "acc1", 30)));

        assertThat(store.find(new AlertQuery("fraud", null, null, null, null, null, 10, 0))).extracting(s -> s.alert().id())
                .containsExactly("a4", "a2", "a1");
        assertThat(store.find(new AlertQuery(null, null, Severity.HIGH, null, null, null, 10, 0))).extracting(s -> s.alert().id())
                .containsExactly("a3", "a2");
        assertThat(store.find(new AlertQuery(null, null, null, "acc1", null, null, 10, 0))).extracting(s -> s.alert().id())
                .containsExactly("a4", "a1");
        assertThat(store.find(new AlertQuery(null, null, null, null, T0.plusSeconds(10), T0.plusSeconds(30), 10, 0)))
                .extracting(s -> s.alert().id()).containsExactly("a3", "a2");
    }

    @Test
    void find_pagesWithTheCursorOfTheLastAlertSeen() {
        for (int i = 1; i <= 5; i++) {
            store.saveAll(List.of(alert("a" + i, "fraud", Severity.MEDIUM, "k", i)));
        }
        var first = store.find(all(2));
        var second = store.find(new AlertQuery(null, null, null, null, null, null, 2, first.get(1).position()));
        var third = store.find(new AlertQuery(null, null, null, null, null, null, 2, second.get(1).position()));

        assertThat(first).extracting(s -> s.alert().id()).containsExactly("a5", "a4");
        assertThat(second).extracting(s -> s.alert().id()).containsExactly("a3", "a2");
        assertThat(third).extracting(s -> s.alert().id()).containsExactly("a1");
    }
}
