package dev.vigil.engine.ruleset;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.drools.base.base.ClassObjectType;
import org.drools.base.definitions.rule.impl.RuleImpl;
import org.drools.base.rule.Accumulate;
import org.drools.base.rule.Collect;
import org.drools.base.rule.Declaration;
import org.drools.base.rule.Forall;
import org.drools.base.rule.From;
import org.drools.base.rule.GroupElement;
import org.drools.base.rule.IndexableConstraint;
import org.drools.base.rule.Pattern;
import org.drools.base.rule.QueryElement;
import org.drools.base.rule.RuleConditionElement;
import org.drools.base.util.index.ConstraintTypeOperator;
import org.drools.core.base.FieldNameSupplier;
import org.kie.api.KieBase;

/**
 * The check that each rule of a partitioned rule set finds every event it joins in one partition:
 * within a rule, every pattern of a type with a partition key is tied, by equality, to the key of
 * the rule's other keyed patterns. Read from the compiled rules, not from their text.
 *
 * <p>An event goes to the partition of its key, so a rule sees only the events of the keys its
 * partition holds. It gives the alerts it gives on one session only when every match is made of
 * events of one key: each keyed pattern's key field must equal that of the others. The check puts
 * the values a rule compares into classes of equal values: a pattern's field, and what a
 * {@code field == $x} constraint makes equal to it ({@code $x} bound to a field of another
 * pattern, {@code $p.field}, or a literal), so that a chain of bound variables through any
 * pattern ties as well as a direct equality. A rule keeps to the key when one class holds the key
 * field of every keyed pattern, and at least one of those patterns is matched positively: a keyed
 * pattern only inside {@code not}, {@code exists}, {@code forall} or an accumulate has no key of
 * the rule's own to follow (a count of all transactions would become one per partition).
 *
 * <p>Patterns of types without a key are not tied: their events go to every partition. A rule
 * with no keyed pattern at all is accepted: what events without a key raise by themselves, the
 * first partition alone raises, and facts that rules insert stay in the partition that inserted
 * them (a type of those is best given a key, so that the rules that join it are checked too). {@code or} splits a rule into one rule per branch,
 * and each branch is checked as such. Patterns over the result of an expression
 * ({@code from $list}) and query calls are not partitioned events: the first are not checked, a
 * rule with the second is refused, as the check cannot see into the query.
 */
final class PartitionKeyCheck {
    /** A rule that does not keep to the key, and why: the pattern that is not tied and how to tie it. */
    record Finding(RuleImpl rule, String message) {
    }

    /** Beyond this many branches of its {@code or}s, a rule is checked as one, all its patterns together. */
    private static final int MAX_BRANCHES = 64;
    private static final String ACCEPT = "or, if different alerts across partitions are accepted, set acceptCrossKeyJoins"
            + " in the rule set's settings";

    /** A value a rule compares: a field of a pattern (by its number in the rule), or a literal (pattern -1). */
    private record Term(int pattern, String field) {
    }

    /**
     * A pattern of a rule, as the check sees it: what it is nested in ({@code null} when it is matched
     * positively), and its number among the rule's patterns of its type, in the order written.
     */
    private record Occurrence(Pattern pattern, String scope, int ordinal) {
    }

    private final Map<Class<?>, String> keys;
    private final RuleImpl rule;
    private final Map<Pattern, Integer> numbers = new IdentityHashMap<>();
    private final Map<Pattern, Integer> ordinals = new IdentityHashMap<>();
    private final List<Finding> findings = new ArrayList<>();

    private PartitionKeyCheck(Map<Class<?>, String> keys, RuleImpl rule) {
        this.keys = keys;
        this.rule = rule;
    }

    /** Every rule of {@code kieBase} that does not keep to {@code keys}, the key field of each declared class that has one. */
    static List<Finding> check(KieBase kieBase, Map<Class<?>, String> keys) {
        var out = new ArrayList<Finding>();
        for (var pkg : kieBase.getKiePackages()) {
            for (var r : pkg.getRules()) {
                var impl = (RuleImpl) r;
                if (!impl.isQuery()) {
                    out.addAll(check(impl, keys));
                }
            }
        }
        return out;
    }

    /** What in {@code rule} does not keep to {@code keys}: one finding for each pattern that is not tied, in each branch. */
    static List<Finding> check(RuleImpl rule, Map<Class<?>, String> keys) {
        var check = new PartitionKeyCheck(keys, rule);
        var lhs = lhs(rule);
        check.number(lhs, new HashMap<>());
        var branches = check.branches(lhs);
        if (branches.size() > MAX_BRANCHES) {
            var all = new ArrayList<Occurrence>();
            check.flatten(lhs, null, all);
            branches = List.of(all);
        }
        for (var branch : branches) {
            check.branch(branch);
        }
        return check.findings.stream().distinct().toList();
    }

    /** The rule's conditions, with those of the rules it extends. */
    private static GroupElement lhs(RuleImpl rule) {
        if (rule.getParent() == null) {
            return rule.getLhs();
        }
        var and = new GroupElement(GroupElement.AND);
        for (var r = rule; r != null; r = r.getParent()) {
            and.addChild(0, r.getLhs());
        }
        return and;
    }

    /** Numbers every pattern in the order written, and each one's place among those of its type. */
    private void number(RuleConditionElement element, Map<Class<?>, Integer> perType) {
        if (element instanceof Pattern p) {
            numbers.putIfAbsent(p, numbers.size());
            ordinals.putIfAbsent(p, perType.merge(typeOf(p), 1, Integer::sum));
        }
        for (var nested : nested(element)) {
            number(nested, perType);
        }
    }

    private static List<? extends RuleConditionElement> nested(RuleConditionElement element) {
        if (element instanceof Pattern p) {
            return p.getSource() instanceof Accumulate || p.getSource() instanceof Collect ? List.of(p.getSource()) : List.of();
        }
        if (element instanceof Collect c) {
            return List.of(c.getSourcePattern());
        }
        if (element instanceof Forall f) {
            var all = new ArrayList<Pattern>();
            all.add(f.getBasePattern());
            all.addAll(f.getRemainingPatterns());
            return all;
        }
        return element.getNestedElements();
    }

    /** The rule's branches: one for each way through its {@code or}s, each with the patterns it matches. */
    private List<List<Occurrence>> branches(RuleConditionElement element) {
        if (element instanceof GroupElement g && (g.isAnd() || g.isOr())) {
            var out = new ArrayList<List<Occurrence>>();
            if (g.isOr()) {
                for (var child : g.getChildren()) {
                    out.addAll(branches(child));
                }
                return out;
            }
            out.add(List.of());
            for (var child : g.getChildren()) {
                out = product(out, branches(child));
                if (out.size() > MAX_BRANCHES) {
                    return out;
                }
            }
            return out;
        }
        var one = new ArrayList<Occurrence>();
        flatten(element, null, one);
        return List.of(one);
    }

    private static ArrayList<List<Occurrence>> product(List<List<Occurrence>> left, List<List<Occurrence>> right) {
        var out = new ArrayList<List<Occurrence>>();
        for (var l : left) {
            for (var r : right) {
                var both = new ArrayList<>(l);
                both.addAll(r);
                out.add(both);
            }
        }
        return out;
    }

    /** Every pattern within {@code element}, with the innermost construct it is nested in ({@code scope} at the top). */
    private void flatten(RuleConditionElement element, String scope, List<Occurrence> into) {
        if (element instanceof Pattern p) {
            if (!(p.getSource() instanceof From)) {
                into.add(new Occurrence(p, scope, ordinals.getOrDefault(p, 0)));
            }
            if (p.getSource() instanceof Accumulate a) {
                flatten(a.getSource(), "accumulate", into);
            } else if (p.getSource() instanceof Collect c) {
                flatten(c.getSourcePattern(), "collect", into);
            }
            return;
        }
        if (element instanceof QueryElement q) {
            findings.add(new Finding(rule, prefix() + "calls query " + q.getQueryName() + ", whose patterns the"
                    + " partition key check cannot follow: match the events in the rule itself, tied to the key, " + ACCEPT));
            return;
        }
        for (var nested : nested(element)) {
            flatten(nested, scope(element, scope), into);
        }
    }

    /** The construct the patterns within {@code element} are nested in: {@code outer} unless it is one of its own. */
    private static String scope(RuleConditionElement element, String outer) {
        if (element instanceof GroupElement g && (g.isNot() || g.isExists())) {
            return g.isNot() ? "not" : "exists";
        }
        return element instanceof Forall ? "forall" : outer;
    }

    /** Checks one branch of the rule: the patterns it matches together. */
    private void branch(List<Occurrence> occurrences) {
        var classes = new EqualValues();
        var present = new IdentityHashMap<Pattern, Boolean>();
        var byName = new HashMap<String, Declaration>();
        for (var o : occurrences) {
            present.put(o.pattern(), true);
            o.pattern().getDeclarations().forEach(byName::putIfAbsent);
        }
        for (var o : occurrences) {
            for (var constraint : o.pattern().getConstraints()) {
                if (constraint instanceof IndexableConstraint c && c.getConstraintType() == ConstraintTypeOperator.EQUAL
                        && c.getFieldExtractor() instanceof FieldNameSupplier field) {
                    var left = new Term(number(o.pattern()), field.getFieldName());
                    if (c.getLeftIndexExtractor() instanceof Declaration d) {
                        classes.join(left, term(d, present, byName));
                    } else if (c.getLeftIndexExtractor() == null && c.getField() != null && c.getField().getValue() != null) {
                        var value = c.getField().getValue();
                        classes.join(left, new Term(-1, value.getClass().getName() + ":" + value));
                    }
                }
            }
        }
        var keyed = occurrences.stream().filter(o -> keys.containsKey(typeOf(o.pattern()))).toList();
        if (keyed.isEmpty()) {
            return;
        }
        var anchor = keyed.stream().filter(o -> o.scope() == null).findFirst().orElse(null);
        if (anchor == null) {
            keyed.forEach(o -> findings.add(new Finding(rule, nestedOnly(o))));
            return;
        }
        var root = classes.find(keyTerm(anchor));
        for (var o : keyed) {
            if (!classes.find(keyTerm(o)).equals(root)) {
                findings.add(new Finding(rule, untied(o, anchor)));
            }
        }
    }

    /** What a declaration holds: a field of the pattern it is bound on, or a value of its own. */
    private Term term(Declaration d, Map<Pattern, Boolean> present, Map<String, Declaration> byName) {
        // In a branch of an "or", a name bound in each branch refers to the pattern of this branch.
        var resolved = present.containsKey(d.getPattern()) ? d : byName.getOrDefault(d.getIdentifier(), d);
        var number = number(resolved.getPattern());
        return resolved.getExtractor() instanceof FieldNameSupplier field && !resolved.isPatternDeclaration()
                ? new Term(number, field.getFieldName()) : new Term(number, "$" + resolved.getIdentifier());
    }

    private int number(Pattern pattern) {
        return numbers.computeIfAbsent(pattern, p -> numbers.size());
    }

    private Term keyTerm(Occurrence o) {
        return new Term(number(o.pattern()), keys.get(typeOf(o.pattern())));
    }

    private static Class<?> typeOf(Pattern pattern) {
        return pattern.getObjectType() instanceof ClassObjectType type ? type.getClassType() : Object.class;
    }

    private String prefix() {
        return "rule \"" + rule.getName() + "\": ";
    }

    /** "Transaction #2 ($b, inside accumulate)". */
    private static String describe(Occurrence o) {
        var parts = new ArrayList<String>();
        if (o.pattern().getDeclaration() != null) {
            parts.add(o.pattern().getDeclaration().getIdentifier());
        }
        if (o.scope() != null) {
            parts.add("inside " + o.scope());
        }
        return typeOf(o.pattern()).getSimpleName() + " #" + o.ordinal() + (parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")");
    }

    private String untied(Occurrence o, Occurrence anchor) {
        var key = keys.get(typeOf(o.pattern()));
        var anchorKey = keys.get(typeOf(anchor.pattern()));
        var bound = anchor.pattern().getDeclarations().values().stream()
                .filter(d -> d.getExtractor() instanceof FieldNameSupplier f && f.getFieldName().equals(anchorKey) && !d.isPatternDeclaration())
                .map(Declaration::getIdentifier).findFirst();
        var variable = bound.orElse("$key");
        return prefix() + describe(o) + " is not tied to the partition key: its " + key + " is not made equal to the " + anchorKey
                + " of " + describe(anchor) + ", so the events it matches can be in another partition than those of "
                + typeOf(anchor.pattern()).getSimpleName() + " #" + anchor.ordinal() + ", and the rule would miss or change its"
                + " matches. Tie it with " + key + " == " + variable
                + (bound.isPresent() ? "" : " (binding " + variable + " : " + anchorKey + " on " + describe(anchor) + ")") + ", " + ACCEPT;
    }

    private String nestedOnly(Occurrence o) {
        var key = keys.get(typeOf(o.pattern()));
        return prefix() + describe(o) + " is not tied to the partition key: the rule matches no keyed event outside " + o.scope()
                + " whose " + key + " it could share, so each partition would judge only its own events (a count over all keys"
                + " becomes one per partition). Match the key first, as in $e : " + typeOf(o.pattern()).getSimpleName() + "($key : "
                + key + "), and tie it with " + key + " == $key, " + ACCEPT;
    }

    /** Classes of values a rule makes equal: a union-find over its terms. */
    private static final class EqualValues {
        private final Map<Term, Term> parent = new HashMap<>();

        Term find(Term t) {
            var p = parent.getOrDefault(t, t);
            if (p.equals(t)) {
                return t;
            }
            var root = find(p);
            parent.put(t, root);
            return root;
        }

        void join(Term a, Term b) {
            var ra = find(a);
            var rb = find(b);
            if (!Objects.equals(ra, rb)) {
                parent.put(ra, rb);
            }
        }
    }
}
