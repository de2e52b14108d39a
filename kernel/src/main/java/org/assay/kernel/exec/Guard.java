package org.assay.kernel.exec;

/**
 * Called from instrumented cell code (see {@link Instrumenter}). Public because snippet classes live in
 * another class loader; not part of the user API.
 */
public final class Guard {

    /** Set by an interrupt; checked at every loop back-edge and method entry of cell code. */
    static volatile boolean stopRequested;

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
