package org.assay.scaling;

/**
 * A pure power law {@code y = A x^k}, fitted by least squares on {@code log y = log A + k log x} (exact, no
 * iterations). Used for the compute-optimal frontiers of Approaches 1 and 2 ({@code N_opt ∝ C^a}) and for quick
 * looks at loss against compute.
 *
 * @param A         the coefficient
 * @param exponent  k (negative for a decaying loss)
 * @param rSquared  R² of the fit in log-log space
 * @param points    how many points it was fitted to
 */
public record PowerLaw(double A, double exponent, double rSquared, int points) {

    /** A x^k; x finite and &gt; 0, the domain the law was fitted on. */
    public double predict(double x) {
        Columns.requirePositiveFinite("PowerLaw.predict", "x", x);
        return A * Math.pow(x, exponent);
    }

    /** Least squares in log-log space; needs at least two distinct x. */
    public static PowerLaw fitLogLog(String function, double[] x, double[] y) {
        Columns.requireSameLength(function, new String[] {"x", "y"}, x, y);
        Columns.requirePositiveFinite(function, "x", x);
        Columns.requirePositiveFinite(function, "y", y);
        Columns.requireAtLeast(function, x.length, 2);
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += Math.log(x[i]);
            my += Math.log(y[i]);
        }
        mx /= n;
        my /= n;
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = Math.log(x[i]) - mx;
            double dy = Math.log(y[i]) - my;
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
        if (sxx == 0) {
            throw new IllegalArgumentException(function + ": all x are equal (" + x[0] + "); a power law needs at least"
                    + " two distinct values");
        }
        double k = sxy / sxx;
        double r2 = syy == 0 ? 1.0 : (sxy * sxy) / (sxx * syy);
        return new PowerLaw(Math.exp(my - k * mx), k, r2, n);
    }
}
