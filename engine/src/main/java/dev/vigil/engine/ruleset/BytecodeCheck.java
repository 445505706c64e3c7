package dev.vigil.engine.ruleset;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Reads a class that the Java compiler made of rule code and finds every class and member it
 * reaches that {@link RuleCodeAllowlist} does not allow.
 *
 * <p>What is checked is what the compiler resolved: the owner and name of every method called and
 * field read or written, every class created, cast to, tested or named as a literal, every method
 * handle behind a lambda or method reference, the exceptions caught and the class's own supertypes.
 * Names in comments, unicode escapes and the author's own type names cannot hide anything here.
 */
final class BytecodeCheck {
    /** One refused use: where in the class (method and source line of the generated Java) and why. */
    record Finding(String className, String method, int javaLine, String message) {
    }

    /** The bootstrap methods that Java compiles lambdas, method references and string concatenation to. */
    private static final Set<String> BOOTSTRAPS = Set.of(
            "java/lang/invoke/LambdaMetafactory.metafactory", "java/lang/invoke/LambdaMetafactory.altMetafactory",
            "java/lang/invoke/StringConcatFactory.makeConcatWithConstants", "java/lang/invoke/StringConcatFactory.makeConcat");
    /** Caught, these would swallow the error that stops a runaway rule. */
    private static final Set<String> UNCATCHABLE = Set.of("java/lang/Throwable", "java/lang/Error", "java/lang/ThreadDeath");

    private BytecodeCheck() {
    }

    /** Every refused use in the class file {@code bytes}. */
    static List<Finding> check(byte[] bytes, RuleCodeAllowlist allowlist) {
        var findings = new ArrayList<Finding>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            private String className;
            private String superName;
            private String[] interfaces;

            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                this.className = Type.getObjectType(name).getClassName();
                this.superName = superName;
                this.interfaces = interfaces;
            }

            /** Only a class nested in rule code has supertypes of the author's choosing: Drools picks those of its own classes. */
            @Override
            public void visitNestHost(String nestHost) {
                if (superName != null) {
                    type(superName, "<class>", 0);
                }
                for (var i : interfaces) {
                    type(i, "<class>", 0);
                }
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    private final Map<Label, String> refusedHandlers = new HashMap<>();
                    private String pendingHandler;
                    private int line;

                    @Override
                    public void visitLineNumber(int line, Label start) {
                        this.line = line;
                        flush();
                    }

                    /**
                     * A refused catch is reported at the line where its try block starts: the label of that
                     * start comes later than the catch's declaration, and its line right after the label.
                     */
                    @Override
                    public void visitLabel(Label label) {
                        flush();
                        pendingHandler = refusedHandlers.remove(label);
                    }

                    @Override
                    public void visitEnd() {
                        flush();
                        refusedHandlers.values().forEach(refusal -> findings.add(new Finding(className, name, line, refusal)));
                    }

                    private void flush() {
                        if (pendingHandler != null) {
                            findings.add(new Finding(className, name, line, pendingHandler));
                            pendingHandler = null;
                        }
                    }

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String member, String desc, boolean isInterface) {
                        flush();
                        member(owner, member, name, line);
                    }

                    @Override
                    public void visitFieldInsn(int opcode, String owner, String member, String desc) {
                        member(owner, member, name, line);
                    }

                    @Override
                    public void visitTypeInsn(int opcode, String type) {
                        type(type, name, line);
                    }

                    @Override
                    public void visitMultiANewArrayInsn(String desc, int dimensions) {
                        type(desc, name, line);
                    }

                    @Override
                    public void visitLdcInsn(Object value) {
                        constant(value, name, line);
                    }

                    @Override
                    public void visitInsn(int opcode) {
                        if (opcode == Opcodes.MONITORENTER) {
                            findings.add(new Finding(className, name, line, "rule code may not synchronize on objects: it could block other "
                                    + "rule sets' threads"));
                        }
                    }

                    @Override
                    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
                        if (type != null && UNCATCHABLE.contains(type)) {
                            refusedHandlers.put(start, "rule code may not catch " + Type.getObjectType(type).getClassName()
                                    + ": it would swallow the error that stops a runaway rule; catch Exception instead");
                        } else if (type != null) {
                            type(type, name, line);
                        }
                    }

                    @Override
                    public void visitInvokeDynamicInsn(String indyName, String desc, Handle bootstrap, Object... arguments) {
                        if (!BOOTSTRAPS.contains(bootstrap.getOwner() + "." + bootstrap.getName())) {
                            findings.add(new Finding(className, name, line, "rule code may not use the bootstrap method "
                                    + Type.getObjectType(bootstrap.getOwner()).getClassName() + "." + bootstrap.getName()));
                        }
                        for (var argument : arguments) {
                            constant(argument, name, line);
                        }
                    }
                };
            }

            private void constant(Object value, String method, int line) {
                if (value instanceof Type t && (t.getSort() == Type.OBJECT || t.getSort() == Type.ARRAY)) {
                    type(t.getInternalName(), method, line);
                } else if (value instanceof Handle h) {
                    member(h.getOwner(), h.getName(), method, line);
                } else if (value instanceof ConstantDynamic) {
                    findings.add(new Finding(className, method, line, "rule code may not use dynamic constants"));
                }
            }

            private void type(String internalName, String method, int line) {
                var refusal = allowlist.refusalOfType(binaryName(internalName));
                if (refusal != null) {
                    findings.add(new Finding(className, method, line, refusal));
                }
            }

            private void member(String owner, String member, String method, int line) {
                var refusal = allowlist.refusalOfMember(binaryName(owner), member);
                if (refusal != null) {
                    findings.add(new Finding(className, method, line, refusal));
                }
            }
        }, ClassReader.SKIP_FRAMES);
        return findings;
    }

    /** {@code java.lang.String} for {@code java/lang/String}, {@code java.lang.String[]} for {@code [Ljava/lang/String;}. */
    private static String binaryName(String internalName) {
        return (internalName.startsWith("[") ? Type.getType(internalName) : Type.getObjectType(internalName)).getClassName();
    }
}
