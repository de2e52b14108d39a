package org.assay.kernel.exec;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.Set;

/**
 * Called from instrumented cell code (see {@link Instrumenter}). Public because snippet classes live in
 * another class loader; not part of the user API.
 */
public final class Guard {

    /** Set by an interrupt; checked at every loop back-edge and method entry of cell code. */
    static volatile boolean stopRequested;

    /** The {@code MethodHandles.Lookup} methods that hand out a handle to a named method; cells' calls come here. */
    static final Set<String> LOOKUP_METHODS = Set.of("findStatic", "findVirtual", "findSpecial", "bind", "unreflect",
            "unreflectSpecial");

    private Guard() {
    }

    public static void check() {
        if (stopRequested) {
            throw new CellInterrupted();
        }
    }

    /** Replaces {@code System.exit(status)} in cell code. */
    public static void exit(int status) {
        throw new ExitRefusedException(status, "System.exit");
    }

    /** Replaces {@code Runtime.getRuntime().exit(status)} in cell code. */
    public static void runtimeExit(Runtime runtime, int status) {
        throw new ExitRefusedException(status, "Runtime.exit");
    }

    /** Replaces {@code Runtime.getRuntime().halt(status)} in cell code. */
    public static void runtimeHalt(Runtime runtime, int status) {
        throw new ExitRefusedException(status, "Runtime.halt");
    }

    // ------------------------------------------------------------------------------------------------ reflection

    /** {@code System.exit}, {@code Runtime.exit} or {@code Runtime.halt}, as "System.exit"; null for any other. */
    static String exitName(Class<?> owner, String name) {
        if (owner == System.class && name.equals("exit")) {
            return "System.exit";
        }
        if (owner == Runtime.class && (name.equals("exit") || name.equals("halt"))) {
            return "Runtime." + name;
        }
        return null;
    }

    /**
     * Packs {@code Method.invoke}'s receiver and arguments so that the instrumented call site can hand them to
     * {@link #checkInvoke} and unpack them again, leaving the call itself — and so its caller, which reflection's
     * access checks look at — as the cell wrote it.
     */
    public static Object[] pack(Object target, Object[] args) {
        return new Object[] {target, args};
    }

    /** Runs before each {@code Method.invoke} in cell code: refuses a call that would end the JVM. */
    public static void checkInvoke(Method method, Object[] packed) {
        checkInvoke(method, packed[0], (Object[]) packed[1]);
    }

    private static void checkInvoke(Method method, Object target, Object[] args) {
        if (method == null) {
            return; // Method.invoke throws its own NullPointerException
        }
        Class<?> owner = method.getDeclaringClass();
        String name = method.getName();
        String exit = exitName(owner, name);
        if (exit != null) {
            int status = args != null && args.length == 1 && args[0] instanceof Integer i ? i : -1;
            throw new ExitRefusedException(status, exit + " (through reflection)");
        }
        if (owner == Method.class && name.equals("invoke") && target instanceof Method inner && args != null
                && args.length == 2) {
            checkInvoke(inner, args[0], args[1] instanceof Object[] a ? a : null); // reflection on reflection
        } else if (owner == MethodHandles.Lookup.class && LOOKUP_METHODS.contains(name) && args != null) {
            checkHandleRequest(name, args); // a Lookup method called through reflection
        }
    }

    // ------------------------------------------------------------------------------------------------ method handles

    /** Replaces {@code lookup.findStatic(refc, name, type)} in cell code. */
    public static MethodHandle findStatic(MethodHandles.Lookup lookup, Class<?> refc, String name, MethodType type)
            throws NoSuchMethodException, IllegalAccessException {
        refuseHandle("findStatic", refc, name);
        return lookup.findStatic(refc, name, type);
    }

    /** Replaces {@code lookup.findVirtual(refc, name, type)} in cell code. */
    public static MethodHandle findVirtual(MethodHandles.Lookup lookup, Class<?> refc, String name, MethodType type)
            throws NoSuchMethodException, IllegalAccessException {
        refuseHandle("findVirtual", refc, name);
        return lookup.findVirtual(refc, name, type);
    }

    /** Replaces {@code lookup.findSpecial(refc, name, type, caller)} in cell code. */
    public static MethodHandle findSpecial(MethodHandles.Lookup lookup, Class<?> refc, String name, MethodType type,
                                           Class<?> specialCaller)
            throws NoSuchMethodException, IllegalAccessException {
        refuseHandle("findSpecial", refc, name);
        return lookup.findSpecial(refc, name, type, specialCaller);
    }

    /** Replaces {@code lookup.bind(receiver, name, type)} in cell code. */
    public static MethodHandle bind(MethodHandles.Lookup lookup, Object receiver, String name, MethodType type)
            throws NoSuchMethodException, IllegalAccessException {
        if (receiver != null) {
            refuseHandle("bind", receiver.getClass(), name);
        }
        return lookup.bind(receiver, name, type);
    }

    /** Replaces {@code lookup.unreflect(method)} in cell code. */
    public static MethodHandle unreflect(MethodHandles.Lookup lookup, Method method) throws IllegalAccessException {
        if (method != null) {
            refuseHandle("unreflect", method.getDeclaringClass(), method.getName());
        }
        return lookup.unreflect(method);
    }

    /** Replaces {@code lookup.unreflectSpecial(method, caller)} in cell code. */
    public static MethodHandle unreflectSpecial(MethodHandles.Lookup lookup, Method method, Class<?> specialCaller)
            throws IllegalAccessException {
        if (method != null) {
            refuseHandle("unreflectSpecial", method.getDeclaringClass(), method.getName());
        }
        return lookup.unreflectSpecial(method, specialCaller);
    }

    /** A Lookup method's arguments, as reflection passes them. */
    private static void checkHandleRequest(String lookupMethod, Object[] args) {
        if (args.length == 0) {
            return;
        }
        if (lookupMethod.startsWith("unreflect") && args[0] instanceof Method m) {
            refuseHandle(lookupMethod, m.getDeclaringClass(), m.getName());
        } else if (lookupMethod.equals("bind") && args[0] != null && args.length > 1 && args[1] instanceof String n) {
            refuseHandle(lookupMethod, args[0].getClass(), n);
        } else if (args[0] instanceof Class<?> c && args.length > 1 && args[1] instanceof String n) {
            refuseHandle(lookupMethod, c, n);
        }
    }

    private static void refuseHandle(String lookupMethod, Class<?> owner, String name) {
        String exit = exitName(owner, name);
        if (exit != null) {
            throw new ExitRefusedException("MethodHandles.Lookup." + lookupMethod, exit);
        }
    }

    /**
     * Thrown into a running cell to stop it. An {@link Error}, so that {@code catch (Exception e)} in user code does
     * not swallow it; and checked again at the next back-edge if it is swallowed anyway.
     */
    public static final class CellInterrupted extends Error {
        CellInterrupted() {
            super("cell interrupted", null, false, false);
        }
    }
}
