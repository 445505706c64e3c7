package dev.vigil.engine.ruleset;

import dev.vigil.engine.alert.Alerts;
import dev.vigil.engine.profile.Profile;
import dev.vigil.engine.profile.Summary;
import dev.vigil.engine.profile.Sweep;
import java.util.Map;
import java.util.Set;

/**
 * The classes and members that rule code may reach: everything else is refused.
 *
 * <p>Rule code is every piece of a rule set that runs: consequences, constraints, functions,
 * {@code eval}, {@code from} and {@code accumulate} expressions, salience and timer expressions, in
 * the Java and the MVEL dialect. It may use the rule set's own declared types and functions, the
 * rule-facing part of the {@code alerts} global, Vigil's profiles ({@code dev.vigil.engine.profile}), {@code java.lang} value types and {@code Math},
 * {@code java.math}, {@code java.time}, the collections, functions, streams and regular expressions
 * of {@code java.util}, and the few members of Drools' consequence API that {@code insert},
 * {@code update}, {@code modify} and {@code delete} compile to. The list was drawn from what the
 * sample and test rule sets use.
 *
 * <p>The checks ({@link BytecodeCheck}, {@link MvelCheck}) ask about a member by the type the
 * compiler resolved it on, so an inherited member is judged on the type it is called through: that
 * is why the members every object has ({@code getClass}, {@code wait}, ...) are refused on every
 * type, and why the rule set's own types may extend nothing but each other.
 */
final class RuleCodeAllowlist {
    /** Types allowed with all their members (except {@link #EVERY_TYPE_REFUSES} and {@link #REFUSED_MEMBERS}). */
    private static final Set<String> TYPES = Set.of(
            "java.lang.Object", "java.lang.String", "java.lang.StringBuilder", "java.lang.CharSequence", "java.lang.Boolean",
            "java.lang.Byte", "java.lang.Short", "java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double",
            "java.lang.Character", "java.lang.Number", "java.lang.Math", "java.lang.StrictMath", "java.lang.Comparable",
            "java.lang.Iterable", "java.lang.Enum", "java.lang.Void", "java.lang.Exception", "java.lang.RuntimeException",
            "java.lang.IllegalArgumentException", "java.lang.IllegalStateException", "java.lang.ArithmeticException",
            "java.lang.NullPointerException", "java.lang.NumberFormatException", "java.lang.IndexOutOfBoundsException",
            "java.lang.UnsupportedOperationException", "java.lang.ClassCastException", "java.io.Serializable",
            "java.util.Collection", "java.util.List", "java.util.ArrayList", "java.util.LinkedList", "java.util.Map",
            "java.util.Map$Entry", "java.util.HashMap", "java.util.LinkedHashMap", "java.util.TreeMap", "java.util.SortedMap",
            "java.util.NavigableMap", "java.util.Set", "java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet",
            "java.util.SortedSet", "java.util.NavigableSet", "java.util.Queue", "java.util.Deque", "java.util.ArrayDeque",
            "java.util.PriorityQueue", "java.util.Iterator", "java.util.ListIterator", "java.util.Collections", "java.util.Arrays",
            "java.util.Objects", "java.util.Optional", "java.util.OptionalInt", "java.util.OptionalLong", "java.util.OptionalDouble",
            "java.util.Comparator", "java.util.StringJoiner", "java.util.UUID", "java.util.AbstractMap$SimpleEntry",
            "java.util.AbstractMap$SimpleImmutableEntry", "java.util.EnumMap", "java.util.EnumSet", "java.util.BitSet",
            "java.util.IntSummaryStatistics", "java.util.LongSummaryStatistics", "java.util.DoubleSummaryStatistics",
            "java.util.NoSuchElementException", "java.util.Locale",
            // What Drools compiles insert/update/modify/delete and accumulate results to (their members are below).
            "org.drools.core.rule.consequence.KnowledgeHelper", "org.kie.api.runtime.rule.RuleContext",
            "org.kie.api.definition.rule.Rule", "org.kie.api.runtime.rule.FactHandle", "org.drools.mvel.field.FieldFactory",
            "org.drools.base.rule.accessor.FieldValue");

    /** Packages whose every type is allowed (not their subpackages). */
    private static final Set<String> PACKAGES = Set.of(
            "java.math", "java.time", "java.time.format", "java.time.temporal", "java.time.chrono", "java.util.function",
            "java.util.stream", "java.util.regex", "org.drools.util.bitmask");

    /** Vigil's own library for rule code: profiles of long windows. Every public member of these is allowed. */
    private static final Set<String> LIBRARY = Set.of(Profile.class.getName(), Summary.class.getName(), Sweep.class.getName());

    /** Members refused whatever type they are reached through: they reach the class, the monitor or the stack of the JVM. */
    private static final Set<String> EVERY_TYPE_REFUSES = Set.of("getClass", "wait", "notify", "notifyAll", "finalize",
            "getDeclaringClass", "describeConstable", "parallel", "parallelStream", "printStackTrace");

    /** Of an allowed type, the members refused, each with why; "*" means every member not listed in {@link #ONLY}. */
    private static final Map<String, Map<String, String>> REFUSED_MEMBERS = Map.of(
            "java.lang.Integer", Map.of("getInteger", "reads the JVM's system properties"),
            "java.lang.Long", Map.of("getLong", "reads the JVM's system properties"),
            "java.lang.Boolean", Map.of("getBoolean", "reads the JVM's system properties"),
            "java.util.Locale", Map.of("setDefault", "changes the whole server's locale"));

    /** Of an allowed type, the only members rule code may use. */
    private static final Map<String, Set<String>> ONLY = Map.of(
            Alerts.class.getName(), Set.of("raise", "text", "sorted", "attributes", "now"),
            "org.drools.core.rule.consequence.KnowledgeHelper", Set.of("insert", "insertLogical", "update", "delete", "retract",
                    "getRule"),
            "org.kie.api.runtime.rule.RuleContext", Set.of("getRule"),
            "org.kie.api.definition.rule.Rule", Set.of("getName", "getPackageName"),
            "org.drools.mvel.field.FieldFactory", Set.of("getInstance", "getFieldValue"),
            "org.kie.api.runtime.rule.FactHandle", Set.of(),
            // A class literal may be held and passed (Drools passes the fact's class to update), never used.
            "java.lang.Class", Set.of(),
            "org.drools.base.rule.accessor.FieldValue", Set.of(),
            // Constraints with temporal operators (after, before, ...) are compiled to calls of the operator's evaluate,
            // with the session as an argument that the constraint's own code cannot use.
            "org.drools.compiler.rule.builder.EvaluatorWrapper", Set.of("evaluate"),
            "org.drools.core.common.InternalWorkingMemory", Set.of());

    private final Set<String> own;

    /**
     * @param own the rule set's own classes (declared types, functions, the classes its rules compiled
     *            to), by binary name: code may use all their members but those of every object
     */
    RuleCodeAllowlist(Set<String> own) {
        this.own = own;
    }

    /**
     * Why rule code may not use the type named {@code binaryName} (as in {@code a.b.C$D}, {@code int}
     * or {@code a.b.C[]}), or null when it may.
     */
    String refusalOfType(String binaryName) {
        var name = elementType(binaryName);
        if (name.isEmpty() || own.contains(name) || TYPES.contains(name) || LIBRARY.contains(name) || ONLY.containsKey(name)
                || PACKAGES.contains(packageOf(name))) {
            return null;
        }
        return "rule code may not use " + displayName(name) + ": " + allowed();
    }

    /**
     * Why rule code may not use the member {@code member} reached through the type named
     * {@code ownerBinaryName}, or null when it may; {@code <init>} is a constructor.
     */
    String refusalOfMember(String ownerBinaryName, String member) {
        var owner = elementType(ownerBinaryName);
        var typeRefusal = refusalOfType(owner);
        if (typeRefusal != null) {
            return typeRefusal;
        }
        var shown = displayName(owner) + "." + ("<init>".equals(member) ? "new" : member);
        if (EVERY_TYPE_REFUSES.contains(member)) {
            return "rule code may not use " + shown + ": it reaches the JVM's classes, threads or output; " + allowed();
        }
        if (own.contains(owner)) {
            return null;
        }
        var only = ONLY.get(owner);
        if (only != null && !only.contains(member)) {
            return "rule code may not use " + shown + (only.isEmpty() ? "" : ": of " + displayName(owner) + " it may use "
                    + String.join(", ", only.stream().sorted().toList()));
        }
        var why = REFUSED_MEMBERS.getOrDefault(owner, Map.of()).get(member);
        return why == null ? null : "rule code may not use " + shown + ": it " + why;
    }

    private static final Set<String> PRIMITIVES = Set.of("boolean", "byte", "short", "char", "int", "long", "float", "double", "void");

    /** The type itself for an array type ({@code java.lang.String[][]}), nothing for a primitive. */
    private static String elementType(String name) {
        var element = name;
        while (element.endsWith("[]")) {
            element = element.substring(0, element.length() - 2);
        }
        return PRIMITIVES.contains(element) ? "" : element;
    }

    private static String packageOf(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(0, dot);
    }

    private static String displayName(String binaryName) {
        return binaryName.replace('$', '.');
    }

    private static String allowed() {
        return "rules may use their own types and functions, the alerts global, Vigil's profiles, java.lang value types, Math, "
                + "java.math, java.time and java.util collections (--allow-unsafe-rules lifts this)";
    }
}
