package org.assay.kernel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs a cell and asserts how it ended, showing the error or the value when it ended otherwise. */
final class Cells {
    private Cells() {
    }

    static ExecutionResult ok(Session session, String code) {
        ExecutionResult r = session.execute(code);
        assertTrue(r.ok(), () -> "expected success for:\n" + code + "\ngot: " + r.error().text());
        return r;
    }

    static CellError fails(Session session, String code) {
        ExecutionResult r = session.execute(code);
        assertFalse(r.ok(), () -> "expected an error for:\n" + code + "\nvalue: " + r.value());
        return r.error();
    }
}
