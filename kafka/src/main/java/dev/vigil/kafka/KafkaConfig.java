package dev.vigil.kafka;

import java.time.Duration;
import java.util.Objects;

/**
 * How this server reaches Kafka and runs its rule sets that consume a topic.
 *
 * @param bootstrap          the brokers, {@code host:port[,host:port...]}
 * @param groupPrefix        a rule set's consumer group is this, a dot and the rule set's name
 * @param alertsTopic        where alerts are produced
 * @param everyRuleSet       whether the alerts of every rule set are produced, not only of those that
 *                           consume a topic
 * @param instanceId         this server among those that share the groups: its producers' transactional
 *                           ids end in it, so a restart fences what its last run left open; empty until
 *                           the server gives the one kept in its data folder
 * @param commitInterval     how often offsets and alerts are committed (10 ms to 60 s)
 * @param transactionTimeout how long the broker keeps a transaction of an instance that died open, and
 *                           so how long a takeover may wait for it (1 s to 15 min)
 * @param maxRebuild         how far back a takeover reads a topic for event types kept without time
 *                           bound (1 min to 30 days)
 * @param sessionTimeout     how long an instance may go unheard before the group gives its partitions
 *                           to the others (6 s to 5 min, within the broker's group session bounds)
 */
public record KafkaConfig(String bootstrap, String groupPrefix, String alertsTopic, boolean everyRuleSet, String instanceId,
                          Duration commitInterval, Duration transactionTimeout, Duration maxRebuild, Duration sessionTimeout) {
    public static final String DEFAULT_GROUP_PREFIX = "vigil";
    public static final String DEFAULT_ALERTS_TOPIC = "vigil.alerts";

    public KafkaConfig {
        Objects.requireNonNull(bootstrap, "bootstrap");
        Objects.requireNonNull(groupPrefix, "groupPrefix");
        Objects.requireNonNull(alertsTopic, "alertsTopic");
        Objects.requireNonNull(instanceId, "instanceId");
        if (bootstrap.isBlank()) {
            throw new IllegalArgumentException("the Kafka bootstrap address must name at least one broker, host:port");
        }
        TopicSource.requireTopicName("the alerts topic", alertsTopic);
        if (!instanceId.isEmpty() && !instanceId.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("the Kafka instance id must be 1 to 100 of a-z, A-Z, 0-9, '.', '_', '-', was '" + instanceId + "'");
        }
        if (!groupPrefix.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("the Kafka group prefix must be 1 to 100 of a-z, A-Z, 0-9, '.', '_', '-', was '" + groupPrefix + "'");
        }
        within("commitInterval", commitInterval, Duration.ofMillis(10), Duration.ofSeconds(60));
        within("transactionTimeout", transactionTimeout, Duration.ofSeconds(1), Duration.ofMinutes(15));
        within("maxRebuild", maxRebuild, Duration.ofMinutes(1), Duration.ofDays(30));
        within("sessionTimeout", sessionTimeout, Duration.ofSeconds(6), Duration.ofMinutes(5));
    }

    /** Brokers {@code bootstrap}, every other setting at its default. */
    public static KafkaConfig of(String bootstrap, String instanceId) {
        return new KafkaConfig(bootstrap, DEFAULT_GROUP_PREFIX, DEFAULT_ALERTS_TOPIC, false, instanceId, Duration.ofMillis(200),
                Duration.ofSeconds(10), Duration.ofDays(1), Duration.ofSeconds(10));
    }

    private static void within(String setting, Duration value, Duration least, Duration most) {
        Objects.requireNonNull(value, setting);
        if (value.compareTo(least) < 0 || value.compareTo(most) > 0) {
            throw new IllegalArgumentException(setting + " must be between " + least + " and " + most + ", was " + value);
        }
    }

    /** The consumer group of rule set {@code ruleSet}. */
    public String group(String ruleSet) {
        return groupPrefix + "." + ruleSet;
    }

    public KafkaConfig withGroupPrefix(String value) {
        return new KafkaConfig(bootstrap, value, alertsTopic, everyRuleSet, instanceId, commitInterval, transactionTimeout, maxRebuild, sessionTimeout);
    }

    public KafkaConfig withInstanceId(String value) {
        return new KafkaConfig(bootstrap, groupPrefix, alertsTopic, everyRuleSet, value, commitInterval, transactionTimeout, maxRebuild,
                sessionTimeout);
    }

    /** Alerts of every rule set to {@code value}. */
    public KafkaConfig withAlertsOfEveryRuleSetTo(String value) {
        return new KafkaConfig(bootstrap, groupPrefix, value, true, instanceId, commitInterval, transactionTimeout, maxRebuild, sessionTimeout);
    }

    public KafkaConfig withCommitInterval(Duration value) {
        return new KafkaConfig(bootstrap, groupPrefix, alertsTopic, everyRuleSet, instanceId, value, transactionTimeout, maxRebuild, sessionTimeout);
    }

    public KafkaConfig withTransactionTimeout(Duration value) {
        return new KafkaConfig(bootstrap, groupPrefix, alertsTopic, everyRuleSet, instanceId, commitInterval, value, maxRebuild, sessionTimeout);
    }

    public KafkaConfig withMaxRebuild(Duration value) {
        return new KafkaConfig(bootstrap, groupPrefix, alertsTopic, everyRuleSet, instanceId, commitInterval, transactionTimeout, value, sessionTimeout);
    }

    public KafkaConfig withSessionTimeout(Duration value) {
        return new KafkaConfig(bootstrap, groupPrefix, alertsTopic, everyRuleSet, instanceId, commitInterval, transactionTimeout, maxRebuild,
                value);
    }
}
