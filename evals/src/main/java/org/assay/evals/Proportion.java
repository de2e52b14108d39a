package org.assay.evals;

import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Confidence intervals for a proportion (accuracy from k successes in n trials). Neither ever has zero width at 0% or
 * 100%, unlike the normal-approximation ("Wald") interval many harnesses report.
 */
public final class Proportion {
    private Proportion() {
    }

    /** An interval around an estimate. */
    public record Interval(double estimate, double lower, double upper, double confidence) {
    }

    /** Wilson score interval (Wilson 1927; Brown, Cai &amp; DasGupta 2001 recommend it for small n). */
    public static Interval wilson(int successes, int trials, double confidence) {
        validate("wilson", successes, trials, confidence);
        double z = new NormalDistribution().inverseCumulativeProbability(1 - (1 - confidence) / 2);
        double p = (double) successes / trials;
        double z2 = z * z;
        double denom = 1 + z2 / trials;
        double centre = (p + z2 / (2.0 * trials)) / denom;
        double half = z * Math.sqrt(p * (1 - p) / trials + z2 / (4.0 * trials * trials)) / denom;
        return new Interval(p, Math.max(0, centre - half), Math.min(1, centre + half), confidence);
    }

    /** Clopper–Pearson exact interval, from Beta quantiles (Clopper &amp; Pearson 1934). Conservative. */
    public static Interval clopperPearson(int successes, int trials, double confidence) {
        validate("clopperPearson", successes, trials, confidence);
        double alpha = 1 - confidence;
        double lower = successes == 0 ? 0
                : new BetaDistribution(successes, trials - successes + 1).inverseCumulativeProbability(alpha / 2);
        double upper = successes == trials ? 1
                : new BetaDistribution(successes + 1, trials - successes).inverseCumulativeProbability(1 - alpha / 2);
        return new Interval((double) successes / trials, lower, upper, confidence);
    }

    private static void validate(String fn, int successes, int trials, double confidence) {
        if (trials < 1) {
            throw new IllegalArgumentException(fn + ": trials must be >= 1, got " + trials);
        }
        if (successes < 0 || successes > trials) {
            throw new IllegalArgumentException(fn + ": successes must be in [0, trials=" + trials + "], got " + successes);
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException(fn + ": confidence must be in (0, 1), got " + confidence);
        }
    }
}
