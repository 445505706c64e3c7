package dev.vigil.engine.ruleset;

import dev.vigil.engine.profile.Profile;
import java.time.Duration;
import org.kie.api.KieBase;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The longest history a rule set's profiles keep, read from the code its rules compiled to: the
 * span of every {@code Profile.of(name, key, bucket, span)} call.
 *
 * <p>A rule set that holds 30 days in profiles keeps its events only a minute, so the events'
 * retention no longer says how far back a restart or a Kafka takeover must read to rebuild what
 * the rules know. A span given as a constant is read; one that is computed cannot be, and makes
 * the history unknown (rebuilt as far back as the journal or {@code --kafka-max-rebuild} goes).
 */
final class ProfileSpans {
    private static final String OWNER = Type.getInternalName(Profile.class);

    private ProfileSpans() {
    }

    /** The longest span among the rule set's profiles: zero when it makes none, null when a span is not a constant. */
    static Duration longest(KieBase kieBase) {
        var finder = new Finder();
        RuleCodeCheck.compiledClasses(kieBase).values().forEach(bytes -> new ClassReader(bytes).accept(finder, ClassReader.SKIP_DEBUG));
        return finder.unknown ? null : Duration.ofMillis(finder.longest);
    }

    /** Notes the last constant pushed before each call of {@code Profile.of}: its span. */
    private static final class Finder extends ClassVisitor {
        private boolean unknown;
        private long longest;

        Finder() {
            super(Opcodes.ASM9);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            return new MethodVisitor(Opcodes.ASM9) {
                private Object constant;

                @Override
                public void visitLdcInsn(Object value) {
                    constant = value;
                }

                @Override
                public void visitInsn(int opcode) {
                    constant = null;
                }

                @Override
                public void visitVarInsn(int opcode, int index) {
                    constant = null;
                }

                @Override
                public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
                    constant = null;
                }

                @Override
                public void visitMethodInsn(int opcode, String owner, String member, String desc, boolean isInterface) {
                    if (opcode == Opcodes.INVOKESTATIC && OWNER.equals(owner) && "of".equals(member)) {
                        span(constant);
                    }
                    constant = null;
                }
            };
        }

        private void span(Object constant) {
            try {
                long millis = constant instanceof String text ? Profile.duration(text)
                        : constant instanceof Long l ? l : -1;
                if (millis > 0) {
                    longest = Math.max(longest, millis);
                    return;
                }
            } catch (IllegalArgumentException e) {
                // Not a span Profile takes: the call fails when it runs, and says why there.
            }
            unknown = true;
        }
    }
}
