package org.assay.kernel.exec;

/**
 * Work run on the cell thread with {@link CellExecutionControl#call} did not finish: an interrupt stopped it, or it
 * ran past its time limit and was stopped.
 */
public final class CellStoppedException extends Exception {
    private final boolean timedOut;

    CellStoppedException(boolean timedOut) {
        super(timedOut ? "stopped at its time limit" : "interrupted", null, false, false);
        this.timedOut = timedOut;
    }

    /** True when the time limit stopped it, false when an interrupt did. */
    public boolean timedOut() {
        return timedOut;
    }
}
