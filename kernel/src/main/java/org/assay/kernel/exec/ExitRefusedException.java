package org.assay.kernel.exec;

/** What a cell gets instead of killing the kernel's JVM with {@code System.exit}. */
public final class ExitRefusedException extends RuntimeException {
    private final int status;

    public ExitRefusedException(int status, String call) {
        super(call + "(" + status + ") was called in a cell; the kernel keeps running and keeps its state. "
                + "To restart the kernel use Kernel > Restart; to end a loop early, use break or return.");
        this.status = status;
    }

    public int status() {
        return status;
    }
}
