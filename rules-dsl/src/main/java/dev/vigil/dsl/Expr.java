package dev.vigil.dsl;

import java.math.BigDecimal;
import java.util.List;

/**
 * A {@code where} condition (or a threshold, or an aggregate) as its author wrote it. Every node
 * knows the offset in the text where it starts, for diagnostics.
 */
sealed interface Expr {
    int at();

    /** A number ({@link BigDecimal}), a text, a boolean, or null. */
    record Literal(Object value, int at) implements Expr {
        boolean isNumber() {
            return value instanceof BigDecimal;
        }
    }

    /** A field of the event being matched ({@code step} null), or of an earlier step: {@code first.amount}. */
    record Ref(String step, String field, int at) implements Expr {
        String written() {
            return step == null ? field : step + "." + field;
        }
    }

    /** {@code not x} or {@code -x}. */
    record Unary(Op op, Expr operand, int at) implements Expr {
    }

    /** {@code left op right}. */
    record Binary(Op op, Expr left, Expr right, int at) implements Expr {
    }

    /** {@code value in [a, b]} or {@code value not in [a, b]}. */
    record In(Expr value, List<Expr> options, boolean negated, int at) implements Expr {
    }

    /** {@code sum(amount)}: only where an aggregate is asked for. */
    record Call(String function, List<Expr> args, int at) implements Expr {
    }

    /** The operators, with how tightly they bind and how they read in DRL. */
    enum Op {
        OR("||", 1), AND("&&", 2), NOT("!", 3),
        EQ("==", 4), NE("!=", 4), LT("<", 4), LE("<=", 4), GT(">", 4), GE(">=", 4), MATCHES("matches", 4), CONTAINS("contains", 4),
        ADD("+", 5), SUB("-", 5), MUL("*", 6), DIV("/", 6), MOD("%", 6), NEG("-", 7);

        final String drl;
        final int precedence;

        Op(String drl, int precedence) {
            this.drl = drl;
            this.precedence = precedence;
        }

        boolean isComparison() {
            return precedence == 4;
        }

        boolean isArithmetic() {
            return precedence >= 5;
        }
    }
}
