package dev.vigil.engine.ruleset;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.drools.base.definitions.InternalKnowledgePackage;
import org.drools.base.definitions.rule.impl.RuleImpl;
import org.drools.core.rule.JavaDialectRuntimeData;
import org.drools.mvel.MVELDialectRuntimeData;
import org.drools.mvel.expr.MVELCompilationUnit;
import org.kie.api.KieBase;
import org.mvel2.ParserConfiguration;
import org.objectweb.asm.ClassReader;

/**
 * Checks everything a built rule set will run against {@link RuleCodeAllowlist}: the classes the Java
 * compiler made of its consequences, functions, evals and accumulate code ({@link BytecodeCheck}),
 * the MVEL trees of its constraints, {@code from}, accumulate, salience, timer and MVEL-dialect code
 * ({@link MvelCheck}), its declared types' supertypes and field initialisers, and imported
 * accumulate functions.
 *
 * <p>Drools also generates glue for each rule (classes named {@code Rule_...Invoker} implementing
 * {@code CompiledInvoker}) from its own templates: they hold no rule code, only calls into the rule's
 * class, which is checked, so they are not.
 */
final class RuleCodeCheck {
    /** A refused use: the resource (as Drools names it), the rule or function, the line in that resource, and why. */
    record Refusal(String resource, String owner, int line, String message) {
    }

    private static final String INVOKER = "org/drools/base/rule/accessor/CompiledInvoker";
    private static final Pattern GLUE_SUFFIX = Pattern.compile("[A-Za-z]+[0-9]*Invoker");

    private final KieBase kieBase;
    private final Map<String, String> drlByResource;
    private final List<Refusal> refusals = new ArrayList<>();

    private RuleCodeCheck(KieBase kieBase, Map<String, String> drlByResource) {
        this.kieBase = kieBase;
        this.drlByResource = drlByResource;
    }

    /**
     * Every refused use in {@code kieBase}; {@code drlByResource} holds the DRL of each resource path
     * (as Drools names the resources: {@code a.drl}) to find rules' lines in.
     */
    static List<Refusal> check(KieBase kieBase, Map<String, String> drlByResource) {
        var check = new RuleCodeCheck(kieBase, drlByResource);
        check.run();
        return check.refusals;
    }

    private void run() {
        var packages = kieBase.getKiePackages().stream().map(p -> (InternalKnowledgePackage) p).toList();
        var own = new HashSet<String>();
        var classes = compiledClasses(kieBase);
        for (var pkg : packages) {
            // Only the classes the rule set defines: "declare Runtime end" declares java.lang.Runtime, which stays the JDK's.
            pkg.getTypeDeclarations().values().stream()
                    .filter(td -> td.getTypeClass() != null && definedByTheRuleSet(td.getTypeClass()))
                    .forEach(td -> own.add(td.getTypeClassName()));
        }
        own.addAll(classes.keySet());
        var allowlist = new RuleCodeAllowlist(Set.copyOf(own));
        for (var pkg : packages) {
            var rulesByClass = rulesByClass(pkg);
            var functionsByClass = new HashMap<String, String>();
            pkg.getFunctions().keySet().forEach(f -> functionsByClass.put(pkg.getName() + "." + capitalized(f), f));
            var ruleClasses = pkg.getDialectRuntimeRegistry().getLineMappings().keySet();
            classes.forEach((name, bytes) -> {
                if (name.startsWith(pkg.getName() + ".") && name.indexOf('.', pkg.getName().length() + 1) < 0
                        && (functionsByClass.containsKey(name) || !isGlue(name, bytes, ruleClasses))) {
                    classCode(pkg, name, bytes, allowlist, rulesByClass, functionsByClass);
                }
            });
            var mvel = pkg.getDialectRuntimeRegistry().getDialectData("mvel") instanceof MVELDialectRuntimeData data
                    ? data.getParserConfiguration() : null;
            for (var rule : pkg.getRules()) {
                var impl = (RuleImpl) rule;
                var resource = impl.getResource() == null ? null : impl.getResource().getSourcePath();
                for (var unit : compilationUnits(impl)) {
                    mvelCode(unit, mvel, allowlist, resource, "rule \"" + impl.getName() + "\"", ruleLine(resource, impl.getName()));
                }
            }
            for (var window : pkg.getWindowDeclarations().values()) {
                for (var unit : compilationUnits(window)) {
                    mvelCode(unit, mvel, allowlist, null, "window " + window.getName(), 0);
                }
            }
            declarations(pkg, allowlist, mvel);
            pkg.getAccumulateFunctions().forEach((name, function) -> refusals.add(new Refusal(null, "accumulate function " + name, 0,
                    "rule sets may not import accumulate functions (" + function.getClass().getName() + "): use the built-in ones "
                            + "(count, sum, average, min, max, collectList, collectSet, ...) or accumulate with init/action/result")));
        }
    }

    /** The classes the rule set's Java code compiled to (rules, functions, consequences), by binary name. */
    static Map<String, byte[]> compiledClasses(KieBase kieBase) {
        var classes = new HashMap<String, byte[]>();
        for (var pkg : kieBase.getKiePackages()) {
            if (((InternalKnowledgePackage) pkg).getDialectRuntimeRegistry().getDialectData("java") instanceof JavaDialectRuntimeData java) {
                java.getStore().forEach((path, bytes) -> classes.put(path.replace(".class", "").replace('/', '.'), bytes));
            }
        }
        return classes;
    }

    private void classCode(InternalKnowledgePackage pkg, String name, byte[] bytes, RuleCodeAllowlist allowlist,
            Map<String, RuleImpl> rulesByClass, Map<String, String> functionsByClass) {
        var outer = name.contains("$") ? name.substring(0, name.indexOf('$')) : name;
        var rule = rulesByClass.get(outer);
        var function = functionsByClass.get(outer);
        var mappings = pkg.getDialectRuntimeRegistry().getLineMappings(outer);
        for (var finding : BytecodeCheck.check(bytes, allowlist)) {
            String resource = null;
            String owner = name;
            int line = 0;
            if (rule != null) {
                resource = rule.getResource() == null ? null : rule.getResource().getSourcePath();
                owner = "rule \"" + rule.getName() + "\"";
                line = ruleLine(resource, rule.getName());
            } else if (function != null) {
                owner = "function " + function;
                for (var entry : drlByResource.entrySet()) {
                    int at = find(entry.getValue(), Pattern.compile("(?m)^\\s*(function)\\s+[\\w.<>\\[\\], ]+\\s+" + Pattern.quote(function)
                            + "\\s*\\("));
                    if (at > 0) {
                        resource = entry.getKey();
                        line = at;
                    }
                }
            }
            if (mappings != null) {
                // The generated Java keeps the code's lines in order from the offset on; a consequence's method
                // starts with three lines of Drools' own before the line after "then".
                int mapped = mappings.getStartLine() + finding.javaLine() - mappings.getOffset() - (function != null ? 0 : 3);
                line = mapped > mappings.getStartLine() || function != null && mapped >= mappings.getStartLine() ? mapped : line;
            }
            var refusal = new Refusal(resource, owner, line, finding.message());
            if (!refusals.contains(refusal)) {
                refusals.add(refusal);
            }
        }
    }

    private void mvelCode(MVELCompilationUnit unit, ParserConfiguration configuration, RuleCodeAllowlist allowlist, String resource,
            String owner, int line) {
        if (configuration == null) {
            refusals.add(new Refusal(resource, owner, line, "its MVEL code cannot be checked"));
            return;
        }
        for (var message : MvelCheck.check(unit, configuration, allowlist)) {
            var refusal = new Refusal(resource, owner, lineOfSnippet(resource, line, message), message);
            if (!refusals.contains(refusal)) {
                refusals.add(refusal);
            }
        }
    }

    private static boolean definedByTheRuleSet(Class<?> type) {
        var loader = type.getClassLoader();
        return loader != null && loader != RuleCodeCheck.class.getClassLoader() && loader != ClassLoader.getSystemClassLoader()
                && loader != ClassLoader.getPlatformClassLoader();
    }

    /** Declared types may extend only each other, and their fields' initial values are MVEL run at every new instance. */
    private void declarations(InternalKnowledgePackage pkg, RuleCodeAllowlist allowlist, ParserConfiguration mvel) {
        for (var td : pkg.getTypeDeclarations().values()) {
            var resource = td.getResource() == null ? null : td.getResource().getSourcePath();
            var owner = "declare " + td.getTypeName();
            int line = declarationLine(resource, td.getTypeName());
            for (var type = td.getTypeClass() == null ? null : td.getTypeClass().getSuperclass(); type != null && type != Object.class;
                    type = type.getSuperclass()) {
                var refusal = allowlist.refusalOfType(type.getName());
                if (refusal != null) {
                    refusals.add(new Refusal(resource, owner, line, "a declared type may not extend " + type.getName() + ": " + refusal));
                    break;
                }
            }
            if (td.getTypeClassDef() == null) {
                continue;
            }
            for (var field : td.getTypeClassDef().getFieldsDefinitions()) {
                if (field.getInitExpr() != null && !field.getInitExpr().isBlank() && mvel != null) {
                    var unit = new MVELCompilationUnit(owner, field.getInitExpr(), new String[0], null, null, null, new String[0],
                            new String[0], new String[0], true, false);
                    mvelCode(unit, mvel, allowlist, resource, owner + " field " + field.getName(), line);
                }
            }
        }
    }

    /** The rule whose code each rule class holds, found through the class of its Java consequence. */
    private static Map<String, RuleImpl> rulesByClass(InternalKnowledgePackage pkg) {
        var out = new HashMap<String, RuleImpl>();
        for (var rule : pkg.getRules()) {
            var impl = (RuleImpl) rule;
            var invoker = impl.getConsequence() == null ? "" : impl.getConsequence().getClass().getName();
            if (invoker.endsWith("DefaultConsequenceInvoker")) {
                out.put(invoker.substring(0, invoker.length() - "DefaultConsequenceInvoker".length()), impl);
            }
        }
        return out;
    }

    /**
     * Whether {@code name} is one of the classes Drools generates beside a rule's class (its name
     * followed by {@code Eval0Invoker}, {@code DefaultConsequenceInvoker}, ...), never a class the
     * rule's code declares itself, which would be nested ({@code Rule_x$1FooInvoker}).
     */
    private static boolean isGlue(String name, byte[] bytes, Set<String> ruleClasses) {
        for (var ruleClass : ruleClasses) {
            if (name.startsWith(ruleClass) && GLUE_SUFFIX.matcher(name.substring(ruleClass.length())).matches()) {
                return List.of(new ClassReader(bytes).getInterfaces()).contains(INVOKER);
            }
        }
        return false;
    }

    /** Every MVEL compilation unit reachable from {@code root} through Drools' rule structures. */
    private static List<MVELCompilationUnit> compilationUnits(Object root) {
        var found = new ArrayList<MVELCompilationUnit>();
        var seen = Collections.newSetFromMap(new IdentityHashMap<>());
        walk(root, found, seen, 0);
        return found;
    }

    private static void walk(Object value, List<MVELCompilationUnit> found, Set<Object> seen, int depth) {
        if (value == null || depth > 200 || !seen.add(value)) {
            return;
        }
        if (value instanceof MVELCompilationUnit unit) {
            found.add(unit);
            return;
        }
        if (value instanceof Object[] array) {
            for (var element : array) {
                walk(element, found, seen, depth + 1);
            }
            return;
        }
        if (value instanceof Collection<?> collection) {
            collection.forEach(element -> walk(element, found, seen, depth + 1));
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.values().forEach(element -> walk(element, found, seen, depth + 1));
            return;
        }
        var type = value.getClass().getName();
        if (!type.startsWith("org.drools.base.") && !type.startsWith("org.drools.mvel.") && !type.startsWith("org.drools.core.rule.")
                && !type.startsWith("org.drools.core.base.") || type.contains("KnowledgePackage") || type.contains("KnowledgeBase")) {
            return;
        }
        for (var c = value.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive() || field.getType() == Class.class
                        || ClassLoader.class.isAssignableFrom(field.getType()) || field.getType() == String.class) {
                    continue;
                }
                try {
                    field.setAccessible(true);
                    walk(field.get(value), found, seen, depth + 1);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // A field this JVM will not open holds nothing of the rule's: Drools' structures are in the unnamed module.
                }
            }
        }
    }

    /**
     * The line, at or after {@code fromLine}, of the code a message quotes first ({@code 'a.b()'}),
     * or {@code fromLine} when it is not found as written.
     */
    private int lineOfSnippet(String resource, int fromLine, String message) {
        int open = message.indexOf('\'');
        int close = open < 0 ? -1 : message.indexOf('\'', open + 1);
        var text = resource == null ? null : drlByResource.get(resource);
        if (close < 0 || text == null || fromLine <= 0) {
            return fromLine;
        }
        int start = 0;
        for (int line = 1; line < fromLine && start >= 0; line++) {
            start = text.indexOf('\n', start) + 1;
        }
        int at = start < 0 ? -1 : text.indexOf(message.substring(open + 1, close), start);
        return at < 0 ? fromLine : RuleSetCompiler.lineOf(text, at);
    }

    private int ruleLine(String resource, String rule) {
        return lineIn(resource, Pattern.compile("(?m)^\\s*(rule|query)\\s+(\"" + Pattern.quote(rule) + "\"|" + Pattern.quote(rule) + "\\b)"));
    }

    private int declarationLine(String resource, String type) {
        return lineIn(resource, Pattern.compile("(?m)^\\s*declare\\s+(" + Pattern.quote(type) + ")\\b"));
    }

    private int lineIn(String resource, Pattern pattern) {
        var text = resource == null ? null : drlByResource.get(resource);
        return text == null ? 0 : Math.max(0, find(text, pattern));
    }

    /** The line of the first match of {@code pattern}'s first group in {@code text}, or 0. */
    private static int find(String text, Pattern pattern) {
        var m = pattern.matcher(text);
        return m.find() ? RuleSetCompiler.lineOf(text, m.start(1)) : 0;
    }

    private static String capitalized(String name) {
        return name.isEmpty() ? name : name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
    }

}
