package org.assay.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DataConstrainedLawTest {
    static final ChinchillaLaw BASE = ChinchillaLaw.hoffmann2022();

    @Test
    void oneEpochIsPlainChinchillaAndRepeatsSaturate() {
        DataConstrainedLaw law = DataConstrainedLaw.muennighoff2023(BASE);
        double u = 1e10;
        assertEquals(u, law.effectiveData(u, u), 1e-3, "one epoch: every token counts");
        assertEquals(u * (1 + 15.4), law.effectiveData(1e6 * u, u), 1e-3 * u, "infinite repeats: U_D (1 + R_D*)");
        assertTrue(law.effectiveData(4 * u, u) > 3.5 * u, "four epochs are worth almost four: " + law.effectiveData(4 * u, u));
        double n = law.uniqueParameters(1e15, u);
        assertEquals(n, law.effectiveParameters(n, u), 1e-6 * n, "no excess parameters at U_N");
        double nOpt = BASE.allocate(6 * n * u).parameters();
        assertEquals(1.0, nOpt / n, 1e-9, "U_N is the compute-optimal size for U_D tokens");
        assertEquals(BASE.predict(n, u), law.predict(n, u, u), 1e-12);
    }

    @Test
    void fitRecoversTheDecayConstants() {
        DataConstrainedLaw truth = new DataConstrainedLaw(BASE, 12, 4);
        Random rng = new Random(5);
        int m = 60;
        double[] n = new double[m];
        double[] d = new double[m];
        double[] u = new double[m];
        double[] l = new double[m];
        for (int i = 0; i < m; i++) {
            u[i] = Math.pow(10, 8 + 2 * rng.nextDouble());
            d[i] = u[i] * Math.pow(10, 2 * rng.nextDouble());            // 1 to 100 epochs
            n[i] = truth.uniqueParameters(1e15, u[i]) * Math.pow(10, 1.5 * rng.nextDouble()); // up to 30x excess
            l[i] = truth.predict(n[i], d[i], u[i]);
        }
        DataConstrainedLaw.Fit fit = DataConstrainedLaw.fit(BASE, n, d, u, l);
        assertEquals(12, fit.law().rDStar(), 0.1, fit.toString());
        assertEquals(4, fit.law().rNStar(), 0.1, fit.toString());
    }

    @Test
    void badInputIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> new DataConstrainedLaw(BASE, 0, 5));
        assertTrue(e.getMessage().contains("rDStar and rNStar must be > 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DataConstrainedLaw.fit(BASE, new double[] {1e8, 1e8},
                new double[] {1e9, 1e9}, new double[] {-1, 1e9}, new double[] {3, 3}));
        assertEquals("fitDataConstrained: column 'U_D' must be > 0, got -1.0 at row 1", e.getMessage());
    }

    @Test
    void fitRepetitionRecoversTheDecayConstantOfOneModelSize() {
        // fresh-data curve of one model: L = 1.8 + 40 D^-0.35; repeated runs at D = 2^20 tokens, 1 to 64 epochs
        double[] freshD = {1 << 14, 1 << 16, 1 << 18, 1 << 20};
        double[] freshL = new double[freshD.length];
        for (int i = 0; i < freshD.length; i++) {
            freshL[i] = 1.8 + 40 * Math.pow(freshD[i], -0.35);
        }
        CurveFit.Result fresh = CurveFit.create().fit(Laws.powerLawWithOffset(), freshD, freshL);
        int[] epochs = {1, 2, 4, 8, 16, 32, 64};
        double[] d = new double[epochs.length];
        double[] u = new double[epochs.length];
        double[] l = new double[epochs.length];
        var truth = new DataConstrainedLaw.RepetitionFit(1.8, 40, 0.35, 6.0, 0, true);
        Random rng = new Random(3);
        for (int i = 0; i < epochs.length; i++) {
            d[i] = 1 << 20;
            u[i] = d[i] / epochs[i];
            l[i] = truth.predict(d[i], u[i]) * (1 + 0.001 * rng.nextGaussian());
        }
        var fit = DataConstrainedLaw.fitRepetition(fresh, d, u, l);
        assertTrue(fit.converged());
        assertEquals(6.0, fit.rDStar(), 0.6);
        assertEquals(1.8, fit.e(), 0.01, "the fresh curve's floor is kept");
        assertEquals(d[0], fit.effectiveData(d[0], u[0]), 1e-6, "one epoch: every token counts");
        assertEquals(u[6] * (1 + fit.rDStar() * (1 - Math.exp(-63 / fit.rDStar()))), fit.effectiveData(d[6], u[6]),
                1e-6 * d[6]);
        var e = assertThrows(IllegalArgumentException.class, () -> DataConstrainedLaw.fitRepetition(fresh,
                new double[] {1}, new double[] {0}, new double[] {2}));
        assertTrue(e.getMessage().contains("U_D"), e.getMessage());
    }
}
