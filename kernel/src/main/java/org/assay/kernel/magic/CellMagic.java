package org.assay.kernel.magic;

import org.assay.kernel.ExecutionResult;

/** A cell magic: a cell whose first line is {@code %%name args}. */
public interface CellMagic {
    /** The name after {@code %%}: by default, the first word of {@link #usage()} without its {@code %%}. */
    default String name() {
        String u = usage().strip();
        int space = u.indexOf(' ');
        return (space < 0 ? u : u.substring(0, space)).substring(2);
    }

    /** For {@code %help}: the usage, two spaces, then what it does. */
    String usage();

    /**
     * @param args      the rest of the {@code %%} line
     * @param body      the cell after that line
     * @param bodyStart where the body starts in {@code text}
     * @param text      the whole cell (for error positions)
     * @param label     the cell, for messages
     */
    ExecutionResult run(String args, String body, int bodyStart, String text, String label) throws Exception;
}
