package org.assay.kernel.exec;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Where a cell's last expression leaves its value when the kernel runs it as {@code { CellValue.set(expr); }}: a
 * block, which JShell compiles with fewer javac tasks than an expression, whose type it must work out to keep it in
 * a variable {@code $N} (which the kernel drops anyway), or than a statement on its own, which it analyses as an
 * expression first (parse, trial compile, analyse, generate: 4 tasks against 5). Which expressions:
 * {@code StatementRuns.isValue}.
 */
public final class CellValue {
    private static final Object NONE = new Object();
    private static final AtomicReference<Object> VALUE = new AtomicReference<>(NONE);

    private CellValue() {
    }

    /** The block that runs {@code expression} (a snippet, its semicolon optional) and keeps its value. */
    public static String wrap(String expression) {
        return "{ " + call(expression) + "; }";
    }

    /** The call that keeps the value of {@code expression} (its semicolon optional), without a semicolon. */
    public static String call(String expression) {
        String bare = expression.strip();
        if (bare.endsWith(";")) {
            bare = bare.substring(0, bare.length() - 1);
        }
        return CellValue.class.getName() + ".set(" + bare + "\n)"; // the newline ends a trailing // comment
    }

    /** Called by the cell's code. */
    public static void set(Object value) {
        VALUE.set(value);
    }

    /** Whether {@link #set} was called since the last {@link #take}. */
    public static boolean isSet() {
        return VALUE.get() != NONE;
    }

    /** The value set, or null; clears it. */
    public static Object take() {
        Object v = VALUE.getAndSet(NONE);
        return v == NONE ? null : v;
    }
}
