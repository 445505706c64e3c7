package dev.vigil.server;

import dev.vigil.engine.api.EventSource;
import dev.vigil.engine.api.Partitioning;
import dev.vigil.engine.api.RuleSetInfo;
import dev.vigil.server.rules.RuleSetFolder;
import dev.vigil.server.rules.RulesDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rules folder across restarts: edits made while the server was down are deployed, nothing twice. */
class RulesDirectoryIT {
    @TempDir
    Path work;

    private int startAndDeploy(Path rules) {
        return deployed(rules).version();
    }

    private RuleSetInfo deployed(Path rules) {
        try (var server = VigilServer.start(TestServer.config(work.resolve("data")))) {
            new RulesDirectory(rules, server.ruleSets(), server.audit()).deployChanged();
            return server.engine().ruleSet("fraud").orElseThrow();
        }
    }

    @Test
    void restart_deploysOnlyWhatChanged() throws Exception {
        var file = Files.createDirectories(work.resolve("rules").resolve("fraud")).resolve("transactions.drl");
        Files.copy(Path.of("..", "rules", "fraud", "transactions.drl"), file);

        assertThat(startAndDeploy(work.resolve("rules"))).isEqualTo(1);
        assertThat(startAndDeploy(work.resolve("rules"))).as("unchanged: not deployed again").isEqualTo(1);

        Files.writeString(file, Files.readString(file) + "\n// edited\n");

        assertThat(startAndDeploy(work.resolve("rules"))).as("edited while down").isEqualTo(2);
        assertThat(startAndDeploy(work.resolve("rules"))).isEqualTo(2);
    }

    @Test
    void aFoldersSettingsYaml_givesItsSettings_andAnEditToItAloneIsANewVersion() throws Exception {
        var folder = Files.createDirectories(work.resolve("rules").resolve("fraud"));
        Files.copy(Path.of("..", "rules", "fraud", "transactions.drl"), folder.resolve("transactions.drl"));
        Files.writeString(folder.resolve(RuleSetFolder.SETTINGS), "lateness: 5s\nqueueCapacity: 5000\n");

        var first = deployed(work.resolve("rules"));
        assertThat(first.version()).isEqualTo(1);
        assertThat(first.source().settings().allowedLateness()).isEqualTo(Duration.ofSeconds(5));
        assertThat(first.source().settings().queueCapacity()).isEqualTo(5000);
        assertThat(startAndDeploy(work.resolve("rules"))).as("unchanged: not deployed again").isEqualTo(1);

        Files.writeString(folder.resolve(RuleSetFolder.SETTINGS), "lateness: 10s\nqueueCapacity: 5000\n");

        var edited = deployed(work.resolve("rules"));
        assertThat(edited.version()).as("only settings.yaml edited").isEqualTo(2);
        assertThat(edited.source().settings().allowedLateness()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aFoldersSettingsYaml_givesItsPartitioning_keptAsItWasAcrossARestart() throws Exception {
        var folder = Files.createDirectories(work.resolve("rules").resolve("fraud"));
        Files.copy(Path.of("..", "rules", "fraud", "transactions.drl"), folder.resolve("transactions.drl"));
        // The fraud rules also join by terminal: deployed partitioned by card only because the file accepts that.
        Files.writeString(folder.resolve(RuleSetFolder.SETTINGS), """
                partitionBy:
                  Transaction: cardId
                  FraudReport: cardId
                partitions: 2
                acceptCrossKeyJoins: true
                """);

        var first = deployed(work.resolve("rules"));

        assertThat(first.source().settings().partitioning())
                .isEqualTo(new Partitioning(Map.of("Transaction", "cardId", "FraudReport", "cardId"), null, 2, true));
        assertThat(startAndDeploy(work.resolve("rules"))).as("unchanged: not deployed again").isEqualTo(1);
    }

    @Test
    void aBadPartitionKeyInSettingsYaml_isNamedWithTheFileAndTheType() throws Exception {
        var folder = Files.createDirectories(work.resolve("rules").resolve("fraud"));
        Files.writeString(folder.resolve(RuleSetFolder.SETTINGS), "partitionBy: {Transaction: card id}\npartitions: 300\n");

        assertThatThrownBy(() -> RuleSetFolder.settings(folder)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(folder.resolve(RuleSetFolder.SETTINGS) + ": settings.partitionBy.Transaction partitionBy.Transaction must name a field, "
                        + "was 'card id'; settings.partitions must be between 1 and 256, was 300");
    }

    @Test
    void aFoldersSettingsYaml_givesItsKafkaSource_keptAsItWasAcrossARestart() throws Exception {
        var folder = Files.createDirectories(work.resolve("rules").resolve("fraud"));
        Files.copy(Path.of("..", "rules", "fraud", "transactions.drl"), folder.resolve("transactions.drl"));
        Files.writeString(folder.resolve(RuleSetFolder.SETTINGS), "source: {kafka: {topic: payments}}\n");

        var first = deployed(work.resolve("rules"));

        assertThat(first.source().settings().source())
                .isEqualTo(new EventSource("kafka", Map.of("topic", "payments", "startAt", "earliest")));
        assertThat(startAndDeploy(work.resolve("rules"))).as("unchanged: not deployed again").isEqualTo(1);
    }

    @Test
    void aBadKafkaSourceInSettingsYaml_isNamedWithTheFileAndTheSetting() throws Exception {
        var folder = Files.createDirectories(work.resolve("rules").resolve("fraud"));
        Files.writeString(folder.resolve(RuleSetFolder.SETTINGS), """
                source:
                  kafka: {topic: pay ments, from: start}
                """);

        assertThatThrownBy(() -> RuleSetFolder.settings(folder)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(folder.resolve(RuleSetFolder.SETTINGS) + ": settings.source source.kafka.from is not an option; "
                        + "the options are topic and startAt");
        Files.writeString(folder.resolve(RuleSetFolder.SETTINGS), "source: {kafka: {topic: pay ments}}\n");
        assertThatThrownBy(() -> RuleSetFolder.settings(folder)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(folder.resolve(RuleSetFolder.SETTINGS) + ": settings.source source.kafka.topic must be a Kafka topic name "
                        + "(1 to 249 of a-z, A-Z, 0-9, '.', '_', '-'), was 'pay ments'");
    }
}
