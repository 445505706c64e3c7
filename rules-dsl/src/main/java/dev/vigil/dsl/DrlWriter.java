package dev.vigil.dsl;

import dev.vigil.dsl.Expr.Binary;
import dev.vigil.dsl.Expr.Op;
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
import dev.vigil.dsl.Yaml.Pos;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes checked rules as DRL for people to read: one DRL rule per rule, named after it, with a
 * comment pointing back to the rule file.
 *
 * <p>How each pattern keeps memory bounded: every event pattern is either inside a sliding window
 * ({@code over window:time}) or tied to another event by a bounded temporal operator
 * ({@code after[0ms, 15m]}), so Drools infers a finite expiry for every event type the rules use.
 * Patterns that raise on each new event (count, aggregate, distinct, spike) trigger on the newest
 * event of the key only, which a {@code not ... this after $event} keeps to one match per event;
 * a count or distinct that must grow to fire looks back from each event instead (one window, not three).
 *
 * <p>A baseline, and a window longer than an hour, keep no events beyond their trigger's minute:
 * they read the key's profile (time buckets of summaries, {@link ProfileSpec}), which helper rules
 * open, add each event to after the reading rules have judged it, and delete once idle. Drools
 * 10.2 was seen to evaluate a rule's {@code from} when the event arrives, before any rule fires
 * (the engine's RuleLanguageProfilesTest holds it to that), except for a
 * key's first event, whose profile the open rule inserts while firing: then salience orders them,
 * so the readers' (0) above the add's (-100) puts the read before the add in both cases.
 */
final class DrlWriter {
    /** How long a matched event stays a trigger in a match rule: bounds its memory, and lets a late event in realtime still match. */
    static final Duration MATCH_WINDOW = Duration.ofMinutes(1);
    private static final String PROFILE = "dev.vigil.engine.profile.Profile";
    private static final String SUMMARY = "dev.vigil.engine.profile.Summary";
    private static final String SWEEP = "dev.vigil.engine.profile.Sweep";
    private static final Set<String> PRIMITIVES = Set.of("byte", "short", "int", "long", "float", "double");

    private final String file;
    /** For each line written, where in the rule file it comes from; column 0 for a whole line. */
    private final List<Pos> sources = new ArrayList<>();
    private final StringBuilder out = new StringBuilder();

    private DrlWriter(String file) {
        this.file = file;
    }

    /**
     * The DRL of {@code rules}, and for each of its lines the line and column of the rule file it comes from.
     * The helper rules of a profile whose name is in {@code profilesWritten} are left out (another file of
     * the rule set has them); those of the others are written and their names added to it.
     */
    static Generated write(String file, List<RuleSpec> rules, Set<String> profilesWritten) {
        var writer = new DrlWriter(file);
        var types = new LinkedHashMap<String, EventTypeInfo>();
        for (var rule : rules) {
            for (var step : allSteps(rule.pattern())) {
                types.putIfAbsent(step.type().qualifiedName(), step.type());
            }
        }
        var packageName = types.values().stream().map(EventTypeInfo::packageName).filter(p -> !p.isEmpty()).findFirst().orElse("rules");
        writer.line("// Generated from " + file + " by Vigil's rule language: edit that file, not this one.", 1);
        writer.line("package " + packageName + ";", 1);
        var imports = new TreeSet<String>();
        for (var type : types.values()) {
            if (!type.packageName().equals(packageName) && !type.packageName().isEmpty()) {
                imports.add(type.qualifiedName());
            }
        }
        if (rules.stream().anyMatch(r -> r.pattern().profile() != null)) {
            imports.add(PROFILE);
            imports.add(SUMMARY);
            imports.add(SWEEP);
        }
        if (rules.stream().anyMatch(r -> r.pattern() instanceof Distinct d && d.bucket() != null)) {
            imports.add(ArrayList.class.getName());
        }
        if (!imports.isEmpty()) {
            writer.line("", 1);
            imports.forEach(i -> writer.line("import " + i + ";", 1));
        }
        var keys = new ArrayList<RuleKey>();
        for (var rule : rules) {
            keys.add(key(rule));
            var profile = rule.pattern().profile();
            if (profile != null && profilesWritten.add(profile.name())) {
                writer.profileRules(profile, rule, keys);
            }
            writer.line("", rule.pos().line());
            writer.rule(rule);
        }
        int[] lines = writer.sources.stream().mapToInt(Pos::line).toArray();
        int[] columns = writer.sources.stream().mapToInt(Pos::column).toArray();
        return new Generated(file, writer.out.toString(), rules.stream().map(RuleSpec::name).toList(), keys, List.of(), lines, columns);
    }

    /** Whether a pattern reads its window from a profile: count, aggregate and distinct over an hour. */
    private static boolean isLongWindow(Pattern pattern) {
        return pattern.profile() != null && !(pattern instanceof Baseline) && !(pattern instanceof NewValue);
    }

    /**
     * The helper rules of a profile: open one per key at the key's first event (before any rule
     * reads it), add each event to it after the rules that read it have judged the event without
     * it, and delete it once idle for its span. Each is keyed by the rule's {@code per}, as the
     * rules that read the profile are; the round's rules match no event.
     */
    private void profileRules(ProfileSpec p, RuleSpec rule, List<RuleKey> keys) {
        int at = rule.pos().line();
        var c = new Context(rule);
        var ruleName = "profile " + p.name();
        line("", at);
        line("// The profile " + Conditions.quote(p.name()) + ": each key's history held as buckets, never as events, shared by the rules"
                + " that read it.", at);
        openRule(p, ruleName + ": open", c, at);
        line("", at);
        addRule(p, ruleName + ": add", c, at);
        line("", at);
        roundRules(p, ruleName, at);
        var type = p.event().type().name();
        keys.add(new RuleKey(ruleName + ": open", at, p.per(), List.of(type)));
        keys.add(new RuleKey(ruleName + ": add", at, p.per(), List.of(type)));
        for (var round : List.of(": start the round", ": round", ": forget idle keys")) {
            keys.add(new RuleKey(ruleName + round, at, p.per(), List.of()));
        }
    }

    /**
     * One timer for all the keys of a profile: a sweep, started with the first profile, that a
     * timer rule moves on once a bucket, and a rule that joins it to the profiles idle at its time.
     * A timer rule joined to each profile would queue and fire a timer per key. The forget rule's
     * constraint reads the last add (a constraint on a method of the profile would defeat Drools'
     * property reactivity), which a profile not fed yet always passes; it comes last and asks
     * {@code idle}, which counts such a profile from when it was opened.
     */
    private void roundRules(ProfileSpec p, String ruleName, int at) {
        var name = Conditions.quote(p.name());
        var every = Durations.format(p.bucket());
        line("rule " + Conditions.quote(ruleName + ": start the round"), at);
        line("when", at);
        line("    exists Profile(name == " + name + ")", at);
        line("    not Sweep(name == " + name + ")", at);
        line("then", at);
        line("    insert(new Sweep(" + name + ", alerts.now()));", at);
        line("end", at);
        line("", at);
        line("rule " + Conditions.quote(ruleName + ": round"), at);
        line("    timer (int: " + every + " " + every + ")", at);
        line("when", at);
        line("    $sweep : Sweep(name == " + name + ")", at);
        line("then", at);
        line("    modify($sweep) { setTime(alerts.now()) }", at);
        line("end", at);
        line("", at);
        line("rule " + Conditions.quote(ruleName + ": forget idle keys"), at);
        line("    salience -1000", at);
        line("when", at);
        line("    Sweep(name == " + name + ", $now : time)", at);
        line("    $profile : Profile(name == " + name + ", lastTime <= $now - span)", at);
        line("then", at);
        line("    if ($profile.idle(alerts.now())) { delete($profile); }", at);
        line("end", at);
    }

    private void openRule(ProfileSpec p, String ruleName, Context c, int at) {
        var e = p.event();
        var name = Conditions.quote(p.name());
        line("rule " + Conditions.quote(ruleName), at);
        line("    salience 100", at);
        line("when", at);
        line("    " + pattern(e.type().name(), where(e), c.keyBindings()) + window(MATCH_WINDOW), whereLine(e));
        line("    not Profile(name == " + name + ", key == " + keyValue(c) + ")", at);
        line("then", at);
        line("    insert(Profile.of(" + name + ", " + c.key() + ", \"" + Durations.format(p.bucket()) + "\", \""
                + Durations.format(p.span()) + "\").openedAt(alerts.now()));", at);
        line("end", at);
    }

    private void addRule(ProfileSpec p, String ruleName, Context c, int at) {
        var e = p.event();
        line("// after the rules that judge the event by the profile: they see the key's history without it", at);
        line("rule " + Conditions.quote(ruleName), at);
        line("    salience -100", at);
        line("when", at);
        var time = "$time : " + e.type().timestampField();
        var measured = p.field() == null ? "" : "$value : " + p.field();
        line("    " + pattern(e.type().name(), where(e), c.keyBindings(), time, measured, notNull(p.field(), e)) + window(MATCH_WINDOW),
                whereLine(e));
        line("    $profile : Profile(name == " + Conditions.quote(p.name()) + ", key == " + keyValue(c) + ")", at);
        line("then", at);
        var t = millis("$time", e);
        line("    " + switch (p.kind()) {
            case VALUES -> "$profile.add(" + t + ", " + number("$value", e.type().fields().get(p.field())) + ");";
            case LABELS -> "$profile.note(" + t + ", " + label("$value", e.type().fields().get(p.field())) + ");";
            case EVENTS -> "$profile.add(" + t + ", 1);";
        }, at);
        line("end", at);
    }

    /** The value a profile is keyed by: the key field, or the key fields joined by '/'. */
    private static String keyValue(Context c) {
        return c.pattern.per().size() == 1 ? c.key() : "(" + c.key() + ")";
    }

    /** {@code field != null} for a field that may hold null, which a profile cannot take. */
    private static String notNull(String field, Step e) {
        return field == null || PRIMITIVES.contains(e.type().fields().get(field)) ? "" : field + " != null";
    }

    /** A number field's value as a double. */
    private static String number(String binding, String javaType) {
        return PRIMITIVES.contains(javaType) ? binding : binding + ".doubleValue()";
    }

    /** A field's value as a label. */
    private static String label(String binding, String javaType) {
        return javaType.equals("String") || javaType.equals("java.lang.String") ? binding : "String.valueOf(" + binding + ")";
    }

    /** What {@code rule} groups its events by: its per, for the types of all its steps. */
    private static RuleKey key(RuleSpec rule) {
        var types = allSteps(rule.pattern()).stream().map(s -> s.type().name()).distinct().toList();
        return new RuleKey(rule.name(), rule.pos().line(), rule.pattern().per(), types);
    }

    private static List<Step> allSteps(Pattern pattern) {
        if (pattern instanceof Absence a) {
            return List.of(a.first(), a.missing());
        }
        return pattern.steps();
    }

    private void line(String text, int sourceLine) {
        line(text, new Pos(sourceLine, 0));
    }

    private void line(String text, Pos source) {
        for (var part : text.split("\n", -1)) {
            out.append(part).append('\n');
            sources.add(source);
        }
    }

    private void rule(RuleSpec rule) {
        int at = rule.pos().line();
        line("// " + file + ":" + at + ": " + rule.name(), at);
        if (rule.description() != null) {
            rule.description().lines().forEach(l -> line("// " + l, at));
        }
        line("rule " + Conditions.quote(rule.name()), at);
        line("    @severity(\"" + rule.severity() + "\")", at);
        if (!rule.suppress().isZero()) {
            line("    @suppress(\"" + Durations.format(rule.suppress()) + "\")", at);
        }
        line("when", at);
        var context = new Context(rule);
        lhs(rule.pattern(), context);
        line("then", rule.message().pos().line());
        consequence(rule, context);
        line("end", at);
    }

    /** What a rule's patterns bind, so the consequence can name it. */
    private static final class Context {
        final RuleSpec rule;
        final Pattern pattern;
        /** Per step name: the fields a template names, bound as {@code $step_field}. */
        final Map<String, Set<String>> fieldBindings = new LinkedHashMap<>();

        Context(RuleSpec rule) {
            this.rule = rule;
            this.pattern = rule.pattern();
            var templates = new ArrayList<Template>();
            templates.add(rule.message());
            templates.addAll(rule.attributes().values());
            for (var template : templates) {
                for (var part : template.parts()) {
                    if (part instanceof Template.Placeholder p) {
                        var target = Placeholders.resolve(p.name(), pattern);
                        if (target.step() != null) {
                            fieldBindings.computeIfAbsent(target.step().name(), k -> new LinkedHashSet<>()).add(target.field());
                        }
                    }
                }
            }
            if (pattern.per().isEmpty() && pattern.steps().get(0).type().fields().containsKey("id")) {
                fieldBindings.computeIfAbsent(pattern.steps().get(0).name(), k -> new LinkedHashSet<>()).add("id");
            }
        }

        String key() {
            var per = pattern.per();
            if (per.isEmpty()) {
                var first = pattern.steps().get(0);
                return first.type().fields().containsKey("id") ? "$" + first.name() + "_id" : Conditions.quote(first.type().name());
            }
            if (per.size() == 1) {
                return "$key";
            }
            var parts = new ArrayList<String>();
            for (int i = 1; i <= per.size(); i++) {
                parts.add("$key" + i);
            }
            return String.join(" + \"/\" + ", parts);
        }

        /** {@code $key : cardId} for the first pattern, one per key field. */
        String keyBindings() {
            var per = pattern.per();
            var parts = new ArrayList<String>();
            for (int i = 0; i < per.size(); i++) {
                parts.add((per.size() == 1 ? "$key" : "$key" + (i + 1)) + " : " + per.get(i));
            }
            return String.join(", ", parts);
        }

        /** {@code cardId == $key} for the later patterns. */
        String keyJoins() {
            var per = pattern.per();
            var parts = new ArrayList<String>();
            for (int i = 0; i < per.size(); i++) {
                parts.add(per.get(i) + " == " + (per.size() == 1 ? "$key" : "$key" + (i + 1)));
            }
            return String.join(", ", parts);
        }

        String fieldBindings(Step step) {
            var fields = fieldBindings.getOrDefault(step.name(), Set.of());
            return String.join(", ", fields.stream().map(f -> "$" + step.name() + "_" + f + " : " + f).toList());
        }
    }

    private static String where(Step step) {
        return step.where() == null ? "" : Conditions.drl(step.where(), r -> r.step() == null ? r.field() : "$" + r.step() + "." + r.field());
    }

    /** {@code Type(a, b, c)} from the non-empty constraints. */
    private static String pattern(String type, String... constraints) {
        var parts = new ArrayList<String>();
        for (var c : constraints) {
            if (c != null && !c.isEmpty()) {
                parts.add(c);
            }
        }
        return type + "(" + String.join(", ", parts) + ")";
    }

    private static String window(Duration d) {
        return " over window:time(" + Durations.format(d) + ")";
    }

    private static String range(Duration from, Duration to) {
        return "[" + Durations.format(from) + ", " + Durations.format(to) + "]";
    }

    /**
     * The earlier events a new-value or a change looks back on: less than {@code within} older, as
     * in a window. A temporal range holds both its ends, so it stops a millisecond short.
     */
    private static String memory(Duration within) {
        return range(Duration.ZERO, within.minusMillis(1));
    }

    /** Where a DRL error in a step's pattern most likely lies: its condition, or else its event type. */
    private static Pos whereLine(Step step) {
        return step.wherePos() != null ? step.wherePos() : step.pos();
    }

    private void lhs(Pattern pattern, Context c) {
        if (isLongWindow(pattern)) {
            longWindow(pattern, c);
        } else if (pattern instanceof Match m) {
            var e = m.event();
            line("    $event : " + pattern(e.type().name(), where(e), c.keyBindings(), c.fieldBindings(e)) + window(MATCH_WINDOW), whereLine(e));
        } else if (pattern instanceof Count p && rising(p.threshold())) {
            looksBack(p.event(), p.within(), c, "");
            line("            $count : count(); $count " + threshold(p.threshold()) + ")", whereLine(p.event()));
        } else if (pattern instanceof Count p) {
            newest(p.event(), p.within(), c);
            line("    accumulate(" + pattern(p.event().type().name(), where(p.event()), c.keyJoins()) + window(p.within()) + ";", whereLine(p.event()));
            line("            $count : count(); $count " + threshold(p.threshold()) + ")", whereLine(p.event()));
        } else if (pattern instanceof Aggregate p) {
            newest(p.event(), p.within(), c);
            var function = p.function().equals("avg") ? "average" : p.function();
            line("    accumulate(" + pattern(p.event().type().name(), where(p.event()), c.keyJoins(), "$value : " + p.field())
                    + window(p.within()) + ";", whereLine(p.event()));
            line("            $" + p.function() + " : " + function + "($value), $count : count(); $" + p.function() + " "
                    + threshold(p.threshold()) + ")", whereLine(p.event()));
        } else if (pattern instanceof Distinct p && rising(p.threshold())) {
            looksBack(p.event(), p.within(), c, "$value : " + p.field());
            line("            $values : collectSet($value); $values.size() " + threshold(p.threshold()) + ")", whereLine(p.event()));
        } else if (pattern instanceof Distinct p) {
            newest(p.event(), p.within(), c);
            line("    accumulate(" + pattern(p.event().type().name(), where(p.event()), c.keyJoins(), "$value : " + p.field())
                    + window(p.within()) + ";", whereLine(p.event()));
            line("            $values : collectSet($value); $values.size() " + threshold(p.threshold()) + ")", whereLine(p.event()));
        } else if (pattern instanceof Sequence p) {
            sequence(p, c);
        } else if (pattern instanceof Absence p) {
            var first = p.first();
            line("    // fires " + Durations.format(p.within()) + " after the " + first.type().name() + " unless a " + p.missing().type().name()
                    + " of the key comes first", whereLine(first));
            line("    $first : " + pattern(first.type().name(), where(first), c.keyBindings(), c.fieldBindings(first)), whereLine(first));
            var missing = p.missing();
            // The window keeps a missing event as long as the first one: left to Drools it would keep
            // it a millisecond, and the absence would fire once it was gone.
            line("    not " + pattern(missing.type().name(), where(missing), c.keyJoins(), same(missing, first),
                    "this after" + range(Duration.ZERO, p.within()) + " $first") + window(p.within().plusMillis(1)), whereLine(missing));
        } else if (pattern instanceof Flatline p) {
            var e = p.event();
            line("    // fires " + Durations.format(p.duration()) + " after the key's last event unless a later one comes", whereLine(e));
            line("    $event : " + pattern(e.type().name(), where(e), c.keyBindings(), c.fieldBindings(e)), whereLine(e));
            // Only a later event ends a silence. after[1ms, ...] would say so too, but Drools then keeps
            // the type's events forever, so the strictness is a constraint on the timestamp instead.
            var ts = e.type().timestampField();
            line("    not " + pattern(e.type().name(), where(e), c.keyJoins(), "this != $event",
                    "this after" + range(Duration.ZERO, p.duration()) + " $event", ts + " > $event." + ts), whereLine(e));
        } else if (pattern instanceof Sustained p) {
            sustained(p, c);
        } else if (pattern instanceof Spike p) {
            spike(p, c);
        } else if (pattern instanceof Baseline p) {
            baseline(p, c);
        } else if (pattern instanceof NewValue p && p.bucket() != null) {
            var e = p.event();
            var valueType = e.type().fields().get(p.field());
            line("    // a value the key has not shown in the last " + Durations.format(p.within()) + ", held as buckets of "
                    + Durations.format(p.bucket()) + ": from the start of the bucket " + (p.within().toMillis() / p.bucket().toMillis() - 1)
                    + " before this event's", whereLine(e));
            line("    $event : " + pattern(e.type().name(), where(e), c.keyBindings(), "$time : " + e.type().timestampField(),
                    "$value : " + p.field(), notNull(p.field(), e), c.fieldBindings(e)) + window(MATCH_WINDOW), whereLine(e));
            line("    $profile : Profile(name == " + Conditions.quote(p.profile().name()) + ", key == " + keyValue(c) + ")", whereLine(e));
            line("    Summary(" + (p.newKeys() ? "" : "!isEmpty(), ") + "!has(" + label("$value", valueType) + ")) from $profile.last("
                    + millis("$time", e) + ", \"" + Durations.format(p.within()) + "\")", whereLine(e));
        } else if (pattern instanceof NewValue p) {
            var e = p.event();
            var type = e.type().name();
            var back = "this before" + memory(p.within()) + " $event";
            // An earlier event with the value outlives the new one's window, so its expiry cannot make the value look new.
            line("    // a value the key has not shown in the last " + Durations.format(p.within()) + " (an event exactly "
                    + Durations.format(p.within()) + " older is out)", whereLine(e));
            line("    $event : " + pattern(type, where(e), c.keyBindings(), "$value : " + p.field(), c.fieldBindings(e)) + window(MATCH_WINDOW),
                    whereLine(e));
            if (!p.newKeys()) {
                line("    exists " + pattern(type, where(e), c.keyJoins(), "this != $event", back) + window(p.within()), whereLine(e));
            }
            line("    not " + pattern(type, where(e), c.keyJoins(), p.field() + " == $value", "this != $event", back)
                    + window(p.within().plus(MATCH_WINDOW)), whereLine(e));
        } else if (pattern instanceof Change p) {
            var e = p.event();
            var type = e.type().name();
            var ts = e.type().timestampField();
            line("    // the key's previous event is the latest less than " + Durations.format(p.within()) + " before this one; then compare",
                    whereLine(e));
            line("    $event : " + pattern(type, where(e), c.keyBindings(), "$value : " + p.field(), c.fieldBindings(e)) + window(MATCH_WINDOW),
                    whereLine(e));
            line("    accumulate(" + pattern(type, where(e), c.keyJoins(), "this != $event", "this before" + memory(p.within())
                    + " $event", "$time : " + ts) + window(p.within().plus(MATCH_WINDOW)) + ";", whereLine(e));
            line("            $latest : max($time), $earlier : count(); $earlier > 0)", whereLine(e));
            line("    " + pattern(type, where(e), c.keyJoins(), "this != $event", ts + " == $latest.longValue()", p.field() + " != $value",
                    "$previousValue : " + p.field()) + window(p.within().plus(MATCH_WINDOW)), whereLine(e));
        } else {
            throw new IllegalStateException("no DRL for " + pattern);
        }
    }

    /**
     * The event against the key's profile, read before the event is added to it: all of the
     * history, the history but its latest buckets ({@code skip}), or the same hour of earlier days
     * or weeks.
     */
    private void baseline(Baseline p, Context c) {
        var e = p.event();
        var at = p.conditionPos();
        var valueType = e.type().fields().get(p.field());
        var t = millis("$time", e);
        var history = "\"" + Durations.format(p.history()) + "\"";
        String source;
        String what;
        if (p.seasonal() != null) {
            var period = RuleReader.period(p.seasonal());
            long periods = p.history().toMillis() / period.toMillis();
            source = "$profile.seasonal(" + t + ", \"" + Durations.format(period) + "\", " + periods + ")";
            what = "the same hour " + (p.seasonal().equals("daily") ? "of the days" : "of the same weekday of the weeks") + " before, over "
                    + Durations.format(p.history());
        } else if (!p.skip().isZero()) {
            source = "$profile.between(" + t + ", \"" + Durations.format(p.skip()) + "\", " + history + ")";
            what = "the last " + Durations.format(p.history()) + " in buckets of " + Durations.format(p.bucket()) + ", the latest "
                    + Durations.format(p.skip()) + " left out";
        } else {
            source = "$profile.last(" + t + ", " + history + ")";
            what = "the last " + Durations.format(p.history()) + " in buckets of " + Durations.format(p.bucket());
        }
        var value = number("$value", valueType);
        var condition = Conditions.drl(p.condition(), r -> Baseline.FIGURES.contains(r.field()) ? figure(r.field(), "", value)
                : "$event." + r.field());
        line("    // judged against the key's " + p.field() + " of " + what + ", before the event joins it", at);
        line("    $event : " + pattern(e.type().name(), where(e), c.keyBindings(), "$time : " + e.type().timestampField(),
                "$value : " + p.field(), notNull(p.field(), e), c.fieldBindings(e)) + window(MATCH_WINDOW), whereLine(e));
        line("    $profile : Profile(name == " + Conditions.quote(p.profile().name()) + ", key == " + keyValue(c) + ")", at);
        line("    $baseline : Summary(count() >= " + p.minHistory() + ", " + condition + ") from " + source, at);
    }

    /**
     * Count, aggregate or distinct over a window longer than an hour, read from the key's profile
     * before the event joins it (as every rule reading a profile is, so that its profile's add
     * comes after it), the event then counted in: the event's bucket and those before it, the
     * window's length in all.
     */
    private void longWindow(Pattern pattern, Context c) {
        var p = pattern.profile();
        var e = p.event();
        var at = whereLine(e);
        var buckets = p.span().toMillis() / p.bucket().toMillis();
        line("    // the key's events of the last " + Durations.format(p.span()) + " as " + buckets + " buckets of " + Durations.format(p.bucket())
                + ": from the first bucket boundary after " + Durations.format(p.span()) + " before this event, and this event", at);
        var value = p.field() == null ? "" : "$value : " + p.field();
        line("    $event : " + pattern(e.type().name(), where(e), c.keyBindings(), "$time : " + e.type().timestampField(), value,
                notNull(p.field(), e), c.fieldBindings(e)) + window(MATCH_WINDOW), at);
        line("    $profile : Profile(name == " + Conditions.quote(p.name()) + ", key == " + keyValue(c) + ")", at);
        var figures = windowFigures(pattern, "");
        var measured = figures.get(pattern instanceof Aggregate a ? a.function() : "count");
        var threshold = pattern instanceof Count n ? n.threshold() : pattern instanceof Aggregate n ? n.threshold()
                : ((Distinct) pattern).threshold();
        line("    $window : Summary(" + measured + " " + threshold(threshold) + ") from $profile.last(" + millis("$time", e) + ", \""
                + Durations.format(p.span()) + "\")", at);
    }

    /** A long window's figures with the event counted in, read from a summary through {@code receiver} ({@code ""} or {@code "$window."}). */
    private static Map<String, String> windowFigures(Pattern pattern, String receiver) {
        var r = receiver;
        var figures = new LinkedHashMap<String, String>();
        if (pattern instanceof Aggregate a) {
            var value = number("$value", a.event().type().fields().get(a.field()));
            figures.put(a.function(), switch (a.function()) {
                case "sum" -> "(" + r + "sum() + " + value + ")";
                case "avg" -> "((" + r + "sum() + " + value + ") / (" + r + "count() + 1))";
                default -> "(" + r + "isEmpty() ? " + value + " : Math." + a.function() + "(" + r + a.function() + "(), " + value + "))";
            });
        }
        if (pattern instanceof Distinct d) {
            var label = label("$value", d.event().type().fields().get(d.field()));
            figures.put("count", "(" + r + "distinct() + (" + r + "has(" + label + ") ? 0 : 1))");
        } else {
            figures.put("count", "(" + r + "count() + 1)");
        }
        return figures;
    }

    /** A baseline's figure read from a summary: {@code quantile(0.95)}, or {@code $baseline.quantile(0.95)} with that receiver. */
    private static String figure(String name, String receiver, String value) {
        return receiver + switch (name) {
            case "p50" -> "quantile(0.5)";
            case "p90" -> "quantile(0.9)";
            case "p95" -> "quantile(0.95)";
            case "p99" -> "quantile(0.99)";
            case "zscore" -> "zscore(" + value + ")";
            default -> name + "()";
        };
    }

    /**
     * Whether a count or a number of distinct values meets {@code threshold} only by growing ({@code >},
     * {@code >=}): then, since the figure over a sliding window only shrinks as time passes, the rule
     * can fire only when an event arrives, and it is enough to look back from each event.
     */
    private static boolean rising(Binary threshold) {
        return threshold.op() == Op.GT || threshold.op() == Op.GE;
    }

    /**
     * Each event of the key as the trigger, and an {@code accumulate} (left open) over the events of
     * the key less than {@code within} before it, itself included: the figure a window ending at the
     * event holds. Tied to the trigger by a temporal range instead of sliding windows, it keeps one
     * window (the trigger's) where the windowed form keeps three, and an earlier trigger's figure
     * does not change as later events come, so no {@code not} is needed to leave it out. Events are
     * kept as long as the window, as in the windowed form.
     */
    private void looksBack(Step e, Duration within, Context c, String value) {
        var type = e.type().name();
        line("    // each event of the key checks the " + Durations.format(within) + " up to it, itself included", whereLine(e));
        line("    $event : " + pattern(type, where(e), c.keyBindings(), c.fieldBindings(e)) + window(within), whereLine(e));
        line("    accumulate(" + pattern(type, where(e), c.keyJoins(), "this before" + memory(within) + " $event", value) + ";",
                whereLine(e));
    }

    /** The newest event of its key that satisfies the condition: the trigger of the windowed patterns. */
    private void newest(Step e, Duration within, Context c) {
        var type = e.type().name();
        line("    // each new event of the key checks the window; the 'not' leaves out the older ones", whereLine(e));
        line("    $event : " + pattern(type, where(e), c.keyBindings(), c.fieldBindings(e)) + window(within), whereLine(e));
        line("    not " + pattern(type, where(e), c.keyJoins(), "this after $event") + window(within), whereLine(e));
    }

    private void sequence(Sequence p, Context c) {
        var steps = p.steps();
        var first = steps.get(0);
        line("    $" + first.name() + " : " + pattern(first.type().name(), where(first), c.keyBindings(), c.fieldBindings(first)), whereLine(first));
        for (int i = 1; i < steps.size(); i++) {
            var step = steps.get(i);
            var previous = steps.get(i - 1);
            var constraints = new ArrayList<String>();
            constraints.add(where(step));
            constraints.add(c.keyJoins());
            for (int j = 0; j < i; j++) {
                constraints.add(same(step, steps.get(j)));
            }
            constraints.add("this after" + range(Duration.ZERO, p.within()) + " $" + previous.name());
            if (i > 1) {
                constraints.add("this after" + range(Duration.ZERO, p.within()) + " $" + first.name());
            }
            constraints.add(c.fieldBindings(step));
            line("    $" + step.name() + " : " + pattern(step.type().name(), constraints.toArray(String[]::new)), whereLine(step));
        }
    }

    /** {@code this != $other} when two steps match the same type, so one event is not both. */
    private static String same(Step step, Step other) {
        return step.type().qualifiedName().equals(other.type().qualifiedName()) ? "this != $" + other.name() : "";
    }

    /**
     * A run starts at an event that satisfies the condition when the key's event before it did not
     * (or there was none within the duration); the rule fires when the duration has passed from
     * there with no event breaking the condition.
     */
    private void sustained(Sustained p, Context c) {
        var e = p.event();
        var type = e.type().name();
        var condition = Conditions.drl(p.condition(), r -> r.field());
        var broken = "!(" + condition + ")";
        var d = p.duration();
        var at = p.conditionPos();
        line("    // a run starts where the key's event before broke the condition, or there was none in " + Durations.format(d), at);
        // The window retires the start once its time has come: without it, the start would fire again
        // when the events that showed it was no start expire.
        line("    $event : " + pattern(type, where(e), condition, c.keyBindings(), c.fieldBindings(e)) + window(d.plusMillis(1)), at);
        line("    (", at);
        line("        not " + pattern(type, where(e), c.keyJoins(), "this before" + range(Duration.ofMillis(1), d) + " $event"), at);
        line("        or", at);
        line("        ($breach : " + pattern(type, where(e), c.keyJoins(), broken, "this before" + range(Duration.ofMillis(1), d) + " $event"), at);
        var ts = e.type().timestampField();
        line("         and not " + pattern(type, where(e), c.keyJoins(), "this != $breach", "this != $event",
                ts + " >= $breach." + ts, "this before" + range(Duration.ZERO, d) + " $event") + ")", at);
        line("    )", at);
        line("    // fires " + Durations.format(d) + " after the start unless an event breaks the condition", at);
        line("    not " + pattern(type, where(e), c.keyJoins(), broken, "this after" + range(Duration.ZERO, d) + " $event"), at);
    }

    /**
     * The recent window against the baseline window before it. A rate is normalised by the part of
     * the baseline the key has been seen in, so a key that is new does not look like a spike; with
     * less history than one recent window there is no baseline yet.
     */
    private void spike(Spike p, Context c) {
        var e = p.event();
        var type = e.type().name();
        long w = p.within().toMillis();
        long b = p.baseline().toMillis();
        var timestamp = e.type().timestampField();
        var at = whereLine(e);
        line("    // each new event of the key compares the last " + Durations.format(p.within()) + " with the " + Durations.format(p.baseline())
                + " before it", at);
        line("    $event : " + pattern(type, where(e), c.keyBindings(), "$now : " + timestamp, c.fieldBindings(e)) + window(p.within()), at);
        line("    not " + pattern(type, where(e), c.keyJoins(), "this after $event") + window(p.within()), at);
        var baselineRange = "this before" + range(p.within(), p.within().plus(p.baseline())) + " $event";
        var factor = p.factor().toPlainString();
        if (p.field() == null) {
            line("    accumulate(" + pattern(type, where(e), c.keyJoins()) + window(p.within()) + ";", at);
            line("            $recentCount : count(); $recentCount >= " + p.minEvents() + ")", at);
            line("    accumulate(" + pattern(type, where(e), c.keyJoins(), baselineRange, "$time : " + timestamp)
                    + window(p.within().plus(p.baseline())) + ";", at);
            var span = "Math.min(" + b + "L, " + millis("$now", e) + " - " + w + "L - $since.longValue())";
            line("            $baselineCount : count(), $since : min($time);", at);
            line("            // the baseline's rate over the part of it the key was seen in, so a new key is no spike", at);
            line("            $baselineCount > 0 && " + span + " >= " + w + "L", at);
            line("            && $recentCount * (double) " + span + " > " + factor + " * $baselineCount * " + w + ".0)", at);
        } else {
            line("    accumulate(" + pattern(type, where(e), c.keyJoins(), "$value : " + p.field()) + window(p.within()) + ";", at);
            line("            $recentAverage : average($value), $recentCount : count(); $recentCount >= " + p.minEvents() + ")", at);
            line("    accumulate(" + pattern(type, where(e), c.keyJoins(), baselineRange, "$value : " + p.field())
                    + window(p.within().plus(p.baseline())) + ";", at);
            line("            $baselineAverage : average($value), $baselineCount : count();", at);
            line("            $baselineCount > 0 && $recentAverage > " + factor + " * $baselineAverage)", at);
        }
    }

    /** The event time as epoch milliseconds, whether the timestamp field is a long or a Date. */
    private static String millis(String binding, Step e) {
        var type = e.type().fields().get(e.type().timestampField());
        return type != null && (type.equals("java.util.Date") || type.equals("Date")) ? binding + ".getTime()" : binding;
    }

    private static String threshold(Binary threshold) {
        return threshold.op().drl + " " + Conditions.drl(threshold.right(), r -> r.field());
    }

    private void consequence(RuleSpec rule, Context c) {
        int at = rule.message().pos().line();
        var pattern = rule.pattern();
        var figures = new LinkedHashMap<String, String>();
        if (isLongWindow(pattern)) {
            figures.putAll(windowFigures(pattern, "$window."));
            if (pattern instanceof Distinct d) {
                var label = label("$value", d.event().type().fields().get(d.field()));
                line("    ArrayList<Object> values = new ArrayList<>($window.labels());", at);
                line("    if (!$window.has(" + label + ")) { values.add(" + label + "); }", at);
                figures.put("values", "alerts.sorted(values)");
            }
        } else if (pattern instanceof Count) {
            figures.put("count", "$count");
        } else if (pattern instanceof Aggregate a) {
            figures.put(a.function(), "$" + a.function());
            figures.put("count", "$count");
        } else if (pattern instanceof Distinct) {
            figures.put("count", "$values.size()");
            figures.put("values", "alerts.sorted($values)");
        } else if (pattern instanceof Spike s) {
            if (s.field() == null) {
                long w = s.within().toMillis();
                var span = "Math.min(" + s.baseline().toMillis() + "L, " + millis("$now", s.event()) + " - " + w + "L - $since.longValue())";
                line("    double recent = $recentCount;", at);
                line("    double baseline = $baselineCount * " + w + ".0 / " + span + ";", at);
            } else {
                line("    double recent = $recentAverage.doubleValue();", at);
                line("    double baseline = $baselineAverage.doubleValue();", at);
            }
            figures.put("recent", "recent");
            figures.put("baseline", "baseline");
            figures.put("ratio", "recent / baseline");
        } else if (pattern instanceof Baseline b) {
            var value = number("$value", b.event().type().fields().get(b.field()));
            Baseline.FIGURES.forEach(f -> figures.put(f, figure(f, "$baseline.", value)));
        } else if (pattern instanceof NewValue) {
            figures.put("value", "$value");
        } else if (pattern instanceof Change) {
            figures.put("value", "$value");
            figures.put("previous", "$previousValue");
        }
        var message = text(rule.message(), c, figures);
        var attributes = new ArrayList<String>();
        figures.forEach((name, value) -> attributes.add(Conditions.quote(name) + ", " + value));
        rule.attributes().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            var template = entry.getValue();
            var value = template.isSinglePlaceholder() ? value(((Template.Placeholder) template.parts().get(0)).name(), c, figures)
                    : text(template, c, figures);
            attributes.add(Conditions.quote(entry.getKey()) + ", " + value);
        });
        if (attributes.isEmpty()) {
            line("    alerts.raise(" + c.key() + ", " + message + ");", at);
        } else {
            line("    alerts.raise(" + c.key() + ", " + message + ",", at);
            line("            alerts.attributes(" + String.join(", ", attributes) + "));", at);
        }
    }

    private static String text(Template template, Context c, Map<String, String> figures) {
        if (template.parts().isEmpty()) {
            return "\"\"";
        }
        var parts = new ArrayList<String>();
        for (var part : template.parts()) {
            if (part instanceof Template.Text t) {
                parts.add(Conditions.quote(t.text()));
            } else {
                parts.add("alerts.text(" + value(((Template.Placeholder) part).name(), c, figures) + ")");
            }
        }
        return String.join(" + ", parts);
    }

    private static String value(String name, Context c, Map<String, String> figures) {
        var target = Placeholders.resolve(name, c.pattern);
        if (target.figure() != null) {
            return switch (target.figure()) {
                case "rule" -> Conditions.quote(c.rule.name());
                case "key" -> c.pattern.per().isEmpty() ? c.key() : "(" + c.key() + ")";
                default -> figures.get(target.figure());
            };
        }
        if (target.keyIndex() >= 0) {
            return c.pattern.per().size() == 1 ? "$key" : "$key" + (target.keyIndex() + 1);
        }
        return "$" + target.step().name() + "_" + target.field();
    }
}
