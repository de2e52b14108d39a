package org.assay.base;

/** Quantiles of samples, as the resampling code of every module reports them. */
public final class Quantiles {
    private Quantiles() {
    }

    /**
     * The {@code q}-quantile of {@code sorted} (ascending) by linear interpolation between order statistics: numpy's
     * default "linear" method (Hyndman and Fan 1996, definition 7).
     */
    public static double ofSorted(double[] sorted, double q) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("Quantiles.ofSorted: sorted must not be empty");
        }
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("Quantiles.ofSorted: q must be in [0, 1], got " + q);
        }
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
