package org.assay.scaling;

import java.util.ArrayList;
import java.util.List;

/**
 * How a fitted law misses each point: residuals in log space ({@code ln predicted − ln observed}, about the relative
 * error), their mean and standard deviation, and the points beyond a threshold.
 *
 * @param perPoint  residual of each point, in input order
 * @param mean      mean residual (near 0 for an unbiased fit)
 * @param sd        sample standard deviation
 * @param maxAbs    largest absolute residual
 */
public record Residuals(double[] perPoint, double mean, double sd, double maxAbs) {

    public static Residuals of(ChinchillaLaw law, double[] parameters, double[] tokens, double[] loss) {
        Columns.requireSameLength("residuals", new String[] {"N", "D", "loss"}, parameters, tokens, loss);
        Columns.requirePositiveFinite("residuals", "N", parameters);
        Columns.requirePositiveFinite("residuals", "D", tokens);
        Columns.requirePositiveFinite("residuals", "loss", loss);
        double[] r = new double[loss.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.log(law.predict(parameters[i], tokens[i])) - Math.log(loss[i]);
        }
        return of(r);
    }

    static Residuals of(double[] r) {
        double mean = 0;
        double max = 0;
        for (double v : r) {
            mean += v;
            max = Math.max(max, Math.abs(v));
        }
        mean /= r.length;
        double ss = 0;
        for (double v : r) {
            ss += (v - mean) * (v - mean);
        }
        return new Residuals(r.clone(), mean, r.length > 1 ? Math.sqrt(ss / (r.length - 1)) : 0, max);
    }

    /** Rows (1-based, as a user counts them) whose absolute residual exceeds {@code k} standard deviations. */
    public List<Integer> outliers(double k) {
        if (!(k > 0)) {
            throw new IllegalArgumentException("Residuals.outliers: k must be > 0, got " + k);
        }
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < perPoint.length; i++) {
            if (Math.abs(perPoint[i] - mean) > k * sd) {
                rows.add(i + 1);
            }
        }
        return rows;
    }
}
