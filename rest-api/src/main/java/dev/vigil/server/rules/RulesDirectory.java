package dev.vigil.server.rules;

import dev.vigil.server.http.ApiException;
import dev.vigil.server.http.AuditRoutes;
import dev.vigil.server.http.RuleSetRoutes;
import dev.vigil.server.http.SettingsJson;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder of rule sets, one sub-folder each, named after it, holding its {@code .drl} and {@code .rule.yaml} files.
 * Deploys those that do not run as written, and then watches the folder: saving a file redeploys
 * its rule set; a version that does not compile is logged with its diagnostics and changes nothing.
 */
public final class RulesDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RulesDirectory.class);
    private static final long SETTLE_MILLIS = 200;

    private final Path root;
    private final RuleSetRoutes ruleSets;
    private final AuditRoutes audit;
    private WatchService watcher;
    private Thread thread;

    public RulesDirectory(Path root, RuleSetRoutes ruleSets, AuditRoutes audit) {
        this.root = root;
        this.ruleSets = ruleSets;
        this.audit = audit;
    }

    /**
     * Deploys every rule set of the folder that is not running with exactly these files (new, or
     * edited while the server was down); returns their names. One that runs as written is left alone.
     */
    public List<String> deployChanged() {
        var deployed = new ArrayList<String>();
        for (var folder : folders()) {
            if (deploy(folder)) {
                deployed.add(folder.getFileName().toString());
            }
        }
        return deployed;
    }

    /** Starts watching the folder for saved files. */
    public void watch() throws IOException {
        watcher = FileSystems.getDefault().newWatchService();
        root.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
        for (var folder : folders()) {
            register(folder);
        }
        thread = new Thread(this::loop, "vigil-rules-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void register(Path folder) throws IOException {
        try (Stream<Path> dirs = Files.walk(folder)) {
            for (var dir : dirs.filter(Files::isDirectory).toList()) {
                dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
        }
    }

    private void loop() {
        try {
            while (true) {
                var key = watcher.take();
                var changed = new TreeSet<Path>();
                do {
                    var dir = (Path) key.watchable();
                    for (var event : key.pollEvents()) {
                        if (event.context() instanceof Path p) {
                            var path = dir.resolve(p);
                            if (dir.equals(root) && Files.isDirectory(path)) {
                                register(path);
                            }
                            var relative = root.relativize(path);
                            if (relative.getNameCount() > 0) {
                                changed.add(root.resolve(relative.getName(0)));
                            }
                        }
                    }
                    key.reset();
                    // Editors save in several steps: let them finish before compiling.
                    key = watcher.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS);
                } while (key != null);
                for (var folder : changed) {
                    if (Files.isDirectory(folder)) {
                        deploy(folder);
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.error("watching {} stopped: {}", root, e.getMessage());
        }
    }

    /** Deploys a folder when its files differ from what runs; false when it did not deploy. */
    private boolean deploy(Path folder) {
        var name = folder.getFileName().toString();
        try {
            var files = RuleSetFolder.filesAndTests(folder);
            if (files.keySet().stream().allMatch(RuleSetRoutes::isTestFile)) {
                return false;
            }
            var settings = RuleSetFolder.settingsJson(folder);
            if (ruleSets.activeFiles(name).equals(files) && ruleSets.activeSettings(name).equals(Optional.of(SettingsJson.parse(settings)))) {
                return false;
            }
            var result = ruleSets.deploy(name, files, settings);
            LOG.info("rule set '{}' from {} deployed as version {}", name, folder, result.get("version").asInt());
            audit.record("rules folder", "deploy", name, "version " + result.get("version").asInt());
            result.withArray("warnings").forEach(w -> LOG.warn("rule set '{}': {}", name, w.get("message").asText()));
            return true;
        } catch (ApiException e) {
            LOG.error("rule set '{}' from {} was not deployed: {}", name, folder, e.getMessage());
            e.details().forEach(d -> LOG.error("  {}", d));
            return false;
        } catch (IOException | RuntimeException e) {
            LOG.error("rule set '{}' from {} was not deployed: {}", name, folder, e.getMessage());
            return false;
        }
    }

    private List<Path> folders() {
        try (Stream<Path> entries = Files.list(root)) {
            return entries.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the rules folder " + root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                LOG.debug("closing the rules watcher: {}", e.getMessage());
            }
        }
    }
}
