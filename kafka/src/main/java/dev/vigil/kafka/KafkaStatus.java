package dev.vigil.kafka;

import java.time.Instant;
import java.util.List;

/**
 * The Kafka transport as it stands, for health and the rule set view.
 *
 * @param bootstrap the brokers it connects to
 * @param connected whether the last look at the cluster found it
 * @param problem   why not, or null
 * @param since     when the connection last changed
 * @param ruleSets  the rule sets that consume a topic
 */
public record KafkaStatus(String bootstrap, boolean connected, String problem, Instant since, List<RuleSetStatus> ruleSets) {
    public KafkaStatus {
        ruleSets = List.copyOf(ruleSets);
    }

    /**
     * One rule set's consumer.
     *
     * @param state      {@code starting}, {@code running}, {@code retrying} (the broker is away or a
     *                   transaction failed: it starts over from the last commit), {@code failed} (its
     *                   rules failed: a new version starts it again) or {@code stopped}
     * @param problem    what went wrong last, or null
     * @param startsOver how many times it started over from the last commit since it was started
     * @param partitions the partitions assigned to this instance
     */
    public record RuleSetStatus(String ruleSet, String topic, String group, String state, String problem, int startsOver,
                                List<PartitionStatus> partitions) {
        public RuleSetStatus {
            partitions = List.copyOf(partitions);
        }
    }

    /**
     * One assigned partition.
     *
     * @param state     {@code rebuilding} (reading its windows back after a takeover) or {@code running}
     * @param lag       records behind the end of the partition, -1 before it is known
     * @param committed the last offset this instance committed, -1 before its first commit
     * @param position  the next offset it reads
     * @param rebuildFrom where the rebuild of a partition taken over read from, or null when it had nothing to read again
     * @param resumeAt    where that rebuild ended and the partition went on, or null
     * @param heldBack  alerts its rebuild raised again and held back, since they were produced before
     * @param events    events its session processed on this instance, the rebuild's included
     * @param alerts    alerts its session raised on this instance, those held back included
     */
    public record PartitionStatus(int partition, String state, long lag, long committed, long position, Long rebuildFrom,
                                  Long resumeAt, long heldBack, long events, long alerts) {
    }
}
