package org.assay.kernel.exec;

import java.util.HashSet;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Rewrites the byte code of cell classes so that a running cell can be stopped and cannot end the JVM.
 * <ul>
 *   <li>a call to {@link Guard#check()} at each method entry and before each backward jump (every loop turn), so an
 *   interrupt stops even {@code while (true) {}} — the approach JDK 21's JShell takes, done here with ASM so that it
 *   also works on Java 17, where the JDK still relied on {@code Thread.stop};</li>
 *   <li>{@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt} replaced by calls that throw
 *   {@link ExitRefusedException}.</li>
 * </ul>
 * Neither change alters the operand stack at the point of insertion, so frames need no recomputation.
 */
final class Instrumenter {
    private static final String GUARD = Guard.class.getName().replace('.', '/');

    private Instrumenter() {
    }

    static byte[] instrument(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                return new GuardingMethodVisitor(super.visitMethod(access, name, descriptor, signature, exceptions));
            }
        }, 0);
        return writer.toByteArray();
    }

    private static final class GuardingMethodVisitor extends MethodVisitor {
        private final Set<Label> seen = new HashSet<>();

        GuardingMethodVisitor(MethodVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public void visitCode() {
            super.visitCode();
            check();
        }

        @Override
        public void visitLabel(Label label) {
            seen.add(label);
            super.visitLabel(label);
        }

        @Override
        public void visitJumpInsn(int opcode, Label target) {
            if (seen.contains(target)) {
                check();
            }
            super.visitJumpInsn(opcode, target);
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
            if (seen.contains(dflt) || anySeen(labels)) {
                check();
            }
            super.visitTableSwitchInsn(min, max, dflt, labels);
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
            if (seen.contains(dflt) || anySeen(labels)) {
                check();
            }
            super.visitLookupSwitchInsn(dflt, keys, labels);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            if (opcode == Opcodes.INVOKESTATIC && owner.equals("java/lang/System") && name.equals("exit")
                    && descriptor.equals("(I)V")) {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "exit", "(I)V", false);
            } else if (opcode == Opcodes.INVOKEVIRTUAL && owner.equals("java/lang/Runtime")
                    && (name.equals("exit") || name.equals("halt")) && descriptor.equals("(I)V")) {
                String replacement = name.equals("exit") ? "runtimeExit" : "runtimeHalt";
                super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, replacement, "(Ljava/lang/Runtime;I)V", false);
            } else {
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            }
        }

        /** {@code IntConsumer c = System::exit} compiles to an invokedynamic whose handle names System.exit. */
        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... args) {
            Object[] rewritten = args.clone();
            for (int i = 0; i < rewritten.length; i++) {
                if (rewritten[i] instanceof Handle h && h.getTag() == Opcodes.H_INVOKESTATIC
                        && h.getOwner().equals("java/lang/System") && h.getName().equals("exit")) {
                    rewritten[i] = new Handle(Opcodes.H_INVOKESTATIC, GUARD, "exit", "(I)V", false);
                }
            }
            super.visitInvokeDynamicInsn(name, descriptor, bootstrap, rewritten);
        }

        private boolean anySeen(Label[] labels) {
            for (Label l : labels) {
                if (seen.contains(l)) {
                    return true;
                }
            }
            return false;
        }

        private void check() {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "check", "()V", false);
        }
    }
}
