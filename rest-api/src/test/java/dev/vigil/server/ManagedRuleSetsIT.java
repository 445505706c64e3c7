package dev.vigil.server;

import static dev.vigil.server.TestServer.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.server.rules.RuleSetFolder;
import dev.vigil.server.rules.RulesDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rule sets that come from the rules folder are managed by it: the API names the folder, refuses to
 * change them unless the folder is writable (a deploy then writes the files back), and a restart
 * never replaces a newer version deployed through the API.
 */
class ManagedRuleSetsIT {
    private static final String EXTRA = """
            rule "huge"
            when
                Transaction(amount > 50000, $acc : accountId)
            then
                alerts.raise($acc, "huge transaction");
            end
            """;

    /** Under the module's folder, given relative to it as a user gives {@code --rules rules}. */
    private Path work;
    private Path rules;
    private Path fraud;

    @BeforeEach
    void folders() throws IOException {
        var target = Files.createDirectories(Path.of("target"));
        work = Path.of("").toAbsolutePath().relativize(Files.createTempDirectory(target.toAbsolutePath(), "managed-"));
        rules = work.resolve("rules");
        fraud = Files.createDirectories(rules.resolve("fraud"));
        Files.writeString(fraud.resolve("large.drl"), TestDrl.LARGE);
        Files.writeString(fraud.resolve("huge.drl"), "package fraud;\n" + EXTRA);
    }

    @AfterEach
    void removeFolders() throws IOException {
        try (Stream<Path> paths = Files.walk(work)) {
            for (var path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** A server on the test's data folder, with the rules folder deployed (and watched, when asked) as {@code vigil serve} does. */
    private Serving serve(boolean writable, boolean watch) throws IOException {
        var server = TestServer.start(work.resolve("data"));
        var directory = new RulesDirectory(rules, server.server().ruleSets(), server.server().audit(), writable);
        directory.deployChanged();
        if (watch) {
            directory.watch();
        }
        return new Serving(server, directory);
    }

    private record Serving(TestServer server, RulesDirectory directory) implements AutoCloseable {
        @Override
        public void close() {
            directory.close();
            server.close();
        }
    }

    @Test
    void aFolderRuleSet_isNamedAsManaged_andTheApiCannotChangeIt_untilItsFolderGoes() throws Exception {
        var label = rules.resolve("fraud").toString();
        assertThat(label).as("as the user gave it, not absolute").startsWith("target/managed-").endsWith("/rules/fraud");
        try (var serving = serve(false, false)) {
            var server = serving.server();
            assertThat(server.put("/api/v1/rulesets/other", Map.of("files", Map.of("a.drl", TestDrl.LARGE))).statusCode()).isEqualTo(200);

            var list = server.getJson("/api/v1/rulesets");
            assertThat(byName(list, "fraud").get("managedBy").asText()).isEqualTo(label);
            assertThat(byName(list, "other").get("managedBy").isNull()).as("deployed through the API").isTrue();
            var view = server.getJson("/api/v1/rulesets/fraud");
            assertThat(view.get("managedBy").asText()).isEqualTo(label);
            assertThat(view.get("folderWritable").asBoolean()).isFalse();
            assertThat(view.get("drift").isNull()).isTrue();

            var refused = "rule set fraud is managed by " + label + ": edit its files there, or start the server with --rules-writable";
            var deploy = server.put("/api/v1/rulesets/fraud", Map.of("files", Map.of("a.drl", TestDrl.LARGE)));
            assertThat(deploy.statusCode()).isEqualTo(409);
            assertThat(read(deploy).get("error").asText()).isEqualTo("managed_by_folder");
            assertThat(read(deploy).get("message").asText()).isEqualTo(refused);
            var rollback = server.post("/api/v1/rulesets/fraud/rollback", Map.of("version", 1));
            assertThat(rollback.statusCode()).isEqualTo(409);
            assertThat(read(rollback).get("message").asText()).isEqualTo(refused);
            var undeploy = server.delete("/api/v1/rulesets/fraud");
            assertThat(undeploy.statusCode()).isEqualTo(409);
            assertThat(read(undeploy).get("message").asText()).isEqualTo("rule set fraud is managed by " + label
                    + ": remove that folder from the rules folder first (the rule set then stays deployed, managed by nothing), then undeploy it");
            assertThat(server.post("/api/v1/rulesets/fraud/validate", Map.of("files", Map.of("a.drl", TestDrl.LARGE))).statusCode())
                    .as("validating changes nothing").isEqualTo(200);
            assertThat(server.getJson("/api/v1/rulesets/fraud/versions")).as("nothing was deployed").hasSize(1);

            Files.delete(fraud.resolve("large.drl"));
            Files.delete(fraud.resolve("huge.drl"));

            var unmanaged = server.getJson("/api/v1/rulesets/fraud");
            assertThat(unmanaged.get("managedBy").isNull()).as("its folder holds no rules").isTrue();
            assertThat(unmanaged.get("version").asInt()).as("still deployed").isEqualTo(1);
            assertThat(server.delete("/api/v1/rulesets/fraud").statusCode()).isEqualTo(204);
        }
    }

    @Test
    void rulesWritable_deployAndRollbackWriteTheFolder_andARestartKeepsWhatTheApiDeployed() throws Exception {
        var edited = TestDrl.LARGE + EXTRA.replace("huge", "vast");
        try (var serving = serve(true, true)) {
            var server = serving.server();
            assertThat(server.getJson("/api/v1/rulesets/fraud").get("folderWritable").asBoolean()).isTrue();

            var deploy = server.put("/api/v1/rulesets/fraud", Map.of("files", Map.of("large.drl", edited, "cases.test.yaml", "[]\n"),
                    "settings", Map.of("lateness", "5s")));

            assertThat(deploy.statusCode()).isEqualTo(200);
            assertThat(read(deploy).get("version").asInt()).isEqualTo(2);
            assertThat(Files.readString(fraud.resolve("large.drl"))).isEqualTo(edited);
            assertThat(fraud.resolve("huge.drl")).as("a file the version no longer has").doesNotExist();
            assertThat(fraud.resolve("cases.test.yaml")).hasContent("[]\n");
            assertThat(fraud.resolve(RuleSetFolder.SETTINGS)).as("only what differs from the defaults").hasContent("lateness: 5000ms\n");
            try (Stream<Path> left = Files.list(fraud)) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("large.drl", "cases.test.yaml", "settings.yaml");
            }
            // The watcher sees the files written and finds them running as written.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> server.getJson("/api/v1/rulesets/fraud/versions").size() == 2);

            var rollback = server.post("/api/v1/rulesets/fraud/rollback", Map.of("version", 1));

            assertThat(rollback.statusCode()).isEqualTo(200);
            assertThat(read(rollback).get("version").asInt()).isEqualTo(3);
            assertThat(fraud.resolve("huge.drl")).hasContent("package fraud;\n" + EXTRA);
            assertThat(fraud.resolve("large.drl")).hasContent(TestDrl.LARGE);
            assertThat(fraud.resolve("cases.test.yaml")).doesNotExist();
            assertThat(fraud.resolve(RuleSetFolder.SETTINGS)).doesNotExist();
            assertThat(server.delete("/api/v1/rulesets/fraud").statusCode()).as("writable or not: deleting a folder is too much").isEqualTo(409);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> server.getJson("/api/v1/rulesets/fraud/versions").size() == 3);
        }

        try (var serving = serve(false, false)) {
            var view = serving.server().getJson("/api/v1/rulesets/fraud");
            assertThat(view.get("version").asInt()).as("the API's version runs, no new one").isEqualTo(3);
            assertThat(view.get("rules")).extracting(r -> r.get("name").asText()).containsExactlyInAnyOrder("large", "huge");
            assertThat(view.get("drift").isNull()).isTrue();
        }
    }

    @Test
    void aNewerVersionDeployedThroughTheApi_isNotReplacedByTheFolderAtStart_andIsReported() throws Exception {
        serve(false, false).close();
        try (var server = TestServer.start(work.resolve("data"))) {
            // A server without the rules folder, or before folders managed their rule sets: the API may deploy.
            var deploy = server.put("/api/v1/rulesets/fraud", Map.of("files", Map.of("large.drl", TestDrl.LARGE + EXTRA.replace("huge", "vast"))));
            assertThat(deploy.statusCode()).isEqualTo(200);
            assertThat(server.getJson("/api/v1/rulesets/fraud").get("managedBy").isNull()).isTrue();
        }

        try (var serving = serve(false, false)) {
            var view = serving.server().getJson("/api/v1/rulesets/fraud");

            assertThat(view.get("version").asInt()).as("kept, not replaced by the folder's files").isEqualTo(2);
            assertThat(view.get("rules")).extracting(r -> r.get("name").asText()).containsExactlyInAnyOrder("large", "vast");
            assertThat(view.get("managedBy").asText()).isEqualTo(rules.resolve("fraud").toString());
            assertThat(view.get("drift").asText()).isEqualTo("version 2 runs: it was deployed through the API after version 1, the last one from "
                    + rules.resolve("fraud") + ", and is kept; the files of " + rules.resolve("fraud") + " differ from it and were not deployed."
                    + " Save a file there (after copying version 2's files into it, if they should stay) to deploy the folder");
        }

        Files.writeString(fraud.resolve("huge.drl"), "package fraud;\n" + EXTRA + "// reviewed\n");
        try (var serving = serve(false, true)) {
            assertThat(serving.server().getJson("/api/v1/rulesets/fraud").get("version").asInt()).as("still kept after the folder changed while down")
                    .isEqualTo(2);
            Files.writeString(fraud.resolve("huge.drl"), "package fraud;\n" + EXTRA + "// reviewed again\n");

            await().atMost(Duration.ofSeconds(10)).until(() -> serving.server().getJson("/api/v1/rulesets/fraud").get("version").asInt() == 3);
            assertThat(serving.server().getJson("/api/v1/rulesets/fraud").get("drift").isNull()).as("a file saved while running deploys the folder")
                    .isTrue();
        }
    }

    private static JsonNode byName(JsonNode list, String name) {
        for (var node : list) {
            if (node.get("name").asText().equals(name)) {
                return node;
            }
        }
        throw new AssertionError("no rule set " + name + " in " + list);
    }
}
