package org.assay.scaling;

/** Checks input columns, with messages that name the function, the column, the row and the value. */
final class Columns {
    private Columns() {
    }

    static void requireSameLength(String function, String[] names, double[]... columns) {
        for (int i = 1; i < columns.length; i++) {
            if (columns[i].length != columns[0].length) {
                throw new IllegalArgumentException(function + ": columns '" + names[0] + "' and '" + names[i]
                        + "' must have the same length, got " + columns[0].length + " and " + columns[i].length);
            }
        }
    }

    /** Rows are numbered from 1, as a user counts them in a CSV or table. */
    static void requirePositiveFinite(String function, String name, double[] values) {
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(function + ": column '" + name + "' must be finite, got " + v
                        + " at row " + (i + 1));
            }
            if (!(v > 0)) {
                throw new IllegalArgumentException(function + ": column '" + name + "' must be > 0, got " + v
                        + " at row " + (i + 1));
            }
        }
    }

    /**
     * The point check of a law's predict, where a fit checks whole columns: e.g.
     * {@code KaplanLaw.predict: D must be finite and > 0, got -5.0}.
     */
    static void requirePositiveFinite(String function, String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(function + ": " + name + " must be finite and > 0, got " + v);
        }
    }

    static void requireAtLeast(String function, int rows, int parameters) {
        if (rows < parameters) {
            throw new IllegalArgumentException(function + ": needs at least as many points as parameters ("
                    + parameters + "), got " + rows);
        }
    }

    /**
     * A fit of k parameters to fewer than k distinct x values has no unique answer (every x equal leaves all but one
     * undetermined): say so, with the count, instead of returning an arbitrary optimum.
     */
    static void requireDistinct(String function, String name, double[] values, int parameters) {
        long distinct = java.util.Arrays.stream(values).distinct().count();
        if (distinct < parameters) {
            throw new IllegalArgumentException(function + ": column '" + name + "' has " + distinct + " distinct value"
                    + (distinct == 1 ? " (" + values[0] + ")" : "s") + " in " + values.length + " rows; a fit of "
                    + parameters + " parameters needs at least " + parameters + " distinct values of " + name);
        }
    }

    /** The values at the given rows, in order (rows may repeat). */
    static double[] rows(double[] values, int[] rows) {
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = values[rows[i]];
        }
        return out;
    }

    /** m row indices drawn with replacement: one bootstrap resample of m points. */
    static int[] resample(java.util.SplittableRandom rng, int m) {
        int[] rows = new int[m];
        for (int i = 0; i < m; i++) {
            rows[i] = rng.nextInt(m);
        }
        return rows;
    }
}
