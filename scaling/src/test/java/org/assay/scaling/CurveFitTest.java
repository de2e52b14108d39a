package org.assay.scaling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** CurveFit's typed bootstrap and the evaluation of a form at its reported parameters. */
class CurveFitTest {
    final CurveFit fit = CurveFit.create();

    private double[][] noisyPowerLaw() {
        return LawsTest.data(c -> 1.8 + 30 * Math.pow(c, -0.15), 1e15, 1e21, 40, 0.01, true, 4);
    }

    /**
     * With 201 resamples and 90% the percentile positions are whole (0.05 · 200 = 10, 0.95 · 200 = 190): the interval
     * is the 11th and 191st smallest refit, no interpolation.
     */
    @Test
    void intervalsAreOrderStatisticsOfTheRefits() {
        double[][] d = noisyPowerLaw();
        CurveForm form = Laws.powerLawWithOffset();
        CurveFit.Result full = fit.fit(form, d[0], d[1]);
        CurveFit.Bootstrap boot = fit.bootstrap(form, d[0], d[1], full, 201, 3);
        assertEquals(201, boot.resamples());
        assertEquals(3, boot.seed());
        assertEquals(form.parameters(), List.copyOf(boot.samples().keySet()));
        for (String name : form.parameters()) {
            double[] sorted = boot.samples(name);
            assertEquals(201, sorted.length);
            Arrays.sort(sorted);
            Bootstrap.Interval i = boot.interval(name, 0.9);
            assertEquals(sorted[10], i.lower(), 0, name);
            assertEquals(sorted[190], i.upper(), 0, name);
            assertEquals(full.get(name), i.estimate(), 0);
            assertEquals(0.9, i.confidence());
            assertArrayEquals(new double[] {i.lower(), i.upper()}, boot.intervals(0.9).get(name));
            assertTrue(sorted[0] < sorted[200], name + " varies across resamples");
        }
        assertTrue(boot.converged() > 150 && boot.converged() <= 201, "converged " + boot.converged());
    }

    @Test
    void theSameSeedGivesTheSameRefitsAndAnotherSeedOthers() {
        double[][] d = noisyPowerLaw();
        CurveForm form = Laws.powerLawWithOffset();
        CurveFit.Result full = fit.fit(form, d[0], d[1]);
        CurveFit.Bootstrap one = fit.bootstrap(form, d[0], d[1], full, 30, 11);
        CurveFit.Bootstrap two = fit.bootstrap(form, d[0], d[1], full, 30, 11);
        CurveFit.Bootstrap other = fit.bootstrap(form, d[0], d[1], full, 30, 12);
        for (String name : form.parameters()) {
            assertArrayEquals(one.samples(name), two.samples(name));
            assertFalse(Arrays.equals(one.samples(name), other.samples(name)), name);
        }
    }

    @Test
    void theResultIsImmutableAndNamesItsMistakes() {
        double[][] d = noisyPowerLaw();
        CurveForm form = Laws.powerLawWithOffset();
        CurveFit.Result full = fit.fit(form, d[0], d[1]);
        double[] alpha = new double[] {0.1, 0.2, 0.3};
        Map<String, double[]> given = new LinkedHashMap<>();
        given.put("E", alpha.clone());
        given.put("A", alpha.clone());
        given.put("alpha", alpha);
        CurveFit.Bootstrap boot = new CurveFit.Bootstrap(full, given, 3, 0);
        alpha[0] = 99;
        boot.samples("alpha")[1] = 99;
        boot.samples().get("alpha")[2] = 99;
        assertArrayEquals(new double[] {0.1, 0.2, 0.3}, boot.samples("alpha"));
        var e = assertThrows(IllegalArgumentException.class, () -> boot.interval("beta", 0.95));
        assertEquals("CurveFit.Bootstrap.interval: no parameter 'beta'; the parameters are [E, A, alpha]",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> boot.interval("alpha", 1.0));
        assertEquals("CurveFit.Bootstrap.interval: confidence must be in (0, 1), got 1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> fit.bootstrap(form, d[0], d[1], full, 0, 1));
        assertEquals("bootstrap(power law with offset): resamples must be >= 1, got 0", e.getMessage());
        String text = fit.bootstrap(form, d[0], d[1], full, 20, 1).toMimeBundle().get("text/plain");
        assertTrue(text.contains("20 resamples (seed 1)") && text.contains("alpha"), text);
    }

    /** Each form evaluated at a fit's reported parameters equals its prediction at the internal ones. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("org.assay.scaling.LawsTest#cases")
    void reportedParametersPredictWhatTheInternalOnesDo(String name, CurveForm form, DoubleUnaryOperator f, double lo,
                                                        double hi, boolean multiplicative, Map<String, Double> truth,
                                                        Map<String, Double> tolerance) {
        double[][] d = LawsTest.data(f, lo, hi, 25, 0.01, multiplicative, 8);
        CurveFit.Result r = fit.fit(form, d[0], d[1]);
        double[] theta = r.internal().stream().mapToDouble(Double::doubleValue).toArray();
        double[] back = form.internal(form.report(theta));
        for (int i = 0; i < theta.length; i++) {
            assertEquals(theta[i], back[i], 1e-9 * Math.max(1, Math.abs(theta[i])), "internal(report(θ)) at " + i);
        }
        double[] g = new double[form.size()];
        for (double x : new double[] {lo, Math.sqrt(lo * hi), hi, 2 * hi}) {
            double internal = form.predict(theta, x, g);
            double reported = form.predictReported(r.params(), x);
            assertEquals(internal, reported, 1e-12 * Math.max(1, Math.abs(internal)), name + " at x=" + x);
        }
        // and at the true parameters, the law itself
        double x = Math.sqrt(lo * hi);
        assertEquals(f.applyAsDouble(x), form.predictReported(truth, x), 1e-12 * Math.abs(f.applyAsDouble(x)));
    }

    /** Hand-computed: at C = C_mid the sigmoid is halfway from R0 to A; a published power law at x = 1e6. */
    @Test
    void publishedValuesEvaluateByHand() {
        assertEquals(0.2 + 0.55 / 2, Laws.rlSigmoid(0.2).predictReported(Map.of("A", 0.75, "B", 1.3, "C_mid", 3e4), 3e4),
                1e-15);
        assertEquals(0.2 + 0.55 / 2, Laws.rlSigmoid().predictReported(
                Map.of("A", 0.75, "B", 1.3, "C_mid", 3e4, "R0", 0.2), 3e4), 1e-15);
        assertEquals(1.8 + 30 * Math.pow(1e6, -0.15), Laws.powerLawWithOffset().predictReported(
                Map.of("E", 1.8, "A", 30.0, "alpha", 0.15), 1e6), 1e-13);
        // an asymptote at the ceiling (a saturated fit reports one) still evaluates: R0 + (1 − R0)/2 at C_mid
        assertEquals(0.2 + 0.8 / 2, Laws.rlSigmoid(0.2, 1.0).predictReported(Map.of("A", 1.0, "B", 1.3, "C_mid", 3e4),
                3e4), 1e-15);
        assertEquals(Math.exp(-2.0 * Math.pow(16, -0.4)), Laws.coverage().predictReported(Map.of("a", -2.0, "b", -0.4),
                16), 1e-15);
    }

    @Test
    void reportedParametersOutsideTheLawAreNamed() {
        CurveForm power = Laws.powerLawWithOffset();
        var e = assertThrows(IllegalArgumentException.class,
                () -> power.predictReported(Map.of("E", 1.8, "A", 30.0), 1e6));
        assertEquals("CurveForm.predictReported(power law with offset): params must be exactly [E, A, alpha], got ",
                e.getMessage().substring(0, e.getMessage().indexOf("got ") + 4));
        e = assertThrows(IllegalArgumentException.class,
                () -> power.predictReported(Map.of("E", -1.0, "A", 30.0, "alpha", 0.1), 1e6));
        assertEquals("Laws.powerLawWithOffset.internal: E must be > 0 (the law fits ln E), got -1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> power.predictReported(Map.of("E", 1.0, "A", Double.NaN, "alpha", 0.1), 1e6));
        assertEquals("CurveForm.predictReported(power law with offset): A must be finite, got NaN", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> power.predictReported(Map.of("E", 1.0, "A", 30.0, "alpha", 0.1), -3));
        assertEquals("Laws.powerLawWithOffset.predict: x must be finite and > 0, got -3.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Laws.rlSigmoid(0.2, 1.0)
                .predictReported(Map.of("A", 1.2, "B", 1.3, "C_mid", 3e4), 3e4));
        assertEquals("Laws.rlSigmoid.internal: A must be in [R0, ceiling] = [0.2, 1.0], got 1.2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Laws.coverage().predictReported(Map.of("a", 0.5, "b", -0.4), 16));
        assertEquals("Laws.coverage.internal: a must be < 0 (the law fits log(−a)), got 0.5", e.getMessage());
        assertNotEquals(0, Laws.logLinear().predictReported(Map.of("a", 0.1, "b", 0.05), 10));
    }
}
