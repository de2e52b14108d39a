package org.assay.scaling.optim;

/**
 * Limited-memory BFGS (Nocedal &amp; Wright, <i>Numerical Optimization</i>, 2nd ed., Alg. 7.4–7.5) with a line search
 * that enforces the strong Wolfe conditions (Alg. 3.5–3.6, cubic interpolation in the zoom phase).
 * <p>
 * Stops, as scipy's L-BFGS-B does by default, when the largest gradient component is below {@code gtol} (1e-5) or
 * the relative decrease of f in one step is below {@code ftol} (1e7 × machine epsilon ≈ 2.2e-9). Reports which test
 * ended it, so a caller can count converged starts.
 * Immutable and thread-safe: one instance serves many starts in parallel.
 */
public final class Lbfgs {
    private static final double C1 = 1e-4;
    private static final double C2 = 0.9;
    private static final double EPS = Math.ulp(1.0);

    private final int memory;
    private final int maxIterations;
    private final double gtol;
    private final double ftol;

    private Lbfgs(int memory, int maxIterations, double gtol, double ftol) {
        if (memory < 1) {
            throw new IllegalArgumentException("Lbfgs: memory must be >= 1, got " + memory);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("Lbfgs: maxIterations must be >= 1, got " + maxIterations);
        }
        if (!(gtol >= 0) || !(ftol >= 0)) {
            throw new IllegalArgumentException("Lbfgs: gtol and ftol must be >= 0, got gtol=" + gtol + ", ftol=" + ftol);
        }
        this.memory = memory;
        this.maxIterations = maxIterations;
        this.gtol = gtol;
        this.ftol = ftol;
    }

    /** scipy's L-BFGS-B defaults: m = 10, maxiter = 15000, pgtol = 1e-5, factr = 1e7. */
    public static Lbfgs defaults() {
        return new Lbfgs(10, 15_000, 1e-5, 1e7 * EPS);
    }

    public Lbfgs withMemory(int m) {
        return new Lbfgs(m, maxIterations, gtol, ftol);
    }

    public Lbfgs withMaxIterations(int n) {
        return new Lbfgs(memory, n, gtol, ftol);
    }

    public Lbfgs withGradientTolerance(double g) {
        return new Lbfgs(memory, maxIterations, g, ftol);
    }

    public Lbfgs withRelativeFunctionTolerance(double f) {
        return new Lbfgs(memory, maxIterations, gtol, f);
    }

    public OptimizationResult minimize(DifferentiableFunction f, double[] start) {
        int n = start.length;
        double[] x = start.clone();
        double[] g = new double[n];
        double fx = f.valueAndGradient(x, g);
        int evaluations = 1;
        if (!Double.isFinite(fx)) {
            return new OptimizationResult(x, fx, Double.NaN, 0, evaluations, false, "f is not finite at the start");
        }
        double[][] s = new double[memory][n];
        double[][] y = new double[memory][n];
        double[] rho = new double[memory];
        double[] alpha = new double[memory];
        double[] d = new double[n];
        double[] xNew = new double[n];
        double[] gNew = new double[n];
        int stored = 0;
        int newest = -1;
        for (int iter = 0; iter < maxIterations; iter++) {
            Interrupts.check("Lbfgs.minimize");
            double gNorm = maxAbs(g);
            if (gNorm <= gtol) {
                return new OptimizationResult(x, fx, gNorm, iter, evaluations, true, "gradient below gtol");
            }
            // Two-loop recursion: d = -H g (Alg. 7.4)
            for (int i = 0; i < n; i++) {
                d[i] = -g[i];
            }
            for (int k = 0; k < stored; k++) {
                int j = Math.floorMod(newest - k, memory);
                alpha[j] = rho[j] * dot(s[j], d);
                axpy(-alpha[j], y[j], d);
            }
            double gamma = stored > 0 ? dot(s[newest], y[newest]) / dot(y[newest], y[newest]) : 1.0 / Math.max(1.0, gNorm);
            for (int i = 0; i < n; i++) {
                d[i] *= gamma;
            }
            for (int k = stored - 1; k >= 0; k--) {
                int j = Math.floorMod(newest - k, memory);
                double beta = rho[j] * dot(y[j], d);
                axpy(alpha[j] - beta, s[j], d);
            }
            double slope = dot(g, d);
            if (!(slope < 0)) {
                // Not a descent direction (curvature information went bad): restart from steepest descent.
                stored = 0;
                for (int i = 0; i < n; i++) {
                    d[i] = -g[i] / Math.max(1.0, gNorm);
                }
                slope = dot(g, d);
            }
            LineSearch ls = lineSearch(f, x, fx, g, d, slope, xNew, gNew);
            evaluations += ls.evaluations;
            if (!ls.ok) {
                return new OptimizationResult(x, fx, gNorm, iter, evaluations, false, "line search failed");
            }
            double fOld = fx;
            newest = (newest + 1) % memory;
            for (int i = 0; i < n; i++) {
                s[newest][i] = xNew[i] - x[i];
                y[newest][i] = gNew[i] - g[i];
            }
            double sy = dot(s[newest], y[newest]);
            System.arraycopy(xNew, 0, x, 0, n);
            System.arraycopy(gNew, 0, g, 0, n);
            fx = ls.value;
            if (sy > EPS * dot(y[newest], y[newest])) {
                rho[newest] = 1.0 / sy;
                stored = Math.min(stored + 1, memory);
            } else {
                newest = Math.floorMod(newest - 1, memory); // skip an update that would break positive definiteness
            }
            if ((fOld - fx) <= ftol * Math.max(Math.max(Math.abs(fOld), Math.abs(fx)), 1.0)) {
                return new OptimizationResult(x, fx, maxAbs(g), iter + 1, evaluations, true,
                        "relative reduction of f below ftol");
            }
        }
        return new OptimizationResult(x, fx, maxAbs(g), maxIterations, evaluations, false, "iteration limit");
    }

    private record LineSearch(boolean ok, double value, int evaluations) {
    }

    /** Strong-Wolfe line search along d (Nocedal &amp; Wright Alg. 3.5); leaves the accepted point in xNew/gNew. */
    private static LineSearch lineSearch(DifferentiableFunction f, double[] x, double f0, double[] g0, double[] d,
                                         double slope0, double[] xNew, double[] gNew) {
        double aPrev = 0;
        double fPrev = f0;
        double slopePrev = slope0;
        double a = 1.0;
        int evals = 0;
        for (int i = 0; i < 40; i++) {
            double fa = evaluate(f, x, d, a, xNew, gNew);
            evals++;
            double slopeA = dot(gNew, d);
            if (!Double.isFinite(fa) || fa > f0 + C1 * a * slope0 || (i > 0 && fa >= fPrev)) {
                return zoom(f, x, f0, slope0, d, aPrev, fPrev, slopePrev, a, fa, slopeA, xNew, gNew, evals);
            }
            if (Math.abs(slopeA) <= -C2 * slope0) {
                return new LineSearch(true, fa, evals);
            }
            if (slopeA >= 0) {
                return zoom(f, x, f0, slope0, d, a, fa, slopeA, aPrev, fPrev, slopePrev, xNew, gNew, evals);
            }
            aPrev = a;
            fPrev = fa;
            slopePrev = slopeA;
            a *= 2;
        }
        return new LineSearch(false, f0, evals);
    }

    private static LineSearch zoom(DifferentiableFunction f, double[] x, double f0, double slope0, double[] d,
                                   double lo, double fLo, double slopeLo, double hi, double fHi, double slopeHi,
                                   double[] xNew, double[] gNew, int evals) {
        for (int i = 0; i < 40; i++) {
            double a = Double.isFinite(fHi) ? cubicMin(lo, fLo, slopeLo, hi, fHi, slopeHi) : 0.5 * (lo + hi);
            double width = Math.abs(hi - lo);
            double left = Math.min(lo, hi);
            if (!(a > left + 0.1 * width && a < left + 0.9 * width)) {
                a = 0.5 * (lo + hi); // keep the trial inside the bracket
            }
            double fa = evaluate(f, x, d, a, xNew, gNew);
            evals++;
            double slopeA = dot(gNew, d);
            if (!Double.isFinite(fa) || fa > f0 + C1 * a * slope0 || fa >= fLo) {
                hi = a;
                fHi = fa;
                slopeHi = slopeA;
            } else {
                if (Math.abs(slopeA) <= -C2 * slope0) {
                    return new LineSearch(true, fa, evals);
                }
                if (slopeA * (hi - lo) >= 0) {
                    hi = lo;
                    fHi = fLo;
                    slopeHi = slopeLo;
                }
                lo = a;
                fLo = fa;
                slopeLo = slopeA;
            }
            if (Math.abs(hi - lo) < 1e-16 * Math.max(1.0, Math.abs(lo))) {
                break;
            }
        }
        // Accept the best point of the bracket if it decreased f (sufficient decrease holds for lo by construction).
        if (lo > 0 && fLo < f0) {
            double fa = evaluate(f, x, d, lo, xNew, gNew);
            return new LineSearch(true, fa, evals + 1);
        }
        return new LineSearch(false, f0, evals);
    }

    /** Minimiser of the cubic through (a, fa, da) and (b, fb, db) (Nocedal &amp; Wright eq. 3.59). */
    private static double cubicMin(double a, double fa, double da, double b, double fb, double db) {
        double d1 = da + db - 3 * (fa - fb) / (a - b);
        double disc = d1 * d1 - da * db;
        if (!(disc >= 0)) {
            return 0.5 * (a + b);
        }
        double d2 = Math.copySign(Math.sqrt(disc), b - a);
        return b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
    }

    private static double evaluate(DifferentiableFunction f, double[] x, double[] d, double a, double[] xNew,
                                   double[] gNew) {
        for (int i = 0; i < x.length; i++) {
            xNew[i] = x[i] + a * d[i];
        }
        return f.valueAndGradient(xNew, gNew);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double e : v) {
            m = Math.max(m, Math.abs(e));
        }
        return m;
    }

    @Override
    public String toString() {
        return "Lbfgs[m=" + memory + ", maxIterations=" + maxIterations + ", gtol=" + gtol + ", ftol=" + ftol + "]";
    }
}
