package org.assay.kernel.exec;

/** What a cell gets instead of killing the kernel's JVM with {@code System.exit}. */
public final class ExitRefusedException extends RuntimeException {
    private static final String KEEPS_RUNNING = "the kernel keeps running and keeps its state. "
            + "To restart the kernel use Kernel > Restart; to end a loop early, use break or return.";
    private final int status;

    /** @param call what was called, e.g. {@code System.exit} or {@code System.exit (through reflection)} */
    public ExitRefusedException(int status, String call) {
        super(call.replaceFirst("^(\\S+)", "$1(" + status + ")") + " was called in a cell; " + KEEPS_RUNNING);
        this.status = status;
    }

    /** A method handle to an exit was asked for; it would end the JVM when called, so it is not handed out. */
    ExitRefusedException(String request, String target) {
        super(request + " asked for a method handle to " + target + " in a cell; it is refused, as a call to "
                + target + " is: " + KEEPS_RUNNING);
        this.status = -1;
    }

    /** The status the cell tried to exit with; -1 when a method handle was refused before any call. */
    public int status() {
        return status;
    }
}
