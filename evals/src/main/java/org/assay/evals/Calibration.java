package org.assay.evals;

/**
 * Calibration of stated confidences against outcomes: expected calibration error over equal-width bins
 * (Guo et al. 2017), the reliability-diagram data behind it, and the Brier score (Brier 1950).
 */
public final class Calibration {
    private Calibration() {
    }

    /** One bin of a reliability diagram. */
    public record Bin(double from, double to, int count, double meanConfidence, double accuracy) {
    }

    public static Bin[] reliability(double[] confidence, boolean[] correct, int bins) {
        validate("reliability", confidence, correct, bins);
        int[] count = new int[bins];
        double[] conf = new double[bins];
        double[] hits = new double[bins];
        for (int i = 0; i < confidence.length; i++) {
            int b = Math.min(bins - 1, (int) Math.floor(confidence[i] * bins));
            count[b]++;
            conf[b] += confidence[i];
            hits[b] += correct[i] ? 1 : 0;
        }
        Bin[] out = new Bin[bins];
        for (int b = 0; b < bins; b++) {
            out[b] = new Bin((double) b / bins, (double) (b + 1) / bins, count[b],
                    count[b] == 0 ? Double.NaN : conf[b] / count[b], count[b] == 0 ? Double.NaN : hits[b] / count[b]);
        }
        return out;
    }

    /** ECE: {@code Σ_b (n_b / n) · |accuracy_b − confidence_b|}. */
    public static double expectedCalibrationError(double[] confidence, boolean[] correct, int bins) {
        double ece = 0;
        for (Bin b : reliability(confidence, correct, bins)) {
            if (b.count() > 0) {
                ece += (double) b.count() / confidence.length * Math.abs(b.accuracy() - b.meanConfidence());
            }
        }
        return ece;
    }

    /** Mean squared difference between confidence and outcome (0 or 1). */
    public static double brier(double[] confidence, boolean[] correct) {
        validate("brier", confidence, correct, 1);
        double s = 0;
        for (int i = 0; i < confidence.length; i++) {
            double d = confidence[i] - (correct[i] ? 1 : 0);
            s += d * d;
        }
        return s / confidence.length;
    }

    private static void validate(String fn, double[] confidence, boolean[] correct, int bins) {
        if (confidence.length != correct.length) {
            throw new IllegalArgumentException(fn + ": confidence and correct must have the same length, got "
                    + confidence.length + " and " + correct.length);
        }
        if (confidence.length == 0) {
            throw new IllegalArgumentException(fn + ": no predictions given");
        }
        if (bins < 1) {
            throw new IllegalArgumentException(fn + ": bins must be >= 1, got " + bins);
        }
        for (int i = 0; i < confidence.length; i++) {
            if (!(confidence[i] >= 0 && confidence[i] <= 1)) {
                throw new IllegalArgumentException(fn + ": confidence must be in [0, 1], got " + confidence[i]
                        + " at row " + (i + 1));
            }
        }
    }
}
