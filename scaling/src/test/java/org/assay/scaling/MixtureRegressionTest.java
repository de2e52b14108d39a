package org.assay.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

class MixtureRegressionTest {
    static final List<String> SOURCES = List.of("a", "b", "c");

    /** Random mixtures (Dirichlet(1) by normalised exponentials), seeded. */
    static double[][] mixtures(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] w = new double[n][3];
        for (double[] row : w) {
            double s = 0;
            for (int i = 0; i < 3; i++) {
                row[i] = -Math.log(1 - rng.nextDouble());
                s += row[i];
            }
            for (int i = 0; i < 3; i++) {
                row[i] /= s;
            }
        }
        return w;
    }

    /** L = 2 + Σ β_i log(w_i + 0.01) with β = (-0.3, -0.2, -0.1), plus N(0, noise²). */
    static double[] logLaw(double[][] w, double noise, long seed) {
        double[] beta = {-0.3, -0.2, -0.1};
        SplittableRandom rng = new SplittableRandom(seed);
        double[] y = new double[w.length];
        for (int r = 0; r < w.length; r++) {
            y[r] = 2 + noise * rng.nextGaussian();
            for (int i = 0; i < 3; i++) {
                y[r] += beta[i] * Math.log(w[r][i] + MixtureRegression.LOG_OFFSET);
            }
        }
        return y;
    }

    @Test
    void recoversALawOfDiminishingReturnsAndItsOptimum() {
        double[][] w = mixtures(40, 1);
        var fit = MixtureRegression.of(SOURCES, w, logLaw(w, 0.002, 2)).withBootstrap(100).fit();
        assertEquals(MixtureRegression.Form.LOG, fit.best().form(), fit.forms().toString());
        assertEquals(-0.3, fit.best().coefficients().get("a"), 0.01);
        assertEquals(-0.2, fit.best().coefficients().get("b"), 0.01);
        assertEquals(-0.1, fit.best().coefficients().get("c"), 0.01);
        assertTrue(fit.best().cvSpearman() > 0.99, "cv Spearman " + fit.best().cvSpearman());
        // minimising Σ β_i log(w_i + ε) on the simplex: w_i + ε ∝ -β_i, so w = (0.505, 0.333, 0.162)
        Map<String, Double> truth = Map.of("a", 1.03 * 0.5 - 0.01, "b", 1.03 / 3 - 0.01, "c", 1.03 / 6 - 0.01);
        assertTrue(fit.distanceTo(truth) < 0.03, fit.optimum() + " vs " + truth);
        for (String s : SOURCES) {
            assertTrue(fit.lower().get(s) <= truth.get(s) + 0.02 && truth.get(s) - 0.02 <= fit.upper().get(s),
                    s + ": [" + fit.lower().get(s) + ", " + fit.upper().get(s) + "] vs " + truth.get(s));
        }
        double atTruth = fit.predict(truth);
        assertEquals(atTruth, fit.predictedLoss(), 0.002, "the optimum's predicted loss is the law's minimum");
        assertTrue(fit.predict(Map.of("a", 1.0, "b", 1.0, "c", 1.0)) > atTruth, "uniform is worse than the optimum");
    }

    @Test
    void aLinearLawPutsTheOptimumInItsBestCorner() {
        double[][] w = mixtures(30, 3);
        double[] y = new double[w.length];
        for (int r = 0; r < w.length; r++) {
            y[r] = 3 - 0.5 * w[r][0] + 0.2 * w[r][1];
        }
        var fit = MixtureRegression.of(SOURCES, w, y).withSeed(4).fit();
        assertEquals(MixtureRegression.Form.LINEAR, fit.best().form(), fit.forms().toString());
        assertTrue(fit.optimum().get("a") > 0.9, fit.optimum().toString());
        assertEquals(3, fit.forms().size(), "every form is reported with its cross-validated error");
        assertEquals(0.0, fit.best().cvRmse(), 1e-3);
    }

    @Test
    void sameSeedSameFitAndTablesAreReadByTheirColumns() {
        double[][] w = mixtures(20, 5);
        double[] y = logLaw(w, 0.01, 6);
        Table t = Table.create("runs", DoubleColumn.create("w_a", column(w, 0)), DoubleColumn.create("w_b",
                column(w, 1)), DoubleColumn.create("w_c", column(w, 2)), DoubleColumn.create("w_heldout",
                new double[w.length]), DoubleColumn.create("val_loss", y));
        var fromTable = MixtureRegression.of(t, "w_", "val_loss").withSeed(9).fit();
        assertEquals(SOURCES, fromTable.sources(), "a source no run trained on is left out");
        assertEquals(MixtureRegression.of(SOURCES, w, y).withSeed(9).fit().optimum(), fromTable.optimum());
        assertEquals(fromTable.optimum(), MixtureRegression.of(t, "w_", "val_loss").withSeed(9).fit().optimum());
    }

    @Test
    void spearmanOnAHandComputedCase() {
        // d = (0, 1, 1, 0): 1 - 6 Σd² / (n(n² - 1)) = 1 - 12/60
        assertEquals(0.8, MixtureRegression.spearman(new double[] {1, 2, 3, 4}, new double[] {1, 3, 2, 4}), 1e-12);
        assertEquals(-1.0, MixtureRegression.spearman(new double[] {1, 2, 3}, new double[] {9, 5, 1}), 1e-12);
    }

    @Test
    void badInputIsAClearError() {
        double[][] w = mixtures(4, 1);
        var e = assertThrows(IllegalArgumentException.class, () -> MixtureRegression.of(SOURCES, w,
                new double[] {1, 1, 1, 1}));
        assertEquals("MixtureRegression.of: needs at least sources + 2 = 5 runs to fit and cross-validate, got 4",
                e.getMessage());
        double[][] bad = mixtures(6, 1);
        bad[2][1] = -0.5;
        e = assertThrows(IllegalArgumentException.class, () -> MixtureRegression.of(SOURCES, bad, new double[] {1, 1, 1, 1, 1, 1}));
        assertEquals("MixtureRegression.of: weights must be >= 0 and finite, got -0.5 for 'b' in run 2",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MixtureRegression.of(Table.create("t",
                DoubleColumn.create("w_a", new double[] {1})), "w_", "loss"));
        assertEquals("MixtureRegression.of: no column 'loss'; the columns are [w_a]", e.getMessage());
    }

    private static double[] column(double[][] w, int i) {
        double[] c = new double[w.length];
        for (int r = 0; r < w.length; r++) {
            c[r] = w[r][i];
        }
        return c;
    }
}
