package org.assay.lib.data;

import java.util.SplittableRandom;

/**
 * Draws from Gamma and Dirichlet distributions, for the random transition tables of a {@link SyntheticLanguage} and
 * the random data mixtures of a sweep (RegMix, Liu et al. 2024, samples its proxy runs' mixtures from a Dirichlet).
 */
public final class Dirichlet {
    private Dirichlet() {
    }

    /** One draw of Dirichlet({@code alpha}): Gamma(alpha_i, 1) draws, normalised; every alpha_i must be > 0. */
    public static double[] sample(double[] alpha, SplittableRandom rng) {
        double[] w = new double[alpha.length];
        double sum = 0;
        for (int i = 0; i < alpha.length; i++) {
            if (!(alpha[i] > 0) || Double.isInfinite(alpha[i])) {
                throw new IllegalArgumentException("Dirichlet.sample: every alpha must be > 0 and finite, got "
                        + java.util.Arrays.toString(alpha));
            }
            w[i] = gamma(alpha[i], rng);
            sum += w[i];
        }
        if (!(sum > 0)) { // every draw underflowed (tiny alphas): a point mass
            w[rng.nextInt(alpha.length)] = sum = 1;
        }
        for (int i = 0; i < w.length; i++) {
            w[i] /= sum;
        }
        return w;
    }

    /** Gamma(shape, 1) by Marsaglia &amp; Tsang 2000 (with the shape &lt; 1 boost). */
    public static double gamma(double shape, SplittableRandom rng) {
        if (shape < 1) {
            return gamma(shape + 1, rng) * Math.pow(rng.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = rng.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = rng.nextDouble();
            if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }
}
