package dev.vigil.engine.ruleset;

import java.io.Serializable;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.drools.mvel.expr.MVELCompilationUnit;
import org.mvel2.MVEL;
import org.mvel2.ParserConfiguration;
import org.mvel2.ParserContext;
import org.mvel2.ast.ASTNode;
import org.mvel2.ast.InlineCollectionNode;
import org.mvel2.ast.LiteralNode;
import org.mvel2.ast.NewObjectNode;
import org.mvel2.ast.Union;
import org.mvel2.compiler.Accessor;
import org.mvel2.compiler.CompiledAccExpression;
import org.mvel2.compiler.CompiledExpression;
import org.mvel2.compiler.ExecutableAccessor;
import org.mvel2.compiler.ExecutableLiteral;
import org.mvel2.compiler.ExecutableStatement;
import org.mvel2.compiler.PropertyVerifier;
import org.mvel2.util.NullType;
import org.mvel2.util.ParseTools;
import org.mvel2.util.PropertyTools;

/**
 * Checks an MVEL expression or block of rule code (a constraint, a {@code from} or accumulate
 * expression, a salience, an MVEL-dialect consequence) against {@link RuleCodeAllowlist}.
 *
 * <p>The expression is compiled the way Drools compiles it (strict typing, the same inputs and
 * imports), and the check walks the tree MVEL produced. MVEL keeps a chain such as
 * {@code a.b().c} as one node that it resolves when it first runs; the check resolves every prefix
 * of such a chain with MVEL's own verifier, so that each member is judged on the type MVEL found it
 * on, and the arguments of each call are compiled and walked in turn. Only the node kinds listed
 * here are understood: any other (prototypes, {@code def} functions, imports inside the code,
 * interceptors) is refused rather than guessed at.
 */
final class MvelCheck {
    /** Node kinds walked through their sub-statements, with nothing of their own to check. */
    private static final Set<String> STRUCTURAL = Set.of("And", "Or", "BinaryOperation", "BooleanNode", "Substatement", "Negation",
            "Sign", "Contains", "RegExMatch", "RegExMatchNode", "Soundslike", "Strsim", "TypeCast", "Instance", "Convertable", "IfNode",
            "ForEachNode", "ForNode", "WhileNode", "DoNode", "DoUntilNode", "UntilNode", "BlockNode", "ReturnNode", "AssignmentNode",
            "DeepAssignmentNode",
            "IndexedAssignmentNode", "TypedVarNode", "DeclTypedVarNode", "IndexedDeclTypedVarNode", "OperativeAssign",
            "IndexedOperativeAssign", "PreFixIncNode", "PreFixDecNode", "PostFixIncNode", "PostFixDecNode", "IndexedPreFixIncNode",
            "IndexedPreFixDecNode", "IndexedPostFixIncNode", "IndexedPostFixDecNode", "IntAdd", "IntSub",
            "IntMult", "IntDiv", "Invert", "IsDef", "EndOfStatement", "LineLabel", "WithNode", "ThisWithNode", "Fold", "OperatorNode",
            "LiteralDeepPropertyNode", "ASTNode", "Safe");
    private static final int MAX_DEPTH = 64;

    private final RuleCodeAllowlist allowlist;
    private final ParserContext context;
    private final List<String> findings = new ArrayList<>();
    private final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    private int depth;

    private MvelCheck(RuleCodeAllowlist allowlist, ParserContext context) {
        this.allowlist = allowlist;
        this.context = context;
    }

    /** Why the code of {@code unit} may not run, one message per refused use; empty when it may. */
    static List<String> check(MVELCompilationUnit unit, ParserConfiguration configuration, RuleCodeAllowlist allowlist) {
        var context = new ParserContext(configuration);
        context.setStrictTypeEnforcement(unit.isStrictMode());
        context.setStrongTyping(unit.isStrictMode());
        context.setIndexAllocation(true);
        context.addIndexedInput(unit.getInputIdentifiers());
        var check = new MvelCheck(allowlist, context);
        try {
            for (int i = 0; i < unit.getInputIdentifiers().length; i++) {
                var type = MVELCompilationUnit.loadClass(configuration.getClassLoader(), unit.getInputTypes()[i]);
                check.type(type, unit.getInputIdentifiers()[i]);
                context.addInput(unit.getInputIdentifiers()[i], type);
            }
            check.expression(unit.getExpression().trim());
        } catch (ClassNotFoundException | RuntimeException e) {
            check.findings.add("the expression '" + unit.getExpression().trim() + "' cannot be checked (" + e.getMessage() + ")");
        }
        return check.findings.stream().distinct().toList();
    }

    private void expression(String text) {
        if (text.isBlank()) {
            return;
        }
        if (++depth > MAX_DEPTH) {
            throw new IllegalStateException("it nests too deeply");
        }
        try {
            statement(MVEL.compileExpression(text, context));
        } finally {
            depth--;
        }
    }

    private void statement(Object statement) {
        if (statement == null || !seen.add(statement)) {
            return;
        }
        if (statement instanceof CompiledExpression compiled) {
            for (var node = compiled.getFirstNode(); node != null; node = node.nextASTNode) {
                node(node);
            }
        } else if (statement instanceof ExecutableAccessor accessor) {
            node(accessor.getNode());
        } else if (statement instanceof ExecutableLiteral literal) {
            literal(literal.getLiteral());
        } else if (statement instanceof ASTNode node) {
            node(node);
        } else if (statement instanceof CompiledAccExpression setter) {
            // What an assignment sets: a property of a with (modify) block's target, whose type is checked, or a chain.
            var property = setterText(setter);
            if (property.contains(".") || property.contains("[")) {
                chain(property, null);
            } else if (property.isEmpty() || !property.chars().allMatch(Character::isJavaIdentifierPart)) {
                findings.add("the assignment to '" + property + "' cannot be checked: set one property at a time");
            }
        } else {
            findings.add("the MVEL construct " + statement.getClass().getSimpleName() + " cannot be checked: write the rule in Java");
        }
    }

    private void node(ASTNode node) {
        if (node == null || !seen.add(node)) {
            return;
        }
        type(node.getEgressType(), node.getName());
        if (node instanceof LiteralNode) {
            literal(node.getLiteralValue());
        } else if (node instanceof NewObjectNode created) {
            newObject(created);
        } else if (node instanceof InlineCollectionNode collection) {
            // [a, b] and [k: v] keep their elements as text until they first run: compile and check each.
            graph(field(collection, InlineCollectionNode.class, "collectionGraph"));
        } else if (node instanceof Union union) {
            node(union.getMain());
            var text = node.getName();
            chain(text.startsWith(".") ? text : "." + text, union.getLeftEgressType());
        } else if (node.getClass() == ASTNode.class && node.isIdentifier()) {
            chain(node.getName(), null);
        } else if (node.getClass() == ASTNode.class && node.isLiteral()) {
            literal(node.getLiteralValue());
        } else if (STRUCTURAL.contains(node.getClass().getSimpleName()) && node.getClass().getPackageName().equals("org.mvel2.ast")) {
            parts(node);
        } else {
            findings.add("the MVEL construct '" + node.getName() + "' (" + node.getClass().getSimpleName() + ") cannot be checked: write "
                    + "it in plain expressions or in Java");
        }
    }

    private void graph(Object graph) {
        if (graph instanceof char[] text) {
            expression(new String(text));
        } else if (graph instanceof String text) {
            expression(text);
        } else if (graph instanceof Object[] array) {
            for (var element : array) {
                graph(element);
            }
        } else if (graph instanceof Collection<?> collection) {
            collection.forEach(this::graph);
        } else if (graph instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                graph(key);
                graph(value);
            });
        } else if (graph != null) {
            type(graph.getClass(), String.valueOf(graph));
        }
    }

    private static Object field(Object owner, Class<?> type, String name) {
        try {
            var field = type.getDeclaredField(name);
            field.setAccessible(true);
            return field.get(owner);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("MVEL's " + type.getSimpleName() + " has no field " + name, e);
        }
    }

    private static String setterText(CompiledAccExpression setter) {
        var chars = (char[]) field(setter, CompiledAccExpression.class, "expression");
        int from = (int) field(setter, CompiledAccExpression.class, "start");
        int length = (int) field(setter, CompiledAccExpression.class, "offset");
        boolean within = from >= 0 && length > 0 && from + length <= chars.length;
        return (within ? new String(chars, from, length) : new String(chars)).trim();
    }

    /** Walks every sub-statement and sub-node a structural node holds, whatever field it keeps it in. */
    private void parts(Object node) {
        for (var type = node.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || field.getName().equals("nextASTNode") || field.getType().isPrimitive()) {
                    continue;
                }
                field.setAccessible(true);
                try {
                    part(field.get(node));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        if (node instanceof ASTNode ast && ast.isAssignment() && node.getClass().getSimpleName().contains("Assign")) {
            assignmentTarget(ast);
        }
    }

    private void part(Object value) {
        if (value instanceof ASTNode node) {
            node(node);
        } else if (value instanceof ExecutableStatement statement) {
            statement(statement);
        } else if (value instanceof Class<?> type) {
            type(type, type.getName());
        } else if (value instanceof Object[] array && !(value instanceof char[])) {
            for (int i = 0; i < Array.getLength(array); i++) {
                part(array[i]);
            }
        } else if (value instanceof Collection<?> collection) {
            collection.forEach(this::part);
        } else if (value != null && value.getClass().getPackageName().startsWith("org.mvel2") && !(value instanceof Accessor)
                && !(value instanceof ParserContext) && !(value instanceof ParserConfiguration) && seen.add(value)) {
            parts(value);
        }
    }

    /** {@code a.b.c = x}: setting {@code c} on what {@code a.b} is. */
    private void assignmentTarget(ASTNode node) {
        var name = node.getAbsoluteName();
        if (name != null && name.contains(".")) {
            chain(name, null);
        }
    }

    private void newObject(NewObjectNode node) {
        var descriptor = node.getTypeDescr();
        Class<?> created;
        try {
            created = context.hasImport(descriptor.getClassName()) ? context.getImport(descriptor.getClassName())
                    : Class.forName(descriptor.getClassName(), false, context.getParserConfiguration().getClassLoader());
        } catch (ClassNotFoundException e) {
            findings.add("'new " + descriptor.getClassName() + "' cannot be checked: no such class");
            return;
        }
        member(created, "<init>", "new " + descriptor.getClassName());
        if (descriptor.isArray()) {
            for (var size : descriptor.getArraySize()) {
                expression(new String(size.value));
            }
            return;
        }
        var constructorAndRest = ParseTools.captureContructorAndResidual(node.getExpr(), node.getStart(), node.getOffset());
        for (var argument : ParseTools.parseMethodOrConstructor(constructorAndRest[0].toCharArray())) {
            expression(new String(argument));
        }
        if (constructorAndRest.length == 2 && !constructorAndRest[1].isBlank()) {
            var rest = constructorAndRest[1].trim();
            chain(rest.startsWith(".") ? rest : "." + rest, created);
        }
    }

    /**
     * A chain of properties, calls and index accesses, as in {@code $t.getCard().id} or, with a
     * {@code root} type, {@code .b().c} on a value of that type: each link is resolved on the type
     * of the prefix before it, and each call's arguments are checked as expressions of their own.
     */
    private void chain(String text, Class<?> root) {
        var links = ChainLinks.split(text);
        Class<?> previous = root;
        int before = findings.size();
        for (int i = 0; i < links.size() && findings.size() == before; i++) {
            var link = links.get(i);
            Class<?> type;
            try {
                type = root == null ? new PropertyVerifier(text.substring(0, link.end()), context).analyze()
                        : new PropertyVerifier(text.substring(0, link.end()), context, root).analyze();
            } catch (RuntimeException e) {
                if (i < links.size() - 1 && link.kind() == ChainLinks.Kind.PROPERTY) {
                    continue; // a package name, as in java.util.List
                }
                findings.add("'" + text.substring(0, link.end()).trim() + "' cannot be checked (" + e.getMessage() + ")");
                return;
            }
            switch (link.kind()) {
                case METHOD -> {
                    method(previous, link.name(), text.substring(0, link.end()));
                    for (var argument : ParseTools.parseParameterList(link.arguments().toCharArray(), 0, -1)) {
                        expression(new String(argument));
                    }
                }
                case PROPERTY -> property(previous, link.name(), text.substring(0, link.end()));
                case INDEX -> expression(link.arguments());
                case BLOCK -> {
                    findings.add("the block '" + link.arguments() + "' in '" + text + "' cannot be checked: use modify or set each property");
                    return;
                }
            }
            type(type, text.substring(0, link.end()));
            previous = type;
        }
    }

    private void method(Class<?> owner, String name, String where) {
        if (owner == null) {
            if (context.hasImport(name) && context.getStaticImport(name) != null) {
                Method imported = context.getStaticImport(name).getMethod();
                member(imported.getDeclaringClass(), imported.getName(), where);
            } else if (context.hasVarOrInput("this")) {
                member(context.getVarOrInputType("this"), name, where);
            } else {
                findings.add("'" + where.trim() + "' cannot be checked: a call on nothing");
            }
            return;
        }
        member(owner, name, where);
    }

    private void property(Class<?> owner, String name, String where) {
        if ("class".equals(name)) {
            return; // a class literal: it may be held, and nothing can be called on it
        }
        if (owner == null) {
            if (!context.hasVarOrInput(name) && !context.hasImport(name) && context.hasVarOrInput("this")) {
                property(context.getVarOrInputType("this"), name, where);
            }
            return;
        }
        Member member = PropertyTools.getFieldOrAccessor(owner, name);
        member(owner, member == null ? name : member.getName(), where);
    }

    private void member(Class<?> owner, String name, String where) {
        var refusal = allowlist.refusalOfMember(owner.getName(), name);
        if (refusal != null) {
            findings.add("'" + where.trim() + "': " + refusal);
        }
    }

    private void type(Class<?> type, String where) {
        if (type == null || type == NullType.class) {
            return; // NullType is what MVEL calls the type of the literal null
        }
        var refusal = allowlist.refusalOfType(type.getName().startsWith("[") ? type.getTypeName() : type.getName());
        if (refusal != null) {
            findings.add("'" + (where == null ? type.getName() : where.trim()) + "': " + refusal);
        }
    }

    private void literal(Object value) {
        if (value instanceof Class<?> type) {
            type(type, type.getName() + ".class");
        } else if (value != null && !(value instanceof Serializable)) {
            type(value.getClass(), String.valueOf(value));
        }
    }
}
