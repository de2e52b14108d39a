package org.assay.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChinchillaFitTest {
    static final ChinchillaLaw TRUTH = new ChinchillaLaw(1.8, 480, 1100, 0.36, 0.30);

    /** A 7 x 7 grid of model sizes (1e6..1e9) and token counts (1e8..1e11), losses from the law, optional noise. */
    static double[][] data(ChinchillaLaw law, double noise, long seed) {
        Random rng = new Random(seed);
        int k = 7;
        double[] n = new double[k * k];
        double[] d = new double[k * k];
        double[] l = new double[k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                int r = i * k + j;
                n[r] = Math.pow(10, 6 + 3.0 * i / (k - 1));
                d[r] = Math.pow(10, 8 + 3.0 * j / (k - 1));
                l[r] = law.predict(n[r], d[r]) * Math.exp(noise * rng.nextGaussian());
            }
        }
        return new double[][] {n, d, l};
    }

    static ChinchillaFit smallGrid() {
        return ChinchillaFit.hoffmann2022().withGrid(new double[] {0, 0.5, 1}, new double[] {0, 0.5, 1},
                new double[] {-1, 0, 1}, new double[] {0, 5, 10}, new double[] {0, 5, 10});
    }

    @Test
    void publishedGridRecoversNoiseFreeParameters() {
        double[][] xyz = data(TRUTH, 0, 1);
        ChinchillaFit.Result r = ChinchillaFit.hoffmann2022().fit(xyz[0], xyz[1], xyz[2]);
        assertEquals(4500, r.starts());
        assertTrue(r.converged() > 0 && r.reachedBest() > 0 && r.reachedBest() <= r.starts(), r.toString());
        ChinchillaLaw f = r.law();
        assertEquals(TRUTH.E(), f.E(), 0.02, r.toString());
        assertEquals(TRUTH.alpha(), f.alpha(), 0.01, r.toString());
        assertEquals(TRUTH.beta(), f.beta(), 0.01, r.toString());
        assertEquals(TRUTH.a(), f.a(), 0.01);
    }

    @ParameterizedTest
    @CsvSource({"11, 0.005", "12, 0.005", "13, 0.01"})
    void noisyDataRecoverExponentsAndIrreducibleLoss(long seed, double noise) {
        double[][] xyz = data(TRUTH, noise, seed);
        ChinchillaLaw f = smallGrid().fit(xyz[0], xyz[1], xyz[2]).law();
        assertEquals(TRUTH.E(), f.E(), 0.1, f.toString());
        assertEquals(TRUTH.alpha(), f.alpha(), 0.05, f.toString());
        assertEquals(TRUTH.beta(), f.beta(), 0.05, f.toString());
    }

    @Test
    void resultDoesNotDependOnTheNumberOfThreads() {
        double[][] xyz = data(TRUTH, 0.01, 5);
        ChinchillaFit.Result one = smallGrid().withThreads(1).fit(xyz[0], xyz[1], xyz[2]);
        ChinchillaFit.Result two = smallGrid().withThreads(2).fit(xyz[0], xyz[1], xyz[2]);
        assertEquals(one, two);
    }

    @Test
    void meanAndSumReductionsShareTheirOptimumOnNoiseFreeData() {
        double[][] xyz = data(TRUTH, 0, 3);
        ChinchillaLaw sum = smallGrid().fit(xyz[0], xyz[1], xyz[2]).law();
        ChinchillaLaw mean = smallGrid().withReduction(ChinchillaFit.Reduction.MEAN).fit(xyz[0], xyz[1], xyz[2]).law();
        assertEquals(sum.alpha(), mean.alpha(), 0.02);
        assertEquals(sum.beta(), mean.beta(), 0.02);
    }

    @ParameterizedTest
    @CsvSource({"HUBER_LOG, false", "HUBER_LOG, true", "SQUARED, false", "SQUARED, true"})
    void gradientMatchesFiniteDifferences(ChinchillaFit.Loss loss, boolean tied) {
        double[][] xyz = data(TRUTH, 0.01, 9);
        var objective = new ChinchillaFit.Objective(xyz[0], xyz[1], xyz[2], loss, 1e-3, ChinchillaFit.Reduction.SUM,
                tied);
        double[] p = {6.0, 7.0, 0.5, 0.4, 0.3};
        double[] g = new double[5];
        objective.valueAndGradient(p, g);
        for (int i = 0; i < p.length; i++) {
            double h = 1e-6;
            double[] up = p.clone();
            double[] down = p.clone();
            up[i] += h;
            down[i] -= h;
            double numeric = (objective.valueAndGradient(up, new double[5]) - objective.valueAndGradient(down, new double[5]))
                    / (2 * h);
            assertEquals(numeric, g[i], 1e-6 * Math.max(1, Math.abs(numeric)), "component " + i);
        }
        if (tied) {
            assertEquals(0.0, g[4], "with tied exponents beta is not a free parameter");
        }
    }

    @Test
    void badInputNamesColumnRowAndValue() {
        double[][] xyz = data(TRUTH, 0, 1);
        xyz[1][16] = -3.0;
        var e = assertThrows(IllegalArgumentException.class, () -> smallGrid().fit(xyz[0], xyz[1], xyz[2]));
        assertEquals("fitChinchilla: column 'D' must be > 0, got -3.0 at row 17", e.getMessage());
        xyz[1][16] = 1e9;
        xyz[2][3] = Double.NaN;
        e = assertThrows(IllegalArgumentException.class, () -> smallGrid().fit(xyz[0], xyz[1], xyz[2]));
        assertEquals("fitChinchilla: column 'loss' must be finite, got NaN at row 4", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> smallGrid().fit(new double[] {1, 2}, new double[] {1, 2}, new double[] {1, 2}));
        assertEquals("fitChinchilla: needs at least as many points as parameters (5), got 2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> smallGrid().fit(new double[] {1, 2}, new double[] {1}, new double[] {1, 2}));
        assertTrue(e.getMessage().contains("same length"), e.getMessage());
    }

    @Test
    void resultRendersAsATableAndSerialisesToJson() {
        double[][] xyz = data(TRUTH, 0.005, 2);
        ChinchillaFit fit = smallGrid();
        ChinchillaFit.Result r = fit.fit(xyz[0], xyz[1], xyz[2]);
        var bundle = r.toMimeBundle();
        assertTrue(bundle.get("text/html").contains("<td>α</td>") && bundle.get("text/html").contains("Approach 3"));
        String json = r.toJson();
        assertTrue(json.startsWith("{\"A\": ") && json.contains("\"starts\": 243"), json);
        Bootstrap b = fit.bootstrap(xyz[0], xyz[1], xyz[2], r, 10, 4);
        assertTrue(b.toMimeBundle().get("text/html").contains("97.5%"));
    }
}
