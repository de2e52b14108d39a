package org.assay.scaling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.assay.display.MimeBundle;
import org.assay.display.Renderable;
import org.assay.scaling.optim.Interrupts;
import org.assay.scaling.optim.Lbfgs;
import org.assay.scaling.optim.OptimizationResult;

/**
 * Least-squares fits of one-variable laws ({@link CurveForm}): L-BFGS from every start the form proposes, the best
 * optimum kept, the convergence reported; and a seeded bootstrap of the fit.
 */
public final class CurveFit {
    private final Lbfgs optimizer;

    private CurveFit(Lbfgs optimizer) {
        this.optimizer = optimizer;
    }

    public static CurveFit create() {
        return new CurveFit(Lbfgs.defaults().withGradientTolerance(1e-10));
    }

    public CurveFit withOptimizer(Lbfgs lbfgs) {
        return new CurveFit(lbfgs);
    }

    /**
     * @param params     reported parameters by name
     * @param objective  sum of squared residuals (in log space when the form fits logs)
     * @param rmse       root mean squared residual
     * @param starts     starts tried
     * @param converged  starts that met a convergence test
     */
    public record Result(String law, String formula, String citation, Map<String, Double> params, double objective,
                         double rmse, int starts, int converged, boolean bestConverged, List<Double> internal)
            implements Renderable {

        public double get(String name) {
            Double v = params.get(name);
            if (v == null) {
                throw new IllegalArgumentException("CurveFit.Result.get: no parameter '" + name + "'; the parameters are "
                        + params.keySet());
            }
            return v;
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>(params);
            m.put("objective", objective);
            m.put("rmse", rmse);
            m.put("starts", starts);
            m.put("converged", converged);
            return m;
        }

        public String toJson() {
            return Json.write(toMap());
        }

        @Override
        public MimeBundle toMimeBundle() {
            StringBuilder rows = new StringBuilder();
            params.forEach((k, v) -> rows.append(HtmlRows.row(k, v)));
            rows.append(HtmlRows.row("rmse", rmse));
            String html = "<div><b>" + law + "</b>: " + formula + " <small>(" + citation + ")</small><table><thead><tr>"
                    + "<th>parameter</th><th>estimate</th></tr></thead><tbody>" + rows + "</tbody></table><small>"
                    + starts + " starts, " + converged + " converged</small></div>";
            return MimeBundle.html(html, law + " " + params + ", rmse " + rmse);
        }
    }

    /** Fits {@code form} to the points; errors name the columns as the form does ({@link CurveForm#xName()}). */
    public Result fit(CurveForm form, double[] x, double[] y) {
        return fit(form, x, y, form.xName(), form.yName());
    }

    /**
     * Fits {@code form} to the points, with errors that name the columns as the caller's table does, e.g. the CSV
     * columns {@code ./assay fit} was given.
     *
     * @throws IllegalArgumentException naming the column, row and value, for non-finite input or input outside the
     *                                  form's domain, columns of different lengths, fewer points than parameters, or
     *                                  fewer distinct x values than parameters
     */
    public Result fit(CurveForm form, double[] x, double[] y, String xName, String yName) {
        String fn = "fit(" + form.name() + ")";
        Columns.requireSameLength(fn, new String[] {xName, yName}, x, y);
        requireFinite(fn, xName, x);
        requireFinite(fn, yName, y);
        if (form.logResiduals()) {
            Columns.requirePositiveFinite(fn, yName, y);
        }
        form.validate(fn, xName, x, yName, y);
        Columns.requireAtLeast(fn, x.length, form.size());
        Columns.requireDistinct(fn, xName, x, form.size());
        return fitFrom(fn, form, x, y, form.starts(x, y));
    }

    /** @param fn the caller, named if an interrupt stops the starts */
    private Result fitFrom(String fn, CurveForm form, double[] x, double[] y, List<double[]> starts) {
        int k = form.size();
        double[] target = y.clone();
        if (form.logResiduals()) {
            for (int i = 0; i < y.length; i++) {
                target[i] = Math.log(y[i]);
            }
        }
        double[] pg = new double[k];
        OptimizationResult best = null;
        int converged = 0;
        for (double[] start : starts) {
            Interrupts.check(fn);
            OptimizationResult r = optimizer.minimize((theta, g) -> {
                java.util.Arrays.fill(g, 0);
                double sum = 0;
                for (int i = 0; i < x.length; i++) {
                    double p = form.predict(theta, x[i], pg);
                    double residual;
                    double scale;
                    if (form.logResiduals()) {
                        if (!(p > 0)) {
                            return Double.POSITIVE_INFINITY;
                        }
                        residual = Math.log(p) - target[i];
                        scale = 1 / p;
                    } else {
                        residual = p - target[i];
                        scale = 1;
                    }
                    sum += residual * residual;
                    for (int j = 0; j < k; j++) {
                        g[j] += 2 * residual * scale * pg[j];
                    }
                }
                return sum;
            }, start);
            if (r.converged()) {
                converged++;
            }
            if (Double.isFinite(r.value()) && (best == null || r.value() < best.value())) {
                best = r;
            }
        }
        if (best == null) {
            throw new IllegalStateException("fit(" + form.name() + "): no start reached a finite objective ("
                    + starts.size() + " starts)");
        }
        double[] reported = form.report(best.x());
        Map<String, Double> params = new LinkedHashMap<>();
        for (int i = 0; i < reported.length; i++) {
            params.put(form.parameters().get(i), reported[i]);
        }
        List<Double> internal = new ArrayList<>();
        for (double v : best.x()) {
            internal.add(v);
        }
        return new Result(form.name(), form.formula(), form.citation(), params, best.value(),
                Math.sqrt(best.value() / x.length), starts.size(), converged, best.converged(), List.copyOf(internal));
    }

    /**
     * Bootstrap refits of a one-variable law, for percentile intervals of its parameters.
     *
     * @param estimate   the fit to all the points
     * @param samples    per reported parameter (in the form's order), its value in each resample's refit
     * @param converged  resamples whose refit converged
     * @param seed       the seed the resamples came from
     */
    public record Bootstrap(Result estimate, Map<String, double[]> samples, int converged, long seed)
            implements Renderable {

        public Bootstrap {
            Map<String, double[]> copy = new LinkedHashMap<>();
            samples.forEach((name, v) -> copy.put(name, v.clone()));
            samples = java.util.Collections.unmodifiableMap(copy);
        }

        /** Per parameter, its value in each resample (copies). */
        @Override
        public Map<String, double[]> samples() {
            Map<String, double[]> copy = new LinkedHashMap<>();
            samples.forEach((name, v) -> copy.put(name, v.clone()));
            return copy;
        }

        public int resamples() {
            return samples.values().iterator().next().length;
        }

        /** One parameter's value in each resample, in resample order (a copy). */
        public double[] samples(String name) {
            return values("CurveFit.Bootstrap.samples", name).clone();
        }

        /** The percentile interval of one parameter, around the full fit's estimate, e.g. {@code interval("A", 0.95)}. */
        public org.assay.scaling.Bootstrap.Interval interval(String name, double confidence) {
            if (!(confidence > 0 && confidence < 1)) {
                throw new IllegalArgumentException("CurveFit.Bootstrap.interval: confidence must be in (0, 1), got "
                        + confidence);
            }
            double[] v = values("CurveFit.Bootstrap.interval", name).clone();
            java.util.Arrays.sort(v);
            double tail = (1 - confidence) / 2;
            return new org.assay.scaling.Bootstrap.Interval(estimate.get(name),
                    org.assay.base.Quantiles.ofSorted(v, tail), org.assay.base.Quantiles.ofSorted(v, 1 - tail),
                    confidence);
        }

        /** {@code {lower, upper}} of every parameter, in the form's order: what {@code ./assay fit} reports as "ci". */
        public Map<String, double[]> intervals(double confidence) {
            Map<String, double[]> m = new LinkedHashMap<>();
            for (String name : samples.keySet()) {
                org.assay.scaling.Bootstrap.Interval i = interval(name, confidence);
                m.put(name, new double[] {i.lower(), i.upper()});
            }
            return m;
        }

        private double[] values(String fn, String name) {
            double[] v = samples.get(name);
            if (v == null) {
                throw new IllegalArgumentException(fn + ": no parameter '" + name + "'; the parameters are "
                        + samples.keySet());
            }
            return v;
        }

        @Override
        public MimeBundle toMimeBundle() {
            StringBuilder rows = new StringBuilder();
            StringBuilder text = new StringBuilder(estimate.law() + ": bootstrap, " + resamples() + " resamples (seed "
                    + seed + "), " + converged + " converged; 95% intervals:");
            for (String name : samples.keySet()) {
                org.assay.scaling.Bootstrap.Interval i = interval(name, 0.95);
                rows.append(HtmlRows.row(name, i.estimate(), i.lower(), i.upper()));
                text.append(String.format(java.util.Locale.ROOT, "%n  %-6s %.6g  [%.6g, %.6g]", name, i.estimate(),
                        i.lower(), i.upper()));
            }
            String html = "<div><b>" + estimate.law() + "</b>: bootstrap, " + resamples() + " resamples (seed " + seed
                    + "), " + converged + " converged<table><thead><tr><th>parameter</th><th>estimate</th>"
                    + "<th>2.5%</th><th>97.5%</th></tr></thead><tbody>" + rows + "</tbody></table></div>";
            return MimeBundle.html(html, text.toString());
        }
    }

    /**
     * Refits {@code resamples} resamples of the points (drawn with replacement), each started from the full fit's
     * optimum; {@link Bootstrap#interval} gives percentile intervals. Seeded; the same seed gives the same refits.
     * Checks for an interrupt between refits (and the optimiser within one), so a notebook's stop button ends it.
     *
     * @throws java.util.concurrent.CancellationException when the thread is interrupted (the flag stays set)
     */
    public Bootstrap bootstrap(CurveForm form, double[] x, double[] y, Result full, int resamples, long seed) {
        String fn = "bootstrap(" + form.name() + ")";
        if (resamples < 1) {
            throw new IllegalArgumentException(fn + ": resamples must be >= 1, got " + resamples);
        }
        Columns.requireSameLength(fn, new String[] {form.xName(), form.yName()}, x, y);
        double[] start = full.internal().stream().mapToDouble(Double::doubleValue).toArray();
        SplittableRandom rng = new SplittableRandom(seed);
        int m = x.length;
        List<String> names = form.parameters();
        double[][] samples = new double[names.size()][resamples];
        int converged = 0;
        for (int b = 0; b < resamples; b++) {
            Interrupts.check(fn);
            int[] rows = Columns.resample(rng, m);
            Result r = fitFrom(fn, form, Columns.rows(x, rows), Columns.rows(y, rows), List.of(start));
            converged += r.bestConverged() ? 1 : 0;
            for (int p = 0; p < names.size(); p++) {
                samples[p][b] = r.get(names.get(p));
            }
        }
        Map<String, double[]> byName = new LinkedHashMap<>();
        for (int p = 0; p < names.size(); p++) {
            byName.put(names.get(p), samples[p]);
        }
        return new Bootstrap(full, byName, converged, seed);
    }

    private static void requireFinite(String fn, String name, double[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException(fn + ": column '" + name + "' must be finite, got " + v[i] + " at row "
                        + (i + 1));
            }
        }
    }
}
