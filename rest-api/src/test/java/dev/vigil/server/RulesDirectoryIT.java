package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.rules.RulesDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules folder across restarts: edits made while the server was down are deployed, nothing twice. */
class RulesDirectoryIT {
    @TempDir
    Path work;

    private int startAndDeploy(Path rules) {
        try (var server = VigilServer.start(TestServer.config(work.resolve("data")))) {
            new RulesDirectory(rules, server.ruleSets(), server.audit()).deployChanged();
            return server.engine().ruleSet("fraud").orElseThrow().stats().version();
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
}
