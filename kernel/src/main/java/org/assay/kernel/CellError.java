package org.assay.kernel;

import java.util.List;

/**
 * A failed cell, in the words of the Jupyter protocol.
 *
 * @param ename     the error's name, e.g. {@code java.lang.ArithmeticException} or {@code CompilationException}
 * @param evalue    its message
 * @param traceback lines to show (may carry ANSI colours, as IPython's do)
 */
public record CellError(String ename, String evalue, List<String> traceback) {
    public CellError {
        traceback = List.copyOf(traceback);
    }

    public String text() {
        return String.join("\n", traceback);
    }
}
