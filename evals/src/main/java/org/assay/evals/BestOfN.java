package org.assay.evals;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Best-of-k under a scorer (a reward model, a verifier's confidence, the policy's own likelihood): draw k of the n
 * samples, keep the one the scorer ranks highest, check it. Estimated exactly, like pass@k, as the expectation over
 * all k-subsets of the n samples: with samples ranked by score, the best of a random k-subset lies at rank r or
 * below with probability C(n−r, k)/C(n, k). Ties in score are broken uniformly at random, so a tied group counts
 * with its mean correctness.
 */
public final class BestOfN {
    private BestOfN() {
    }

    public static double estimate(double[] scores, boolean[] correct, int k) {
        String fn = "BestOfN.estimate";
        if (scores.length != correct.length) {
            throw new IllegalArgumentException(fn + ": scores and correct must have the same length, got "
                    + scores.length + " and " + correct.length);
        }
        int n = scores.length;
        if (k < 1 || k > n) {
            throw new IllegalArgumentException(fn + ": k must be in [1, n=" + n + "], got " + k);
        }
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException(fn + ": scores must not be NaN, got NaN at sample " + i);
            }
        }
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble(i -> -scores[i]));
        double expected = 0;
        for (int a = 0; a < n; ) {
            int b = a;
            int right = 0;
            while (b < n && scores[order[b]] == scores[order[a]]) {
                right += correct[order[b]] ? 1 : 0;
                b++;
            }
            double pBestInGroup = allAtOrBelow(n, a, k) - allAtOrBelow(n, b, k);
            expected += pBestInGroup * right / (b - a);
            a = b;
        }
        return expected;
    }

    /** C(n−r, k)/C(n, k): the chance that a random k-subset holds only samples of rank ≥ r, as a stable product. */
    private static double allAtOrBelow(int n, int r, int k) {
        if (n - r < k) {
            return 0;
        }
        double p = 1;
        for (int i = 0; i < k; i++) {
            p *= (double) (n - r - i) / (n - i);
        }
        return p;
    }
}
