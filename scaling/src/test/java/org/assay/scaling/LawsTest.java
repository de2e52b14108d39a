package org.assay.scaling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LawsTest {
    final CurveFit fit = CurveFit.create();

    /** xs spaced geometrically from lo to hi; ys from f with multiplicative (log) or additive noise. */
    static double[][] data(DoubleUnaryOperator f, double lo, double hi, int n, double noise, boolean multiplicative,
                           long seed) {
        Random rng = new Random(seed);
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = lo * Math.pow(hi / lo, i / (n - 1.0));
            double e = noise * rng.nextGaussian();
            y[i] = multiplicative ? f.applyAsDouble(x[i]) * Math.exp(e) : f.applyAsDouble(x[i]) + e;
        }
        return new double[][] {x, y};
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("power law with offset", Laws.powerLawWithOffset(),
                        (DoubleUnaryOperator) c -> 1.8 + 30 * Math.pow(c, -0.15), 1e6, 1e14, true,
                        Map.of("E", 1.8, "A", 30.0, "alpha", 0.15), Map.of("E", 0.05, "A", 0.2, "alpha", 0.02)),
                Arguments.of("log-linear", Laws.logLinear(), (DoubleUnaryOperator) c -> 0.1 + 0.05 * Math.log(c), 1e2, 1e8,
                        false, Map.of("a", 0.1, "b", 0.05), Map.of("a", 0.02, "b", 0.002)),
                Arguments.of("RL sigmoid", Laws.rlSigmoid(0.2),
                        (DoubleUnaryOperator) c -> 0.2 + (0.75 - 0.2) / (1 + Math.pow(3e4 / c, 1.3)), 1e2, 1e7, false,
                        Map.of("A", 0.75, "B", 1.3, "C_mid", 3e4), Map.of("A", 0.02, "B", 0.15, "C_mid", 0.15)),
                Arguments.of("RL sigmoid below a ceiling", Laws.rlSigmoid(0.2, 1.0),
                        (DoubleUnaryOperator) c -> 0.2 + (0.75 - 0.2) / (1 + Math.pow(3e4 / c, 1.3)), 1e2, 1e7, false,
                        Map.of("A", 0.75, "B", 1.3, "C_mid", 3e4), Map.of("A", 0.02, "B", 0.15, "C_mid", 0.15)),
                Arguments.of("coverage", Laws.coverage(), (DoubleUnaryOperator) k -> Math.exp(-2.0 * Math.pow(k, -0.4)),
                        1, 1e4, true, Map.of("a", -2.0, "b", -0.4), Map.of("a", 0.05, "b", 0.02)),
                Arguments.of("best-of-n", Laws.bestOfNOveroptimization(), (DoubleUnaryOperator) d -> d * (1.2 - 0.3 * d),
                        0.1, 3, false, Map.of("alpha", 1.2, "beta", 0.3), Map.of("alpha", 0.03, "beta", 0.02)),
                Arguments.of("RL over-optimization", Laws.rlOveroptimization(),
                        (DoubleUnaryOperator) d -> d * (1.0 - 0.4 * Math.log(d)), 0.1, 5, false,
                        Map.of("alpha", 1.0, "beta", 0.4), Map.of("alpha", 0.03, "beta", 0.02)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void recoversKnownParametersFromNoiseFreeAndNoisyData(String name, CurveForm form, DoubleUnaryOperator f, double lo,
                                                          double hi, boolean multiplicative, Map<String, Double> truth,
                                                          Map<String, Double> tolerance) {
        double[][] clean = data(f, lo, hi, 30, 0, multiplicative, 1);
        CurveFit.Result exact = fit.fit(form, clean[0], clean[1]);
        truth.forEach((p, v) -> assertEquals(v, exact.get(p), 1e-4 * Math.max(1, Math.abs(v)), name + " " + p + " " + exact));
        for (long seed : new long[] {2, 3}) {
            double[][] noisy = data(f, lo, hi, 40, 0.005, multiplicative, seed);
            CurveFit.Result r = fit.fit(form, noisy[0], noisy[1]);
            truth.forEach((p, v) -> {
                double tol = tolerance.get(p) * (p.equals("A") || p.equals("C_mid") ? Math.abs(v) : 1);
                assertEquals(v, r.get(p), tol, name + " " + p + " seed " + seed + " " + r);
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientsMatchFiniteDifferences(String name, CurveForm form, DoubleUnaryOperator f, double lo, double hi) {
        double[][] d = data(f, lo, hi, 5, 0, true, 1);
        double[] theta = form.starts(d[0], d[1]).get(0);
        double[] g = new double[form.size()];
        for (double x : d[0]) {
            form.predict(theta, x, g);
            for (int j = 0; j < theta.length; j++) {
                double h = 1e-6 * Math.max(1, Math.abs(theta[j]));
                double[] up = theta.clone();
                double[] down = theta.clone();
                up[j] += h;
                down[j] -= h;
                double[] scratch = new double[form.size()];
                double numeric = (form.predict(up, x, scratch) - form.predict(down, x, scratch)) / (2 * h);
                assertEquals(numeric, g[j], 1e-5 * Math.max(1, Math.abs(numeric)), name + " d/dθ" + j + " at x=" + x);
            }
        }
    }

    @Test
    void bootstrapIsSeededAndBracketsTheTruth() {
        DoubleUnaryOperator f = c -> 1.8 + 30 * Math.pow(c, -0.15);
        double[][] d = data(f, 1e15, 1e21, 40, 0.01, true, 4);
        CurveForm form = Laws.powerLawWithOffset();
        CurveFit.Result full = fit.fit(form, d[0], d[1]);
        CurveFit.Bootstrap one = fit.bootstrap(form, d[0], d[1], full, 200, 9);
        CurveFit.Bootstrap two = fit.bootstrap(form, d[0], d[1], full, 200, 9);
        assertArrayEquals(one.samples("alpha"), two.samples("alpha"));
        assertArrayEquals(one.intervals(0.95).get("alpha"), two.intervals(0.95).get("alpha"));
        Bootstrap.Interval alpha = one.interval("alpha", 0.95);
        assertTrue(alpha.lower() < 0.15 && 0.15 < alpha.upper(), "95% interval " + alpha);
        assertEquals(full.get("alpha"), alpha.estimate());
        assertEquals(200, one.resamples());
    }

    @Test
    void bestOfNKlMatchesTheFormula() {
        assertEquals(0, Laws.bestOfNKl(1), 0);
        assertEquals(Math.log(16) - 15.0 / 16, Laws.bestOfNKl(16), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> Laws.bestOfNKl(0));
    }

    /** A curve seen only before its bend: unbounded, the fit's asymptote passes 1; with a ceiling it cannot. */
    @Test
    void aCeilingKeepsTheAsymptoteOfAnUnbentCurveBelowIt() {
        double[][] d = data(c -> 0.2 + (1.3 - 0.2) / (1 + Math.pow(1e6 / c, 1.0)), 1e2, 3e5, 20, 0, false, 1);
        CurveFit.Result free = fit.fit(Laws.rlSigmoid(0.2), d[0], d[1]);
        CurveFit.Result capped = fit.fit(Laws.rlSigmoid(0.2, 1.0), d[0], d[1]);
        assertTrue(free.get("A") > 1, free.toString());
        assertTrue(capped.get("A") > 0.2 && capped.get("A") < 1, capped.toString());
        var bootstrap = fit.bootstrap(Laws.rlSigmoid(0.2, 1.0), d[0], d[1], capped, 50, 5);
        assertTrue(bootstrap.interval("A", 0.95).upper() <= 1, bootstrap.interval("A", 0.95).toString());
    }

    @Test
    void badInputNamesTheRowAndValue() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> fit.fit(Laws.coverage(), new double[] {1, 2, 4}, new double[] {0.2, 1.3, 0.5}));
        assertEquals("fit(inference-time coverage): column 'coverage' must be in (0, 1], got 1.3 at row 2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> fit.fit(Laws.powerLawWithOffset(), new double[] {1, 2, 3, 4}, new double[] {3, 2, -1, 1}));
        assertEquals("fit(power law with offset): column 'y' must be > 0, got -1.0 at row 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> fit.fit(Laws.rlSigmoid(0), new double[] {1, 2}, new double[] {0.1, 0.2}));
        assertEquals("fit(RL compute sigmoid): needs at least as many points as parameters (3), got 2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Laws.rlSigmoid(0.4, 0.4));
        assertEquals("Laws.rlSigmoid: ceiling must be finite and > r0, got r0=0.4, ceiling=0.4", e.getMessage());
        CurveFit.Result r = fit.fit(Laws.logLinear(), new double[] {1, 10, 100}, new double[] {1, 2, 3});
        e = assertThrows(IllegalArgumentException.class, () -> r.get("c"));
        assertTrue(e.getMessage().contains("no parameter 'c'"), e.getMessage());
        assertTrue(r.toJson().startsWith("{\"a\": "), r.toJson());
        assertTrue(r.toMimeBundle().get("text/html").contains("y = a + b·ln x"));
        assertEquals(List.of("a", "b"), List.copyOf(r.params().keySet()));
    }
}
