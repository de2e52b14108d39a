package org.assay.lib.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MlpTest {

    @Test
    void fitsASineCurve() {
        double[][] x = new double[64][1];
        double[] y = new double[64];
        for (int i = 0; i < 64; i++) {
            x[i][0] = -3 + 6.0 * i / 63;
            y[i] = Math.sin(x[i][0]);
        }
        try (Mlp net = Mlp.regression(new int[] {1, 32, 32, 1}, 0)) {
            double first = net.step(x, y, 1e-2);
            double last = first;
            for (int i = 0; i < 800; i++) {
                last = net.step(x, y, 1e-2);
            }
            assertTrue(first > 0.1, "starts far off: " + first);
            assertTrue(last < 2e-3, "mean squared error after training: " + last);
            double[] fit = net.predict(x);
            assertEquals(Math.sin(1.0), fit[42], 0.1); // x[42] = 1.0
        }
    }

    @Test
    void classifiesTwoSeparableClustersAndIsSeeded() {
        double[][] x = {{-2, -2}, {-1.5, -2.2}, {-2.1, -1.4}, {2, 2}, {1.6, 2.1}, {2.2, 1.5}};
        double[] y = {0, 0, 0, 1, 1, 1};
        try (Mlp a = Mlp.classifier(new int[] {2, 8, 2}, 3); Mlp b = Mlp.classifier(new int[] {2, 8, 2}, 3)) {
            for (int i = 0; i < 100; i++) {
                assertEquals(a.step(x, y, 0.05), b.step(x, y, 0.05));
            }
            assertArrayEquals(y, a.predict(x));
            var e = assertThrows(IllegalArgumentException.class, () -> a.step(x, new double[] {0, 0, 0, 1, 1, 2}, 0.1));
            assertEquals("Mlp.step: class labels must be integers in [0, 2), got 2.0 at row 5", e.getMessage());
        }
    }
}
