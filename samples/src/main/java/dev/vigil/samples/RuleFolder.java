package dev.vigil.samples;

import dev.vigil.engine.api.RuleSetSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;

/** A rule set folder read as the server reads it: its {@code .drl} and {@code .rule.yaml} files, named after the folder. */
public final class RuleFolder {
    private RuleFolder() {
    }

    public static RuleSetSource load(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("no rule set folder " + folder + ": give the folder of its .drl and .rule.yaml files");
        }
        var files = new TreeMap<String, String>();
        try (var paths = Files.walk(folder)) {
            for (var path : paths.filter(p -> Files.isRegularFile(p) && RuleSetSource.isRuleFile(p.getFileName().toString())).sorted().toList()) {
                files.put(folder.relativize(path).toString().replace('\\', '/'), Files.readString(path, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the rule set folder " + folder + ": " + e.getMessage(), e);
        }
        return RuleSetSource.of(folder.toAbsolutePath().normalize().getFileName().toString(), files);
    }
}
