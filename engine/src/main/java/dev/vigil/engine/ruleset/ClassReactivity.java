package dev.vigil.engine.ruleset;

import java.util.ArrayList;
import java.util.List;
import org.drools.base.base.ClassObjectType;
import org.drools.base.definitions.rule.impl.RuleImpl;
import org.drools.base.rule.Accumulate;
import org.drools.base.rule.Collect;
import org.drools.base.rule.Declaration;
import org.drools.base.rule.Forall;
import org.drools.base.rule.Pattern;
import org.drools.base.rule.RuleConditionElement;
import org.drools.mvel.MVELConstraint;
import org.kie.api.KieBase;

/**
 * Finds the constraints that make a pattern class reactive through a variable of another pattern:
 * a constraint whose first value read is bound elsewhere ({@code distanceKm($from, country) > 900}
 * in a pattern that does not bind {@code $from}).
 *
 * <p>Drools tells which properties a constraint depends on from the first property each
 * {@code &&}/{@code ||} part of it reads (skipping the names of methods called). When that is a
 * variable of another pattern it cannot, so the pattern is re-evaluated on every change of its
 * facts, and Drools (10.2.0, {@code MVELConstraint.calculateMaskFromExpression}) says so only as a
 * log line, while building the network, with no rule, file or line and never as a build result.
 * The logging configuration silences that logger, and this check finds the same constraints on the
 * built rules, so that the compiler reports them as warnings of the rule set. It follows Drools'
 * reading of the expression: the first identifier of each part that is not a method's name, past
 * {@code this.}, {@code null}, {@code true} and {@code false}.
 */
final class ClassReactivity {
    /** A constraint of {@code rule} in a pattern of {@code type} whose first value read is {@code variable}, bound in another pattern. */
    record Finding(RuleImpl rule, String type, String variable, String expression) {
    }

    /** How Drools splits a constraint into the parts it reads the first property of. */
    private static final String PARTS = "&&|\\|\\|";

    private ClassReactivity() {
    }

    /** Every such constraint of every rule in {@code kieBase}, in the order of its packages and rules. */
    static List<Finding> find(KieBase kieBase) {
        var out = new ArrayList<Finding>();
        for (var pkg : kieBase.getKiePackages()) {
            for (var rule : pkg.getRules()) {
                var impl = (RuleImpl) rule;
                visit(impl, impl.getLhs(), out);
            }
        }
        return out;
    }

    private static void visit(RuleImpl rule, RuleConditionElement element, List<Finding> out) {
        if (element instanceof Pattern p) {
            if (p.getSource() == null) {
                // Facts of working memory: what an accumulate or a from gives is not matched by property.
                check(rule, p, out);
            }
            if (p.getSource() instanceof Accumulate a) {
                visit(rule, a.getSource(), out);
            } else if (p.getSource() instanceof Collect c) {
                visit(rule, c.getSourcePattern(), out);
            }
            return;
        }
        if (element instanceof Forall f) {
            visit(rule, f.getBasePattern(), out);
            f.getRemainingPatterns().forEach(p -> visit(rule, p, out));
            return;
        }
        for (var nested : element.getNestedElements()) {
            visit(rule, nested, out);
        }
    }

    private static void check(RuleImpl rule, Pattern pattern, List<Finding> out) {
        for (var constraint : pattern.getConstraints()) {
            if (constraint instanceof MVELConstraint mvel) {
                for (var part : mvel.getExpression().split(PARTS)) {
                    var first = firstRead(part);
                    if (first != null && !isProperty(pattern, first) && boundElsewhere(first, mvel.getRequiredDeclarations(), pattern)
                            && !(part.indexOf(" contains ") > part.indexOf(first))) {
                        out.add(new Finding(rule, typeName(pattern), first, mvel.getExpression().trim()));
                        break;
                    }
                }
            }
        }
    }

    /** The first name {@code part} reads that is not a method's, or null when it reads none or reads {@code this} itself. */
    static String firstRead(String part) {
        int at = 0;
        while (true) {
            int start = identifierStart(part, at);
            if (start < 0) {
                return null;
            }
            int end = identifierEnd(part, start);
            var name = part.substring(start, end);
            int next = skipBlanks(part, end);
            boolean called = next < part.length() && part.charAt(next) == '(';
            if (name.equals("this") && (next >= part.length() || part.charAt(next) != '.')) {
                return null;
            }
            if (called && (name.startsWith("get") || name.startsWith("is")) && skipBlanks(part, next + 1) < part.length()
                    && part.charAt(skipBlanks(part, next + 1)) == ')') {
                return name;
            }
            if (!called && !name.equals("this") && !name.equals("null") && !name.equals("true") && !name.equals("false")) {
                return name;
            }
            at = end;
        }
    }

    private static boolean boundElsewhere(String name, Declaration[] declarations, Pattern pattern) {
        boolean elsewhere = false;
        for (var d : declarations) {
            if (d.getIdentifier().equals(name)) {
                if (d.getPattern() == pattern) {
                    return false;
                }
                elsewhere = true;
            }
        }
        var own = pattern.getDeclaration();
        return elsewhere && (own == null || !name.equals(own.getBindingName()));
    }

    /** Whether {@code name} is a property of the pattern's type, which Drools reads first when a variable has its name. */
    private static boolean isProperty(Pattern pattern, String name) {
        if (!(pattern.getObjectType() instanceof ClassObjectType c) || name.isEmpty()) {
            return false;
        }
        var capitalised = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        for (var method : c.getClassType().getMethods()) {
            if (method.getParameterCount() == 0 && (method.getName().equals("get" + capitalised) || method.getName().equals("is" + capitalised))) {
                return true;
            }
        }
        return false;
    }

    private static int identifierStart(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            if (Character.isJavaIdentifierStart(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static int identifierEnd(String text, int start) {
        int i = start + 1;
        while (i < text.length() && Character.isJavaIdentifierPart(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int skipBlanks(String text, int from) {
        int i = from;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static String typeName(Pattern pattern) {
        return pattern.getObjectType() instanceof ClassObjectType c ? c.getClassType().getSimpleName() : String.valueOf(pattern.getObjectType());
    }
}
