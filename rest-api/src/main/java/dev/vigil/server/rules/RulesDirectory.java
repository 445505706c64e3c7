package dev.vigil.server.rules;

import dev.vigil.server.http.ApiException;
import dev.vigil.server.http.AuditRoutes;
import dev.vigil.server.http.ManagedRuleSets;
import dev.vigil.server.http.RuleSetRoutes;
import dev.vigil.server.http.SettingsJson;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.engine.api.RuleSetSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder of rule sets, one sub-folder each, named after it, holding its {@code .drl} and {@code .rule.yaml} files.
 * Deploys those that do not run as written, and then watches the folder: saving a file redeploys
 * its rule set; a version that does not compile is logged with its diagnostics and changes nothing.
 *
 * <p>The folder manages its rule sets, as Grafana does provisioned rules: the API refuses to change
 * one ({@link ManagedRuleSets}) unless the folder is writable, a deploy through the API then writing
 * the files back here. A rule set stops being managed when its sub-folder goes (it stays deployed).
 * At start-up, a rule set whose running version was deployed through the API and never reached its
 * folder (deployed before folders managed rule sets, or its write-back failed) is not replaced by
 * the folder's files: it keeps running and its view says why the folder differs ({@link #drift}),
 * until a file of the folder is saved, which deploys the folder as usual.
 */
public final class RulesDirectory implements AutoCloseable, ManagedRuleSets {
    private static final Logger LOG = LoggerFactory.getLogger(RulesDirectory.class);
    private static final long SETTLE_MILLIS = 200;

    private final Path root;
    private final RuleSetRoutes ruleSets;
    private final AuditRoutes audit;
    private final boolean writable;
    /** Why a rule set's running version is not what its folder holds, by rule set name. */
    private final Map<String, String> drift = new ConcurrentHashMap<>();
    private WatchService watcher;
    private Thread thread;

    /** The read-only rules folder {@code root}. */
    public RulesDirectory(Path root, RuleSetRoutes ruleSets, AuditRoutes audit) {
        this(root, ruleSets, audit, false);
    }

    /**
     * The rules folder {@code root}, as the user gave it (the rule sets' {@code managedBy} starts
     * with it); with {@code writable}, a deploy through the API writes a managed rule set's files
     * back to it. From now on the API treats the rule sets of its sub-folders as managed.
     */
    public RulesDirectory(Path root, RuleSetRoutes ruleSets, AuditRoutes audit, boolean writable) {
        this.root = root;
        this.ruleSets = ruleSets;
        this.audit = audit;
        this.writable = writable;
        ruleSets.useRulesFolder(this);
    }

    /**
     * Deploys every rule set of the folder that is not running with exactly these files (new, or
     * edited while the server was down); returns their names. One that runs as written is left alone.
     */
    public List<String> deployChanged() {
        var deployed = new ArrayList<String>();
        for (var folder : folders()) {
            if (deploy(folder, true)) {
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
                        deploy(folder, false);
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.error("watching {} stopped: {}", root, e.getMessage());
        }
    }

    /**
     * Deploys a folder when its files differ from what runs, except at start-up over a version that
     * never reached the folder; false when it did not deploy. It reads and deploys while no other
     * deploy of the rule set runs, so that it never reads the files a deploy through the API is
     * writing back half-way.
     */
    private boolean deploy(Path folder, boolean atStart) {
        var name = folder.getFileName().toString();
        return ruleSets.whileDeploying(name, () -> deployLocked(folder, name, atStart));
    }

    private boolean deployLocked(Path folder, String name, boolean atStart) {
        try {
            var files = RuleSetFolder.filesAndTests(folder);
            if (files.keySet().stream().allMatch(RuleSetRoutes::isTestFile)) {
                return false;
            }
            var settings = RuleSetFolder.settingsJson(folder);
            if (ruleSets.activeFiles(name).equals(files) && ruleSets.activeSettings(name).equals(Optional.of(SettingsJson.parse(settings)))) {
                drift.remove(name);
                return false;
            }
            var running = ruleSets.activeVersion(name);
            if (atStart && running.isPresent() && running.get().folder() == null) {
                keepNewer(name, running.get().version());
                return false;
            }
            var result = ruleSets.deploy(name, files, settings, label(name));
            drift.remove(name);
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

    /** Keeps running version {@code version} of {@code name}, deployed through the API, rather than the folder's files, and says so. */
    private void keepNewer(String name, int version) {
        int last = ruleSets.lastFromFolder(name);
        var why = "version " + version + " runs: it was deployed through the API" + (last > 0 ? " after version " + last
                + ", the last one from " + label(name) : "") + ", and is kept; the files of " + label(name)
                + " differ from it and were not deployed. Save a file there (after copying version " + version + "'s files into it, if they"
                + " should stay) to deploy the folder";
        drift.put(name, why);
        LOG.warn("rule set '{}': {}", name, why);
        audit.record("rules folder", "keep", name, "version " + version + ", newer than " + label(name));
    }

    /** The folder of rule set {@code name} as the user named it: the rules folder as given, joined with the name ("rules/fraud"). */
    private String label(String name) {
        return root.resolve(name).toString().replace('\\', '/');
    }

    @Override
    public Optional<String> managedBy(String name) {
        if (name.startsWith(".") || name.contains("/") || name.contains("\\")) {
            return Optional.empty();
        }
        var folder = root.resolve(name);
        try (Stream<Path> paths = Files.isDirectory(folder) ? Files.walk(folder) : Stream.empty()) {
            return paths.anyMatch(p -> RuleSetSource.isRuleFile(p.toString()) && Files.isRegularFile(p)) ? Optional.of(label(name)) : Optional.empty();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean writable() {
        return writable;
    }

    @Override
    public void writeBack(String name, Map<String, String> files, ObjectNode settings) throws IOException {
        try {
            RuleSetFolder.write(root.resolve(name), files, settings);
            drift.remove(name);
        } catch (IOException | RuntimeException e) {
            drift.put(name, "the running version, deployed through the API, could not be written to " + label(name) + ": " + e.getMessage()
                    + "; the folder's files differ from it");
            throw e;
        }
    }

    @Override
    public Optional<String> drift(String name) {
        return Optional.ofNullable(drift.get(name));
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
        ruleSets.useRulesFolder(ManagedRuleSets.NONE);
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                LOG.debug("closing the rules watcher: {}", e.getMessage());
            }
        }
    }
}
