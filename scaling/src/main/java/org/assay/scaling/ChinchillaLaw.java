package org.assay.scaling;

import java.util.function.DoubleUnaryOperator;

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

    /**
     * Besiroglu et al. 2024 ("Chinchilla Scaling: A replication attempt", arXiv 2404.10102, Table 1): Approach 3 refitted
     * to the data read from Hoffmann et al.'s plots; its allocation agrees with their Approaches 1 and 2 (a = 0.51).
     */
    public static ChinchillaLaw epoch2024() {
        return new ChinchillaLaw(1.8172, 482.01, 2085.43, 0.3478, 0.3658);
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
     * The N and D_train that reach {@code targetLoss} for the fewest FLOPs over the model's life, training
     * ({@code 6 N D_train}) and serving {@code inferenceTokens} ({@code 2 N D_inference}) together (Sardana et al. 2023,
     * eq. 2). With no inference this is {@link #allocate} at the budget whose optimal loss is {@code targetLoss}; with
     * more, the model is smaller and trained on more tokens.
     *
     * <p>Solved as one equation in one unknown. Write the loss as {@code E + p + q} with {@code p = A/N^alpha} and
     * {@code q = B/D^beta}, so {@code p + q = targetLoss - E}. On that curve the total cost is stationary where
     * {@code D (alpha p / (beta q) - 1) = D_inference / 3}; the left side falls from infinity to 0 as q rises from 0 to
     * its Chinchilla value {@code alpha (targetLoss - E) / (alpha + beta)}, so the root is unique and bisection on
     * {@code ln q} finds it to the last bit of a double.
     *
     * @throws IllegalArgumentException for a loss at or below E, which no finite model and data reach, or for a
     *                                  negative or non-finite number of inference tokens
     */
    public InferenceAwareAllocation allocateForLoss(double targetLoss, double inferenceTokens) {
        String function = "ChinchillaLaw.allocateForLoss";
        if (!Double.isFinite(targetLoss) || targetLoss <= E) {
            throw new IllegalArgumentException(function + ": targetLoss must be finite and > E = " + E
                    + " (the irreducible loss, which no finite model and data reach), got " + targetLoss);
        }
        requireTokens(function, inferenceTokens);
        double reducible = targetLoss - E;
        double qChinchilla = alpha * reducible / (alpha + beta);
        double q = qChinchilla;
        if (inferenceTokens > 0) {
            double target = Math.log(inferenceTokens / 3);
            // ln D + ln(alpha p / (beta q) - 1), decreasing in ln q; -infinity at the Chinchilla point
            DoubleUnaryOperator excess = lnQ -> {
                double qq = Math.exp(lnQ);
                return (Math.log(B) - lnQ) / beta + Math.log(alpha * reducible - (alpha + beta) * qq)
                        - Math.log(beta * qq) - target;
            };
            q = Math.exp(decreasingRoot(excess, Math.log(qChinchilla)));
        }
        double n = Math.pow(A / (reducible - q), 1 / alpha);
        double d = Math.pow(B / q, 1 / beta);
        return InferenceAwareAllocation.of(targetLoss, inferenceTokens, n, d);
    }

    /**
     * The dual of {@link #allocateForLoss}: the N and D_train that reach the lowest loss when training and serving
     * {@code inferenceTokens} must together cost {@code totalFlops} ({@code 6 N D_train + 2 N D_inference = C}). With
     * no inference this is {@link #allocate}. On the budget line {@code D = C / (6N) - D_inference / 3}, and
     * {@code N dL/dN} rises from minus infinity to infinity over {@code 0 < N < C / (2 D_inference)}: bisection on
     * {@code ln N} finds its one zero.
     *
     * @throws IllegalArgumentException for a budget that is not finite and &gt; 0, or inference tokens that are not
     *                                  finite and &ge; 0
     */
    public InferenceAwareAllocation allocateForBudget(double totalFlops, double inferenceTokens) {
        String function = "ChinchillaLaw.allocateForBudget";
        Columns.requirePositiveFinite(function, "totalFlops", totalFlops);
        requireTokens(function, inferenceTokens);
        if (inferenceTokens == 0) {
            Allocation a = allocate(totalFlops);
            return InferenceAwareAllocation.of(a.loss(), 0, a.parameters(), a.tokens());
        }
        double lnC6 = Math.log(totalFlops / 6);
        // ln(beta B D^(-beta-1) C/(6N)) - ln(alpha A N^-alpha): the sign of N dL/dN, falling in ln N after the minus
        DoubleUnaryOperator slope = lnN -> {
            double d = totalFlops / (6 * Math.exp(lnN)) - inferenceTokens / 3;
            double dataSide = Math.log(beta * B) - (beta + 1) * Math.log(d) + lnC6 - lnN;
            double modelSide = Math.log(alpha * A) - alpha * lnN;
            return modelSide - dataSide;
        };
        double nMax = totalFlops / (2 * inferenceTokens);
        double n = Math.exp(decreasingRoot(slope, Math.log(nMax)));
        double d = totalFlops / (6 * n) - inferenceTokens / 3;
        return InferenceAwareAllocation.of(predict(n, d), inferenceTokens, n, d);
    }

    /**
     * The x below {@code upper} where a decreasing f crosses 0, given f → +∞ far below and f ≤ 0 at {@code upper}
     * (or undefined there): steps down until f &gt; 0, then bisects until the interval is two adjacent doubles.
     */
    private static double decreasingRoot(DoubleUnaryOperator f, double upper) {
        double hi = upper;
        double step = 1;
        double lo = upper - step;
        while (!(f.applyAsDouble(lo) > 0)) {
            hi = lo;
            step *= 2;
            lo = upper - step;
            if (step > 1e4) {
                throw new IllegalStateException("ChinchillaLaw: no bracket for the allocation below " + upper);
            }
        }
        while (true) {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) {
                return mid;
            }
            if (f.applyAsDouble(mid) > 0) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
    }

    private static void requireTokens(String function, double inferenceTokens) {
        if (!(inferenceTokens >= 0) || Double.isInfinite(inferenceTokens)) {
            throw new IllegalArgumentException(function + ": inferenceTokens must be finite and >= 0, got "
                    + inferenceTokens);
        }
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
