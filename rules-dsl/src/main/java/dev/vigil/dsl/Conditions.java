package dev.vigil.dsl;

import dev.vigil.dsl.Expr.Binary;
import dev.vigil.dsl.Expr.Call;
import dev.vigil.dsl.Expr.In;
import dev.vigil.dsl.Expr.Literal;
import dev.vigil.dsl.Expr.Op;
import dev.vigil.dsl.Expr.Ref;
import dev.vigil.dsl.Expr.Unary;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks conditions against the event types (every field exists, numbers meet numbers) and writes
 * them as DRL constraints.
 */
final class Conditions {
    private static final Set<String> NUMBERS = Set.of("byte", "short", "int", "long", "float", "double", "Byte", "Short", "Integer",
            "Long", "Float", "Double", "java.lang.Byte", "java.lang.Short", "java.lang.Integer", "java.lang.Long", "java.lang.Float",
            "java.lang.Double", "java.math.BigDecimal", "java.math.BigInteger", "BigDecimal", "BigInteger", "Number");
    private static final Set<String> TEXTS = Set.of("String", "java.lang.String", "char", "Character", "java.lang.Character");
    private static final Set<String> BOOLEANS = Set.of("boolean", "Boolean", "java.lang.Boolean");

    private Conditions() {
    }

    /** What a value is, as far as the checks go. */
    enum Kind {
        NUMBER("a number"), TEXT("a text"), BOOLEAN("true or false"), NULL("null"), OTHER("a value");

        final String words;

        Kind(String words) {
            this.words = words;
        }
    }

    static Kind kindOf(String javaType) {
        return NUMBERS.contains(javaType) ? Kind.NUMBER : TEXTS.contains(javaType) ? Kind.TEXT
                : BOOLEANS.contains(javaType) ? Kind.BOOLEAN : Kind.OTHER;
    }

    /** A problem in a condition, at an offset of its text. */
    record Problem(int at, String message) {
    }

    /**
     * What names mean in a condition: the fields of the event it matches, and the earlier steps.
     *
     * @param event the event type the condition's plain names are fields of
     * @param steps earlier steps by name
     */
    record Scope(EventTypeInfo event, Map<String, EventTypeInfo> steps) {
    }

    /** Every problem of {@code expr} in {@code scope}; empty when it is a sound condition. */
    static List<Problem> check(Expr expr, Scope scope) {
        var problems = new ArrayList<Problem>();
        var kind = kind(expr, scope, problems);
        if (problems.isEmpty() && kind != Kind.BOOLEAN && kind != Kind.OTHER) {
            problems.add(new Problem(expr.at(), "the condition is " + kind.words + ", not true or false: compare it, as in amount > 0"));
        }
        return problems;
    }

    private static Kind kind(Expr expr, Scope scope, List<Problem> problems) {
        if (expr instanceof Literal l) {
            return l.value() == null ? Kind.NULL : l.isNumber() ? Kind.NUMBER : l.value() instanceof Boolean ? Kind.BOOLEAN : Kind.TEXT;
        }
        if (expr instanceof Ref r) {
            return ref(r, scope, problems);
        }
        if (expr instanceof Call c) {
            problems.add(new Problem(c.at(), "'" + c.function() + "(...)' is not allowed in a condition: compare fields and values"));
            return Kind.OTHER;
        }
        if (expr instanceof Unary u) {
            var k = kind(u.operand(), scope, problems);
            var want = u.op() == Op.NOT ? Kind.BOOLEAN : Kind.NUMBER;
            if (k != want && k != Kind.OTHER) {
                problems.add(new Problem(u.at(), "'" + (u.op() == Op.NOT ? "not" : "-") + "' needs " + want.words + ", not " + k.words));
            }
            return want;
        }
        if (expr instanceof In in) {
            var k = kind(in.value(), scope, problems);
            for (var option : in.options()) {
                var o = kind(option, scope, problems);
                if (!compatible(k, o)) {
                    problems.add(new Problem(option.at(), "the list holds " + o.words + " but the value is " + k.words));
                }
            }
            return Kind.BOOLEAN;
        }
        return binary((Binary) expr, scope, problems);
    }

    private static Kind binary(Binary b, Scope scope, List<Problem> problems) {
        var left = kind(b.left(), scope, problems);
        var right = kind(b.right(), scope, problems);
        var op = b.op();
        if (op == Op.AND || op == Op.OR) {
            for (var side : List.of(Map.entry(b.left(), left), Map.entry(b.right(), right))) {
                if (side.getValue() != Kind.BOOLEAN && side.getValue() != Kind.OTHER) {
                    problems.add(new Problem(side.getKey().at(), "'" + (op == Op.AND ? "and" : "or") + "' joins conditions, and this is "
                            + side.getValue().words + ": compare it, as in amount > 0"));
                }
            }
            return Kind.BOOLEAN;
        }
        if (op.isArithmetic()) {
            boolean textJoin = op == Op.ADD && (left == Kind.TEXT || right == Kind.TEXT);
            if (!textJoin) {
                for (var side : List.of(Map.entry(b.left(), left), Map.entry(b.right(), right))) {
                    if (side.getValue() != Kind.NUMBER && side.getValue() != Kind.OTHER) {
                        problems.add(new Problem(side.getKey().at(), "'" + op.drl + "' needs numbers, and this is " + side.getValue().words));
                    }
                }
            }
            return textJoin ? Kind.TEXT : Kind.NUMBER;
        }
        if (op == Op.MATCHES || op == Op.CONTAINS) {
            if (left != Kind.TEXT && left != Kind.OTHER) {
                problems.add(new Problem(b.left().at(), "'" + op.drl + "' needs a text on its left, and this is " + left.words));
            }
            if (op == Op.MATCHES && right != Kind.TEXT) {
                problems.add(new Problem(b.right().at(), "'matches' needs a quoted regular expression on its right"));
            }
            return Kind.BOOLEAN;
        }
        if (!compatible(left, right)) {
            problems.add(new Problem(b.right().at(), "cannot compare " + left.words + " with " + right.words
                    + (left == Kind.TEXT && right == Kind.NUMBER ? ": quote the value, as in \"42\"" : "")));
        } else if ((op != Op.EQ && op != Op.NE) && (left == Kind.NULL || right == Kind.NULL || left == Kind.BOOLEAN)) {
            problems.add(new Problem(b.at(), "'" + op.drl + "' needs numbers or texts on both sides"));
        }
        return Kind.BOOLEAN;
    }

    private static boolean compatible(Kind a, Kind b) {
        return a == b || a == Kind.OTHER || b == Kind.OTHER || a == Kind.NULL || b == Kind.NULL;
    }

    private static Kind ref(Ref r, Scope scope, List<Problem> problems) {
        EventTypeInfo type;
        if (r.step() == null) {
            type = scope.event();
        } else {
            type = scope.steps().get(r.step());
            if (type == null) {
                problems.add(new Problem(r.at(), "'" + r.step() + "' is not an earlier step"
                        + (scope.steps().isEmpty() ? ": only later steps may name earlier ones" : "; earlier steps are " + String.join(", ", scope.steps().keySet()))));
                return Kind.OTHER;
            }
        }
        var javaType = type.fields().get(r.field());
        if (javaType == null) {
            problems.add(new Problem(r.step() == null ? r.at() : r.at() + r.step().length() + 1, unknownField(type, r.field())));
            return Kind.OTHER;
        }
        return kindOf(javaType);
    }

    /** "Transaction has no field 'amout' (did you mean amount?); its fields are ...". */
    static String unknownField(EventTypeInfo type, String field) {
        var suggestion = Words.closest(field, type.fields().keySet());
        return type.name() + " has no field '" + field + "'" + (suggestion == null ? "" : " (did you mean " + suggestion + "?)")
                + "; its fields are " + String.join(", ", type.fields().keySet());
    }

    /** {@code expr} as a DRL expression, names written by {@code refs}. */
    static String drl(Expr expr, Function<Ref, String> refs) {
        return drl(expr, refs, 0);
    }

    private static String drl(Expr expr, Function<Ref, String> refs, int outer) {
        if (expr instanceof Literal l) {
            return literal(l.value());
        }
        if (expr instanceof Ref r) {
            return refs.apply(r);
        }
        if (expr instanceof Call c) {
            return c.function() + "(" + String.join(", ", c.args().stream().map(a -> drl(a, refs, 0)).toList()) + ")";
        }
        if (expr instanceof Unary u) {
            return u.op() == Op.NOT ? "!(" + drl(u.operand(), refs, 0) + ")" : "-" + drl(u.operand(), refs, Op.NEG.precedence);
        }
        if (expr instanceof In in) {
            return wrap(drl(in.value(), refs, Op.EQ.precedence + 1) + (in.negated() ? " not in (" : " in (")
                    + String.join(", ", in.options().stream().map(o -> drl(o, refs, 0)).toList()) + ")", Op.EQ.precedence, outer);
        }
        var b = (Binary) expr;
        int p = b.op().precedence;
        // Comparisons do not chain, and the right side of -, / and % must keep its own grouping.
        int rightOuter = b.op().isComparison() || b.op() == Op.SUB || b.op() == Op.DIV || b.op() == Op.MOD ? p + 1 : p;
        int leftOuter = b.op().isComparison() ? p + 1 : p;
        return wrap(drl(b.left(), refs, leftOuter) + " " + b.op().drl + " " + drl(b.right(), refs, rightOuter), p, outer);
    }

    private static String wrap(String text, int precedence, int outer) {
        return precedence < outer ? "(" + text + ")" : text;
    }

    /** A value as a DRL (and Java) literal. */
    static String literal(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof BigDecimal n) {
            return n.toPlainString();
        }
        if (value instanceof Boolean b) {
            return b.toString();
        }
        return quote(value.toString());
    }

    /** A Java string literal of {@code text}. */
    static String quote(String text) {
        var out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
