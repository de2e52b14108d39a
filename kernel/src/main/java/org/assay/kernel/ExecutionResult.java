package org.assay.kernel;

/**
 * What a cell produced: the value of its last expression (if any) or an error.
 */
public record ExecutionResult(Object value, boolean hasValue, CellError error) {
    static final ExecutionResult EMPTY = new ExecutionResult(null, false, null);

    static ExecutionResult value(Object value) {
        return value == null ? EMPTY : new ExecutionResult(value, true, null);
    }

    static ExecutionResult failed(CellError error) {
        return new ExecutionResult(null, false, error);
    }

    public boolean ok() {
        return error == null;
    }
}
