package dev.vigil.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.engine.api.EventSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A rule set's Kafka source and the transport's settings: what is taken, and what is refused with the option named. */
class TopicSourceTest {
    @Test
    void aSource_takesItsTopicAndStartAt_andDefaultsToTheTopicsHistory() {
        assertThat(TopicSource.parse(Map.of("topic", "payments"))).isEqualTo(new TopicSource("payments", "earliest"));
        assertThat(TopicSource.parse(Map.of("topic", "payments", "startAt", "LATEST")).startAt()).isEqualTo("latest");
        assertThat(TopicSource.of(TopicSource.parse(Map.of("topic", "p")).toEventSource())).isEqualTo(new TopicSource("p", "earliest"));
        assertThat(TopicSource.of(EventSource.API)).isNull();
        assertThat(new TopicSource("payments", "earliest").deadLetterTopic()).isEqualTo("payments.vigil-dlq");
    }

    @Test
    void aBadSource_isRefusedNamingTheOption() {
        assertThatThrownBy(() -> TopicSource.parse(Map.of())).hasMessageContaining("source.kafka.topic is required");
        assertThatThrownBy(() -> TopicSource.parse(Map.of("topic", "pay ments"))).hasMessageContaining("source.kafka.topic must be a Kafka topic name");
        assertThatThrownBy(() -> TopicSource.parse(Map.of("topic", ".."))).hasMessageContaining("source.kafka.topic");
        assertThatThrownBy(() -> TopicSource.parse(Map.of("topic", "x".repeat(250)))).hasMessageContaining("1 to 249");
        assertThat(TopicSource.parse(Map.of("topic", "x".repeat(249))).topic()).hasSize(249);
        assertThatThrownBy(() -> TopicSource.parse(Map.of("topic", "p", "group", "g"))).hasMessageContaining("source.kafka.group is not an option");
        assertThatThrownBy(() -> TopicSource.parse(Map.of("topic", "p", "startAt", "now"))).hasMessageContaining("earliest or latest");
    }

    @Test
    void theTransportsSettings_areBoundedOnBothSides() {
        var config = KafkaConfig.of("127.0.0.1:9092", "a");
        assertThat(config.group("fraud")).isEqualTo("vigil.fraud");
        assertThat(config.withGroupPrefix("team-a").group("fraud")).isEqualTo("team-a.fraud");
        assertThat(config.withCommitInterval(Duration.ofMillis(10)).commitInterval()).isEqualTo(Duration.ofMillis(10));
        assertThatThrownBy(() -> config.withCommitInterval(Duration.ofMillis(9))).hasMessageContaining("commitInterval must be between");
        assertThat(config.withSessionTimeout(Duration.ofMinutes(5)).sessionTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> config.withSessionTimeout(Duration.ofMinutes(5).plusMillis(1))).hasMessageContaining("sessionTimeout");
        assertThatThrownBy(() -> config.withTransactionTimeout(Duration.ofMillis(999))).hasMessageContaining("transactionTimeout");
        assertThatThrownBy(() -> config.withMaxRebuild(Duration.ofDays(31))).hasMessageContaining("maxRebuild");
        assertThatThrownBy(() -> config.withAlertsOfEveryRuleSetTo("no alerts")).hasMessageContaining("the alerts topic");
        assertThatThrownBy(() -> config.withInstanceId("a b")).hasMessageContaining("instance id");
        assertThatThrownBy(() -> KafkaConfig.of(" ", "a")).hasMessageContaining("bootstrap");
    }
}
