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
 *   {@link ExitRefusedException}, and the ways to reach them at run time guarded: each {@code Method.invoke} is
 *   preceded by a check of the method (and, for reflection on {@code Method.invoke} or on a {@code Lookup}, of
 *   what it reaches), and {@code MethodHandles.Lookup}'s {@code findStatic}, {@code findVirtual},
 *   {@code findSpecial}, {@code bind}, {@code unreflect} and {@code unreflectSpecial} go through {@link Guard},
 *   which refuses a handle to an exit.</li>
 * </ul>
 * No change leaves the operand stack different at the point of insertion, so frames need no recomputation; the
 * check before {@code Method.invoke} needs two more stack slots, added to the method's maximum.
 */
final class Instrumenter {
    private static final String GUARD = Guard.class.getName().replace('.', '/');
    private static final String LOOKUP = "java/lang/invoke/MethodHandles$Lookup";
    private static final String METHOD_INVOKE = "(Ljava/lang/Object;[Ljava/lang/Object;)Ljava/lang/Object;";

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
        private int extraStack;

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
            } else if (opcode == Opcodes.INVOKEVIRTUAL && owner.equals("java/lang/reflect/Method")
                    && name.equals("invoke") && descriptor.equals(METHOD_INVOKE)) {
                checkBeforeInvoke();
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            } else if (opcode == Opcodes.INVOKEVIRTUAL && owner.equals(LOOKUP) && Guard.LOOKUP_METHODS.contains(name)) {
                // Lookup's find methods check access against the Lookup, not the caller: Guard can make the call
                super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, name, "(L" + LOOKUP + ";" + descriptor.substring(1),
                        false);
            } else {
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            }
        }

        /**
         * Before {@code method.invoke(target, args)} — stack: method, target, args — calls
         * {@code Guard.checkInvoke(method, {target, args})} and leaves the stack as it was, so the call keeps its
         * caller (reflection's access checks look at it). Needs two more stack slots, added in {@link #visitMaxs}.
         */
        private void checkBeforeInvoke() {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "pack", "(Ljava/lang/Object;[Ljava/lang/Object;)"
                    + "[Ljava/lang/Object;", false);                              // method, packed
            super.visitInsn(Opcodes.DUP2);                                        // method, packed, method, packed
            super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "checkInvoke", "(Ljava/lang/reflect/Method;"
                    + "[Ljava/lang/Object;)V", false);                            // method, packed
            super.visitInsn(Opcodes.DUP);                                         // method, packed, packed
            super.visitInsn(Opcodes.ICONST_0);
            super.visitInsn(Opcodes.AALOAD);                                      // method, packed, target
            super.visitInsn(Opcodes.SWAP);                                        // method, target, packed
            super.visitInsn(Opcodes.ICONST_1);
            super.visitInsn(Opcodes.AALOAD);
            super.visitTypeInsn(Opcodes.CHECKCAST, "[Ljava/lang/Object;");        // method, target, args
            extraStack = 2;
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(maxStack + extraStack, maxLocals);
        }

        /**
         * {@code IntConsumer c = System::exit} (or {@code Runtime.getRuntime()::halt}) compiles to an invokedynamic
         * whose handle names the exit.
         */
        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... args) {
            Object[] rewritten = args.clone();
            for (int i = 0; i < rewritten.length; i++) {
                if (rewritten[i] instanceof Handle h && h.getTag() == Opcodes.H_INVOKESTATIC
                        && h.getOwner().equals("java/lang/System") && h.getName().equals("exit")) {
                    rewritten[i] = new Handle(Opcodes.H_INVOKESTATIC, GUARD, "exit", "(I)V", false);
                } else if (rewritten[i] instanceof Handle h && h.getTag() == Opcodes.H_INVOKEVIRTUAL
                        && h.getOwner().equals("java/lang/Runtime") && h.getDesc().equals("(I)V")
                        && (h.getName().equals("exit") || h.getName().equals("halt"))) {
                    // Runtime.getRuntime()::halt: the receiver becomes the static method's first parameter
                    String guard = h.getName().equals("exit") ? "runtimeExit" : "runtimeHalt";
                    rewritten[i] = new Handle(Opcodes.H_INVOKESTATIC, GUARD, guard, "(Ljava/lang/Runtime;I)V", false);
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
