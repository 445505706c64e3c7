package dev.vigil.server.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.vigil.engine.api.RuleSetSettings;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.server.http.ApiException;
import dev.vigil.server.http.RuleSetRoutes;
import dev.vigil.server.http.SettingsJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A rule set kept as a folder: named after the folder, made of the rule files under it (paths
 * relative to it, with '/'), with the settings of its {@value #SETTINGS} when it has one (the same
 * keys as the API's {@code settings}). The server's rules folder holds one such folder per rule set,
 * and the command line takes either.
 */
public final class RuleSetFolder {
    /** The file beside a rule set's rules that holds its settings. */
    public static final String SETTINGS = "settings.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build());

    private RuleSetFolder() {
    }

    /**
     * The settings of {@code folder}'s {@value #SETTINGS}, as the API's {@code settings} object;
     * null when it has none.
     *
     * @throws IllegalArgumentException naming the file when it is not YAML or not a mapping
     */
    public static ObjectNode settingsJson(Path folder) {
        var file = folder.resolve(SETTINGS);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        JsonNode node;
        try {
            node = YAML.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (node == null || node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalArgumentException(file + " must be a mapping of settings, such as \"lateness: 5s\"");
        }
        return object;
    }

    /**
     * The settings of {@code folder}: those of its {@value #SETTINGS}, the defaults without one.
     *
     * @throws IllegalArgumentException naming the file and every bad key
     */
    public static RuleSetSettings settings(Path folder) {
        try {
            return SettingsJson.parse(settingsJson(folder));
        } catch (ApiException e) {
            var problems = e.details().stream().map(d -> d instanceof Map<?, ?> m ? m.get("field") + " " + m.get("message") : d.toString())
                    .toList();
            throw new IllegalArgumentException(folder.resolve(SETTINGS) + ": " + (problems.isEmpty() ? e.getMessage() : String.join("; ", problems)));
        }
    }

    /** The rule files under {@code folder}, by relative path; empty when it has none. */
    static Map<String, String> files(Path folder) throws IOException {
        return read(folder, RuleSetSource::isRuleFile);
    }

    /** The rule files and the rule test cases ({@code *.test.yaml}) under {@code folder}: what a version of it holds. */
    static Map<String, String> filesAndTests(Path folder) throws IOException {
        return read(folder, p -> RuleSetSource.isRuleFile(p) || RuleSetRoutes.isTestFile(p));
    }

    private static Map<String, String> read(Path folder, Predicate<String> wanted) throws IOException {
        var out = new TreeMap<String, String>();
        try (Stream<Path> paths = Files.walk(folder)) {
            for (var path : paths.filter(p -> wanted.test(p.toString()) && Files.isRegularFile(p)).sorted().toList()) {
                out.put(folder.relativize(path).toString().replace('\\', '/'), Files.readString(path, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** The rule set of {@code folder}, with the settings of its {@value #SETTINGS} (the defaults without one). */
    public static RuleSetSource load(Path folder) {
        try {
            var files = files(folder);
            if (files.isEmpty()) {
                throw new IllegalArgumentException(folder + " holds no rule files (*.drl, *.rule.yaml)");
            }
            return RuleSetSource.of(folder.toAbsolutePath().normalize().getFileName().toString(), files).withSettings(settings(folder));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes {@code folder} hold exactly the rule and test files {@code files} (by relative path) and
     * the settings {@code settings} (null: the defaults), as a deploy through the API writes a rule
     * set back to the folder that manages it. Each changed file is written to a hidden temporary file
     * beside it, then moved over it, so that a reader (the folder's watcher, an editor) never sees
     * half of one; the rule, test and settings files it no longer has are deleted, and nothing else
     * in the folder is touched. A {@value #SETTINGS} that already says the same is kept as written
     * (its comments, its order); a new one holds only what differs from the defaults, and none is
     * kept when nothing does.
     *
     * @throws IllegalArgumentException naming a path that is not a rule or test file inside the folder; nothing is written then
     * @throws IOException when a file cannot be written or deleted; what was written stays
     */
    public static void write(Path folder, Map<String, String> files, ObjectNode settings) throws IOException {
        var base = folder.toAbsolutePath().normalize();
        for (var path : files.keySet()) {
            if (!base.resolve(path).normalize().startsWith(base) || !(RuleSetSource.isRuleFile(path) || RuleSetRoutes.isTestFile(path))) {
                throw new IllegalArgumentException("'" + path + "' is not a rule or test file inside " + folder);
            }
        }
        var wanted = SettingsJson.parse(settings);
        for (var file : files.entrySet()) {
            writeIfChanged(base.resolve(file.getKey()), file.getValue());
        }
        if (!wanted.equals(settingsOrNull(base))) {
            var nonDefault = nonDefault(wanted);
            if (nonDefault.isEmpty()) {
                Files.deleteIfExists(base.resolve(SETTINGS));
            } else {
                writeIfChanged(base.resolve(SETTINGS), YAML.writeValueAsString(nonDefault));
            }
        }
        for (var path : filesAndTests(base).keySet()) {
            if (!files.containsKey(path)) {
                Files.delete(base.resolve(path));
            }
        }
    }

    /** The settings of {@code folder}; null when its {@value #SETTINGS} is not valid. */
    private static RuleSetSettings settingsOrNull(Path folder) {
        try {
            return settings(folder);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The settings that differ from the defaults, in the API's form. */
    private static ObjectNode nonDefault(RuleSetSettings settings) {
        var out = SettingsJson.write(settings, YAML.createObjectNode());
        var defaults = SettingsJson.write(RuleSetSettings.DEFAULTS, YAML.createObjectNode());
        defaults.properties().forEach(d -> {
            if (d.getValue().equals(out.get(d.getKey()))) {
                out.remove(d.getKey());
            }
        });
        return out;
    }

    private static void writeIfChanged(Path file, String text) throws IOException {
        if (Files.isRegularFile(file) && Files.readString(file, StandardCharsets.UTF_8).equals(text)) {
            return;
        }
        Files.createDirectories(file.getParent());
        var temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * The rule set folders {@code path} names: itself when rule files sit directly in it, else each
     * of its sub-folders that holds rule files (a rules folder such as the server's).
     */
    public static List<Path> find(Path path) {
        if (!Files.isDirectory(path)) {
            throw new IllegalArgumentException(path + " is not a folder");
        }
        try (Stream<Path> entries = Files.list(path)) {
            var list = entries.sorted().toList();
            if (list.stream().anyMatch(p -> Files.isRegularFile(p) && RuleSetSource.isRuleFile(p.toString()))) {
                return List.of(path);
            }
            var out = new ArrayList<Path>();
            for (var sub : list) {
                if (Files.isDirectory(sub) && !sub.getFileName().toString().startsWith(".") && !files(sub).isEmpty()) {
                    out.add(sub);
                }
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException(path + " holds no rule files (*.drl, *.rule.yaml), nor folders of them");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }
}
