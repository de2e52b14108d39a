package org.assay.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A law evaluated at one point checks its input as the fitters check a column: a non-positive or non-finite N, D,
 * U_D or x fails with the class.method, the parameter and the value, instead of a plausible number, NaN or Infinity.
 */
class PointEvaluationTest {
    static final KaplanLaw KAPLAN = new KaplanLaw(6.4e13, 1.8e13, 0.076, 0.103);
    static final ChinchillaLaw CHINCHILLA = ChinchillaLaw.hoffmann2022();
    static final DataConstrainedLaw CONSTRAINED = DataConstrainedLaw.muennighoff2023(CHINCHILLA);
    static final PowerLaw POWER = new PowerLaw(2.0, -0.1, 1.0, 10);

    static final double[] BAD = {-5.0, 0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};

    /** name of the check, the evaluation with the bad value in one place, the expected message prefix. */
    static Stream<Arguments> evaluations() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (double v : BAD) {
            b.add(Arguments.of("KaplanLaw.predict: D must be finite and > 0, got " + v,
                    (DoubleUnaryOperator) x -> KAPLAN.predict(1e9, x), v));
            b.add(Arguments.of("KaplanLaw.predict: N must be finite and > 0, got " + v,
                    (DoubleUnaryOperator) x -> KAPLAN.predict(x, 1e10), v));
            b.add(Arguments.of("ChinchillaLaw.predict: N must be finite and > 0, got " + v,
                    (DoubleUnaryOperator) x -> CHINCHILLA.predict(x, 1e10), v));
            b.add(Arguments.of("ChinchillaLaw.predict: D must be finite and > 0, got " + v,
                    (DoubleUnaryOperator) x -> CHINCHILLA.predict(1e9, x), v));
            b.add(Arguments.of("DataConstrainedLaw.predict: N must be finite and > 0, got " + v,
                    (DoubleUnaryOperator) x -> CONSTRAINED.predict(x, 1e10, 1e9), v));
            b.add(Arguments.of("DataConstrainedLaw.predict: D must be finite and > 0, got " + v,
                    (DoubleUnaryOperator) x -> CONSTRAINED.predict(1e9, x, 1e9), v));
            b.add(Arguments.of("DataConstrainedLaw.predict: U_D must be finite and > 0, got " + v,
                    (DoubleUnaryOperator) x -> CONSTRAINED.predict(1e9, 1e10, x), v));
            b.add(Arguments.of("DataConstrainedLaw.effectiveData: U_D must be finite and > 0, got " + v,
                    (DoubleUnaryOperator) x -> CONSTRAINED.effectiveData(1e10, x), v));
            b.add(Arguments.of("DataConstrainedLaw.effectiveParameters: N must be finite and > 0, got " + v,
                    (DoubleUnaryOperator) x -> CONSTRAINED.effectiveParameters(x, 1e9), v));
            b.add(Arguments.of("DataConstrainedLaw.uniqueParameters: U_D must be finite and > 0, got " + v,
                    (DoubleUnaryOperator) x -> CONSTRAINED.uniqueParameters(1e9, x), v));
            b.add(Arguments.of("PowerLaw.predict: x must be finite and > 0, got " + v,
                    (DoubleUnaryOperator) POWER::predict, v));
            b.add(Arguments.of("Laws.powerLawWithOffset.predict: x must be finite and > 0, got " + v,
                    (DoubleUnaryOperator) x -> Laws.powerLawWithOffset().predict(new double[] {0.5, 3, 0.2}, x,
                            new double[3]), v));
            b.add(Arguments.of("Laws.rlSigmoid.predict: C must be finite and > 0, got " + v,
                    (DoubleUnaryOperator) x -> Laws.rlSigmoid(0.2, 1.0).predict(new double[] {0, 0, 9}, x,
                            new double[3]), v));
            b.add(Arguments.of("Laws.coverage.predict: k must be finite and > 0, got " + v,
                    (DoubleUnaryOperator) x -> Laws.coverage().predict(new double[] {0, -0.3}, x, new double[2]), v));
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("evaluations")
    void badPointsFailWithTheMethodParameterAndValue(String message, DoubleUnaryOperator evaluation, double value) {
        var e = assertThrows(IllegalArgumentException.class, () -> evaluation.applyAsDouble(value));
        assertEquals(message, e.getMessage());
    }

    /** The example of the issue: a negative D gave a plausible 2.2968. */
    @ParameterizedTest
    @ValueSource(doubles = {-5.0})
    void kaplanNoLongerAnswersForANegativeD(double d) {
        var e = assertThrows(IllegalArgumentException.class, () -> KAPLAN.predict(1e9, d));
        assertEquals("KaplanLaw.predict: D must be finite and > 0, got -5.0", e.getMessage());
        assertTrue(Double.isFinite(KAPLAN.predict(1e9, 5.0)), "a positive D still evaluates");
    }

    /** Valid points still give the formulas' values, bit for bit. */
    @ParameterizedTest
    @ValueSource(doubles = {1e6, 3.3e9, 7e12})
    void goodPointsGiveTheFormulas(double n) {
        double d = 20 * n;
        assertEquals(Math.pow(Math.pow(KAPLAN.Nc() / n, KAPLAN.alphaN() / KAPLAN.alphaD()) + KAPLAN.Dc() / d,
                KAPLAN.alphaD()), KAPLAN.predict(n, d), 0);
        assertEquals(CHINCHILLA.E() + CHINCHILLA.A() / Math.pow(n, CHINCHILLA.alpha())
                + CHINCHILLA.B() / Math.pow(d, CHINCHILLA.beta()), CHINCHILLA.predict(n, d), 0);
        assertEquals(2.0 * Math.pow(n, -0.1), POWER.predict(n), 0);
        assertEquals(0.0, Laws.bestOfNOveroptimization().predict(new double[] {1, 0.3}, 0.0, new double[2]), 0,
                "d = 0 (n = 1 sample, KL = 0) is in best-of-n's domain");
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.1, Double.NaN, Double.POSITIVE_INFINITY})
    void bestOfNTakesDAtOrAboveZero(double d) {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Laws.bestOfNOveroptimization().predict(new double[] {1, 0.3}, d, new double[2]));
        assertEquals("Laws.bestOfNOveroptimization.predict: d must be finite and >= 0, got " + d, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -1, Double.NaN})
    void residualsAndExtrapolationCheckTheirColumnsAndThresholds(double bad) {
        double[] n = {1e6, 1e7, 1e8};
        double[] d = {1e8, 1e9, bad};
        double[] l = {3, 2.5, 2.2};
        var e = assertThrows(IllegalArgumentException.class, () -> Residuals.of(CHINCHILLA, n, d, l));
        assertTrue(e.getMessage().startsWith("residuals: column 'D' must be"), e.getMessage());
        assertTrue(e.getMessage().endsWith("got " + bad + " at row 3"), e.getMessage());
        Residuals r = Residuals.of(CHINCHILLA, n, new double[] {1e8, 1e9, 1e10}, l);
        e = assertThrows(IllegalArgumentException.class, () -> r.outliers(bad));
        assertEquals("Residuals.outliers: k must be > 0, got " + bad, e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Extrapolation.check(ChinchillaFit.hoffmann2022(), n, new double[] {1e8, 1e9, 1e10}, l, bad));
        assertEquals("extrapolationCheck: computeThreshold must be finite and > 0, got " + bad, e.getMessage());
    }
}
