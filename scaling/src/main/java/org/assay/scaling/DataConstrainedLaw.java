package org.assay.scaling;

import org.assay.scaling.optim.Lbfgs;
import org.assay.scaling.optim.OptimizationResult;

/**
 * Data-constrained scaling (Muennighoff et al. 2023, §3, eqs. 3–5): repeated tokens and excess parameters are worth
 * less than fresh ones, with exponentially decaying returns.
 * <pre>
 *   D' = U_D + U_D·R_D*·(1 − exp(−R_D / R_D*)),   R_D = D / U_D − 1          (repetitions beyond one epoch)
 *   N' = U_N + U_N·R_N*·(1 − exp(−R_N / R_N*)),   R_N = N / U_N − 1,
 *   U_N = min(N, G·(G·U_D)^(β/α)),  G = (αA / βB)^(1/(α+β))                  (compute-optimal size for U_D)
 *   L(N, D, U_D) = E + A / N'^α + B / D'^β
 * </pre>
 * The paper reports R_D* ≈ 15.4 and R_N* ≈ 5.3.
 */
public record DataConstrainedLaw(ChinchillaLaw base, double rDStar, double rNStar) {

    public DataConstrainedLaw {
        if (base == null) {
            throw new IllegalArgumentException("DataConstrainedLaw: base must not be null");
        }
        if (!(rDStar > 0) || !(rNStar > 0) || Double.isInfinite(rDStar) || Double.isInfinite(rNStar)) {
            throw new IllegalArgumentException("DataConstrainedLaw: rDStar and rNStar must be > 0 and finite, got rDStar="
                    + rDStar + ", rNStar=" + rNStar);
        }
    }

    /** The decay constants as the paper reports them, on a base law of your choosing. */
    public static DataConstrainedLaw muennighoff2023(ChinchillaLaw base) {
        return new DataConstrainedLaw(base, 15.4, 5.3);
    }

    /** Effective data D' for D tokens drawn from U_D unique ones (D ≥ U_D: repeated epochs). */
    public double effectiveData(double tokens, double uniqueTokens) {
        Columns.requirePositiveFinite("DataConstrainedLaw.effectiveData", "D", tokens);
        Columns.requirePositiveFinite("DataConstrainedLaw.effectiveData", "U_D", uniqueTokens);
        return decayed(tokens, uniqueTokens, rDStar);
    }

    /** U + U·R*·(1 − exp(−R / R*)), R = total / U − 1 repetitions (eqs. 3 and 4 alike). */
    private static double decayed(double total, double unique, double rStar) {
        double repeats = Math.max(0, total / unique - 1);
        return unique + unique * rStar * (1 - Math.exp(-repeats / rStar));
    }

    /** U_N: the compute-optimal model size for U_D unique tokens, at most N. */
    public double uniqueParameters(double parameters, double uniqueTokens) {
        Columns.requirePositiveFinite("DataConstrainedLaw.uniqueParameters", "N", parameters);
        Columns.requirePositiveFinite("DataConstrainedLaw.uniqueParameters", "U_D", uniqueTokens);
        double g = base.allocationCoefficient();
        return Math.min(parameters, g * Math.pow(g * uniqueTokens, base.beta() / base.alpha()));
    }

    public double effectiveParameters(double parameters, double uniqueTokens) {
        Columns.requirePositiveFinite("DataConstrainedLaw.effectiveParameters", "N", parameters);
        Columns.requirePositiveFinite("DataConstrainedLaw.effectiveParameters", "U_D", uniqueTokens);
        return decayed(parameters, uniqueParameters(parameters, uniqueTokens), rNStar);
    }

    /** L(N, D, U_D); each finite and &gt; 0. */
    public double predict(double parameters, double tokens, double uniqueTokens) {
        Columns.requirePositiveFinite("DataConstrainedLaw.predict", "N", parameters);
        Columns.requirePositiveFinite("DataConstrainedLaw.predict", "D", tokens);
        Columns.requirePositiveFinite("DataConstrainedLaw.predict", "U_D", uniqueTokens);
        double n = effectiveParameters(parameters, uniqueTokens);
        double d = effectiveData(tokens, uniqueTokens);
        return base.E() + base.A() / Math.pow(n, base.alpha()) + base.B() / Math.pow(d, base.beta());
    }

    /** The fit of R_D* and R_N* and its convergence. */
    public record Fit(DataConstrainedLaw law, double objective, boolean converged) {
    }

    /**
     * Fits R_D* and R_N* on runs with repeated data, the base law held fixed (fitted before on single-epoch runs, as
     * in the paper): least squares on log loss over (ln R_D*, ln R_N*), from a small grid of starts.
     */
    public static Fit fit(ChinchillaLaw base, double[] parameters, double[] tokens, double[] uniqueTokens,
                          double[] loss) {
        String fn = "fitDataConstrained";
        String[] names = {"N", "D", "U_D", "loss"};
        Columns.requireSameLength(fn, names, parameters, tokens, uniqueTokens, loss);
        Columns.requirePositiveFinite(fn, "N", parameters);
        Columns.requirePositiveFinite(fn, "D", tokens);
        Columns.requirePositiveFinite(fn, "U_D", uniqueTokens);
        Columns.requirePositiveFinite(fn, "loss", loss);
        Columns.requireAtLeast(fn, loss.length, 2);
        Lbfgs lbfgs = Lbfgs.defaults().withGradientTolerance(1e-10);
        OptimizationResult best = null;
        for (double rd : new double[] {1, 5, 20, 80}) {
            for (double rn : new double[] {1, 5, 20, 80}) {
                OptimizationResult r = lbfgs.minimize((p, g) -> objective(base, p, parameters, tokens, uniqueTokens, loss, g),
                        new double[] {Math.log(rd), Math.log(rn)});
                if (Double.isFinite(r.value()) && (best == null || r.value() < best.value())) {
                    best = r;
                }
            }
        }
        if (best == null) {
            throw new IllegalStateException(fn + ": no start reached a finite objective");
        }
        return new Fit(new DataConstrainedLaw(base, Math.exp(best.x()[0]), Math.exp(best.x()[1])), best.value(),
                best.converged());
    }

    /**
     * R_D* fitted on runs of one model size (the miniature of the paper's Figure 3): the model's loss on fresh data is
     * {@code L(D) = E + B·D^(−β)} (a {@link Laws#powerLawWithOffset} fit of single-epoch runs, its E holding the
     * model-size term), and with D tokens drawn from U unique ones, {@code L = E + B·D'^(−β)} with D' as above.
     *
     * @param rDStar    the fitted decay constant: repeating data for R_D* epochs beyond the first is worth
     *                  1 − 1/e of as many fresh epochs
     * @param objective sum of squared log residuals at the optimum
     * @param converged whether the optimiser met its convergence test
     */
    public record RepetitionFit(double e, double b, double beta, double rDStar, double objective, boolean converged) {
        /** Effective data D' for D tokens from U unique ones (eq. 3 with this R_D*). */
        public double effectiveData(double tokens, double uniqueTokens) {
            return decayed(tokens, uniqueTokens, rDStar);
        }

        /** The predicted loss of D tokens drawn from U unique ones. */
        public double predict(double tokens, double uniqueTokens) {
            return e + b * Math.pow(effectiveData(tokens, uniqueTokens), -beta);
        }
    }

    /**
     * Fits R_D* to runs of one model size with repeated data, given that size's fresh-data curve.
     *
     * @param fresh        {@code E + B·D^(−β)} fitted on single-epoch runs of the same model (parameters E, A, alpha
     *                     of {@link Laws#powerLawWithOffset}, A and alpha standing for B and β)
     * @param tokens       D per run
     * @param uniqueTokens U per run (D / U epochs)
     * @param loss         per run
     */
    public static RepetitionFit fitRepetition(CurveFit.Result fresh, double[] tokens, double[] uniqueTokens,
                                              double[] loss) {
        String fn = "DataConstrainedLaw.fitRepetition";
        Columns.requireSameLength(fn, new String[] {"D", "U_D", "loss"}, tokens, uniqueTokens, loss);
        Columns.requirePositiveFinite(fn, "D", tokens);
        Columns.requirePositiveFinite(fn, "U_D", uniqueTokens);
        Columns.requirePositiveFinite(fn, "loss", loss);
        Columns.requireAtLeast(fn, loss.length, 1);
        double e = fresh.get("E");
        double b = fresh.get("A");
        double beta = fresh.get("alpha");
        Lbfgs lbfgs = Lbfgs.defaults().withGradientTolerance(1e-12);
        OptimizationResult best = null;
        for (double rd : new double[] {0.3, 1, 5, 20, 80}) {
            OptimizationResult r = lbfgs.minimize((p, g) -> {
                double f = repetitionSquares(e, b, beta, p[0], tokens, uniqueTokens, loss);
                double h = 1e-6 * Math.max(1, Math.abs(p[0]));
                g[0] = (repetitionSquares(e, b, beta, p[0] + h, tokens, uniqueTokens, loss)
                        - repetitionSquares(e, b, beta, p[0] - h, tokens, uniqueTokens, loss)) / (2 * h);
                return f;
            }, new double[] {Math.log(rd)});
            if (Double.isFinite(r.value()) && (best == null || r.value() < best.value())) {
                best = r;
            }
        }
        if (best == null) {
            throw new IllegalStateException(fn + ": no start reached a finite objective");
        }
        return new RepetitionFit(e, b, beta, Math.exp(best.x()[0]), best.value(), best.converged());
    }

    private static double repetitionSquares(double e, double b, double beta, double lnRd, double[] d, double[] u,
                                            double[] loss) {
        if (Math.abs(lnRd) > 30) {
            return Double.POSITIVE_INFINITY;
        }
        RepetitionFit law = new RepetitionFit(e, b, beta, Math.exp(lnRd), 0, false);
        double s = 0;
        for (int i = 0; i < loss.length; i++) {
            double r = Math.log(law.predict(d[i], u[i])) - Math.log(loss[i]);
            s += r * r;
        }
        return s;
    }

    /** Sum of squared log residuals, with a central-difference gradient (two parameters: cheap and robust). */
    private static double objective(ChinchillaLaw base, double[] p, double[] n, double[] d, double[] u, double[] loss,
                                    double[] g) {
        double f = sumSquares(base, p[0], p[1], n, d, u, loss);
        for (int j = 0; j < 2; j++) {
            double h = 1e-6 * Math.max(1, Math.abs(p[j]));
            double up = sumSquares(base, j == 0 ? p[0] + h : p[0], j == 1 ? p[1] + h : p[1], n, d, u, loss);
            double down = sumSquares(base, j == 0 ? p[0] - h : p[0], j == 1 ? p[1] - h : p[1], n, d, u, loss);
            g[j] = (up - down) / (2 * h);
        }
        return f;
    }

    private static double sumSquares(ChinchillaLaw base, double lnRd, double lnRn, double[] n, double[] d, double[] u,
                                     double[] loss) {
        if (Math.abs(lnRd) > 30 || Math.abs(lnRn) > 30) {
            return Double.POSITIVE_INFINITY;
        }
        DataConstrainedLaw law = new DataConstrainedLaw(base, Math.exp(lnRd), Math.exp(lnRn));
        double s = 0;
        for (int i = 0; i < loss.length; i++) {
            double r = Math.log(law.predict(n[i], d[i], u[i])) - Math.log(loss[i]);
            s += r * r;
        }
        return s;
    }
}
