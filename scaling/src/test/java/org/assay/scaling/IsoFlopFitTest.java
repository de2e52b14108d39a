package org.assay.scaling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IsoFlopFitTest {
    static final ChinchillaLaw TRUTH = ChinchillaFitTest.TRUTH;

    /** IsoFLOP sweeps: at each budget, 9 model sizes from 1/4x to 4x around (not at) the true optimum, D = C/6N. */
    static double[][] sweeps(double[] budgets) {
        List<double[]> rows = new ArrayList<>();
        for (double c : budgets) {
            double centre = TRUTH.allocate(c).parameters() * 1.3;
            for (int k = -4; k <= 4; k++) {
                double n = centre * Math.pow(2, k / 2.0);
                double d = c / (6 * n);
                rows.add(new double[] {n, d, TRUTH.predict(n, d)});
            }
        }
        double[][] cols = new double[3][rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            for (int j = 0; j < 3; j++) {
                cols[j][i] = rows.get(i)[j];
            }
        }
        return cols;
    }

    static final double[] BUDGETS = {1e17, 1e18, 1e19, 1e20, 1e21};

    @Test
    void runsThatMissTheirBudgetByWholeStepsGroupByTheBudgetGiven() {
        double[][] s = sweeps(BUDGETS);
        int m = s[0].length;
        double[] tokens = new double[m];
        double[] budgets = new double[m];
        for (int i = 0; i < m; i++) {
            budgets[i] = BUDGETS[i / 9];
            tokens[i] = s[1][i] * (1 + 0.02 * ((i % 3) - 1)); // ±2%, as rounding to whole steps does
        }
        assertEquals(15, IsoFlopFit.approach2(s[0], tokens, s[2]).profiles().size(), "6ND splits each budget in 3");
        IsoFlopFit.Result r = IsoFlopFit.approach2(s[0], tokens, s[2], budgets);
        assertEquals(5, r.profiles().size());
        assertEquals(IsoFlopFit.approach2(s[0], s[1], s[2]).a(), r.a(), 1e-12, "the profiles use N and loss only");
        assertEquals(5, IsoFlopFit.approach1(s[0], tokens, s[2], budgets).profiles().size());
    }

    @Test
    void approach2RecoversTheAllocationExponents() {
        double[][] s = sweeps(BUDGETS);
        IsoFlopFit.Result r = IsoFlopFit.approach2(s[0], s[1], s[2]);
        assertEquals(5, r.profiles().size());
        assertEquals(TRUTH.a(), r.a(), 0.02, r.toString());
        assertEquals(TRUTH.b(), r.b(), 0.02);
        assertEquals(1.0, r.a() + r.b(), 1e-9, "C = 6 N D makes the exponents sum to one");
        for (IsoFlopFit.Profile p : r.profiles()) {
            double truth = TRUTH.allocate(p.computeFlops()).parameters();
            assertEquals(1.0, p.optimalParameters() / truth, 0.15, "vertex near the true optimum at C=" + p.computeFlops());
        }
    }

    @Test
    void approach1FindsTheEnvelopeWithinTheGridResolution() {
        double[][] s = sweeps(BUDGETS);
        IsoFlopFit.Result r = IsoFlopFit.approach1(s[0], s[1], s[2]);
        assertEquals(TRUTH.a(), r.a(), 0.05, r.toString());
        assertTrue(r.nOpt().rSquared() > 0.99);
    }

    @Test
    void quadraticIsExactOnAParabola() {
        double[] u = {1, 2, 3, 4, 5};
        double[] y = new double[5];
        for (int i = 0; i < 5; i++) {
            y[i] = 3 - 2 * u[i] + 0.5 * u[i] * u[i];
        }
        assertArrayEquals(new double[] {3, -2, 0.5}, IsoFlopFit.quadratic(u, y), 1e-9);
    }

    @Test
    void powerLawIsExactOnAPowerLaw() {
        double[] x = {1e3, 1e4, 1e5};
        double[] y = {2 * Math.pow(1e3, -0.3), 2 * Math.pow(1e4, -0.3), 2 * Math.pow(1e5, -0.3)};
        PowerLaw p = PowerLaw.fitLogLog("test", x, y);
        assertEquals(2, p.A(), 1e-9);
        assertEquals(-0.3, p.exponent(), 1e-12);
        assertEquals(1.0, p.rSquared(), 1e-12);
    }

    @Test
    void tooLittleDataIsAClearError() {
        double[][] one = sweeps(new double[] {1e18});
        var e = assertThrows(IllegalArgumentException.class, () -> IsoFlopFit.approach2(one[0], one[1], one[2]));
        assertEquals("isoFlopApproach2: needs runs at two or more compute budgets to fit N_opt ∝ C^a, got 1", e.getMessage());
        double[] n = {1e6, 2e6, 1e6, 2e6};
        double[] d = {1e9, 0.5e9, 1e10, 0.5e10};
        double[] l = {3, 3.1, 2.9, 2.8};
        e = assertThrows(IllegalArgumentException.class, () -> IsoFlopFit.approach2(n, d, l));
        assertTrue(e.getMessage().contains("has 2 runs; a parabola needs at least 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> PowerLaw.fitLogLog("fitPowerLaw", new double[] {5, 5}, new double[] {1, 2}));
        assertTrue(e.getMessage().contains("all x are equal"), e.getMessage());
    }
}
