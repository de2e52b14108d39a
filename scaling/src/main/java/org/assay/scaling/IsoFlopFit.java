package org.assay.scaling;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Chinchilla Approaches 1 and 2 (Hoffmann et al. 2022, §3.1–3.2) on final losses of runs grouped by compute budget.
 * <ul>
 *   <li>Approach 2 (IsoFLOP profiles): per budget, a parabola in {@code log N} fitted to the losses; its vertex is
 *   {@code N_opt(C)}; then {@code N_opt ∝ C^a} and {@code D_opt = C / (6 N_opt) ∝ C^b} by log-log regression.</li>
 *   <li>Approach 1 (minimum envelope): per budget, the run with the lowest loss; then the same power laws.</li>
 * </ul>
 * Runs are grouped by C after rounding to {@value #SIG_DIGITS} significant digits, so {@code 6·N·D} computed from
 * rounded N and D still lands in its budget.
 */
public final class IsoFlopFit {
    static final int SIG_DIGITS = 3;

    private IsoFlopFit() {
    }

    /** One budget's IsoFLOP profile: the parabola {@code loss = c0 + c1 u + c2 u²} in {@code u = ln N}. */
    public record Profile(double computeFlops, int runs, double c0, double c1, double c2, double optimalParameters,
                          double optimalTokens, double minimumLoss) {
    }

    /**
     * @param profiles  per budget, ascending
     * @param nOpt      {@code N_opt = A C^a}
     * @param dOpt      {@code D_opt = A' C^b}
     */
    public record Result(String approach, List<Profile> profiles, PowerLaw nOpt, PowerLaw dOpt) {
        public double a() {
            return nOpt.exponent();
        }

        public double b() {
            return dOpt.exponent();
        }
    }

    public static Result approach2(double[] parameters, double[] tokens, double[] loss) {
        return approach2(parameters, tokens, loss, null);
    }

    /**
     * Approach 2 with each run's compute budget given (runs sweep a budget exactly only up to whole steps, and a
     * model's FLOPs per token may count more than 6N): runs are grouped by {@code budgets}, not by 6·N·D.
     */
    public static Result approach2(double[] parameters, double[] tokens, double[] loss, double[] budgets) {
        String fn = "isoFlopApproach2";
        Map<Double, List<Integer>> groups = groups(fn, parameters, tokens, loss, budgets);
        List<Profile> profiles = new ArrayList<>();
        for (Map.Entry<Double, List<Integer>> g : groups.entrySet()) {
            List<Integer> rows = g.getValue();
            if (rows.size() < 3) {
                throw new IllegalArgumentException(fn + ": budget C=" + g.getKey() + " has " + rows.size()
                        + " runs; a parabola needs at least 3 model sizes per budget");
            }
            double[] u = rows.stream().mapToDouble(i -> Math.log(parameters[i])).toArray();
            double[] l = rows.stream().mapToDouble(i -> loss[i]).toArray();
            double[] c = quadratic(u, l);
            if (!(c[2] > 0)) {
                throw new IllegalArgumentException(fn + ": the IsoFLOP profile at C=" + g.getKey()
                        + " is not convex (curvature " + c[2] + "); its runs do not bracket the optimum");
            }
            double uStar = -c[1] / (2 * c[2]);
            double nStar = Math.exp(uStar);
            profiles.add(new Profile(g.getKey(), rows.size(), c[0], c[1], c[2], nStar, g.getKey() / (6 * nStar),
                    c[0] + c[1] * uStar + c[2] * uStar * uStar));
        }
        return frontier("Approach 2 (IsoFLOP parabolas)", fn, profiles);
    }

    public static Result approach1(double[] parameters, double[] tokens, double[] loss) {
        return approach1(parameters, tokens, loss, null);
    }

    /** Approach 1 with each run's compute budget given, as {@link #approach2(double[], double[], double[], double[])}. */
    public static Result approach1(double[] parameters, double[] tokens, double[] loss, double[] budgets) {
        String fn = "isoFlopApproach1";
        Map<Double, List<Integer>> groups = groups(fn, parameters, tokens, loss, budgets);
        List<Profile> profiles = new ArrayList<>();
        for (Map.Entry<Double, List<Integer>> g : groups.entrySet()) {
            int best = g.getValue().stream().min((i, j) -> Double.compare(loss[i], loss[j])).orElseThrow();
            profiles.add(new Profile(g.getKey(), g.getValue().size(), Double.NaN, Double.NaN, Double.NaN,
                    parameters[best], tokens[best], loss[best]));
        }
        return frontier("Approach 1 (minimum-loss envelope)", fn, profiles);
    }

    private static Result frontier(String approach, String fn, List<Profile> profiles) {
        if (profiles.size() < 2) {
            throw new IllegalArgumentException(fn + ": needs runs at two or more compute budgets to fit N_opt ∝ C^a, got "
                    + profiles.size());
        }
        double[] c = profiles.stream().mapToDouble(Profile::computeFlops).toArray();
        double[] n = profiles.stream().mapToDouble(Profile::optimalParameters).toArray();
        double[] d = profiles.stream().mapToDouble(Profile::optimalTokens).toArray();
        return new Result(approach, List.copyOf(profiles), PowerLaw.fitLogLog(fn, c, n), PowerLaw.fitLogLog(fn, c, d));
    }

    private static Map<Double, List<Integer>> groups(String fn, double[] parameters, double[] tokens, double[] loss,
                                                     double[] budgets) {
        Columns.requireSameLength(fn, new String[] {"N", "D", "loss"}, parameters, tokens, loss);
        Columns.requirePositiveFinite(fn, "N", parameters);
        Columns.requirePositiveFinite(fn, "D", tokens);
        Columns.requirePositiveFinite(fn, "loss", loss);
        if (budgets != null) {
            Columns.requireSameLength(fn, new String[] {"N", "C"}, parameters, budgets);
            Columns.requirePositiveFinite(fn, "C", budgets);
        }
        Map<Double, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < parameters.length; i++) {
            double c = round(budgets != null ? budgets[i] : 6 * parameters[i] * tokens[i]);
            groups.computeIfAbsent(c, k -> new ArrayList<>()).add(i);
        }
        return groups;
    }

    static double round(double x) {
        return new java.math.BigDecimal(x).round(new java.math.MathContext(SIG_DIGITS)).doubleValue();
    }

    /** Least-squares {@code y = c0 + c1 u + c2 u²}, solved on centred u for conditioning. */
    static double[] quadratic(double[] u, double[] y) {
        double mean = 0;
        for (double v : u) {
            mean += v;
        }
        mean /= u.length;
        double[][] m = new double[3][4];
        for (int i = 0; i < u.length; i++) {
            double t = u[i] - mean;
            double[] row = {1, t, t * t};
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    m[r][c] += row[r] * row[c];
                }
                m[r][3] += row[r] * y[i];
            }
        }
        double[] k = solve3(m);
        // back from centred t = u - mean: c0 + c1 (u - m) + c2 (u - m)^2
        return new double[] {k[0] - k[1] * mean + k[2] * mean * mean, k[1] - 2 * k[2] * mean, k[2]};
    }

    private static double[] solve3(double[][] a) {
        for (int col = 0; col < 3; col++) {
            int pivot = col;
            for (int r = col + 1; r < 3; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] tmp = a[col];
            a[col] = a[pivot];
            a[pivot] = tmp;
            if (Math.abs(a[col][col]) < 1e-300) {
                throw new IllegalArgumentException("isoFlopApproach2: the model sizes at one budget are not distinct"
                        + " enough to fit a parabola");
            }
            for (int r = 0; r < 3; r++) {
                if (r != col) {
                    double f = a[r][col] / a[col][col];
                    for (int c = col; c < 4; c++) {
                        a[r][c] -= f * a[col][c];
                    }
                }
            }
        }
        return new double[] {a[0][3] / a[0][0], a[1][3] / a[1][1], a[2][3] / a[2][2]};
    }
}
