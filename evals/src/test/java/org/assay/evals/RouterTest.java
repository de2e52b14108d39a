package org.assay.evals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RouterTest {

    /** Four problems worked by hand: the small model costs 10 FLOPs a problem, the large 100. */
    @Test
    void theCurveRunsFromTheSmallModelToRoutingEverything() {
        double[] signal = {0.9, 0.5, 0.2, 1.0};
        double[] small = {1, 0, 0, 1};
        double[] large = {1, 1, 0, 1};
        double[] tens = {10, 10, 10, 10};
        double[] hundreds = {100, 100, 100, 100};
        Router.Curve c = Router.sweep(signal, small, tens, large, hundreds, 1);
        List<double[]> expected = List.of(new double[] {0, 0.5, 10}, new double[] {0.25, 0.5, 35},
                new double[] {0.5, 0.75, 60}, new double[] {0.75, 0.75, 85}, new double[] {1, 0.75, 110});
        assertEquals(expected.size(), c.points().size());
        for (int i = 0; i < expected.size(); i++) {
            Router.Point p = c.points().get(i);
            assertEquals(expected.get(i)[0], p.routedFraction(), 1e-12, "routed at point " + i);
            assertEquals(expected.get(i)[1], p.accuracy(), 1e-12, "accuracy at point " + i);
            assertEquals(expected.get(i)[2], p.meanFlops(), 1e-12, "FLOPs at point " + i);
        }
        assertEquals(0.5, c.small().accuracy());
        assertEquals(10, c.small().meanFlops());
        assertEquals(0.75, c.large().accuracy());
        assertEquals(100, c.large().meanFlops(), "the large model alone pays no pilot");
        assertEquals(0.75, c.oracle().accuracy());
        assertEquals(35, c.oracle().meanFlops(), "the oracle routes only problem 1");
    }

    @Test
    void mismatchedOrNegativeColumnsAreNamed() {
        double[] one = {1};
        var e = assertThrows(IllegalArgumentException.class,
                () -> Router.sweep(one, one, new double[] {1, 2}, one, one, 1));
        assertEquals("Router.sweep: smallFlops has 2 problems, signal has 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Router.sweep(one, one, one, one, new double[] {-3}, 1));
        assertEquals("Router.sweep: largeFlops must be finite and >= 0, got -3.0 at problem 0", e.getMessage());
    }
}
