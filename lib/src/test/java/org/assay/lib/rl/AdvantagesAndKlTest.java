package org.assay.lib.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AdvantagesAndKlTest {

    @Test
    void grpoDrGrpoAndRlooByHand() {
        double[] r = {1, 0, 0, 0, 1, 1, 1, 1};
        // group 1: mean 0.25, unbiased std sqrt(0.25) = 0.5
        Advantages.Result grpo = Advantages.compute(r, 4, Advantages.Config.grpo());
        assertEquals(0.75 / (0.5 + 1e-4), grpo.advantages()[0], 1e-12);
        assertEquals(-0.25 / (0.5 + 1e-4), grpo.advantages()[1], 1e-12);
        assertArrayEquals(new double[] {0, 0, 0, 0}, java.util.Arrays.copyOfRange(grpo.advantages(), 4, 8));
        assertEquals(1, grpo.zeroVarianceGroups());
        assertEquals(0.5, grpo.zeroVarianceFraction());

        Advantages.Result dr = Advantages.compute(r, 4, Advantages.Config.drGrpo());
        assertEquals(0.75, dr.advantages()[0], 1e-12);
        assertEquals(-0.25, dr.advantages()[3], 1e-12);

        Advantages.Result rloo = Advantages.compute(r, 4, Advantages.Config.rloo());
        assertEquals(1.0, rloo.advantages()[0], 1e-12);      // 1 − mean(0, 0, 0)
        assertEquals(-1.0 / 3, rloo.advantages()[1], 1e-12); // 0 − mean(1, 0, 0)
        assertEquals(4.0 / 3 * dr.advantages()[2], rloo.advantages()[2], 1e-12, "RLOO = G/(G−1) × (r − mean)");

        Advantages.Result dropped = Advantages.compute(r, 4, Advantages.Config.grpo().withDropZeroVariance(true));
        assertArrayEquals(new boolean[] {true, true, true, true, false, false, false, false}, dropped.kept());
    }

    @Test
    void processAdvantagesByHand() {
        // one group of two samples: steps (1, 0) and (0); mean 1/3, unbiased std sqrt(1/3)
        double[][] a = Advantages.process(new double[][] {{1, 0}, {0}}, 2);
        double std = Math.sqrt(1.0 / 3) + 1e-4;
        double hi = (1 - 1.0 / 3) / std;
        double lo = (0 - 1.0 / 3) / std;
        assertEquals(hi + lo, a[0][0], 1e-12, "step 0 sums its own and the later step's normalised rewards");
        assertEquals(lo, a[0][1], 1e-12);
        assertEquals(lo, a[1][0], 1e-12);
        assertArrayEquals(new float[] {(float) a[0][0], (float) a[0][0], (float) a[0][1], 0f},
                Advantages.perToken(a[0], new int[] {2, 3}, 4));
        var e = assertThrows(IllegalArgumentException.class, () -> Advantages.perToken(a[0], new int[] {3, 2}, 4));
        assertTrue(e.getMessage().contains("step ends must ascend"), e.getMessage());
    }

    @Test
    void groupOutcomes() {
        var o = Advantages.GroupOutcomes.of(new boolean[] {true, true, false, false, true, false}, 2);
        assertEquals(1.0 / 3, o.allCorrect(), 1e-12);
        assertEquals(1.0 / 3, o.allWrong(), 1e-12);
        assertEquals(1.0 / 3, o.mixed(), 1e-12);
    }

    @Test
    void badInputGetsClearErrors() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Advantages.compute(new double[] {1, 2}, 1, Advantages.Config.grpo()));
        assertTrue(e.getMessage().contains("groupSize must be >= 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Advantages.compute(new double[] {1, 2, 3}, 2, Advantages.Config.grpo()));
        assertTrue(e.getMessage().contains("whole groups of 2, got 3 rewards"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Advantages.compute(new double[] {1, Double.NaN}, 2, Advantages.Config.grpo()));
        assertTrue(e.getMessage().contains("got NaN at 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Kl.k3(new float[] {0}, new float[] {0, 1}, new float[] {1}));
        assertTrue(e.getMessage().contains("one length, got 1, 2 and 1"), e.getMessage());
    }

    /** p and q over three outcomes; the estimators' exact expectations under p, and their spread. */
    @Test
    void k1AndK3AreUnbiasedForTheExactKlAndK3HasLessVariance() {
        double[] p = {0.6, 0.3, 0.1};
        double[] q = {0.3, 0.3, 0.4};
        double exact = 0;
        double e1 = 0;
        double e3 = 0;
        for (int x = 0; x < 3; x++) {
            exact += p[x] * Math.log(p[x] / q[x]);
            e1 += p[x] * Kl.estimate(1, Math.log(p[x]), Math.log(q[x]));
            e3 += p[x] * Kl.estimate(3, Math.log(p[x]), Math.log(q[x]));
        }
        assertEquals(exact, e1, 1e-12);
        assertEquals(exact, e3, 1e-12);
        // sampled: both near the truth, k3 never negative and with the smaller variance
        SplittableRandom rng = new SplittableRandom(1);
        int n = 200_000;
        float[] lp = new float[n];
        float[] lq = new float[n];
        float[] w = new float[n];
        double v1 = 0;
        double v3 = 0;
        for (int i = 0; i < n; i++) {
            double u = rng.nextDouble();
            int x = u < p[0] ? 0 : u < p[0] + p[1] ? 1 : 2;
            lp[i] = (float) Math.log(p[x]);
            lq[i] = (float) Math.log(q[x]);
            w[i] = 1;
            v1 += Math.pow(Kl.estimate(1, lp[i], lq[i]) - exact, 2);
            double k3 = Kl.estimate(3, lp[i], lq[i]);
            assertTrue(k3 >= 0);
            v3 += Math.pow(k3 - exact, 2);
        }
        assertEquals(exact, Kl.k1(lp, lq, w), 0.01);
        assertEquals(exact, Kl.k3(lp, lq, w), 0.01);
        assertTrue(v3 < v1, "k3 variance " + v3 / n + " vs k1 " + v1 / n);
        assertTrue(Kl.k2(lp, lq, w) > 0);
    }
}
