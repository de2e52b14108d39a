package org.assay.scaling;

import java.util.ArrayList;
import java.util.List;
import org.assay.scaling.optim.Lbfgs;
import org.assay.scaling.optim.OptimizationResult;

/**
 * Kaplan et al. 2020, eq. 1.5: {@code L(N, D) = [(N_c/N)^(α_N/α_D) + D_c/D]^α_D}, with N non-embedding parameters
 * and D tokens; and its fit. The single-variable laws {@code L(N) = (N_c/N)^α_N}, {@code L(D)}, {@code L(C)} are
 * pure power laws: {@link PowerLaw#fitLogLog}.
 */
public record KaplanLaw(double Nc, double Dc, double alphaN, double alphaD) {

    public KaplanLaw {
        for (double v : new double[] {Nc, Dc, alphaN, alphaD}) {
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("KaplanLaw: Nc, Dc, alphaN and alphaD must be > 0 and finite, got Nc="
                        + Nc + ", Dc=" + Dc + ", alphaN=" + alphaN + ", alphaD=" + alphaD);
            }
        }
    }

    /** L(N, D); N and D finite and &gt; 0. */
    public double predict(double n, double d) {
        Columns.requirePositiveFinite("KaplanLaw.predict", "N", n);
        Columns.requirePositiveFinite("KaplanLaw.predict", "D", d);
        return Math.pow(Math.pow(Nc / n, alphaN / alphaD) + Dc / d, alphaD);
    }

    /** The fit and its convergence. */
    public record Fit(KaplanLaw law, double objective, int starts, int converged) {
    }

    /**
     * Least squares on {@code ln L} over (ln N_c, ln D_c, α_N, α_D), L-BFGS from a grid of starts, best kept.
     */
    public static Fit fit(double[] parameters, double[] tokens, double[] loss) {
        String fn = "fitKaplan";
        Columns.requireSameLength(fn, new String[] {"N", "D", "loss"}, parameters, tokens, loss);
        Columns.requirePositiveFinite(fn, "N", parameters);
        Columns.requirePositiveFinite(fn, "D", tokens);
        Columns.requirePositiveFinite(fn, "loss", loss);
        Columns.requireAtLeast(fn, parameters.length, 4);
        int m = loss.length;
        double[] lnN = new double[m];
        double[] lnD = new double[m];
        double[] lnL = new double[m];
        for (int i = 0; i < m; i++) {
            lnN[i] = Math.log(parameters[i]);
            lnD[i] = Math.log(tokens[i]);
            lnL[i] = Math.log(loss[i]);
        }
        Lbfgs lbfgs = Lbfgs.defaults().withGradientTolerance(1e-10);
        List<double[]> starts = new ArrayList<>();
        for (double lnNc : new double[] {20, 30, 40}) {
            for (double lnDc : new double[] {20, 30, 40}) {
                for (double aN : new double[] {0.05, 0.1, 0.3}) {
                    for (double aD : new double[] {0.05, 0.1, 0.3}) {
                        starts.add(new double[] {lnNc, lnDc, aN, aD});
                    }
                }
            }
        }
        OptimizationResult best = null;
        int converged = 0;
        for (double[] start : starts) {
            OptimizationResult r = lbfgs.minimize((p, g) -> {
                if (!(p[2] > 0 && p[3] > 0)) {
                    return Double.POSITIVE_INFINITY; // outside the law's domain: the line search backs off
                }
                java.util.Arrays.fill(g, 0);
                double sum = 0;
                for (int i = 0; i < m; i++) {
                    double ratio = p[2] / p[3];
                    double u1 = ratio * (p[0] - lnN[i]);
                    double u2 = p[1] - lnD[i];
                    double max = Math.max(u1, u2);
                    double e1 = Math.exp(u1 - max);
                    double e2 = Math.exp(u2 - max);
                    double lse = max + Math.log(e1 + e2);
                    double w1 = e1 / (e1 + e2);
                    double w2 = e2 / (e1 + e2);
                    double r0 = p[3] * lse - lnL[i];
                    sum += r0 * r0;
                    g[0] += 2 * r0 * p[2] * w1;
                    g[1] += 2 * r0 * p[3] * w2;
                    g[2] += 2 * r0 * w1 * (p[0] - lnN[i]);
                    g[3] += 2 * r0 * (lse - w1 * u1);
                }
                return sum;
            }, start);
            converged += r.converged() ? 1 : 0;
            if (Double.isFinite(r.value()) && (best == null || r.value() < best.value())) {
                best = r;
            }
        }
        if (best == null) {
            throw new IllegalStateException(fn + ": no start reached a finite objective");
        }
        double[] p = best.x();
        return new Fit(new KaplanLaw(Math.exp(p[0]), Math.exp(p[1]), p[2], p[3]), best.value(), starts.size(), converged);
    }
}
