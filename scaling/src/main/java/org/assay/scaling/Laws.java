package org.assay.scaling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The one-variable laws researchers fit, as {@link CurveForm}s for {@link CurveFit}. */
public final class Laws {
    private Laws() {
    }

    /** KL divergence of best-of-n sampling from the base policy: {@code log n − (n−1)/n} (Gao et al. 2022, §2). */
    public static double bestOfNKl(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("Laws.bestOfNKl: n must be >= 1, got " + n);
        }
        return Math.log(n) - (n - 1.0) / n;
    }

    /** {@code y = E + A·x^(−α)}, e.g. loss against compute with an irreducible floor E. Fitted on log y. */
    public static CurveForm powerLawWithOffset() {
        return new Form("Laws.powerLawWithOffset", "power law with offset", "y = E + A·x^(−α)",
                "Hoffmann et al. 2022; Kaplan et al. 2020", List.of("E", "A", "alpha"), 3, true) {
            @Override
            public double predict(double[] t, double x, double[] g) {
                requirePositiveX(x);
                double e = Math.exp(t[0]);
                double term = Math.exp(t[1] - t[2] * Math.log(x));
                g[0] = e;
                g[1] = term;
                g[2] = -Math.log(x) * term;
                return e + term;
            }

            @Override
            public double[] report(double[] t) {
                return new double[] {Math.exp(t[0]), Math.exp(t[1]), t[2]};
            }

            @Override
            public double[] internal(double[] p) {
                return new double[] {logOf(where(), "E", p[0]), logOf(where(), "A", p[1]), p[2]};
            }

            @Override
            public void validate(String fn, String xName, double[] x, String yName, double[] y) {
                Columns.requirePositiveFinite(fn, xName, x);
            }

            @Override
            public List<double[]> starts(double[] x, double[] y) {
                double yMin = Arrays.stream(y).min().orElseThrow();
                int first = argMin(x);
                List<double[]> s = new ArrayList<>();
                for (double frac : new double[] {0.1, 0.5, 0.9}) {
                    double e = frac * yMin;
                    for (double alpha : new double[] {0.05, 0.1, 0.2, 0.35, 0.5, 0.8}) {
                        double a = Math.log(Math.max(y[first] - e, 1e-12 * yMin)) + alpha * Math.log(x[first]);
                        s.add(new double[] {Math.log(e), a, alpha});
                    }
                }
                return s;
            }
        };
    }

    /** {@code y = a + b·ln x}: accuracy against log compute, for quick looks. */
    public static CurveForm logLinear() {
        return new Form("Laws.logLinear", "log-linear", "y = a + b·ln x", "(quick-look fit)", List.of("a", "b"), 2,
                false) {
            @Override
            public double predict(double[] t, double x, double[] g) {
                requirePositiveX(x);
                g[0] = 1;
                g[1] = Math.log(x);
                return t[0] + t[1] * Math.log(x);
            }

            @Override
            public List<double[]> starts(double[] x, double[] y) {
                return List.of(new double[] {Arrays.stream(y).average().orElse(0), 0});
            }

            @Override
            public void validate(String fn, String xName, double[] x, String yName, double[] y) {
                Columns.requirePositiveFinite(fn, xName, x);
            }
        };
    }

    /**
     * The RL compute sigmoid of ScaleRL (Khatri et al. 2025, eq. 1):
     * {@code R(C) − R0 = (A − R0) / (1 + (C_mid / C)^B)}, with R0 the reward at the start of RL, given.
     */
    public static CurveForm rlSigmoid(double r0) {
        if (!Double.isFinite(r0)) {
            throw new IllegalArgumentException("Laws.rlSigmoid: r0 must be finite, got " + r0);
        }
        return new Form("Laws.rlSigmoid", "RL compute sigmoid", "R(C) = R0 + (A − R0) / (1 + (C_mid/C)^B),  R0 = " + r0,
                "Khatri et al. 2025 (ScaleRL), eq. 1", List.of("A", "B", "C_mid"), 3, false, "C", null) {
            @Override
            public double predict(double[] t, double c, double[] g) {
                requirePositiveX(c);
                return sigmoid(t, r0, c, g);
            }

            @Override
            public double[] report(double[] t) {
                return new double[] {t[0], Math.exp(t[1]), Math.exp(t[2])};
            }

            @Override
            public double[] internal(double[] p) {
                return new double[] {p[0], logOf(where(), "B", p[1]), logOf(where(), "C_mid", p[2])};
            }

            @Override
            public List<double[]> starts(double[] x, double[] y) {
                return sigmoidStarts(x, y, r0, false);
            }

            @Override
            public void validate(String fn, String xName, double[] x, String yName, double[] y) {
                Columns.requirePositiveFinite(fn, xName, x);
            }
        };
    }

    /**
     * The RL compute sigmoid with R0 fixed and the asymptote held below a ceiling: {@code R0 < A < ceiling}. For a
     * pass rate or an accuracy the ceiling is 1 (ScaleRL's A is "the asymptotic pass rate"); unbounded, a fit to a curve
     * that has not bent yet can return an A above 1, which no accuracy reaches. A is fitted as
     * {@code R0 + (ceiling − R0)·σ(u)}, so the bootstrap interval stays inside the bounds too.
     */
    public static CurveForm rlSigmoid(double r0, double ceiling) {
        if (!Double.isFinite(r0) || !Double.isFinite(ceiling) || !(ceiling > r0)) {
            throw new IllegalArgumentException("Laws.rlSigmoid: ceiling must be finite and > r0, got r0=" + r0
                    + ", ceiling=" + ceiling);
        }
        double range = ceiling - r0;
        return new Form("Laws.rlSigmoid", "RL compute sigmoid", "R(C) = R0 + (A − R0) / (1 + (C_mid/C)^B),  R0 = "
                + r0 + " < A < " + ceiling, "Khatri et al. 2025 (ScaleRL), eq. 1", List.of("A", "B", "C_mid"), 3,
                false, "C", null) {
            @Override
            public double predict(double[] t, double c, double[] g) {
                requirePositiveX(c);
                double sigma = 1 / (1 + Math.exp(-t[0]));
                double[] unbounded = {r0 + range * sigma, t[1], t[2]};
                double value = sigmoid(unbounded, r0, c, g);
                g[0] *= range * sigma * (1 - sigma); // chain rule through A = R0 + range·σ(u)
                return value;
            }

            @Override
            public double[] report(double[] t) {
                return new double[] {r0 + range / (1 + Math.exp(-t[0])), Math.exp(t[1]), Math.exp(t[2])};
            }

            /** A to u = logit((A − R0)/range); A at a bound (a saturated fit reports one) is u = ±∞, which predicts it. */
            @Override
            public double[] internal(double[] p) {
                if (!(p[0] >= r0 && p[0] <= ceiling)) {
                    throw new IllegalArgumentException(where() + ".internal: A must be in [R0, ceiling] = [" + r0 + ", "
                            + ceiling + "], got " + p[0]);
                }
                double f = (p[0] - r0) / range;
                return new double[] {Math.log(f / (1 - f)), logOf(where(), "B", p[1]), logOf(where(), "C_mid", p[2])};
            }

            @Override
            public List<double[]> starts(double[] x, double[] y) {
                List<double[]> starts = sigmoidStarts(x, y, r0, false);
                for (double[] start : starts) { // A → u = logit((A − R0)/range), kept strictly inside the bounds
                    double f = Math.min(0.999, Math.max(0.001, (start[0] - r0) / range));
                    start[0] = Math.log(f / (1 - f));
                }
                return starts;
            }

            @Override
            public void validate(String fn, String xName, double[] x, String yName, double[] y) {
                Columns.requirePositiveFinite(fn, xName, x);
            }
        };
    }

    /** The RL compute sigmoid with R0 fitted too. */
    public static CurveForm rlSigmoid() {
        return new Form("Laws.rlSigmoid", "RL compute sigmoid", "R(C) = R0 + (A − R0) / (1 + (C_mid/C)^B)",
                "Khatri et al. 2025 (ScaleRL), eq. 1", List.of("A", "B", "C_mid", "R0"), 4, false, "C", null) {
            @Override
            public double predict(double[] t, double c, double[] g) {
                requirePositiveX(c);
                double value = sigmoid(t, t[3], c, g);
                g[3] = 1 - g[0]; // ∂R/∂R0 = 1 − s, and g[0] = s
                return value;
            }

            @Override
            public double[] report(double[] t) {
                return new double[] {t[0], Math.exp(t[1]), Math.exp(t[2]), t[3]};
            }

            @Override
            public double[] internal(double[] p) {
                return new double[] {p[0], logOf(where(), "B", p[1]), logOf(where(), "C_mid", p[2]), p[3]};
            }

            @Override
            public List<double[]> starts(double[] x, double[] y) {
                return sigmoidStarts(x, y, Arrays.stream(y).min().orElseThrow(), true);
            }

            @Override
            public void validate(String fn, String xName, double[] x, String yName, double[] y) {
                Columns.requirePositiveFinite(fn, xName, x);
            }
        };
    }

    /**
     * {@code R0 + (A − R0) s} with {@code s = 1 / (1 + (C_mid/C)^B)}, for internal {@code t = (A, ln B, ln C_mid, …)};
     * fills g[0..2] with the derivatives in A, ln B and ln C_mid.
     */
    private static double sigmoid(double[] t, double r0, double c, double[] g) {
        double b = Math.exp(t[1]);
        double z = t[2] - Math.log(c);
        double tt = Math.exp(b * z);
        double s = 1 / (1 + tt);
        double span = t[0] - r0;
        g[0] = s;
        g[1] = -span * s * s * tt * z * b;
        g[2] = -span * s * s * tt * b;
        return r0 + span * s;
    }

    private static List<double[]> sigmoidStarts(double[] x, double[] y, double r0, boolean withR0) {
        double yMax = Arrays.stream(y).max().orElseThrow();
        double[] sorted = x.clone();
        Arrays.sort(sorted);
        List<double[]> s = new ArrayList<>();
        for (double headroom : new double[] {0.0, 0.25, 1.0}) {
            double a = yMax + headroom * Math.abs(yMax - r0);
            for (double b : new double[] {0.5, 1, 2}) {
                for (double q : new double[] {0.25, 0.5, 0.75, 1.0}) {
                    double mid = sorted[(int) Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))];
                    s.add(withR0 ? new double[] {a, Math.log(b), Math.log(mid), r0}
                            : new double[] {a, Math.log(b), Math.log(mid)});
                }
            }
        }
        return s;
    }

    /**
     * Inference-time coverage as an exponentiated power law, {@code coverage(k) = exp(a·k^b)} (Brown et al. 2024,
     * "Large Language Monkeys", §3: the log of coverage follows a power law in the number of samples k). Fitted on
     * log coverage; a &lt; 0.
     */
    public static CurveForm coverage() {
        return new Form("Laws.coverage", "inference-time coverage", "coverage(k) = exp(a·k^b)",
                "Brown et al. 2024, §3", List.of("a", "b"), 2, true, "k", "coverage") {
            @Override
            public double predict(double[] t, double k, double[] g) {
                requirePositiveX(k);
                double a = -Math.exp(t[0]);
                double kb = Math.exp(t[1] * Math.log(k));
                double p = Math.exp(a * kb);
                g[0] = p * a * kb;
                g[1] = p * a * kb * Math.log(k);
                return p;
            }

            @Override
            public double[] report(double[] t) {
                return new double[] {-Math.exp(t[0]), t[1]};
            }

            @Override
            public double[] internal(double[] p) {
                if (!(p[0] < 0)) {
                    throw new IllegalArgumentException(where() + ".internal: a must be < 0 (the law fits log(−a)), got "
                            + p[0]);
                }
                return new double[] {Math.log(-p[0]), p[1]};
            }

            @Override
            public List<double[]> starts(double[] x, double[] y) {
                List<double[]> s = new ArrayList<>();
                for (double a : new double[] {0.05, 0.3, 1, 3}) {
                    for (double b : new double[] {-0.1, -0.3, -0.6, -1}) {
                        s.add(new double[] {Math.log(a), b});
                    }
                }
                return s;
            }

            @Override
            public void validate(String fn, String xName, double[] x, String yName, double[] y) {
                Columns.requirePositiveFinite(fn, xName, x);
                for (int i = 0; i < y.length; i++) {
                    if (!(y[i] > 0 && y[i] <= 1)) {
                        throw new IllegalArgumentException(fn + ": column '" + yName + "' must be in (0, 1], got " + y[i]
                                + " at row " + (i + 1));
                    }
                }
            }
        };
    }

    /** Best-of-n reward against {@code d = sqrt(KL)}: {@code R(d) = d(α − βd)} (Gao, Schulman &amp; Hilton 2022, eq. 1). */
    public static CurveForm bestOfNOveroptimization() {
        return new Form("Laws.bestOfNOveroptimization", "best-of-n over-optimization", "R(d) = d(α − β·d),  d = √KL",
                "Gao, Schulman & Hilton 2022, eq. 1", List.of("alpha", "beta"), 2, false, "d", null) {
            @Override
            public double predict(double[] t, double d, double[] g) {
                if (!(d >= 0) || Double.isInfinite(d)) {
                    throw new IllegalArgumentException(where() + ".predict: " + xName() + " must be finite and >= 0, got "
                            + d);
                }
                g[0] = d;
                g[1] = -d * d;
                return d * (t[0] - t[1] * d);
            }

            @Override
            public List<double[]> starts(double[] x, double[] y) {
                return List.of(new double[] {0, 0}, new double[] {1, 0.1});
            }

            @Override
            public void validate(String fn, String xName, double[] x, String yName, double[] y) {
                requireNonNegative(fn, xName, x);
            }
        };
    }

    /** RL reward against {@code d = sqrt(KL)}: {@code R(d) = d(α − β·ln d)} (Gao, Schulman &amp; Hilton 2022, eq. 2). */
    public static CurveForm rlOveroptimization() {
        return new Form("Laws.rlOveroptimization", "RL over-optimization", "R(d) = d(α − β·ln d),  d = √KL",
                "Gao, Schulman & Hilton 2022, eq. 2", List.of("alpha", "beta"), 2, false, "d", null) {
            @Override
            public double predict(double[] t, double d, double[] g) {
                requirePositiveX(d);
                g[0] = d;
                g[1] = -d * Math.log(d);
                return d * (t[0] - t[1] * Math.log(d));
            }

            @Override
            public List<double[]> starts(double[] x, double[] y) {
                return List.of(new double[] {0, 0}, new double[] {1, 0.1});
            }

            @Override
            public void validate(String fn, String xName, double[] x, String yName, double[] y) {
                Columns.requirePositiveFinite(fn, xName, x);
            }
        };
    }

    private static void requireNonNegative(String fn, String name, double[] d) {
        for (int i = 0; i < d.length; i++) {
            if (!(d[i] >= 0)) {
                throw new IllegalArgumentException(fn + ": column '" + name + "' must be >= 0, got " + d[i] + " at row "
                        + (i + 1));
            }
        }
    }

    /** ln v of a reported parameter the law fits in log space. */
    private static double logOf(String where, String name, double v) {
        if (!(v > 0)) {
            throw new IllegalArgumentException(where + ".internal: " + name + " must be > 0 (the law fits ln " + name
                    + "), got " + v);
        }
        return Math.log(v);
    }

    private static int argMin(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] < v[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Shared plumbing of the forms above: names, sizes, identity reporting by default. */
    private abstract static class Form implements CurveForm {
        private final String where;
        private final String name;
        private final String formula;
        private final String citation;
        private final List<String> parameters;
        private final int size;
        private final boolean logResiduals;

        private final String xName;
        private final String yName;

        /** @param where the factory, e.g. {@code Laws.coverage}, that errors name as the class and method */
        Form(String where, String name, String formula, String citation, List<String> parameters, int size,
             boolean logResiduals) {
            this(where, name, formula, citation, parameters, size, logResiduals, null, null);
        }

        /**
         * @param xName what errors call x, e.g. {@code C} for RL compute; {@code yName} the same for y; null for
         *              {@link CurveForm}'s own names
         */
        Form(String where, String name, String formula, String citation, List<String> parameters, int size,
             boolean logResiduals, String xName, String yName) {
            this.xName = xName;
            this.yName = yName;
            this.where = where;
            this.name = name;
            this.formula = formula;
            this.citation = citation;
            this.parameters = parameters;
            this.size = size;
            this.logResiduals = logResiduals;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String formula() {
            return formula;
        }

        @Override
        public String citation() {
            return citation;
        }

        @Override
        public List<String> parameters() {
            return parameters;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public boolean logResiduals() {
            return logResiduals;
        }

        @Override
        public String xName() {
            return xName == null ? CurveForm.super.xName() : xName;
        }

        @Override
        public String yName() {
            return yName == null ? CurveForm.super.yName() : yName;
        }

        String where() {
            return where;
        }

        /** predict's check of x: finite and &gt; 0. The message is built only on failure: predict is a fit's inner loop. */
        void requirePositiveX(double x) {
            if (!(x > 0) || Double.isInfinite(x)) {
                Columns.requirePositiveFinite(where + ".predict", xName(), x);
            }
        }

        @Override
        public double[] report(double[] theta) {
            return theta.clone();
        }

        @Override
        public double[] internal(double[] reported) {
            return reported.clone();
        }

        @Override
        public String toString() {
            return name + ": " + formula;
        }
    }
}
