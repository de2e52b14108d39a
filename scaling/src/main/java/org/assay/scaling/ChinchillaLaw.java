package org.assay.scaling;

/**
 * The Chinchilla loss law {@code L(N, D) = E + A / N^alpha + B / D^beta} (Hoffmann et al. 2022, eq. 2), with N the
 * parameters and D the training tokens.
 */
public record ChinchillaLaw(double E, double A, double B, double alpha, double beta) {

    public ChinchillaLaw {
        requireFinite("E", E);
        requirePositive("A", A);
        requirePositive("B", B);
        requirePositive("alpha", alpha);
        requirePositive("beta", beta);
    }

    /** Hoffmann et al. 2022, Approach 3 as published (Appendix D.2, eq. 10). */
    public static ChinchillaLaw hoffmann2022() {
        return new ChinchillaLaw(1.69, 406.4, 410.7, 0.34, 0.28);
    }

    /** L(N, D); N and D finite and &gt; 0. */
    public double predict(double n, double d) {
        Columns.requirePositiveFinite("ChinchillaLaw.predict", "N", n);
        Columns.requirePositiveFinite("ChinchillaLaw.predict", "D", d);
        return E + A / Math.pow(n, alpha) + B / Math.pow(d, beta);
    }

    /** Exponent a in {@code N_opt ∝ C^a}: {@code beta / (alpha + beta)} (Hoffmann et al. 2022, eq. 4). */
    public double a() {
        return beta / (alpha + beta);
    }

    /** Exponent b in {@code D_opt ∝ C^b}: {@code alpha / (alpha + beta)}. */
    public double b() {
        return alpha / (alpha + beta);
    }

    /** {@code G = (alpha A / (beta B))^(1/(alpha+beta))} of Hoffmann et al. 2022, eq. 4. */
    public double allocationCoefficient() {
        return Math.pow(alpha * A / (beta * B), 1 / (alpha + beta));
    }

    /**
     * The compute-optimal split of a budget of C FLOPs with {@code C = 6 N D}, in closed form (Hoffmann et al. 2022,
     * eq. 4): {@code N_opt = G (C/6)^a}, {@code D_opt = G^-1 (C/6)^b}, {@code G = (alpha A / (beta B))^(1/(alpha+beta))}.
     */
    public Allocation allocate(double computeFlops) {
        if (!(computeFlops > 0) || Double.isInfinite(computeFlops)) {
            throw new IllegalArgumentException("ChinchillaLaw.allocate: computeFlops must be > 0 and finite, got "
                    + computeFlops);
        }
        double g = allocationCoefficient();
        double n = g * Math.pow(computeFlops / 6, a());
        double d = Math.pow(computeFlops / 6, b()) / g;
        return new Allocation(computeFlops, n, d, d / n, predict(n, d));
    }

    /**
     * @param computeFlops        the budget C
     * @param parameters          N_opt
     * @param tokens              D_opt
     * @param tokensPerParameter  D_opt / N_opt
     * @param loss                the predicted loss at (N_opt, D_opt)
     */
    public record Allocation(double computeFlops, double parameters, double tokens, double tokensPerParameter,
                             double loss) {
    }

    private static void requireFinite(String name, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("ChinchillaLaw: " + name + " must be finite, got " + v);
        }
    }

    private static void requirePositive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("ChinchillaLaw: " + name + " must be > 0 and finite, got " + v);
        }
    }
}
