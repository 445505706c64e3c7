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
import java.util.Locale;
import java.util.Set;

/**
 * Parses conditions: {@code amount > 10 * first.amount and country not in ["NL", "BE"]}.
 *
 * <pre>
 * or      := and (("or" | "||") and)*
 * and     := not (("and" | "&&") not)*
 * not     := ("not" | "!") not | compare
 * compare := sum (("==" | "=" | "!=" | "<" | "<=" | ">" | ">=" | "matches" | "contains") sum
 *                 | "not"? "in" "[" value ("," value)* "]")?
 * sum     := product (("+" | "-") product)*
 * product := unary (("*" | "/" | "%") unary)*
 * unary   := "-" unary | primary
 * primary := number | text | "true" | "false" | "null" | name ("." name)? | name "(" args ")" | "(" or ")"
 * </pre>
 *
 * <p>A condition nests at most {@link #MAX_DEPTH} deep (parentheses, calls, {@code not} and minus
 * signs) and holds at most {@link #MAX_OPERATORS} operators: far more than a rule needs, and few
 * enough that this parser, the code that walks its tree and Drools' parser of the DRL it becomes
 * stay well within a thread's stack.
 */
final class ExprParser {
    /** The deepest nesting a condition may have. */
    static final int MAX_DEPTH = 50;
    /** The most operators a condition may hold. */
    static final int MAX_OPERATORS = 500;
    private static final Set<String> KEYWORDS = Set.of("and", "or", "not", "in", "true", "false", "null", "matches", "contains");

    /** A condition that does not parse: where, and what was expected. */
    static final class ParseException extends Exception {
        private static final long serialVersionUID = 1L;
        final int at;

        ParseException(int at, String message) {
            super(message);
            this.at = at;
        }
    }

    private final String text;
    private int pos;
    private int depth;
    private int operators;

    private ExprParser(String text) {
        this.text = text;
    }

    /** The condition {@code text} holds. */
    static Expr parse(String text) throws ParseException {
        var parser = new ExprParser(text);
        parser.skipSpace();
        if (parser.pos >= text.length()) {
            throw new ParseException(0, "the condition is empty");
        }
        var expr = parser.or();
        parser.skipSpace();
        if (parser.pos < text.length()) {
            throw new ParseException(parser.pos, "unexpected '" + parser.rest() + "': expected an operator (and, or, ==, >, +, ...) or the end");
        }
        return expr;
    }

    /** A threshold such as {@code > 5} or {@code >= 2.5}: the comparison and its number. */
    static Binary threshold(String text) throws ParseException {
        var parser = new ExprParser(text);
        parser.skipSpace();
        int start = parser.pos;
        var op = parser.comparison();
        if (op == null || op == Op.MATCHES || op == Op.CONTAINS) {
            throw new ParseException(start, "expected a comparison and a number, such as \"> 5\" or \">= 100\"");
        }
        parser.skipSpace();
        int numberAt = parser.pos;
        var value = parser.unary();
        parser.skipSpace();
        if (!(value instanceof Literal l && l.isNumber()) && !(value instanceof Unary u && u.operand() instanceof Literal n && n.isNumber())
                || parser.pos < text.length()) {
            throw new ParseException(numberAt, "expected a number after '" + op.drl + "', such as \"" + op.drl + " 5\"");
        }
        return new Binary(op, null, value, start);
    }

    private Expr or() throws ParseException {
        var left = and();
        while (true) {
            int at = pos;
            if (!word("or") && !symbol("||")) {
                return left;
            }
            left = new Binary(Op.OR, left, operand(this::and, "or"), counted(at));
        }
    }

    private Expr and() throws ParseException {
        var left = not();
        while (true) {
            int at = pos;
            if (!word("and") && !symbol("&&")) {
                return left;
            }
            left = new Binary(Op.AND, left, operand(this::not, "and"), counted(at));
        }
    }

    private Expr not() throws ParseException {
        skipSpace();
        int at = pos;
        if (word("not") || (peek('!') && !peekAt(1, '=') && symbol("!"))) {
            return new Unary(Op.NOT, nested(at, () -> operand(this::not, "not")), counted(at));
        }
        return compare();
    }

    private Expr compare() throws ParseException {
        var left = sum();
        skipSpace();
        int at = pos;
        int save = pos;
        boolean negated = word("not");
        if (word("in")) {
            return new In(left, list(), negated, counted(at));
        }
        pos = save;
        var op = comparison();
        if (op == null) {
            return left;
        }
        return new Binary(op, left, operand(this::sum, op.drl), counted(at));
    }

    private Op comparison() {
        skipSpace();
        if (symbol("==")) {
            return Op.EQ;
        }
        if (symbol("!=") || symbol("<>")) {
            return Op.NE;
        }
        if (symbol("<=")) {
            return Op.LE;
        }
        if (symbol(">=")) {
            return Op.GE;
        }
        if (symbol("<")) {
            return Op.LT;
        }
        if (symbol(">")) {
            return Op.GT;
        }
        if (symbol("=")) {
            return Op.EQ;
        }
        if (word("matches")) {
            return Op.MATCHES;
        }
        if (word("contains")) {
            return Op.CONTAINS;
        }
        return null;
    }

    private List<Expr> list() throws ParseException {
        skipSpace();
        if (!symbol("[") && !symbol("(")) {
            throw new ParseException(pos, "expected a list after 'in', such as in [\"NL\", \"BE\"]");
        }
        char close = text.charAt(pos - 1) == '[' ? ']' : ')';
        var options = new ArrayList<Expr>();
        do {
            options.add(operand(this::sum, "the list"));
            skipSpace();
        } while (symbol(","));
        if (!symbol(String.valueOf(close))) {
            throw new ParseException(pos, "expected ',' or '" + close + "' in the list");
        }
        return options;
    }

    private Expr sum() throws ParseException {
        var left = product();
        while (true) {
            skipSpace();
            int at = pos;
            Op op = symbol("+") ? Op.ADD : symbol("-") ? Op.SUB : null;
            if (op == null) {
                return left;
            }
            left = new Binary(op, left, operand(this::product, op.drl), counted(at));
        }
    }

    private Expr product() throws ParseException {
        var left = unary();
        while (true) {
            skipSpace();
            int at = pos;
            Op op = symbol("*") ? Op.MUL : symbol("/") ? Op.DIV : symbol("%") ? Op.MOD : null;
            if (op == null) {
                return left;
            }
            left = new Binary(op, left, operand(this::unary, op.drl), counted(at));
        }
    }

    private Expr unary() throws ParseException {
        skipSpace();
        int at = pos;
        if (symbol("-")) {
            var operand = nested(at, () -> operand(this::unary, "-"));
            if (operand instanceof Literal l && l.isNumber()) {
                return new Literal(((BigDecimal) l.value()).negate(), at);
            }
            return new Unary(Op.NEG, operand, counted(at));
        }
        return primary();
    }

    private interface Rule {
        Expr parse() throws ParseException;
    }

    /** Parses with {@code rule} one level deeper, refusing the condition past {@link #MAX_DEPTH}. */
    private Expr nested(int at, Rule rule) throws ParseException {
        if (++depth > MAX_DEPTH) {
            throw new ParseException(at, "the condition nests more than " + MAX_DEPTH
                    + " deep (parentheses, calls, not and minus signs): write it flatter, or split it");
        }
        try {
            return rule.parse();
        } finally {
            depth--;
        }
    }

    /** Counts one more operator, at {@code at}, refusing the condition past {@link #MAX_OPERATORS}; returns {@code at}. */
    private int counted(int at) throws ParseException {
        if (++operators > MAX_OPERATORS) {
            throw new ParseException(at, "the condition holds more than " + MAX_OPERATORS + " operators: split it");
        }
        return at;
    }

    private Expr operand(Rule rule, String after) throws ParseException {
        skipSpace();
        if (pos >= text.length()) {
            throw new ParseException(pos, "expected a value after '" + after + "'");
        }
        return rule.parse();
    }

    private Expr primary() throws ParseException {
        skipSpace();
        int at = pos;
        if (pos >= text.length()) {
            throw new ParseException(pos, "expected a value");
        }
        char c = text.charAt(pos);
        if (c == '(') {
            pos++;
            var inner = nested(at, this::or);
            skipSpace();
            if (!symbol(")")) {
                throw new ParseException(pos, "expected ')' to close the '(' at column " + (at + 1));
            }
            return inner;
        }
        if (c == '"' || c == '\'') {
            return string(c);
        }
        if (Character.isDigit(c) || c == '.' && pos + 1 < text.length() && Character.isDigit(text.charAt(pos + 1))) {
            return number();
        }
        if (Character.isLetter(c) || c == '_') {
            var name = identifier();
            switch (name) {
                case "true" -> {
                    return new Literal(Boolean.TRUE, at);
                }
                case "false" -> {
                    return new Literal(Boolean.FALSE, at);
                }
                case "null" -> {
                    return new Literal(null, at);
                }
                default -> {
                }
            }
            if (KEYWORDS.contains(name)) {
                throw new ParseException(at, "expected a value, found the keyword '" + name + "'");
            }
            if (peek('(')) {
                pos++;
                var args = new ArrayList<Expr>();
                skipSpace();
                if (!symbol(")")) {
                    do {
                        args.add(nested(at, () -> operand(this::or, name + "(")));
                        skipSpace();
                    } while (symbol(","));
                    if (!symbol(")")) {
                        throw new ParseException(pos, "expected ')' after the arguments of " + name);
                    }
                }
                return new Call(name, args, counted(at));
            }
            if (peek('.') && pos + 1 < text.length() && (Character.isLetter(text.charAt(pos + 1)) || text.charAt(pos + 1) == '_')) {
                pos++;
                return new Ref(name, identifier(), at);
            }
            return new Ref(null, name, at);
        }
        throw new ParseException(at, "unexpected '" + c + "': expected a field name, a number, a quoted text, true, false or null");
    }

    private Literal string(char quote) throws ParseException {
        int at = pos++;
        var out = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == quote) {
                return new Literal(out.toString(), at);
            }
            if (c == '\\' && pos < text.length()) {
                c = text.charAt(pos++);
                out.append(switch (c) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> c;
                });
            } else {
                out.append(c);
            }
        }
        throw new ParseException(at, "the text starting here has no closing " + quote);
    }

    private Literal number() throws ParseException {
        int at = pos;
        while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.' || text.charAt(pos) == '_')) {
            pos++;
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            pos++;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                pos++;
            }
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
        }
        if (pos < text.length() && Character.isLetter(text.charAt(pos))) {
            throw new ParseException(at, "'" + word(at) + "' is not a number: a duration or unit is not allowed here");
        }
        try {
            return new Literal(new BigDecimal(text.substring(at, pos).replace("_", "")), at);
        } catch (NumberFormatException e) {
            throw new ParseException(at, "'" + text.substring(at, pos) + "' is not a number");
        }
    }

    private String word(int from) {
        int end = from;
        while (end < text.length() && Character.isLetterOrDigit(text.charAt(end)) || end < text.length() && text.charAt(end) == '.') {
            end++;
        }
        return text.substring(from, end);
    }

    private String identifier() {
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
            pos++;
        }
        return text.substring(start, pos);
    }

    /** The keyword {@code w}, as a whole word, in any case. */
    private boolean word(String w) {
        skipSpace();
        int end = pos + w.length();
        if (end > text.length() || !text.substring(pos, end).toLowerCase(Locale.ROOT).equals(w)) {
            return false;
        }
        if (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
            return false;
        }
        pos = end;
        return true;
    }

    private boolean symbol(String s) {
        skipSpace();
        if (text.startsWith(s, pos)) {
            pos += s.length();
            return true;
        }
        return false;
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private boolean peekAt(int ahead, char c) {
        return pos + ahead < text.length() && text.charAt(pos + ahead) == c;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private String rest() {
        var rest = text.substring(pos);
        return rest.length() > 20 ? rest.substring(0, 20) + "..." : rest;
    }
}
