package org.assay.kernel.magic;

import org.assay.kernel.ExecutionResult;
import org.assay.kernel.Session;

/** {@code %%time}: runs the cell (code and line magics) and prints its wall and CPU time. */
final class TimeCellMagic implements CellMagic {
    private final Session session;
    private final Magics magics;

    TimeCellMagic(Session session, Magics magics) {
        this.session = session;
        this.magics = magics;
    }

    @Override
    public String usage() {
        return "%%time  run the cell and print its wall and CPU time";
    }

    @Override
    public ExecutionResult run(String args, String body, int bodyStart, String text, String label) {
        return TimeMagic.timed(session, () -> magics.runLines(body, bodyStart, text, label));
    }
}
