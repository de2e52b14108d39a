package org.assay.lib.rl;

/**
 * Per-token estimators of KL(π ‖ π_ref) from samples of π (Schulman 2020, "Approximating KL divergence"), with
 * {@code log r = log π_ref(x) − log π(x)}:
 * <ul>
 *   <li>k1 = −log r: unbiased, high variance, can be negative;</li>
 *   <li>k2 = (log r)² / 2: biased, low variance;</li>
 *   <li>k3 = (r − 1) − log r: unbiased and never negative (what GRPO uses as its KL penalty).</li>
 * </ul>
 * Each mean is over the tokens with a positive weight.
 */
public final class Kl {
    private Kl() {
    }

    public static double k1(float[] logp, float[] logRef, float[] weights) {
        return mean("Kl.k1", logp, logRef, weights, 1);
    }

    public static double k2(float[] logp, float[] logRef, float[] weights) {
        return mean("Kl.k2", logp, logRef, weights, 2);
    }

    public static double k3(float[] logp, float[] logRef, float[] weights) {
        return mean("Kl.k3", logp, logRef, weights, 3);
    }

    static double estimate(int which, double logp, double logRef) {
        double logR = logRef - logp;
        return switch (which) {
            case 1 -> -logR;
            case 2 -> 0.5 * logR * logR;
            default -> Math.expm1(logR) - logR;
        };
    }

    private static double mean(String fn, float[] logp, float[] logRef, float[] weights, int which) {
        if (logp.length != logRef.length || logp.length != weights.length) {
            throw new IllegalArgumentException(fn + ": logp, logRef and weights must have one length, got "
                    + logp.length + ", " + logRef.length + " and " + weights.length);
        }
        double sum = 0;
        double w = 0;
        for (int i = 0; i < logp.length; i++) {
            if (weights[i] > 0) {
                sum += weights[i] * estimate(which, logp[i], logRef[i]);
                w += weights[i];
            }
        }
        if (w == 0) {
            throw new IllegalArgumentException(fn + ": every weight is 0, so there is no token to average");
        }
        return sum / w;
    }
}
