package dev.vigil.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.engine.Engine;
import dev.vigil.engine.api.Deployment;
import dev.vigil.engine.api.RuleSetCompilationException;
import dev.vigil.engine.api.RuleSetInfo;
import dev.vigil.engine.api.RuleSetSettings;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.api.RuleTestCase;
import dev.vigil.engine.api.RuleTestFormatException;
import dev.vigil.kafka.KafkaTransport;
import dev.vigil.server.auth.Scope;
import dev.vigil.server.job.Jobs;
import dev.vigil.server.json.Views;
import dev.vigil.server.store.RuleSetStore;
import dev.vigil.server.store.StoredVersion;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /api/v1/rulesets}: deploy, validate, read, roll back and undeploy rule sets; versions live in H2. */
public final class RuleSetRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(RuleSetRoutes.class);
    /** The path of a test case file: relative, with '/', as the path of a rule file. */
    private static final Pattern TEST_PATH = Pattern.compile("([A-Za-z0-9_][A-Za-z0-9_.-]*/)*[A-Za-z0-9_][A-Za-z0-9_.-]*\\.test\\.yaml");
    private final Engine engine;
    private final RuleSetStore store;
    private final ObjectMapper json;
    private final Views views;
    private volatile KafkaTransport kafka;
    private volatile ManagedRuleSets managed = ManagedRuleSets.NONE;
    private final InstantSource clock;
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    private final InputLimits limits;
    private final AuditRoutes audit;
    private final Jobs testJobs;

    public RuleSetRoutes(Engine engine, RuleSetStore store, ObjectMapper json, InstantSource clock, InputLimits limits,
                  AuditRoutes audit) {
        this.limits = limits;
        this.audit = audit;
        this.engine = engine;
        this.store = store;
        this.json = json;
        this.views = new Views(json);
        this.clock = clock;
        this.testJobs = new Jobs("vigil-rule-tests", "cases", clock, JobViews.errors(json, "the rule tests"));
    }

    /**
     * Deploys the active version of every stored rule set, as at the last stop: one that had failed
     * stays failed, with its reason, and runs nothing until another version is deployed.
     */
    public void restoreActive() {
        var failures = store.failures();
        for (var version : store.active()) {
            try {
                var settings = SettingsJson.parse(version.settings());
                var source = new RuleSetSource(version.name(), ruleFiles(version.files()), settings);
                var failure = failures.get(version.name());
                if (failure != null) {
                    engine.deployFailed(source, version.version(), failure);
                    LOG.warn("rule set '{}' version {} stays failed until another version is deployed: {}", version.name(),
                            version.version(), failure);
                    continue;
                }
                engine.deploy(source, version.version());
                LOG.info("rule set '{}' version {} deployed", version.name(), version.version());
            } catch (RuntimeException e) {
                LOG.error("rule set '{}' version {} could not be deployed again: {}", version.name(), version.version(), e.getMessage());
            }
        }
    }

    public void deploy(Context ctx) {
        var name = ctx.pathParam("name");
        var body = Bodies.object(ctx, json);
        ctx.json(deployThroughApi(name, files(body), body.has("settings") ? (ObjectNode) objectOrNull(body.get("settings")) : null));
    }

    /** Deploys {@code files} as the next version of {@code name}, stores it, and describes the result. */
    public ObjectNode deploy(String name, Map<String, String> files, ObjectNode settingsJson) {
        return deploy(name, files, settingsJson, null);
    }

    /**
     * As {@link #deploy(String, Map, ObjectNode)}, for the files of rules folder entry {@code folder}
     * ("rules/fraud"; null when they do not come from a folder), which the stored version records.
     */
    public ObjectNode deploy(String name, Map<String, String> files, ObjectNode settingsJson, String folder) {
        // One deploy of a rule set at a time, so that two cannot take the same version number.
        synchronized (lock(name)) {
            var out = deployLocked(name, files, settingsJson, folder, false);
            changed();
            return out;
        }
    }

    /**
     * Runs {@code work} while no deploy, rollback or undeploy of rule set {@code name} runs: the rules
     * folder reads and deploys a folder so, and a deploy through the API writes its files back so.
     */
    public <T> T whileDeploying(String name, Supplier<T> work) {
        synchronized (lock(name)) {
            return work.get();
        }
    }

    private Object lock(String name) {
        return locks.computeIfAbsent(name, n -> new Object());
    }

    /**
     * Deploys what the API was sent. A rule set that a rules folder manages is refused (409), unless
     * the folder is writable: the files are then written back to the folder as well.
     */
    private ObjectNode deployThroughApi(String name, Map<String, String> files, ObjectNode settingsJson) {
        var folder = managed.managedBy(name);
        if (folder.isPresent() && !managed.writable()) {
            throw managedByFolder(name, folder.get(), "edit its files there, or start the server with --rules-writable");
        }
        synchronized (lock(name)) {
            var out = deployLocked(name, files, settingsJson, folder.orElse(null), folder.isPresent());
            changed();
            return out;
        }
    }

    private static ApiException managedByFolder(String name, String folder, String what) {
        return new ApiException(409, "managed_by_folder", "rule set " + name + " is managed by " + folder + ": " + what,
                List.of(Map.of("managedBy", folder)));
    }

    /**
     * The rules folder that manages some rule sets: their views name it, and the API refuses to
     * change them unless it is writable.
     */
    public void useRulesFolder(ManagedRuleSets value) {
        managed = value;
    }

    /**
     * The Kafka transport, told of every deploy and undeploy so that it starts and stops consumers
     * at once; the rule set view shows its consumer.
     */
    public void useKafka(KafkaTransport value) {
        kafka = value;
    }

    private void changed() {
        var transport = kafka;
        if (transport != null) {
            transport.refresh();
        }
    }

    /**
     * Deploys and stores a version; with {@code writeBack}, writes its files to the folder that
     * manages the rule set as well, and the version records {@code folder} only if that worked.
     */
    private ObjectNode deployLocked(String name, Map<String, String> files, ObjectNode settingsJson, String folder, boolean writeBack) {
        var settings = SettingsJson.parse(settingsJson);
        var source = source(name, files, settings);
        checkTestPaths(files);
        int version = store.nextVersion(name);
        Deployment deployment;
        try {
            deployment = engine.deploy(source, version);
        } catch (RuleSetCompilationException e) {
            throw new ApiException(422, "rules_do_not_compile", "rule set '" + name + "' does not compile; the running version is unchanged",
                    e.diagnostics().stream().map(views::diagnostic).toList());
        }
        var notWritten = writeBack ? writeBack(name, version, folder, files, settingsJson) : null;
        store.saveActive(new StoredVersion(name, version, files,
                SettingsJson.write(settings, json.createObjectNode()), clock.instant(), notWritten == null ? folder : null));
        var out = json.createObjectNode().put("name", name).put("version", deployment.version());
        if (folder != null) {
            out.put("managedBy", folder);
        }
        deployment.rules().forEach(r -> out.withArray("rules").add(views.rule(r)));
        deployment.eventTypes().forEach(t -> out.withArray("eventTypes").add(views.eventType(t)));
        out.putArray("warnings");
        deployment.warnings().forEach(w -> out.withArray("warnings").add(views.diagnostic(w)));
        if (notWritten != null) {
            out.withArray("warnings").addObject().put("level", "warning").put("message", notWritten);
        }
        out.put("carriedFacts", deployment.carriedFacts());
        return out;
    }

    /** Writes a deployed version's files back to its folder: null when written, else why not (the version runs all the same). */
    private String writeBack(String name, int version, String folder, Map<String, String> files, ObjectNode settingsJson) {
        try {
            managed.writeBack(name, files, settingsJson);
            LOG.info("rule set '{}' version {} written to {}", name, version, folder);
            return null;
        } catch (IOException | RuntimeException e) {
            var why = "version " + version + " runs, but its files could not be written to " + folder + ": " + e.getMessage()
                    + "; the folder differs from it until they are";
            LOG.error("rule set '{}': {}", name, why);
            return why;
        }
    }

    /** Refuses a test case file whose path is not a plain relative one: it may be written to a rules folder. */
    private static void checkTestPaths(Map<String, String> files) {
        for (var path : files.keySet()) {
            if (isTestFile(path) && (!TEST_PATH.matcher(path).matches() || path.contains(".."))) {
                throw ApiException.badRequest("file '" + path + "': a path must be relative, use '/', and no name in it may start with '.' or '-'");
            }
        }
    }

    public void validate(Context ctx) {
        var name = ctx.pathParam("name");
        var body = Bodies.object(ctx, json);
        var source = source(name, files(body), SettingsJson.parse(objectOrNull(body.get("settings"))));
        var out = json.createObjectNode().put("name", name);
        var diagnostics = out.putArray("diagnostics");
        try {
            var compiled = engine.validate(source);
            out.put("valid", true);
            compiled.warnings().forEach(w -> diagnostics.add(views.diagnostic(w)));
            compiled.rules().forEach(r -> out.withArray("rules").add(views.rule(r)));
            compiled.eventTypes().forEach(t -> out.withArray("eventTypes").add(views.eventType(t)));
            if (!compiled.generated().isEmpty()) {
                out.set("generated", json.valueToTree(compiled.generated()));
            }
        } catch (RuleSetCompilationException e) {
            out.put("valid", false);
            e.diagnostics().forEach(d -> diagnostics.add(views.diagnostic(d)));
        }
        ctx.json(out);
    }

    public void list(Context ctx) {
        var out = json.createArrayNode();
        for (var live : engine.ruleSets()) {
            var stats = live.stats();
            var entry = out.addObject().put("name", live.name()).put("version", stats.version())
                    .put("state", stats.status().state().name().toLowerCase(Locale.ROOT))
                    .put("reason", stats.status().reason())
                    .put("rules", live.rules().size())
                    .put("eventsProcessed", stats.eventsProcessed())
                    .put("alerts", stats.alerts());
            putManaged(entry, live.name());
        }
        ctx.json(out);
    }

    public void get(Context ctx) {
        var name = ctx.pathParam("name");
        var live = engine.ruleSet(name).orElseThrow(() -> ApiException.notFound("no rule set named '" + name + "' is deployed"));
        var stats = live.stats();
        var stored = store.version(name, stats.version());
        var out = json.createObjectNode().put("name", name).put("version", stats.version());
        // The version's files as deployed: its rules and the test cases kept with them.
        out.set("files", json.valueToTree(stored.map(StoredVersion::files).orElse(live.source().files())));
        out.set("settings", SettingsJson.write(live.source().settings(), json.createObjectNode()));
        out.put("state", stats.status().state().name().toLowerCase(Locale.ROOT)).put("reason", stats.status().reason());
        var budget = live.alertBudget();
        out.putObject("alertBudget").put("perEvent", budget.perEvent()).put("perSecond", budget.perSecond());
        live.rules().forEach(r -> out.withArray("rules").add(views.rule(r)));
        live.eventTypes().forEach(t -> out.withArray("eventTypes").add(views.eventType(t)));
        var warnings = out.putArray("warnings");
        live.warnings().forEach(w -> warnings.add(views.diagnostic(w)));
        // How far back its rules' knowledge reaches (events kept, profiles' spans): what a restart reads back; null when unbounded.
        out.put("history", live.history() == null ? null : live.history().toString());
        if ("true".equalsIgnoreCase(ctx.queryParam("generated"))) {
            // The DRL each rule-language file became, by the file's path.
            out.set("generated", json.valueToTree(live.generated()));
        }
        out.set("stats", json.valueToTree(stats));
        var transport = kafka;
        if (transport != null) {
            transport.status(name).ifPresent(consumer -> out.set("kafka", views.kafka(consumer)));
        }
        stored.ifPresent(v -> out.put("deployedAt", v.createdAt().toString()));
        putManaged(out, name);
        ctx.json(out);
    }

    /**
     * Names the folder that manages rule set {@code name} ({@code managedBy}, null when none does);
     * for one that a folder manages, whether a deploy writes to it and why the folder differs from
     * the running version ({@code drift}, null when it holds it).
     */
    private void putManaged(ObjectNode out, String name) {
        var folder = managed.managedBy(name);
        out.put("managedBy", folder.orElse(null));
        if (folder.isPresent()) {
            out.put("folderWritable", managed.writable());
            out.put("drift", managed.drift(name).orElse(null));
        }
    }

    public void versions(Context ctx) {
        var name = ctx.pathParam("name");
        var versions = store.versions(name);
        if (versions.isEmpty()) {
            throw ApiException.notFound("rule set '" + name + "' has no versions");
        }
        var out = json.createArrayNode();
        versions.forEach(v -> out.addObject().put("version", v.version()).put("deployedAt", v.createdAt().toString())
                .set("files", json.valueToTree(v.files().keySet())));
        ctx.json(out);
    }

    public void version(Context ctx) {
        var name = ctx.pathParam("name");
        int number = Bodies.intParam(ctx.pathParam("version"), "version");
        var v = store.version(name, number)
                .orElseThrow(() -> ApiException.notFound("rule set '" + name + "' has no version " + number));
        var out = json.createObjectNode().put("name", name).put("version", v.version()).put("deployedAt", v.createdAt().toString());
        out.set("files", json.valueToTree(v.files()));
        out.set("settings", v.settings());
        ctx.json(out);
    }

    public void rollback(Context ctx) {
        var name = ctx.pathParam("name");
        var body = Bodies.object(ctx, json);
        var versionNode = body.get("version");
        if (versionNode == null || !versionNode.canConvertToInt()) {
            throw new ApiException(400, "bad_request", "give the version to roll back to: {\"version\": n}");
        }
        var old = store.version(name, versionNode.asInt())
                .orElseThrow(() -> ApiException.notFound("rule set '" + name + "' has no version " + versionNode.asInt()));
        ctx.json(deployThroughApi(name, old.files(), old.settings()));
    }

    /** Undeploys a rule set; one that a rules folder manages is refused (409), writable or not: the folder would deploy it again. */
    public void undeploy(Context ctx) {
        var name = ctx.pathParam("name");
        var folder = managed.managedBy(name);
        if (folder.isPresent()) {
            throw managedByFolder(name, folder.get(), "remove that folder from the rules folder first (the rule set then stays deployed,"
                    + " managed by nothing), then undeploy it");
        }
        synchronized (lock(name)) {
            if (!engine.undeploy(name)) {
                throw ApiException.notFound("no rule set named '" + name + "' is deployed");
            }
            store.deactivate(name);
        }
        changed();
        ctx.status(204);
    }

    /**
     * The rule set of a version's files: its rules. Test cases ({@code *.test.yaml}) are kept with
     * the version, next to the rules they test, but are not rules.
     */
    private static RuleSetSource source(String name, Map<String, String> files, RuleSetSettings settings) {
        try {
            return new RuleSetSource(name, ruleFiles(files), settings);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    public static boolean isTestFile(String path) {
        return path.endsWith(".test.yaml");
    }

    private static Map<String, String> ruleFiles(Map<String, String> files) {
        var out = new TreeMap<String, String>();
        files.forEach((path, text) -> {
            if (!isTestFile(path)) {
                out.put(path, text);
            }
        });
        return out;
    }

    /** The settings of rule set {@code name}'s running version, when it runs. */
    public Optional<RuleSetSettings> activeSettings(String name) {
        return engine.ruleSet(name).map(r -> r.source().settings());
    }

    /** The files of the active version of {@code name}, rules and test cases, or empty when none is active. */
    public Map<String, String> activeFiles(String name) {
        return store.active(name).map(StoredVersion::files).orElse(Map.of());
    }

    /** The active version of {@code name} as stored, when it has one. */
    public Optional<StoredVersion> activeVersion(String name) {
        return store.active(name);
    }

    /** The newest version of {@code name} that came from or was written to a rules folder; 0 when none did. */
    public int lastFromFolder(String name) {
        return store.lastFromFolder(name);
    }

    /**
     * {@code POST /api/v1/rulesets/{name}/tests}: runs rule test cases against the active version:
     * those sent as {@code {"files": {"x.test.yaml": "..."}}}, else those deployed with it. With
     * {@code "async": true} the run is a job (202 with its id), whose progress in cases done of the
     * total {@code GET .../tests/{id}} shows and {@code DELETE} cancels. A run of cases sent with the
     * request is in the audit log, however it ended.
     */
    public void test(Context ctx) {
        var name = ctx.pathParam("name");
        var live = engine.ruleSet(name).orElseThrow(() -> ApiException.notFound("no rule set named '" + name + "' is deployed"));
        var body = ctx.body().isBlank() ? json.createObjectNode() : Bodies.object(ctx, json);
        var sent = body.has("files") ? files(body) : null;
        var actor = AuditRoutes.actor(ctx);
        List<RuleTestCase> cases;
        try {
            cases = testCases(name, sent == null ? activeFiles(name) : sent);
        } catch (RuntimeException e) {
            auditTest(actor, live, sent, AuditRoutes.outcome(e));
            throw e;
        }
        if (body.path("async").asBoolean(false)) {
            var job = testJobs.submit(cases.size(), j -> runTests(live, cases, done -> {
                j.done().set(done);
                j.checkCancelled();
            }), ended -> auditTest(actor, live, sent, JobViews.outcome(ended, report -> testOutcome(cases, report))));
            ctx.status(202).json(Map.of("id", job.id(), "status", "queued", "href", "/api/v1/rulesets/" + name + "/tests/" + job.id()));
            return;
        }
        try {
            var out = runTests(live, cases, done -> { });
            auditTest(actor, live, sent, testOutcome(cases, out));
            ctx.json(out);
        } catch (RuntimeException e) {
            auditTest(actor, live, sent, AuditRoutes.outcome(e));
            throw e;
        }
    }

    /** "3 cases, 12 events; 2 passed, 1 failed": how a run of test cases ended, for the audit log. */
    private static String testOutcome(List<RuleTestCase> cases, ObjectNode report) {
        long events = cases.stream().mapToLong(c -> c.events().size()).sum();
        long failed = report.get("failed").asLong();
        return AuditRoutes.count(cases.size(), "case") + ", " + AuditRoutes.count(events, "event") + "; " + (cases.size() - failed)
                + " passed, " + failed + " failed";
    }

    /** Records a run of test cases sent with the request (not those deployed) in the audit log. */
    private void auditTest(String actor, RuleSetInfo live, Map<String, String> sent, String outcome) {
        if (sent != null) {
            audit.record(actor, "rule test", live.name() + " v" + live.stats().version(),
                    "test files " + String.join(", ", new TreeSet<>(sent.keySet())) + "; " + outcome);
        }
    }

    public void testJob(Context ctx) {
        ctx.json(JobViews.find(ctx, testJobs, "rule test run").view(json));
    }

    public void cancelTestJob(Context ctx) {
        JobViews.cancel(ctx, testJobs, "rule test run", json);
    }

    /** Stops the rule test runs in the background. */
    public void close() {
        testJobs.close();
    }

    /** The test cases of {@code files} (its {@code *.test.yaml} files); 400 naming the problem when there are none or one is not valid. */
    private List<RuleTestCase> testCases(String name, Map<String, String> files) {
        var cases = new ArrayList<RuleTestCase>();
        try {
            for (var file : new TreeMap<>(files).entrySet()) {
                if (isTestFile(file.getKey())) {
                    cases.addAll(Engine.parseTests(file.getKey(), file.getValue()));
                }
            }
        } catch (RuleTestFormatException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (cases.isEmpty()) {
            throw ApiException.badRequest("rule set '" + name + "' has no test cases: send {\"files\": {\"x.test.yaml\": \"...\"}},"
                    + " or deploy *.test.yaml files with its rules");
        }
        return cases;
    }

    /** Runs {@code cases} against the running version of {@code live}, telling {@code progress} the cases done: each case's outcome. */
    private ObjectNode runTests(RuleSetInfo live, List<RuleTestCase> cases, IntConsumer progress) {
        var name = live.name();
        var report = engine.test(live.source(), cases, progress);
        var out = json.createObjectNode().put("name", name).put("version", live.stats().version()).put("passed", report.passed())
                .put("failed", report.failed());
        var list = out.putArray("cases");
        for (var c : report.cases()) {
            var node = list.addObject().put("file", c.file()).put("name", c.name()).put("passed", c.passed());
            var failures = node.putArray("failures");
            c.failures().forEach(failures::add);
            var fired = node.putArray("fired");
            c.fired().forEach(a -> fired.add(views.alert(a)));
        }
        return out;
    }

    /** The files of a deploy or a validation, within the limits of count and size. */
    private Map<String, String> files(JsonNode body) {
        var out = filesOf(body);
        if (out.size() > limits.ruleSetFiles()) {
            throw new ApiException(413, "rule_set_too_large", "the rule set has " + out.size() + " files; at most " + limits.ruleSetFiles()
                    + " are taken (--max-rule-set-files)");
        }
        long bytes = out.values().stream().mapToLong(t -> t.getBytes(StandardCharsets.UTF_8).length).sum();
        if (bytes > limits.ruleSetBytes()) {
            throw new ApiException(413, "rule_set_too_large", "the rule set's files hold " + bytes + " bytes; at most " + limits.ruleSetBytes()
                    + " are taken (--max-rule-set-size)");
        }
        return out;
    }

    private static Map<String, String> filesOf(JsonNode body) {
        var files = body.get("files");
        if (files == null || !files.isObject() || files.isEmpty()) {
            throw ApiException.badRequest("give the rule set's files: {\"files\": {\"rules.drl\": \"...\"}}");
        }
        var out = new LinkedHashMap<String, String>();
        for (var e : files.properties()) {
            if (!e.getValue().isTextual()) {
                throw ApiException.badRequest("file '" + e.getKey() + "' must be the text of the file");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static JsonNode objectOrNull(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw ApiException.badRequest("settings must be a JSON object");
        }
        return node;
    }

    public void addTo(RoutesConfig routes) {
        routes.get("/api/v1/rulesets", this::list, Scope.RULES_READ);
        routes.put("/api/v1/rulesets/{name}", this::deploy, Scope.RULES_WRITE);
        routes.get("/api/v1/rulesets/{name}", this::get, Scope.RULES_READ);
        routes.delete("/api/v1/rulesets/{name}", this::undeploy, Scope.RULES_WRITE);
        routes.post("/api/v1/rulesets/{name}/validate", this::validate, Scope.RULES_WRITE);
        routes.get("/api/v1/rulesets/{name}/versions", this::versions, Scope.RULES_READ);
        routes.get("/api/v1/rulesets/{name}/versions/{version}", this::version, Scope.RULES_READ);
        routes.post("/api/v1/rulesets/{name}/rollback", this::rollback, Scope.RULES_WRITE);
        routes.post("/api/v1/rulesets/{name}/tests", this::test, Scope.RULES_READ);
        routes.get("/api/v1/rulesets/{name}/tests/{id}", this::testJob, Scope.RULES_READ);
        routes.delete("/api/v1/rulesets/{name}/tests/{id}", this::cancelTestJob, Scope.RULES_READ);
        routes.get("/api/v1/event-types", this::eventTypes, Scope.RULES_READ);
    }

    /** {@code GET /api/v1/event-types}: every event type of every deployed rule set, with the rule set's name. */
    void eventTypes(Context ctx) {
        var out = json.createArrayNode();
        engine.eventTypes().forEach((ruleSet, types) -> types.forEach(t -> out.add(views.eventType(t).put("ruleSet", ruleSet))));
        ctx.json(out);
    }
}
