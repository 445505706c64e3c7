package dev.vigil.engine.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How a rule set is spread over several sessions: the field of each event type that names the
 * entity its rules reason about (a card, an account, a host), and how many sessions there are.
 *
 * <p>An event goes to the session of {@code hash(key) mod partitions}; events of a type with no
 * key field go to every session. The rule set's watermark is shared: every session's clock
 * follows it, so a timer on a quiet key fires at its true time. A rule that joins events of
 * different keys would see only part of them; such rules are refused at deploy unless
 * {@code acceptCrossKeyJoins} says the rule set knows.
 *
 * @param byType              the key field of each event type, by the type's simple name
 * @param allTypes            the key field of every type not in {@code byType}, or null
 * @param partitions          how many sessions (1 to {@link #MAX_PARTITIONS}); 0: as many as the
 *                            machine has cores
 * @param acceptCrossKeyJoins whether rules that join events of different keys are deployed anyway
 */
public record Partitioning(Map<String, String> byType, String allTypes, int partitions, boolean acceptCrossKeyJoins) {
    /** The most sessions a rule set may be spread over. */
    public static final int MAX_PARTITIONS = 256;

    /** Not partitioned: one session. */
    public static final Partitioning NONE = new Partitioning(Map.of(), null, 0, false);

    public Partitioning {
        Objects.requireNonNull(byType, "byType");
        byType = Map.copyOf(new TreeMap<>(byType));
        byType.forEach((type, field) -> requireField("partitionBy." + type, field));
        if (allTypes != null) {
            requireField("partitionBy", allTypes);
        }
        if (partitions < 0 || partitions > MAX_PARTITIONS) {
            throw new IllegalArgumentException("partitions must be between 1 and " + MAX_PARTITIONS + ", was " + partitions);
        }
    }

    private static void requireField(String setting, String field) {
        if (field == null || !field.matches("[A-Za-z_$][A-Za-z0-9_$]*")) {
            throw new IllegalArgumentException(setting + " must name a field, was '" + field + "'");
        }
    }

    /** Partitioned by {@code field} of every event type. */
    public static Partitioning by(String field) {
        return new Partitioning(Map.of(), field, 0, false);
    }

    /** Partitioned by the field of each event type. */
    public static Partitioning by(Map<String, String> fields) {
        return new Partitioning(fields, null, 0, false);
    }

    /** Whether a key is set: otherwise the rule set runs as one session. */
    public boolean isPartitioned() {
        return allTypes != null || !byType.isEmpty();
    }

    /** The key field of the event type of simple name {@code type}, if it has one. */
    public Optional<String> keyOf(String type) {
        var field = byType.get(type);
        return Optional.ofNullable(field != null ? field : allTypes);
    }

    /** How many sessions it runs as: 1 when not partitioned, the cores when not set. */
    public int sessions() {
        if (!isPartitioned()) {
            return 1;
        }
        return partitions > 0 ? partitions : Math.min(MAX_PARTITIONS, Runtime.getRuntime().availableProcessors());
    }

    public Partitioning withPartitions(int value) {
        return new Partitioning(byType, allTypes, value, acceptCrossKeyJoins);
    }

    public Partitioning withAcceptCrossKeyJoins(boolean value) {
        return new Partitioning(byType, allTypes, partitions, value);
    }

    /** Whether events go to the same sessions under both: same keys and the same number of sessions. */
    public boolean sameRouting(Partitioning other) {
        return byType.equals(other.byType) && Objects.equals(allTypes, other.allTypes) && sessions() == other.sessions();
    }
}
