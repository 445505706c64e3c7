package dev.vigil.server.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EventReaders;
import dev.vigil.engine.PreparedReplay;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.ClockMode;
import dev.vigil.engine.api.EventInput;
import dev.vigil.engine.api.EventInputException;
import dev.vigil.engine.api.EventTimeBounds;
import dev.vigil.engine.api.ReplayOrder;
import dev.vigil.engine.api.ReplayResult;
import dev.vigil.engine.api.RuleSetCompilationException;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.api.RuleTimeoutException;
import dev.vigil.engine.api.RunawayRulesException;
import dev.vigil.server.auth.Scope;
import dev.vigil.server.auth.Tokens;
import dev.vigil.server.http.ApiException;
import dev.vigil.server.http.AuditRoutes;
import dev.vigil.server.http.Bodies;
import dev.vigil.server.http.JobViews;
import dev.vigil.server.http.SettingsJson;
import dev.vigil.server.ingest.JournalEvents;
import dev.vigil.server.job.Jobs;
import dev.vigil.server.json.Views;
import dev.vigil.server.store.DataFolder;
import dev.vigil.server.store.JournalStore;
import dev.vigil.server.store.RuleSetStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/replays}: rules times events, to alerts and statistics, apart from everything
 * live (no live session, no stored alert, no webhook is touched).
 *
 * <p>Rules: a deployed rule set ({@code ruleset}, optionally {@code version}) or inline
 * {@code files} and {@code settings}. Events: inline {@code events}, a journal range of event time,
 * or the body itself as NDJSON or CSV with the rules and options in query parameters. With
 * {@code compareWith}, a second rule set runs over the same events and the answer adds the
 * difference. The events run sorted by event time ({@code "ordered": "event-time"}, the default) or
 * in the order given ({@code "as-given"}, through the watermark as a live stream), and the stats
 * tell how out of order they came. An input larger than the configured size (or {@code async}) runs as a job: 202 with
 * its id, then {@code GET /api/v1/replays/{id}} for progress and the result ({@code DELETE} cancels it). Inputs are streamed,
 * never held whole: bodies go to a file in the data folder first. A replay is held to the limits of
 * a live session, the engine's rule timeout and its rule set's firing limit: rules that loop answer
 * 422 naming the rule set and the rule, and a job ends failed with that reason.
 */
public final class ReplayRoutes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayRoutes.class);
    /** Alerts a result lists; all are counted. */
    static final int MAX_ALERTS_LISTED = 10_000;
    private static final Set<String> KEYS = Set.of("ruleset", "version", "files", "settings", "events", "journal", "compareWith",
            "until", "async", "ordered");

    private final Engine engine;
    private final RuleSetStore ruleSets;
    private final JournalStore journal;
    private final ObjectMapper json;
    private final Views views;
    private final Path spool;
    private final long jobBytes;
    private final long jobEvents;
    private final ReplayOrder order;
    private final InstantSource clock;
    private final AuditRoutes audit;
    private final Jobs jobs;

    /** Routes whose replays sort at most {@code sortMemory} events in memory, spilling the rest to {@code spool}. */
    public ReplayRoutes(Engine engine, RuleSetStore ruleSets, JournalStore journal, ObjectMapper json, Path spool, long jobBytes,
                 long jobEvents, int sortMemory, InstantSource clock, AuditRoutes audit) {
        this.engine = engine;
        this.ruleSets = ruleSets;
        this.journal = journal;
        this.json = json;
        this.views = new Views(json);
        this.spool = spool;
        this.jobBytes = jobBytes;
        this.jobEvents = jobEvents;
        this.order = new ReplayOrder(true, sortMemory, spool);
        this.clock = clock;
        this.audit = audit;
        this.jobs = new Jobs("vigil-replay", "events", clock, JobViews.errors(json, "the replay"));
    }

    /**
     * What to replay, resolved from a request: rules, the rules to compare with, where the events
     * come from, and what the audit log says of rules sent inline (null when all are deployed ones).
     */
    private record Request(RuleSetSource rules, RuleSetSource compareWith, Instant until, boolean async, Input input, Inline inline,
                           ReplayOrder order) {
    }

    /**
     * Rules sent with a replay, as the audit log names them.
     *
     * @param target the rules that ran: {@code inline}, or a rule set's name, and what they were compared with
     * @param files  the paths of the files sent inline
     */
    private record Inline(String target, List<String> files) {
    }

    /** Where a replay's events come from; opened when the replay runs. */
    private interface Input {
        EventInput open(PreparedReplay compiled);

        /** Events in it when known, else -1. */
        long total();

        /** Bytes it holds when it is a file, else -1. */
        long bytes();

        default void discard() {
        }
    }

    public void start(Context ctx) {
        var request = parse(ctx);
        var actor = AuditRoutes.actor(ctx);
        if (request.async || request.input.bytes() > jobBytes || request.input.total() > jobEvents) {
            var job = jobs.submit(request.input.total(), j -> replay(request, j.done(), j::checkCancelled, rules -> follow(j, rules)),
                    ended -> audit(request, actor, ended.done().get(), "job " + ended.id() + " " + JobViews.outcome(ended, ReplayRoutes::outcome)));
            audit(request, actor, request.input.total(), "job " + job.id() + " queued");
            ctx.status(202).json(Map.of("id", job.id(), "status", "queued", "href", "/api/v1/replays/" + job.id()));
            return;
        }
        var done = new AtomicLong();
        try {
            var out = replay(request, done, () -> { }, rules -> { });
            audit(request, actor, done.get(), outcome(out));
            ctx.json(out);
        } catch (RuntimeException e) {
            audit(request, actor, Math.max(done.get(), request.input.total()), AuditRoutes.outcome(e));
            throw e;
        }
    }

    /** Records a replay of inline rules in the audit log: who ran which files over how many events, and how it ended. */
    private void audit(Request request, String actor, long events, String outcome) {
        if (request.inline == null) {
            return;
        }
        audit.record(actor, "replay", request.inline.target(), "files " + String.join(", ", request.inline.files()) + "; "
                + (events < 0 ? "events not counted yet" : AuditRoutes.count(events, "event")) + "; " + outcome);
    }

    /** "done: 3 alerts": how a replay that ran ended. */
    static String outcome(ObjectNode result) {
        return "done: " + AuditRoutes.count(result.path("stats").path("alerts").asLong(), "alert");
    }

    public void get(Context ctx) {
        ctx.json(JobViews.find(ctx, jobs, "replay job").view(json));
    }

    public void cancel(Context ctx) {
        JobViews.cancel(ctx, jobs, "replay job", json);
    }

    /** A job's progress as the replay tells it: events processed (not read), of the total once the sort has read them all. */
    private static void follow(Jobs.Job job, PreparedReplay rules) {
        var progress = rules.progress();
        job.follow(progress::processed, progress::total, () -> progress.phase().name().toLowerCase(Locale.ROOT), rules::stop);
    }

    /**
     * Replays the request, counting the events read into {@code done}; {@code step} runs before each
     * event is read and may stop the replay; {@code prepared} is told the compiled rules before they run.
     */
    private ObjectNode replay(Request request, AtomicLong done, Runnable step, Consumer<PreparedReplay> prepared) {
        PreparedReplay rules = null;
        PreparedReplay other = null;
        // The replay consumes the compiled rule sets; closing them again here covers every way out before it.
        try {
            rules = compile(request.rules, request.order, "the rules");
            other = request.compareWith == null ? null : compile(request.compareWith, request.order, "compareWith");
            prepared.accept(rules);
            try (var events = request.input.open(rules)) {
                var timeline = new EventTimeline();
                var out = replay(rules, other, timeline.counting(counting(events, done, step), rules::eventTime), request.until);
                out.set("timeline", timeline.view(json));
                return out;
            }
        } catch (EventInputException e) {
            throw new ApiException(400, "bad_input", e.getMessage(), List.of(details(e)));
        } catch (RunawayRulesException | RuleTimeoutException e) {
            throw new ApiException(422, "rules_stopped", e.getMessage());
        } finally {
            if (rules != null) {
                rules.close();
            }
            if (other != null) {
                other.close();
            }
            request.input.discard();
        }
    }

    private ObjectNode replay(PreparedReplay rules, PreparedReplay other, Iterator<JsonNode> events, Instant until) {
        var out = json.createObjectNode();
        if (other == null) {
            var listed = new ArrayList<Alert>();
            var result = rules.run(events, until, alert -> {
                if (listed.size() < MAX_ALERTS_LISTED) {
                    listed.add(alert);
                }
            });
            write(out, listed, result);
            return out;
        }
        var comparison = rules.compareWith(other, events, until);
        write(out, comparison.candidate().alerts(), comparison.candidate());
        var diff = out.putObject("diff");
        var added = diff.putArray("added");
        comparison.diff().added().stream().limit(MAX_ALERTS_LISTED).forEach(a -> added.add(views.alert(a)));
        var removed = diff.putArray("removed");
        comparison.diff().removed().stream().limit(MAX_ALERTS_LISTED).forEach(a -> removed.add(views.alert(a)));
        diff.put("unchanged", comparison.diff().unchanged());
        diff.put("addedCount", comparison.diff().added().size()).put("removedCount", comparison.diff().removed().size());
        return out;
    }

    private static Map<String, Object> details(EventInputException e) {
        var out = new LinkedHashMap<String, Object>();
        out.put("line", e.line());
        if (e.column() != null) {
            out.put("column", e.column());
        }
        out.put("message", e.getMessage());
        return out;
    }

    private void write(ObjectNode out, List<Alert> alerts, ReplayResult result) {
        var list = out.putArray("alerts");
        alerts.stream().limit(MAX_ALERTS_LISTED).forEach(a -> list.add(views.alert(a)));
        var stats = result.stats();
        long total = stats.alertsPerRule().values().stream().mapToLong(Long::longValue).sum();
        out.put("alertsListed", list.size());
        var s = out.putObject("stats");
        s.put("events", stats.events()).put("invalid", stats.invalidEvents()).put("late", stats.lateEvents())
                .put("alerts", total).put("suppressed", stats.suppressed()).put("ruleErrors", stats.ruleErrors());
        var byRule = s.putObject("alertsByRule");
        new TreeMap<>(stats.alertsPerRule()).forEach(byRule::put);
        s.put("elapsedMs", stats.elapsed().toMillis()).put("eventsPerSecond", Math.round(stats.eventsPerSecond()))
                .put("firstEventTime", stats.firstEventTime() == null ? null : stats.firstEventTime().toString())
                .put("lastEventTime", stats.lastEventTime() == null ? null : stats.lastEventTime().toString());
        var order = stats.order();
        s.putObject("order").put("sorted", order.sorted()).put("outOfOrder", order.outOfOrder())
                .put("maxBehind", order.maxBehind().toString());
        var errors = out.putArray("errors");
        result.errors().forEach(e -> {
            var node = errors.addObject().put("index", e.index()).put("message", e.message());
            if (e.field() != null) {
                node.put("field", e.field());
            }
            if (e.eventId() != null) {
                node.put("id", e.eventId());
            }
        });
        var ruleErrors = out.putArray("ruleErrors");
        result.ruleErrors().forEach(e -> ruleErrors.addObject().put("rule", e.rule()).put("message", e.message()));
    }

    private static Iterator<JsonNode> counting(Iterator<JsonNode> events, AtomicLong done, Runnable step) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return events.hasNext();
            }

            @Override
            public JsonNode next() {
                step.run();
                var event = events.next();
                done.incrementAndGet();
                return event;
            }
        };
    }

    private PreparedReplay compile(RuleSetSource source, ReplayOrder order, String what) {
        try {
            return engine.prepareReplay(source, order);
        } catch (RuleSetCompilationException e) {
            throw new ApiException(422, "rules_do_not_compile", what + " do not compile",
                    e.diagnostics().stream().map(views::diagnostic).toList());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(what + ": " + e.getMessage());
        }
    }

    private Request parse(Context ctx) {
        var contentType = ctx.contentType() == null ? "" : ctx.contentType();
        if (contentType.startsWith("application/json") || contentType.isEmpty()) {
            return parseJson(ctx, Bodies.object(ctx, json));
        }
        boolean csv = contentType.startsWith("text/csv");
        if (!csv && !contentType.startsWith("application/x-ndjson") && !contentType.startsWith("application/jsonl")) {
            throw new ApiException(415, "unsupported_media_type", "send the replay as application/json, or the events as "
                    + "application/x-ndjson or text/csv with the rules in query parameters");
        }
        var name = ctx.queryParam("ruleset");
        if (name == null) {
            throw ApiException.badRequest("with events in the body, name the rules: ?ruleset=<name>[&version=<n>]");
        }
        var rules = deployed(name, ctx.queryParam("version"), ctx);
        var compareName = ctx.queryParam("compareWith");
        var compareWith = compareName == null ? null
                : deployed(compareName, ctx.queryParam("compareVersion"), ctx).withName(rules.name());
        var type = ctx.queryParam("type");
        var time = ctx.queryParam("time");
        if (csv && (type == null || time == null)) {
            throw ApiException.badRequest("a CSV replay needs the event type and the time column: ?type=<EventType>&time=<column>");
        }
        var until = instant(ctx.queryParam("until"), "until");
        var file = spoolBody(ctx);
        Input input = new Input() {
            @Override
            public EventInput open(PreparedReplay compiled) {
                InputStream in;
                try {
                    in = Files.newInputStream(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (!csv) {
                    return EventReaders.ndjson(in, json);
                }
                var eventType = compiled.eventTypes().stream().filter(t -> t.name().equals(type)).findFirst()
                        .orElseThrow(() -> ApiException.badRequest("'" + type + "' is not an event type of the rules; they declare "
                                + compiled.eventTypes().stream().map(t -> t.name()).toList()));
                return EventReaders.csv(in, eventType, time, json);
            }

            @Override
            public long total() {
                return -1;
            }

            @Override
            public long bytes() {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    return -1;
                }
            }

            @Override
            public void discard() {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LOG.warn("could not delete the replay input {}: {}", file, e.getMessage());
                }
            }
        };
        return new Request(rules, compareWith, until, "true".equals(ctx.queryParam("async")), input, null,
                order(ctx.queryParam("ordered"), "?ordered"));
    }

    private Request parseJson(Context ctx, ObjectNode body) {
        var unknown = new ArrayList<String>();
        body.fieldNames().forEachRemaining(k -> {
            if (!KEYS.contains(k)) {
                unknown.add(k);
            }
        });
        if (!unknown.isEmpty()) {
            throw ApiException.badRequest("unknown keys " + unknown + "; a replay takes " + new TreeSet<>(KEYS));
        }
        var rules = rules(body, ctx, "the rules");
        var compare = body.get("compareWith");
        var compareWith = compare == null || compare.isNull() ? null : rules(compare, ctx, "compareWith").withName(rules.name());
        var events = body.get("events");
        var range = body.get("journal");
        if ((events == null) == (range == null)) {
            throw ApiException.badRequest("give the events: either \"events\": [...] or \"journal\": {\"ruleset\", \"from\", \"to\"}"
                    + " (or post them as NDJSON or CSV with the rules in query parameters)");
        }
        Input input;
        if (events != null) {
            if (!events.isArray()) {
                throw ApiException.badRequest("events must be an array of events");
            }
            input = new Input() {
                @Override
                public EventInput open(PreparedReplay compiled) {
                    return EventReaders.array(events);
                }

                @Override
                public long total() {
                    return events.size();
                }

                @Override
                public long bytes() {
                    return -1;
                }
            };
        } else {
            input = journalInput(range, rules.name());
        }
        return new Request(rules, compareWith, instant(text(body, "until"), "until"), body.path("async").asBoolean(false), input,
                inline(body, compare), order(text(body, "ordered"), "ordered"));
    }

    private Input journalInput(JsonNode range, String defaultRuleSet) {
        if (journal == null) {
            throw new ApiException(409, "no_journal", "this server keeps no journal (it runs with --no-journal)");
        }
        var ruleSet = range.path("ruleset").asText(defaultRuleSet);
        var from = instant(text(range, "from"), "journal.from");
        var to = instant(text(range, "to"), "journal.to");
        if (from == null || to == null || !from.isBefore(to)) {
            throw ApiException.badRequest("journal needs \"from\" before \"to\", ISO-8601 instants of event time");
        }
        long total = journal.count(ruleSet, from, to);
        return new Input() {
            @Override
            public EventInput open(PreparedReplay compiled) {
                return JournalEvents.within(journal.range(ruleSet, from, to), from.toEpochMilli(), to.toEpochMilli(), json);
            }

            @Override
            public long total() {
                return total;
            }

            @Override
            public long bytes() {
                return -1;
            }
        };
    }

    /** What the audit log says of a replay's rules when some were sent inline; null when all are deployed ones. */
    private static Inline inline(JsonNode rules, JsonNode compare) {
        boolean compared = compare != null && !compare.isNull();
        var files = new ArrayList<String>();
        rules.path("files").fieldNames().forEachRemaining(files::add);
        if (compared) {
            compare.path("files").fieldNames().forEachRemaining(files::add);
        }
        files.sort(null);
        return files.isEmpty() ? null : new Inline(named(rules) + (compared ? " compared with " + named(compare) : ""), files);
    }

    private static String named(JsonNode rules) {
        return rules.has("files") ? "inline" : text(rules, "ruleset") + (text(rules, "version") == null ? "" : " v" + text(rules, "version"));
    }

    /** Rules given inline ({@code files}, {@code settings}) or by name ({@code ruleset}, {@code version}). */
    private RuleSetSource rules(JsonNode node, Context ctx, String what) {
        if (!node.isObject()) {
            throw ApiException.badRequest(what + " must be an object: {\"ruleset\": ...} or {\"files\": {...}}");
        }
        var files = node.get("files");
        var name = text(node, "ruleset");
        if ((files == null) == (name == null)) {
            throw ApiException.badRequest(what + ": give either \"ruleset\" (a deployed rule set) or \"files\" (inline rules)");
        }
        if (name != null) {
            return deployed(name, text(node, "version"), ctx);
        }
        requireScope(ctx, Scope.RULES_WRITE, "running inline rules");
        if (!files.isObject() || files.isEmpty()) {
            throw ApiException.badRequest(what + ": files must be an object of path to rule text");
        }
        var texts = new TreeMap<String, String>();
        files.properties().forEach(e -> texts.put(e.getKey(), e.getValue().asText()));
        try {
            return forReplay(RuleSetSource.of("replay", texts).withSettings(SettingsJson.parse(node.get("settings"))));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(what + ": " + e.getMessage());
        }
    }

    /** A deployed rule set's version: the active one when {@code version} is null. */
    private RuleSetSource deployed(String name, String version, Context ctx) {
        if (version == null) {
            var live = engine.ruleSet(name).orElseThrow(() -> ApiException.notFound("no rule set named '" + name + "' is deployed"));
            return forReplay(live.source());
        }
        int v = Bodies.intParam(version, "version");
        var stored = ruleSets.version(name, v)
                .orElseThrow(() -> ApiException.notFound("rule set '" + name + "' has no version " + v));
        return forReplay(RuleSetSource.of(name, stored.files()).withSettings(SettingsJson.parse(stored.settings())));
    }

    /** Replays run on event time whatever clock the rule set runs on live. */
    private static RuleSetSource forReplay(RuleSetSource source) {
        return source.settings().clockMode() == ClockMode.EVENT_TIME ? source
                : source.withSettings(source.settings().withClockMode(ClockMode.EVENT_TIME));
    }

    private static void requireScope(Context ctx, Scope scope, String what) {
        Set<?> granted = ctx.attribute(Tokens.GRANTED_SCOPES);
        if (granted == null || !granted.contains(scope)) {
            throw new ApiException(403, "forbidden", what + " needs the scope " + scope.label() + ", as deploying does");
        }
    }

    private Path spoolBody(Context ctx) {
        try {
            DataFolder.createFolder(spool);
            var file = Files.createTempFile(spool, "replay-", ".input");
            try (var in = ctx.req().getInputStream()) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return file;
        } catch (IOException e) {
            throw ApiException.badRequest("the body could not be read: " + e.getMessage());
        }
    }

    /** The order {@code ordered} asks for: sorted by event time unless it is {@code "as-given"}. */
    private ReplayOrder order(String ordered, String name) {
        if (ordered == null || ordered.equals("event-time")) {
            return order;
        }
        if (ordered.equals("as-given")) {
            return order.withSorted(false);
        }
        throw ApiException.badRequest(name + " must be \"event-time\" (sort the events by their time first, the default) or "
                + "\"as-given\" (in the order given, through the watermark and the allowed lateness), was '" + ordered + "'");
    }

    private static String text(JsonNode node, String key) {
        var value = node.get(key);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Instant instant(String text, String name) {
        if (text == null) {
            return null;
        }
        Instant instant;
        try {
            instant = Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name + " must be an ISO-8601 instant such as 2026-11-20T10:00:00Z, was '" + text + "'");
        }
        try {
            EventTimeBounds.representable(instant);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(name + ": " + e.getMessage());
        }
        return instant;
    }

    @Override
    public void close() {
        jobs.close();
    }

    public void addTo(RoutesConfig routes) {
        routes.post("/api/v1/replays", this::start, Scope.RULES_READ);
        routes.get("/api/v1/replays/{id}", this::get, Scope.RULES_READ);
        routes.delete("/api/v1/replays/{id}", this::cancel, Scope.RULES_READ);
    }
}
