package org.assay.kernel;

/**
 * What a cell produced: the value of its last expression (if any) or an error.
 */
public record ExecutionResult(Object value, boolean hasValue, CellError error) {
    /** A cell that ran and shows nothing. */
    public static final ExecutionResult EMPTY = new ExecutionResult(null, false, null);

    /** A cell whose value is shown; null shows nothing, as in IPython. */
    public static ExecutionResult value(Object value) {
        return value == null ? EMPTY : new ExecutionResult(value, true, null);
    }

    public static ExecutionResult failed(CellError error) {
        return new ExecutionResult(null, false, error);
    }

    public boolean ok() {
        return error == null;
    }
}
