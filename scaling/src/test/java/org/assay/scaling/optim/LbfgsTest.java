package org.assay.scaling.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LbfgsTest {
    /** Rosenbrock's valley: minimum 0 at (1, 1). */
    static final DifferentiableFunction ROSENBROCK = (x, g) -> {
        double a = 1 - x[0];
        double b = x[1] - x[0] * x[0];
        g[0] = -2 * a - 400 * x[0] * b;
        g[1] = 200 * b;
        return a * a + 100 * b * b;
    };

    /** f(x) = Σ c_i (x_i - m_i)^2: minimum at m, value 0. */
    @Test
    void quadraticWithDifferentScalesReachesItsMinimum() {
        double[] c = {1, 100, 0.01};
        double[] m = {3, -2, 50};
        DifferentiableFunction f = (x, g) -> {
            double v = 0;
            for (int i = 0; i < x.length; i++) {
                v += c[i] * (x[i] - m[i]) * (x[i] - m[i]);
                g[i] = 2 * c[i] * (x[i] - m[i]);
            }
            return v;
        };
        OptimizationResult r = Lbfgs.defaults().minimize(f, new double[] {0, 0, 0});
        assertTrue(r.converged(), r.reason());
        assertArrayEquals(m, r.x(), 1e-3);
        assertEquals(0, r.value(), 1e-8);
    }

    /** Rosenbrock's valley: minimum 0 at (1, 1), from the classic starts. */
    @ParameterizedTest
    @CsvSource({"-1.2, 1", "0, 0", "2, 2", "-3, -4"})
    void rosenbrockFromClassicStarts(double x0, double y0) {
        DifferentiableFunction f = ROSENBROCK;
        OptimizationResult r = Lbfgs.defaults().withGradientTolerance(1e-8).withRelativeFunctionTolerance(0)
                .minimize(f, new double[] {x0, y0});
        assertTrue(r.converged(), r.reason());
        assertArrayEquals(new double[] {1, 1}, r.x(), 1e-5);
        assertTrue(r.iterations() < 200, "iterations " + r.iterations());
    }

    @Test
    void aFunctionThatIsNotFiniteAtTheStartIsReportedNotConverged() {
        OptimizationResult r = Lbfgs.defaults().minimize((x, g) -> Double.NaN, new double[] {1});
        assertFalse(r.converged());
        assertEquals("f is not finite at the start", r.reason());
    }

    @Test
    void iterationLimitIsReported() {
        DifferentiableFunction f = ROSENBROCK;
        OptimizationResult r = Lbfgs.defaults().withMaxIterations(3).withRelativeFunctionTolerance(0)
                .minimize(f, new double[] {-1.2, 1});
        assertFalse(r.converged());
        assertEquals("iteration limit", r.reason());
    }

    @Test
    void badSettingsAreRejectedWithTheValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> Lbfgs.defaults().withMemory(0));
        assertEquals("Lbfgs: memory must be >= 1, got 0", e.getMessage());
    }
}
