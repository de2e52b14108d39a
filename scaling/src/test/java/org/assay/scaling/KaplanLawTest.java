package org.assay.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class KaplanLawTest {
    static final KaplanLaw TRUTH = new KaplanLaw(6.4e13, 1.8e13, 0.076, 0.103);

    static double[][] data(double noise, long seed) {
        Random rng = new Random(seed);
        int k = 8;
        double[][] out = new double[3][k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                int r = i * k + j;
                out[0][r] = Math.pow(10, 5 + 4.0 * i / (k - 1));
                out[1][r] = Math.pow(10, 7 + 4.0 * j / (k - 1));
                out[2][r] = TRUTH.predict(out[0][r], out[1][r]) * Math.exp(noise * rng.nextGaussian());
            }
        }
        return out;
    }

    @Test
    void recoversTheExponentsFromNoiseFreeAndNoisyData() {
        double[][] clean = data(0, 1);
        KaplanLaw.Fit exact = KaplanLaw.fit(clean[0], clean[1], clean[2]);
        assertEquals(TRUTH.alphaN(), exact.law().alphaN(), 1e-4, exact.toString());
        assertEquals(TRUTH.alphaD(), exact.law().alphaD(), 1e-4, exact.toString());
        assertEquals(1.0, exact.law().Nc() / TRUTH.Nc(), 0.01);
        assertTrue(exact.converged() > 0);
        double[][] noisy = data(0.005, 2);
        KaplanLaw law = KaplanLaw.fit(noisy[0], noisy[1], noisy[2]).law();
        assertEquals(TRUTH.alphaN(), law.alphaN(), 0.01, law.toString());
        assertEquals(TRUTH.alphaD(), law.alphaD(), 0.01, law.toString());
    }

    @Test
    void invalidParametersAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> new KaplanLaw(1e13, 1e13, -0.1, 0.1));
        assertTrue(e.getMessage().startsWith("KaplanLaw: Nc, Dc, alphaN and alphaD must be > 0"), e.getMessage());
    }
}
