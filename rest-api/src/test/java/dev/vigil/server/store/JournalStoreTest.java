package dev.vigil.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JournalStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private final Database database = Database.inMemory("journal-" + UUID.randomUUID());
    private final JournalStore store = new JournalStore(database);

    @AfterEach
    void close() {
        database.close();
    }

    private static JournalStore.Chunk chunk(String ruleSet, Instant at, List<String> events) {
        return new JournalStore.Chunk(ruleSet, at, events, at.toEpochMilli(), at.toEpochMilli());
    }

    private static String event(String id) {
        return "{\"type\":\"Transaction\",\"id\":\"" + id + "\",\"note\":\"caf\u00e9\"}";
    }

    @Test
    void append_keepsEachRuleSetsEventsInOrder_acrossChunksAndBatches() {
        store.append(List.of(
                chunk("fraud", T0, List.of(event("f1"), event("f2"))),
                chunk("ops", T0, List.of(event("o1"))),
                chunk("fraud", T0.plusSeconds(1), List.of(event("f3")))));
        store.append(List.of(chunk("fraud", T0.plusSeconds(2), List.of(event("f4")))));

        assertThat(store.read("fraud", 10)).extracting(JournalStore.Entry::event)
                .containsExactly(event("f1"), event("f2"), event("f3"), event("f4"));
        assertThat(store.read("ops", 10)).extracting(JournalStore.Entry::event).containsExactly(event("o1"));
        assertThat(store.read("fraud", 3)).hasSize(3);
        assertThat(store.read("fraud", 10).get(3).acceptedAt()).isEqualTo(T0.plusSeconds(2));
    }

    @Test
    void batchesAreStoredCompressed() throws SQLException {
        var events = IntStream.range(0, 1_000).mapToObj(i -> event("e" + i)).toList();
        store.append(List.of(chunk("fraud", T0, events)));

        int raw = events.stream().mapToInt(e -> e.length() + 1).sum();
        try (var c = database.connection(); var s = c.createStatement();
             var r = s.executeQuery("SELECT OCTET_LENGTH(events_gzip), event_count FROM event_journal")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getInt(1)).isLessThan(raw / 5);
            assertThat(r.getInt(2)).isEqualTo(1_000);
        }
        assertThat(store.read("fraud", 2_000)).extracting(JournalStore.Entry::event).isEqualTo(events);
    }

    @Test
    void batchesWrittenAsText_beforeCompression_areStillRead() throws SQLException {
        try (var c = database.connection(); var s = c.prepareStatement("INSERT INTO event_journal"
                + " (rule_set, first_accepted_at, last_accepted_at, event_count, events) VALUES ('fraud', ?, ?, 2, ?)")) {
            s.setTimestamp(1, Timestamp.from(T0));
            s.setTimestamp(2, Timestamp.from(T0));
            s.setString(3, event("old1") + "\n" + event("old2") + "\n");
            s.executeUpdate();
        }
        store.append(List.of(chunk("fraud", T0.plusSeconds(1), List.of(event("new1")))));

        assertThat(store.read("fraud", 10)).extracting(JournalStore.Entry::event)
                .containsExactly(event("old1"), event("old2"), event("new1"));
    }

    @Test
    void range_readsTheBatchesOverlappingAnEventTimeRange_andBatchesWithoutTimes() throws SQLException {
        store.append(List.of(new JournalStore.Chunk("fraud", T0, List.of(event("early1"), event("early2")), 1_000, 1_999)));
        store.append(List.of(new JournalStore.Chunk("fraud", T0, List.of(event("mid")), 2_000, 2_999),
                new JournalStore.Chunk("ops", T0, List.of(event("other")), 2_000, 2_999)));
        store.append(List.of(new JournalStore.Chunk("fraud", T0, List.of(event("late")), 3_000, 3_999)));

        try (var range = store.range("fraud", Instant.ofEpochMilli(1_999), Instant.ofEpochMilli(3_000))) {
            var lines = new ArrayList<String>();
            range.forEachRemaining(lines::add);
            assertThat(lines).containsExactly(event("early1"), event("early2"), event("mid"));
        }
        assertThat(store.count("fraud", Instant.ofEpochMilli(2_000), Instant.ofEpochMilli(3_000))).isEqualTo(1);
        assertThat(store.count("fraud", Instant.ofEpochMilli(5_000), Instant.ofEpochMilli(6_000))).isZero();

        try (var c = database.connection(); var s = c.createStatement()) {
            s.executeUpdate("UPDATE event_journal SET first_event_time = NULL, last_event_time = NULL WHERE rule_set = 'ops'");
        }
        try (var range = store.range("ops", Instant.ofEpochMilli(5_000), Instant.ofEpochMilli(6_000))) {
            assertThat(range.next()).isEqualTo(event("other"));
            assertThat(range.hasNext()).isFalse();
        }
    }

    @Test
    void deleteBefore_removesOnlyBatchesWhollyOlderThanTheCutoff() {
        store.append(List.of(chunk("fraud", T0, List.of(event("a")))));
        store.append(List.of(chunk("fraud", T0.plusSeconds(10), List.of(event("b"))),
                chunk("fraud", T0.plusSeconds(30), List.of(event("c")))));

        assertThat(store.deleteBefore(T0.plusSeconds(20))).isEqualTo(1);
        assertThat(store.read("fraud", 10)).extracting(JournalStore.Entry::event).containsExactly(event("b"), event("c"));
        assertThat(store.deleteBefore(T0.plusSeconds(30))).isZero();
        assertThat(store.deleteBefore(T0.plusSeconds(31))).isEqualTo(1);
        assertThat(store.read("fraud", 10)).isEmpty();
    }
}
