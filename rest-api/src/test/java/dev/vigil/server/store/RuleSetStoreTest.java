package dev.vigil.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RuleSetStoreTest {
    private final ObjectMapper json = new ObjectMapper();
    private final Database database = Database.inMemory("rulesets-" + UUID.randomUUID());
    private final RuleSetStore store = new RuleSetStore(database, json);

    @AfterEach
    void close() {
        database.close();
    }

    private StoredVersion version(String name, int version, String text) {
        return new StoredVersion(name, version, Map.of("a.drl", text), json.createObjectNode().put("lateness", "2s"),
                Instant.parse("2026-11-20T10:00:00Z").plusSeconds(version));
    }

    @Test
    void saveActive_keepsEveryVersion_andTheLastIsActive() {
        assertThat(store.nextVersion("fraud")).isEqualTo(1);
        store.saveActive(version("fraud", 1, "one"));
        store.saveActive(version("fraud", 2, "two"));
        store.saveActive(version("ops", 1, "ops"));

        assertThat(store.nextVersion("fraud")).isEqualTo(3);
        assertThat(store.versions("fraud")).extracting(StoredVersion::version).containsExactly(1, 2);
        assertThat(store.active()).extracting(StoredVersion::name, StoredVersion::version)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("fraud", 2), org.assertj.core.groups.Tuple.tuple("ops", 1));
        var stored = store.version("fraud", 1).orElseThrow();
        assertThat(stored.files()).isEqualTo(Map.of("a.drl", "one"));
        assertThat(stored.settings().get("lateness").asText()).isEqualTo("2s");
        assertThat(stored.createdAt()).isEqualTo(Instant.parse("2026-11-20T10:00:01Z"));
    }

    @Test
    void deactivate_leavesTheHistory_andNothingActive() {
        store.saveActive(version("fraud", 1, "one"));

        store.deactivate("fraud");

        assertThat(store.active()).isEmpty();
        assertThat(store.versions("fraud")).hasSize(1);
        assertThat(store.nextVersion("fraud")).isEqualTo(2);
    }
}
