package org.assay.evals;

/**
 * The unbiased pass@k estimator (Chen et al. 2021, "Evaluating Large Language Models Trained on Code", §2.1):
 * from n samples of which c are correct, {@code pass@k = 1 − C(n−c, k) / C(n, k)}, computed in the numerically stable
 * product form {@code 1 − Π_{i=n−c+1}^{n} (1 − k/i)}, valid for any n.
 */
public final class PassAtK {
    private PassAtK() {
    }

    public static double estimate(int n, int c, int k) {
        validate("passAtK", n, c, k);
        if (n - c < k) {
            return 1.0; // every draw of k contains a correct sample
        }
        double fail = 1.0;
        for (int i = n - c + 1; i <= n; i++) {
            fail *= 1.0 - (double) k / i;
        }
        return 1.0 - fail;
    }

    /** The same estimator from binomial coefficients in log space, for tests of the product form. */
    static double binomialForm(int n, int c, int k) {
        validate("passAtK", n, c, k);
        if (n - c < k) {
            return 1.0;
        }
        return 1.0 - Math.exp(logChoose(n - c, k) - logChoose(n, k));
    }

    private static double logChoose(int n, int k) {
        return org.apache.commons.math3.util.CombinatoricsUtils.binomialCoefficientLog(n, k);
    }

    /** The mean of pass@k over problems, each with its own n and c. */
    public static double mean(int[] n, int[] c, int k) {
        if (n.length != c.length) {
            throw new IllegalArgumentException("passAtK: n and c must have the same length, got " + n.length + " and "
                    + c.length);
        }
        if (n.length == 0) {
            throw new IllegalArgumentException("passAtK: no problems given");
        }
        double sum = 0;
        for (int i = 0; i < n.length; i++) {
            try {
                sum += estimate(n[i], c[i], k);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + " (problem " + (i + 1) + ")", e);
            }
        }
        return sum / n.length;
    }

    static void validate(String fn, int n, int c, int k) {
        if (n < 1) {
            throw new IllegalArgumentException(fn + ": n (samples) must be >= 1, got " + n);
        }
        if (c < 0 || c > n) {
            throw new IllegalArgumentException(fn + ": c (correct) must be in [0, n=" + n + "], got " + c);
        }
        if (k < 1 || k > n) {
            throw new IllegalArgumentException(fn + ": k must be in [1, n=" + n + "], got " + k);
        }
    }
}
