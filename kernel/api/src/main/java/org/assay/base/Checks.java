package org.assay.base;

/**
 * The one way configs and functions reject bad input: an {@link IllegalArgumentException} whose message names the
 * owner (a record or {@code Class.method}), the constraint and the value, e.g.
 * {@code GptConfig: heads must divide dModel, got dModel=384, heads=5}.
 */
public final class Checks {
    private Checks() {
    }

    public static void require(boolean ok, String owner, String constraint, Object got) {
        if (!ok) {
            throw new IllegalArgumentException(owner + ": " + constraint + ", got " + got);
        }
    }
}
