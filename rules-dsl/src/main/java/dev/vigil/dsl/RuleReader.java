package dev.vigil.dsl;

import dev.vigil.dsl.Expr.Binary;
import dev.vigil.dsl.RuleSpec.Absence;
import dev.vigil.dsl.RuleSpec.Aggregate;
import dev.vigil.dsl.RuleSpec.Baseline;
import dev.vigil.dsl.RuleSpec.Change;
import dev.vigil.dsl.RuleSpec.Count;
import dev.vigil.dsl.RuleSpec.Distinct;
import dev.vigil.dsl.RuleSpec.Flatline;
import dev.vigil.dsl.RuleSpec.Match;
import dev.vigil.dsl.RuleSpec.NewValue;
import dev.vigil.dsl.RuleSpec.Pattern;
import dev.vigil.dsl.RuleSpec.Sequence;
import dev.vigil.dsl.RuleSpec.Spike;
import dev.vigil.dsl.RuleSpec.Step;
import dev.vigil.dsl.RuleSpec.Sustained;
import dev.vigil.dsl.Yaml.Entry;
import dev.vigil.dsl.Yaml.Mapping;
import dev.vigil.dsl.Yaml.Node;
import dev.vigil.dsl.Yaml.Pos;
import dev.vigil.dsl.Yaml.Scalar;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the YAML of a rule file into {@link RuleSpec}s, checking every name against the event
 * types and collecting every problem with its line and column, rather than stopping at the first.
 */
final class RuleReader {
    static final List<String> PATTERNS = List.of("match", "count", "aggregate", "distinct", "sequence", "absence", "flatline",
            "sustained", "spike", "new-value", "change", "baseline");
    /** Windows longer than this are held as profile buckets, not raw events. */
    static final Duration LONG_WINDOW = Duration.ofHours(1);
    /** A long window is held in about this many buckets. */
    private static final int WINDOW_BUCKETS = 60;
    private static final List<String> SEASONS = List.of("daily", "weekly");
    private static final List<String> RULE_KEYS = List.of("rule", "description", "severity", "when", "then");
    private static final List<String> THEN_KEYS = List.of("message", "severity", "suppress", "attributes");
    private static final List<String> SEVERITIES = List.of("low", "medium", "high", "critical");
    private static final List<String> STEP_KEYS = List.of("name", "event", "where");
    private static final List<String> FUNCTIONS = List.of("sum", "avg", "min", "max");
    private static final List<String> ORDINALS = List.of("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
            "ninth", "tenth");
    /** What each pattern takes under {@code when}, besides {@code pattern}. */
    private static final Map<String, List<String>> OPTIONS = Map.ofEntries(
            Map.entry("match", List.of("event", "where", "per")),
            Map.entry("count", List.of("event", "where", "per", "within", "count")),
            Map.entry("aggregate", List.of("event", "where", "per", "within", "aggregate")),
            Map.entry("distinct", List.of("event", "where", "per", "within", "field", "count")),
            Map.entry("sequence", List.of("steps", "per", "within")),
            Map.entry("absence", List.of("event", "where", "per", "within", "missing")),
            Map.entry("flatline", List.of("event", "where", "per", "for")),
            Map.entry("sustained", List.of("event", "where", "per", "for", "condition")),
            Map.entry("spike", List.of("event", "where", "per", "within", "baseline", "factor", "field", "minEvents")),
            Map.entry("new-value", List.of("event", "where", "per", "within", "field", "newKeys")),
            Map.entry("change", List.of("event", "where", "per", "within", "field")),
            Map.entry("baseline", List.of("event", "where", "per", "field", "history", "bucket", "skip", "seasonal", "minHistory",
                    "condition")));
    private static final Set<String> OPTIONAL = Set.of("where", "field@spike", "minEvents", "newKeys", "per@match", "bucket", "skip",
            "seasonal", "minHistory");

    private final String file;
    private final Map<String, EventTypeInfo> types;
    private final List<DslDiagnostic> problems = new ArrayList<>();

    private RuleReader(String file, Map<String, EventTypeInfo> types) {
        this.file = file;
        this.types = types;
    }

    /** The rules of {@code text} and every problem found in it. */
    record Result(List<RuleSpec> rules, List<DslDiagnostic> problems) {
    }

    static Result read(String file, String text, Map<String, EventTypeInfo> types) {
        var reader = new RuleReader(file, types);
        var rules = new ArrayList<RuleSpec>();
        List<Node> documents;
        try {
            documents = Yaml.documents(text);
        } catch (Yaml.SyntaxError e) {
            reader.problem(e.pos, e.getMessage());
            return new Result(List.of(), reader.problems);
        }
        if (documents.isEmpty()) {
            reader.problem(new Pos(1, 1), "the file holds no rule: start with rule: <name>, then when: and then:");
        }
        var names = new LinkedHashMap<String, Pos>();
        for (var document : documents) {
            var rule = reader.rule(document);
            if (rule != null) {
                var earlier = names.putIfAbsent(rule.name(), rule.pos());
                if (earlier != null) {
                    reader.problem(rule.pos(), "a rule named '" + rule.name() + "' is already in this file (line " + earlier.line() + ")");
                } else {
                    rules.add(rule);
                }
            }
        }
        return new Result(reader.problems.isEmpty() ? rules : List.of(), reader.problems);
    }

    private void problem(Pos pos, String message) {
        problems.add(new DslDiagnostic(file, pos.line(), pos.column(), message));
    }

    private RuleSpec rule(Node document) {
        if (!(document instanceof Mapping root)) {
            problem(document.pos(), "a rule is a mapping (rule:, when:, then:), not " + document.kind());
            return null;
        }
        int before = problems.size();
        unknownKeys(root, RULE_KEYS, "a rule");
        var name = text(root, "rule", true);
        if (name != null && (name.isBlank() || name.contains("\"") || name.contains("\n"))) {
            problem(valuePos(root, "rule"), "a rule's name must be one line of text without double quotes");
            name = null;
        }
        var description = text(root, "description", false);
        var whenEntry = root.entry("when");
        var thenNode = root.entry("then");
        Pattern read = null;
        if (whenEntry == null) {
            problem(root.pos(), "the rule has no 'when': say what it matches, as in when: {pattern: count, event: Transaction, ...}");
        } else if (!(whenEntry.value() instanceof Mapping when)) {
            problem(whenEntry.value().pos(), "'when' must be a mapping with a pattern and its options, not " + whenEntry.value().kind());
        } else {
            read = pattern(when);
        }
        final Pattern pattern = read;
        var severity = severity(root, "severity");
        Duration suppress = null;
        Template message = null;
        var attributes = new LinkedHashMap<String, Template>();
        if (thenNode != null) {
            if (!(thenNode.value() instanceof Mapping then)) {
                problem(thenNode.value().pos(), "'then' must be a mapping (message:, severity:, suppress:, attributes:), not "
                        + thenNode.value().kind());
            } else {
                unknownKeys(then, THEN_KEYS, "then");
                var thenSeverity = severity(then, "severity");
                if (thenSeverity != null && severity != null) {
                    problem(then.entry("severity").keyPos(), "severity is given twice: keep the rule's or the one under then");
                }
                severity = severity != null ? severity : thenSeverity;
                var suppressEntry = then.entry("suppress");
                if (suppressEntry != null) {
                    suppress = duration(suppressEntry);
                }
                if (then.entry("message") != null) {
                    message = template(then.entry("message").value(), "message");
                }
                var attributesEntry = then.entry("attributes");
                if (attributesEntry != null) {
                    if (attributesEntry.value() instanceof Mapping map) {
                        for (var e : map.entries()) {
                            if (!e.key().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                                problem(e.keyPos(), "attribute name '" + e.key() + "' must be letters, digits and '_'");
                            }
                            var t = template(e.value(), "attribute " + e.key());
                            if (t != null) {
                                attributes.put(e.key(), t);
                            }
                        }
                    } else {
                        problem(attributesEntry.value().pos(), "'attributes' must be a mapping of names to values or {placeholders}");
                    }
                }
            }
        }
        if (pattern != null) {
            if (message == null) {
                message = Template.text(description != null ? description : name == null ? "" : name, root.pos());
            }
            checkTemplate(message, pattern);
            attributes.values().forEach(t -> checkTemplate(t, pattern));
            for (var figure : pattern.figures()) {
                if (attributes.containsKey(figure)) {
                    problem(attributes.get(figure).pos(), "attribute '" + figure + "' is set by the pattern itself; name yours differently");
                }
            }
        }
        if (problems.size() > before || name == null || pattern == null) {
            return null;
        }
        if (suppress == null) {
            suppress = defaultSuppression(pattern);
        }
        return new RuleSpec(name, root.pos(), description, severity == null ? "medium" : severity, suppress, pattern, message,
                Map.copyOf(attributes));
    }

    /**
     * Patterns that stay true while events keep coming (a count over its threshold, a spike) would
     * raise an alert for every event, and a flatline or sustained condition starting at two events
     * of the same millisecond would raise two: by default they raise one per key per window.
     */
    private static Duration defaultSuppression(Pattern pattern) {
        if (pattern instanceof Flatline f) {
            return f.duration();
        }
        if (pattern instanceof Sustained s) {
            return s.duration();
        }
        if (pattern instanceof Count c) {
            return c.within();
        }
        if (pattern instanceof Aggregate a) {
            return a.within();
        }
        if (pattern instanceof Distinct d) {
            return d.within();
        }
        if (pattern instanceof Spike s) {
            return s.within();
        }
        return Duration.ZERO;
    }

    private Pattern pattern(Mapping when) {
        var patternEntry = when.entry("pattern");
        if (patternEntry == null) {
            problem(when.pos(), "'when' needs a pattern: one of " + String.join(", ", PATTERNS));
            return null;
        }
        var kind = scalarText(patternEntry.value());
        if (kind == null || !PATTERNS.contains(kind)) {
            var suggestion = kind == null ? null : Words.closest(kind, PATTERNS);
            problem(patternEntry.value().pos(), "unknown pattern '" + (kind == null ? "" : kind) + "'"
                    + (suggestion == null ? "" : " (did you mean " + suggestion + "?)") + ": use one of " + String.join(", ", PATTERNS));
            return null;
        }
        var options = new ArrayList<>(OPTIONS.get(kind));
        options.add(0, "pattern");
        unknownKeys(when, options, "pattern " + kind);
        for (var option : OPTIONS.get(kind)) {
            if (when.entry(option) == null && !OPTIONAL.contains(option) && !OPTIONAL.contains(option + "@" + kind)) {
                problem(when.pos(), "pattern " + kind + " needs '" + option + "': " + explain(option));
            }
        }
        int before = problems.size();
        Pattern pattern = switch (kind) {
            case "sequence" -> sequence(when);
            case "absence" -> absence(when);
            default -> single(kind, when);
        };
        return problems.size() > before ? null : pattern;
    }

    private static String explain(String option) {
        return switch (option) {
            case "event" -> "the event type it matches, as in event: Transaction";
            case "per" -> "the field (or list of fields) that keys it, as in per: cardId";
            case "within" -> "the window, as in within: 1m";
            case "for" -> "how long, as in for: 5m";
            case "count" -> "a threshold, as in count: \"> 5\"";
            case "aggregate" -> "the function, field and threshold, as in aggregate: sum(amount) > 10000";
            case "field" -> "the field it looks at, as in field: terminalId";
            case "steps" -> "a list of at least two steps, each with an event and optionally a where and a name";
            case "missing" -> "the event that should follow, as in missing: {event: Payment}";
            case "condition" -> "what every event must satisfy, as in condition: cpu > 90 (for a baseline: amount > 3 * p95)";
            case "baseline" -> "the longer window before the recent one, as in baseline: 1h";
            case "history" -> "how much of the key's history to keep, as in history: 30d";
            case "factor" -> "how many times the baseline counts as a spike, as in factor: 3";
            default -> "see the rule language's documentation";
        };
    }

    private Pattern single(String kind, Mapping when) {
        var step = step(when, "event", Map.of());
        var per = per(when, step == null ? List.of() : List.of(step.type()));
        if (step == null || per == null) {
            checkWithoutType(kind, when);
            return null;
        }
        return switch (kind) {
            case "match" -> new Match(step, per);
            case "count" -> {
                var threshold = threshold(when, "count");
                var within = duration(when, "within");
                var bucket = within == null ? null : windowBucket(when, within);
                yield threshold == null || within == null || bucketMissing(within, bucket) ? null
                        : new Count(step, per, within, threshold, bucket);
            }
            case "aggregate" -> aggregate(when, step, per);
            case "distinct" -> {
                var field = field(when, "field", step.type());
                var threshold = threshold(when, "count");
                var within = duration(when, "within");
                var bucket = within == null ? null : windowBucket(when, within);
                yield field == null || threshold == null || within == null || bucketMissing(within, bucket) ? null
                        : new Distinct(step, per, within, field, threshold, bucket);
            }
            case "flatline" -> {
                var duration = duration(when, "for");
                yield duration == null ? null : new Flatline(step, per, duration);
            }
            case "sustained" -> {
                var duration = duration(when, "for");
                var conditionEntry = when.entry("condition");
                var condition = conditionEntry == null ? null
                        : condition(conditionEntry.value(), new Conditions.Scope(step.type(), Map.of()));
                yield duration == null || condition == null ? null
                        : new Sustained(step, per, duration, condition, ((Scalar) conditionEntry.value()).contentPos());
            }
            case "spike" -> spike(when, step, per);
            case "new-value" -> {
                var field = field(when, "field", step.type());
                var within = duration(when, "within");
                var newKeys = flag(when, "newKeys");
                var bucket = within == null ? null : windowBucket(when, within);
                yield field == null || within == null || bucketMissing(within, bucket) ? null
                        : new NewValue(step, per, within, field, newKeys, bucket);
            }
            case "change" -> {
                var field = field(when, "field", step.type());
                var within = duration(when, "within");
                yield field == null || within == null ? null : new Change(step, per, within, field);
            }
            case "baseline" -> baseline(when, step, per);
            default -> throw new IllegalStateException("pattern " + kind + " has no reader");
        };
    }

    /**
     * The bucket a window longer than {@link #LONG_WINDOW} is held in: the window divided into the
     * fewest whole seconds of at least {@link #WINDOW_BUCKETS} buckets; null for a shorter window,
     * which is held as raw events.
     */
    private Duration windowBucket(Mapping when, Duration within) {
        if (within.compareTo(LONG_WINDOW) <= 0) {
            return null;
        }
        long ms = within.toMillis();
        for (long n = WINDOW_BUCKETS; n <= ProfileSpec.MAX_BUCKETS; n++) {
            if (ms % n == 0 && (ms / n) % 1000 == 0) {
                return Duration.ofMillis(ms / n);
            }
        }
        problem(valuePos(when, "within"), "a window over " + format(LONG_WINDOW) + " is held as buckets of whole seconds, from "
                + WINDOW_BUCKETS + " to " + ProfileSpec.MAX_BUCKETS + " of them, and " + format(within)
                + " does not divide so: round it, as in " + format(Duration.ofMinutes(within.toMinutes())));
        return null;
    }

    /** Whether a window over an hour found no bucket to be held in (a problem said so). */
    private static boolean bucketMissing(Duration within, Duration bucket) {
        return within.compareTo(LONG_WINDOW) > 0 && bucket == null;
    }

    /** A baseline: its durations checked against each other and its condition against the event's fields and the figures. */
    private Pattern baseline(Mapping when, Step step, List<String> per) {
        int before = problems.size();
        var field = numberField(when, step);
        var history = duration(when, "history");
        var skip = when.entry("skip") == null ? Duration.ZERO : duration(when, "skip");
        var seasonal = season(when);
        Integer minHistory = when.entry("minHistory") == null ? Integer.valueOf(10) : wholeNumber(when, "minHistory", 1);
        var condition = baselineCondition(when, step);
        if (problems.size() > before || history == null || skip == null || minHistory == null) {
            return null;
        }
        var bucket = when.entry("bucket") != null ? duration(when, "bucket") : defaultBucket(history, seasonal);
        if (bucket == null || !baselineSpans(when, history, bucket, skip, seasonal)) {
            return null;
        }
        return field == null || condition == null ? null : new Baseline(step, per, field, history, bucket, skip, seasonal, minHistory,
                condition, ((Scalar) when.entry("condition").value()).contentPos());
    }

    /** One bucket a day over a week or more, an hour below that (and always for a seasonal baseline), a minute below a day. */
    private static Duration defaultBucket(Duration history, String seasonal) {
        if (seasonal != null || history.compareTo(Duration.ofDays(1)) >= 0 && history.compareTo(Duration.ofDays(7)) < 0) {
            return Duration.ofHours(1);
        }
        return history.compareTo(Duration.ofDays(7)) >= 0 ? Duration.ofDays(1) : Duration.ofMinutes(1);
    }

    /** Whether history, bucket, skip and season fit together; a problem at the option that does not. */
    private boolean baselineSpans(Mapping when, Duration history, Duration bucket, Duration skip, String seasonal) {
        var given = when.entry("bucket") != null ? "bucket" : "history";
        if (bucket.toMillis() < 1000) {
            problem(valuePos(when, "bucket"), "a bucket must be at least 1s");
            return false;
        }
        if (history.toMillis() % bucket.toMillis() != 0) {
            problem(valuePos(when, given), "history " + format(history) + " is not a whole number of buckets of " + format(bucket)
                    + ": make it a multiple of " + format(bucket) + (given.equals("bucket") ? "" : ", or give bucket:"));
            return false;
        }
        long buckets = history.toMillis() / bucket.toMillis();
        if (buckets > ProfileSpec.MAX_BUCKETS) {
            problem(valuePos(when, given), "history " + format(history) + " in buckets of " + format(bucket) + " would be " + buckets
                    + " buckets, and a profile holds at most " + ProfileSpec.MAX_BUCKETS + ": give a longer bucket");
            return false;
        }
        if (seasonal != null) {
            if (!bucket.equals(Duration.ofHours(1))) {
                problem(valuePos(when, "bucket"), "a seasonal baseline compares the same hour of earlier days, so its bucket is 1h, not "
                        + format(bucket));
                return false;
            }
            if (!skip.isZero()) {
                problem(valuePos(when, "skip"), "skip does not go with seasonal: a seasonal baseline reads only the same hour of earlier "
                        + (seasonal.equals("daily") ? "days" : "weeks") + ", never the latest hours");
                return false;
            }
            var period = period(seasonal);
            if (history.compareTo(period) <= 0) {
                problem(valuePos(when, "history"), "a " + seasonal + " baseline needs more history than one period, "
                        + format(period) + ": as in history: " + format(period.multipliedBy(4)));
                return false;
            }
        }
        if (skip.toMillis() % bucket.toMillis() != 0 || skip.compareTo(history) >= 0) {
            problem(valuePos(when, "skip"), "skip must be a whole number of buckets of " + format(bucket) + " and less than the history ("
                    + format(history) + "), not " + format(skip));
            return false;
        }
        return true;
    }

    /** The period a seasonal baseline steps back by. */
    static Duration period(String seasonal) {
        return seasonal.equals("daily") ? Duration.ofDays(1) : Duration.ofDays(7);
    }

    private String season(Mapping when) {
        var entry = when.entry("seasonal");
        if (entry == null) {
            return null;
        }
        var text = scalarText(entry.value());
        if (text == null || !SEASONS.contains(text)) {
            problem(entry.value().pos(), "seasonal is daily (the same hour of earlier days) or weekly (the same hour of the same weekday),"
                    + " not '" + (text == null ? "" : text) + "'");
        }
        return text;
    }

    private String numberField(Mapping when, Step step) {
        var field = field(when, "field", step.type());
        if (field != null && Conditions.kindOf(step.type().fields().get(field)) != Conditions.Kind.NUMBER) {
            problem(valuePos(when, "field"), "a baseline measures a number field, and " + field + " is " + step.type().fields().get(field));
            return null;
        }
        return field;
    }

    private Integer wholeNumber(Mapping when, String key, int least) {
        var n = number(when, key);
        if (n == null) {
            return null;
        }
        if (n.compareTo(BigDecimal.valueOf(least)) < 0 || n.stripTrailingZeros().scale() > 0 || n.compareTo(BigDecimal.valueOf(1_000_000)) > 0) {
            problem(valuePos(when, key), key + " must be a whole number from " + least + " to 1000000, as in " + key + ": 10");
            return null;
        }
        return n.intValue();
    }

    /**
     * A baseline's condition: names are the baseline's figures or else fields of the event; a name
     * that is neither is reported as such, with the figures and the fields.
     */
    private Expr baselineCondition(Mapping when, Step step) {
        var entry = when.entry("condition");
        if (entry == null) {
            return null;
        }
        if (!(entry.value() instanceof Scalar s) || s.isNull()) {
            problem(entry.value().pos(), "a condition is one line of text, as in condition: amount > 3 * p95, not " + entry.value().kind());
            return null;
        }
        Expr expr;
        try {
            expr = ExprParser.parse(s.text());
        } catch (ExprParser.ParseException e) {
            problem(s.contentPos().moved(e.at), "the condition does not parse: " + e.getMessage());
            return null;
        }
        var type = step.type();
        var unknown = new ArrayList<Expr.Ref>();
        refs(expr, unknown);
        unknown.removeIf(r -> r.step() == null && (Baseline.FIGURES.contains(r.field()) || type.fields().containsKey(r.field())));
        for (var r : unknown) {
            var names = new ArrayList<>(Baseline.FIGURES);
            names.addAll(type.fields().keySet());
            var suggestion = Words.closest(r.written(), names);
            problem(s.contentPos().moved(r.at()), "'" + r.written() + "' is neither a figure of the baseline nor a field of " + type.name()
                    + (suggestion == null ? "" : " (did you mean " + suggestion + "?)") + ": the figures are "
                    + String.join(", ", Baseline.FIGURES) + "; the fields are " + String.join(", ", type.fields().keySet()));
        }
        if (!unknown.isEmpty()) {
            return null;
        }
        var fields = new LinkedHashMap<>(type.fields());
        Baseline.FIGURES.forEach(f -> fields.put(f, "double"));
        var withFigures = new EventTypeInfo(type.name(), type.packageName(), type.timestampField(), fields);
        var found = Conditions.check(expr, new Conditions.Scope(withFigures, Map.of()));
        for (var p : found) {
            problem(s.contentPos().moved(p.at()), p.message());
        }
        return found.isEmpty() ? expr : null;
    }

    private static void refs(Expr expr, List<Expr.Ref> out) {
        if (expr instanceof Expr.Ref r) {
            out.add(r);
        } else if (expr instanceof Expr.Unary u) {
            refs(u.operand(), out);
        } else if (expr instanceof Binary b) {
            refs(b.left(), out);
            refs(b.right(), out);
        } else if (expr instanceof Expr.In in) {
            refs(in.value(), out);
            in.options().forEach(o -> refs(o, out));
        } else if (expr instanceof Expr.Call c) {
            c.args().forEach(a -> refs(a, out));
        }
    }

    /** The options that do not depend on the event type, checked when it is unknown, so that every problem shows at once. */
    private void checkWithoutType(String kind, Mapping when) {
        for (var option : OPTIONS.get(kind)) {
            if (when.entry(option) == null) {
                continue;
            }
            switch (option) {
                case "within", "for", "baseline", "history", "bucket", "skip" -> duration(when, option);
                case "count" -> threshold(when, option);
                case "factor", "minEvents", "minHistory" -> number(when, option);
                case "seasonal" -> season(when);
                case "newKeys" -> flag(when, option);
                default -> {
                }
            }
        }
    }

    private Pattern aggregate(Mapping when, Step step, List<String> per) {
        var within = duration(when, "within");
        var entry = when.entry("aggregate");
        if (entry == null) {
            return null;
        }
        var text = scalarText(entry.value());
        var at = entry.value() instanceof Scalar s ? s.contentPos() : entry.value().pos();
        var usage = "write the function, its field and a threshold, as in aggregate: sum(amount) > 10000 (functions: sum, avg, min, max)";
        Expr parsed;
        try {
            parsed = ExprParser.parse(text == null ? "" : text);
        } catch (ExprParser.ParseException e) {
            problem(at.moved(e.at), e.getMessage() + "; " + usage);
            return null;
        }
        if (!(parsed instanceof Binary b) || !b.op().isComparison() || b.op() == Expr.Op.MATCHES || b.op() == Expr.Op.CONTAINS
                || !(b.left() instanceof Expr.Call call) || !(b.right() instanceof Expr.Literal limit) || !limit.isNumber()) {
            problem(at, usage);
            return null;
        }
        if (!FUNCTIONS.contains(call.function().toLowerCase(Locale.ROOT))) {
            problem(at.moved(call.at()), "unknown function '" + call.function() + "': use sum, avg, min or max");
            return null;
        }
        if (call.args().size() != 1 || !(call.args().get(0) instanceof Expr.Ref ref) || ref.step() != null) {
            problem(at.moved(call.at()), call.function() + " takes one field of " + step.type().name() + ", as in " + call.function() + "(amount)");
            return null;
        }
        var javaType = step.type().fields().get(ref.field());
        if (javaType == null) {
            problem(at.moved(ref.at()), Conditions.unknownField(step.type(), ref.field()));
            return null;
        }
        if (Conditions.kindOf(javaType) != Conditions.Kind.NUMBER) {
            problem(at.moved(ref.at()), call.function() + " needs a number field, and " + ref.field() + " is " + javaType);
            return null;
        }
        var threshold = new Binary(b.op(), null, limit, b.at());
        var bucket = within == null ? null : windowBucket(when, within);
        return within == null || bucketMissing(within, bucket) ? null
                : new Aggregate(step, per, within, call.function().toLowerCase(Locale.ROOT), ref.field(), threshold, bucket);
    }

    private Pattern spike(Mapping when, Step step, List<String> per) {
        var within = duration(when, "within");
        var baseline = duration(when, "baseline");
        String field = null;
        if (when.entry("field") != null) {
            field = field(when, "field", step.type());
            if (field == null) {
                return null;
            }
            if (Conditions.kindOf(step.type().fields().get(field)) != Conditions.Kind.NUMBER) {
                problem(valuePos(when, "field"), "spike averages a number field, and " + field + " is " + step.type().fields().get(field));
                return null;
            }
        }
        BigDecimal factor = number(when, "factor");
        if (factor != null && factor.compareTo(BigDecimal.ONE) <= 0) {
            problem(valuePos(when, "factor"), "factor must be more than 1, as in factor: 3");
            return null;
        }
        int minEvents = 1;
        if (when.entry("minEvents") != null) {
            var n = number(when, "minEvents");
            if (n == null) {
                return null;
            }
            if (n.signum() < 0 || n.stripTrailingZeros().scale() > 0) {
                problem(valuePos(when, "minEvents"), "minEvents must be a whole number, as in minEvents: 10");
                return null;
            }
            minEvents = n.intValue();
        }
        if (within != null && baseline != null && baseline.compareTo(within) <= 0) {
            problem(valuePos(when, "baseline"), "the baseline must be longer than the recent window (" + format(within) + ")");
            return null;
        }
        return within == null || baseline == null || factor == null ? null
                : new Spike(step, per, within, baseline, factor, field, minEvents);
    }

    private Pattern sequence(Mapping when) {
        var entry = when.entry("steps");
        if (entry == null) {
            return null;
        }
        if (!(entry.value() instanceof Yaml.Sequence list) || list.items().size() < 2) {
            problem(entry.value().pos(), "'steps' must be a list of at least two steps, each with an event and optionally a where and a name");
            return null;
        }
        var earlier = new LinkedHashMap<String, EventTypeInfo>();
        var steps = new ArrayList<Step>();
        for (int i = 0; i < list.items().size(); i++) {
            var item = list.items().get(i);
            if (!(item instanceof Mapping m)) {
                problem(item.pos(), "a step is a mapping (event:, where:, name:), not " + item.kind());
                return null;
            }
            unknownKeys(m, STEP_KEYS, "a step");
            var name = stepName(m, i, earlier);
            var step = step(m, name, earlier);
            if (step == null) {
                return null;
            }
            earlier.put(step.name(), step.type());
            steps.add(step);
        }
        var per = per(when, steps.stream().map(Step::type).toList());
        var within = duration(when, "within");
        return per == null || within == null ? null : new Sequence(steps, per, within);
    }

    private Pattern absence(Mapping when) {
        var first = step(when, "first", Map.of());
        var missingEntry = when.entry("missing");
        if (first == null || missingEntry == null) {
            return null;
        }
        if (!(missingEntry.value() instanceof Mapping m)) {
            problem(missingEntry.value().pos(), "'missing' is the event that should follow, a mapping such as {event: Payment, where: ...}");
            return null;
        }
        unknownKeys(m, List.of("event", "where"), "missing");
        var missing = step(m, "second", Map.of("first", first.type()));
        if (missing == null) {
            return null;
        }
        var per = per(when, List.of(first.type(), missing.type()));
        var within = duration(when, "within");
        return per == null || within == null ? null : new Absence(first, missing, per, within);
    }

    private String stepName(Mapping m, int index, Map<String, EventTypeInfo> earlier) {
        var entry = m.entry("name");
        var fallback = index < ORDINALS.size() ? ORDINALS.get(index) : "step" + (index + 1);
        if (entry == null) {
            return fallback;
        }
        var name = scalarText(entry.value());
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*") || name.equals("key") || name.equals("rule")) {
            problem(entry.value().pos(), "a step's name must be letters, digits and '_' (and not key or rule), as in name: small");
            return fallback;
        }
        if (earlier.containsKey(name)) {
            problem(entry.value().pos(), "two steps are named '" + name + "'");
        }
        return name;
    }

    /** The event type named under {@code event} and its {@code where}, checked against earlier steps. */
    private Step step(Mapping m, String name, Map<String, EventTypeInfo> earlier) {
        var eventEntry = m.entry("event");
        if (eventEntry == null) {
            if (!m.entries().isEmpty() && m.entry("steps") == null) {
                problem(m.pos(), "an 'event' is needed: the event type to match, one of " + String.join(", ", typeNames()));
            }
            return null;
        }
        var typeName = scalarText(eventEntry.value());
        var type = typeName == null ? null : type(typeName);
        if (type == null) {
            var suggestion = typeName == null ? null : Words.closest(typeName, typeNames());
            problem(eventEntry.value().pos(), "unknown event type '" + (typeName == null ? "" : typeName) + "'"
                    + (suggestion == null ? "" : " (did you mean " + suggestion + "?)")
                    + (types.isEmpty() ? ": the rule set declares no event types; declare them in a .drl file"
                    : ": the rule set declares " + String.join(", ", typeNames())));
            return null;
        }
        Expr where = null;
        Pos wherePos = null;
        var whereEntry = m.entry("where");
        if (whereEntry != null) {
            where = condition(whereEntry.value(), new Conditions.Scope(type, earlier));
            if (where == null) {
                return null;
            }
            wherePos = ((Scalar) whereEntry.value()).contentPos();
        }
        return new Step(name, type, where, eventEntry.value().pos(), wherePos);
    }

    private List<String> typeNames() {
        return types.values().stream().map(EventTypeInfo::name).distinct().sorted().toList();
    }

    private EventTypeInfo type(String name) {
        var exact = types.get(name);
        if (exact != null) {
            return exact;
        }
        for (var t : types.values()) {
            if (t.name().equals(name) || t.qualifiedName().equals(name)) {
                return t;
            }
        }
        return null;
    }

    private Expr condition(Node node, Conditions.Scope scope) {
        if (!(node instanceof Scalar s) || s.isNull()) {
            problem(node.pos(), "a condition is one line of text, as in where: amount > 0, not " + node.kind());
            return null;
        }
        try {
            var expr = ExprParser.parse(s.text());
            var found = Conditions.check(expr, scope);
            for (var p : found) {
                problem(s.contentPos().moved(p.at()), p.message());
            }
            return found.isEmpty() ? expr : null;
        } catch (ExprParser.ParseException e) {
            problem(s.contentPos().moved(e.at), "the condition does not parse: " + e.getMessage());
            return null;
        }
    }

    /** The key fields: one or a list, each a field of every type the pattern matches. */
    private List<String> per(Mapping when, List<EventTypeInfo> typesUsed) {
        var entry = when.entry("per");
        if (entry == null) {
            return List.of();
        }
        var written = new ArrayList<Map.Entry<String, Pos>>();
        if (entry.value() instanceof Yaml.Sequence list && !list.items().isEmpty()) {
            for (var item : list.items()) {
                written.add(Map.entry(scalarText(item) == null ? "" : scalarText(item), item.pos()));
            }
        } else if (scalarText(entry.value()) != null && !scalarText(entry.value()).isBlank()) {
            written.add(Map.entry(scalarText(entry.value()), entry.value().pos()));
        } else {
            problem(entry.value().pos(), "'per' is a field name or a list of them, as in per: cardId");
            return null;
        }
        var fields = new ArrayList<String>();
        boolean ok = true;
        for (var w : written) {
            for (var type : typesUsed) {
                if (!type.fields().containsKey(w.getKey())) {
                    problem(w.getValue(), "per: " + Conditions.unknownField(type, w.getKey()));
                    ok = false;
                }
            }
            fields.add(w.getKey());
        }
        return ok ? List.copyOf(fields) : null;
    }

    private String field(Mapping when, String key, EventTypeInfo type) {
        var entry = when.entry(key);
        if (entry == null) {
            return null;
        }
        var name = scalarText(entry.value());
        if (name == null || !type.fields().containsKey(name)) {
            problem(entry.value().pos(), Conditions.unknownField(type, name == null ? "" : name));
            return null;
        }
        return name;
    }

    private Binary threshold(Mapping when, String key) {
        var entry = when.entry(key);
        if (entry == null) {
            return null;
        }
        if (entry.value() instanceof Scalar s && s.isNumber()) {
            problem(s.pos(), "'" + key + "' is a comparison and a number, as in " + key + ": \"> " + s.text() + "\" (quoted)");
            return null;
        }
        var text = scalarText(entry.value());
        var at = entry.value() instanceof Scalar s ? s.contentPos() : entry.value().pos();
        try {
            return ExprParser.threshold(text == null ? "" : text);
        } catch (ExprParser.ParseException e) {
            problem(at.moved(e.at), "'" + key + "': " + e.getMessage());
            return null;
        }
    }

    private BigDecimal number(Mapping when, String key) {
        var entry = when.entry(key);
        if (entry == null) {
            return null;
        }
        if (entry.value() instanceof Scalar s && s.isNumber()) {
            return new BigDecimal(s.text());
        }
        problem(entry.value().pos(), "'" + key + "' must be a number, as in " + key + ": 3");
        return null;
    }

    private boolean flag(Mapping when, String key) {
        var entry = when.entry(key);
        if (entry == null) {
            return false;
        }
        var text = scalarText(entry.value());
        if (!"true".equals(text) && !"false".equals(text)) {
            problem(entry.value().pos(), "'" + key + "' must be true or false");
            return false;
        }
        return Boolean.parseBoolean(text);
    }

    private Duration duration(Mapping when, String key) {
        var entry = when.entry(key);
        return entry == null ? null : duration(entry);
    }

    private Duration duration(Entry entry) {
        var text = scalarText(entry.value());
        try {
            var d = Durations.parse(text);
            if (d.isZero() && !entry.key().equals("suppress")) {
                problem(entry.value().pos(), "'" + entry.key() + "' must be longer than zero");
                return null;
            }
            return d;
        } catch (IllegalArgumentException e) {
            problem(entry.value().pos(), entry.key() + ": " + e.getMessage());
            return null;
        }
    }

    private String severity(Mapping m, String key) {
        var entry = m.entry(key);
        if (entry == null) {
            return null;
        }
        var text = scalarText(entry.value());
        var lower = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (!SEVERITIES.contains(lower)) {
            problem(entry.value().pos(), "'" + (text == null ? "" : text) + "' is not a severity: use one of " + String.join(", ", SEVERITIES));
            return null;
        }
        return lower;
    }

    private Template template(Node node, String what) {
        if (!(node instanceof Scalar s) || s.isNull()) {
            problem(node.pos(), what + " must be text, with {placeholders} for values, not " + node.kind());
            return null;
        }
        try {
            return Template.parse(s.text(), s.contentPos());
        } catch (ExprParser.ParseException e) {
            problem(s.contentPos().moved(e.at), what + ": " + e.getMessage());
            return null;
        }
    }

    /** Every placeholder of {@code template} names something the pattern has. */
    private void checkTemplate(Template template, Pattern pattern) {
        var known = Placeholders.names(pattern);
        for (var part : template.parts()) {
            if (part instanceof Template.Placeholder p && !known.contains(p.name())) {
                var suggestion = Words.closest(p.name(), known);
                problem(template.pos().moved(p.at()), "unknown placeholder {" + p.name() + "}"
                        + (suggestion == null ? "" : " (did you mean {" + suggestion + "}?)") + ": this rule can name "
                        + String.join(", ", known.stream().map(n -> "{" + n + "}").toList()));
            }
        }
    }

    private void unknownKeys(Mapping m, List<String> accepted, String where) {
        for (var e : m.entries()) {
            if (!accepted.contains(e.key())) {
                var suggestion = Words.closest(e.key(), accepted);
                problem(e.keyPos(), "unknown option '" + e.key() + "' in " + where + (suggestion == null ? "" : " (did you mean " + suggestion + "?)")
                        + ": accepted are " + String.join(", ", accepted));
            }
        }
    }

    private String text(Mapping m, String key, boolean required) {
        var entry = m.entry(key);
        if (entry == null) {
            if (required) {
                problem(m.pos(), "the rule has no '" + key + "': give it a name, as in rule: Card velocity");
            }
            return null;
        }
        var text = scalarText(entry.value());
        if (text == null) {
            problem(entry.value().pos(), "'" + key + "' must be text, not " + entry.value().kind());
        }
        return text;
    }

    private static Pos valuePos(Mapping m, String key) {
        var e = m.entry(key);
        return e == null ? m.pos() : e.value().pos();
    }

    private static String scalarText(Node node) {
        return node instanceof Scalar s && !s.isNull() ? s.text() : null;
    }

    static String format(Duration d) {
        return Durations.format(d);
    }
}
