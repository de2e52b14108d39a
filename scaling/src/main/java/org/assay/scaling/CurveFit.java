package org.assay.scaling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.assay.display.MimeBundle;
import org.assay.display.Renderable;
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
            params.forEach((k, v) -> rows.append(Html.row(k, v)));
            rows.append(Html.row("rmse", rmse));
            String html = "<div><b>" + law + "</b>: " + formula + " <small>(" + citation + ")</small><table><thead><tr>"
                    + "<th>parameter</th><th>estimate</th></tr></thead><tbody>" + rows + "</tbody></table><small>"
                    + starts + " starts, " + converged + " converged</small></div>";
            return MimeBundle.html(html, law + " " + params + ", rmse " + rmse);
        }
    }

    public Result fit(CurveForm form, double[] x, double[] y) {
        String fn = "fit(" + form.name() + ")";
        Columns.requireSameLength(fn, new String[] {"x", "y"}, x, y);
        requireFinite(fn, "x", x);
        requireFinite(fn, "y", y);
        if (form.logResiduals()) {
            Columns.requirePositiveFinite(fn, "y", y);
        }
        form.validate(fn, x, y);
        Columns.requireAtLeast(fn, x.length, form.size());
        return fitFrom(form, x, y, form.starts(x, y));
    }

    private Result fitFrom(CurveForm form, double[] x, double[] y, List<double[]> starts) {
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
     * Percentile intervals of each parameter from {@code resamples} refits of resampled points, each started from
     * the full fit's optimum. Seeded; the same seed gives the same intervals.
     */
    public Map<String, double[]> bootstrap(CurveForm form, double[] x, double[] y, Result full, int resamples,
                                           long seed, double confidence) {
        if (resamples < 1) {
            throw new IllegalArgumentException("bootstrap(" + form.name() + "): resamples must be >= 1, got " + resamples);
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("bootstrap(" + form.name() + "): confidence must be in (0, 1), got "
                    + confidence);
        }
        double[] start = full.internal().stream().mapToDouble(Double::doubleValue).toArray();
        SplittableRandom rng = new SplittableRandom(seed);
        int m = x.length;
        List<String> names = form.parameters();
        double[][] samples = new double[names.size()][resamples];
        for (int b = 0; b < resamples; b++) {
            int[] rows = Columns.resample(rng, m);
            Result r = fitFrom(form, Columns.rows(x, rows), Columns.rows(y, rows), List.of(start));
            for (int p = 0; p < names.size(); p++) {
                samples[p][b] = r.get(names.get(p));
            }
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        double tail = (1 - confidence) / 2;
        for (int p = 0; p < names.size(); p++) {
            double[] v = samples[p];
            java.util.Arrays.sort(v);
            out.put(names.get(p), new double[] {Bootstrap.quantile(v, tail), Bootstrap.quantile(v, 1 - tail)});
        }
        return out;
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
