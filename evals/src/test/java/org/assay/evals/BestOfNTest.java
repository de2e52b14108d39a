package org.assay.evals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BestOfNTest {

    @Test
    void handCase() {
        // subsets of 2 from 3: {0,1} and {0,2} keep sample 0 (wrong), {1,2} keeps sample 1 (right)
        assertEquals(1.0 / 3, BestOfN.estimate(new double[] {3, 2, 1}, new boolean[] {false, true, true}, 2), 1e-12);
        // k = 1 is the plain accuracy; k = n keeps the top-scored sample
        assertEquals(2.0 / 3, BestOfN.estimate(new double[] {3, 2, 1}, new boolean[] {false, true, true}, 1), 1e-12);
        assertEquals(0.0, BestOfN.estimate(new double[] {3, 2, 1}, new boolean[] {false, true, true}, 3), 1e-12);
    }

    @Test
    void equalsTheAverageOverAllSubsetsWithRandomTieBreaks() {
        SplittableRandom rng = new SplittableRandom(4);
        for (int trial = 0; trial < 20; trial++) {
            int n = 2 + rng.nextInt(8);
            double[] scores = new double[n];
            boolean[] correct = new boolean[n];
            for (int i = 0; i < n; i++) {
                scores[i] = rng.nextInt(4); // few values: many ties
                correct[i] = rng.nextBoolean();
            }
            for (int k = 1; k <= n; k++) {
                assertEquals(bruteForce(scores, correct, k), BestOfN.estimate(scores, correct, k), 1e-12,
                        "n=" + n + " k=" + k);
            }
        }
    }

    /** Mean over all k-subsets of the expected correctness of a uniformly random pick among the top-scored. */
    private static double bruteForce(double[] scores, boolean[] correct, int k) {
        int n = scores.length;
        double sum = 0;
        int subsets = 0;
        for (int mask = 0; mask < (1 << n); mask++) {
            if (Integer.bitCount(mask) != k) {
                continue;
            }
            double top = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                if ((mask & (1 << i)) != 0) {
                    top = Math.max(top, scores[i]);
                }
            }
            int tied = 0;
            int right = 0;
            for (int i = 0; i < n; i++) {
                if ((mask & (1 << i)) != 0 && scores[i] == top) {
                    tied++;
                    right += correct[i] ? 1 : 0;
                }
            }
            sum += (double) right / tied;
            subsets++;
        }
        return sum / subsets;
    }

    @Test
    void badInput() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> BestOfN.estimate(new double[] {1, 2}, new boolean[] {true, false}, 3));
        assertTrue(e.getMessage().contains("k must be in [1, n=2], got 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> BestOfN.estimate(new double[] {1, Double.NaN}, new boolean[] {true, false}, 1));
        assertTrue(e.getMessage().contains("NaN at sample 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> BestOfN.estimate(new double[] {1}, new boolean[] {true, false}, 1));
        assertTrue(e.getMessage().contains("same length"), e.getMessage());
    }
}
