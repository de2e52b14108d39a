package org.assay.scaling.viz;

import java.awt.Color;
import java.util.stream.DoubleStream;
import org.assay.display.Charts;
import org.assay.scaling.Bootstrap;
import org.assay.scaling.ChinchillaLaw;
import org.assay.scaling.ComputeFrontier;
import org.assay.scaling.InferenceAwareAllocation;
import org.assay.scaling.IsoFlopFit;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Charts of scaling fits (XChart), shown inline by the kernel. */
public final class ScalingPlots {
    private ScalingPlots() {
    }

    /** IsoFLOP profiles: the runs, each budget's fitted parabola in log N, and its vertex. Log x axis. */
    public static XYChart isoFlop(IsoFlopFit.Result fit, double[] parameters, double[] tokens, double[] loss) {
        return isoFlop(fit, parameters, tokens, loss, null);
    }

    /** {@link #isoFlop(IsoFlopFit.Result, double[], double[], double[])} with each run's budget given (as the fit). */
    public static XYChart isoFlop(IsoFlopFit.Result fit, double[] parameters, double[] tokens, double[] loss,
                                  double[] budgets) {
        XYChart chart = Charts.xy(720, 440, "IsoFLOP profiles, " + fit.approach(), "parameters N", "final loss");
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        for (IsoFlopFit.Profile p : fit.profiles()) {
            String label = String.format(java.util.Locale.ROOT, "C=%.1e", p.computeFlops());
            double[] n = DoubleStream.of(indices(parameters, tokens, budgets, p.computeFlops())).toArray();
            double[] ln = new double[n.length];
            for (int i = 0; i < n.length; i++) {
                ln[i] = loss[(int) n[i]];
                n[i] = parameters[(int) n[i]];
            }
            XYSeries runs = chart.addSeries(label, n, ln);
            runs.setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
            Color colour = Charts.colour(fit.profiles().indexOf(p)); // one colour for points and parabola
            runs.setMarkerColor(colour);
            if (!Double.isNaN(p.c2())) {
                double lo = DoubleStream.of(n).min().orElseThrow();
                double hi = DoubleStream.of(n).max().orElseThrow();
                double[] xs = new double[60];
                double[] ys = new double[60];
                for (int i = 0; i < 60; i++) {
                    xs[i] = lo * Math.pow(hi / lo, i / 59.0);
                    double u = Math.log(xs[i]);
                    ys[i] = p.c0() + p.c1() * u + p.c2() * u * u;
                }
                XYSeries curve = chart.addSeries(label + " fit", xs, ys);
                curve.setMarker(SeriesMarkers.NONE);
                curve.setShowInLegend(false);
                curve.setLineColor(colour);
            }
        }
        double[] vx = fit.profiles().stream().mapToDouble(IsoFlopFit.Profile::optimalParameters).toArray();
        double[] vy = fit.profiles().stream().mapToDouble(IsoFlopFit.Profile::minimumLoss).toArray();
        XYSeries minima = chart.addSeries("minima", vx, vy);
        minima.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        minima.setMarker(SeriesMarkers.DIAMOND);
        minima.setMarkerColor(Color.BLACK);
        return chart;
    }

    /**
     * The compute-optimal frontier {@code N_opt(C)} of a law, with the bootstrap's filled 95% band, and
     * optional IsoFLOP minima as points. Log-log axes.
     */
    public static XYChart frontier(ChinchillaLaw law, Bootstrap bootstrap, IsoFlopFit.Result isoFlop, double cMin,
                                   double cMax) {
        XYChart chart = Charts.xy(720, 440, "Compute-optimal model size", "compute C (FLOPs)",
                "N_opt (parameters)");
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        Curve curve = Curve.along(cMin, cMax, law, bootstrap, (l, c) -> l.allocate(c).parameters());
        if (bootstrap != null) {
            Charts.band(chart, "95% CI", curve.x(), curve.lower(), curve.upper(), Charts.colour(0));
        }
        XYSeries fit = chart.addSeries(String.format(java.util.Locale.ROOT, "Approach 3: N_opt ∝ C^%.3f", law.a()),
                curve.x(), curve.y());
        fit.setMarker(SeriesMarkers.NONE);
        fit.setLineColor(Charts.colour(0));
        if (isoFlop != null) {
            double[] pc = isoFlop.profiles().stream().mapToDouble(IsoFlopFit.Profile::computeFlops).toArray();
            double[] pn = isoFlop.profiles().stream().mapToDouble(IsoFlopFit.Profile::optimalParameters).toArray();
            XYSeries pts = chart.addSeries(String.format(java.util.Locale.ROOT, "IsoFLOP minima (a=%.3f)", isoFlop.a()),
                    pc, pn);
            pts.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            pts.setMarker(SeriesMarkers.DIAMOND);
            pts.setMarkerColor(Charts.colour(1));
        }
        return chart;
    }

    /**
     * Loss against compute: the runs, and the loss of the compute-optimal model {@code L(N_opt(C), D_opt(C))} with
     * the bootstrap's 95% band. Log x axis.
     */
    public static XYChart lossFrontier(ChinchillaLaw law, Bootstrap bootstrap, double[] parameters, double[] tokens,
                                       double[] loss, double cMax) {
        XYChart chart = Charts.xy(720, 440, "Loss against compute", "compute C = 6ND (FLOPs)", "loss");
        chart.getStyler().setXAxisLogarithmic(true);
        double[] runC = new double[loss.length];
        for (int i = 0; i < loss.length; i++) {
            runC[i] = 6 * parameters[i] * tokens[i];
        }
        double cMin = DoubleStream.of(runC).min().orElseThrow();
        Curve curve = Curve.along(cMin, cMax, law, bootstrap, (l, c) -> l.allocate(c).loss());
        if (bootstrap != null) {
            Charts.band(chart, "95% CI", curve.x(), curve.lower(), curve.upper(), Charts.colour(0));
        }
        XYSeries runs = chart.addSeries("runs", runC, loss);
        runs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        runs.setMarkerColor(Charts.NEUTRAL);
        XYSeries frontier = chart.addSeries(String.format(java.util.Locale.ROOT,
                "compute-optimal loss, E = %.3f", law.E()), curve.x(), curve.y());
        frontier.setMarker(SeriesMarkers.NONE);
        frontier.setLineColor(Charts.colour(0));
        return chart;
    }

    /**
     * The inference-aware allocation of a target loss (Sardana et al. 2023) against the tokens the model will serve
     * over its life: N on the left axis and training tokens per parameter on the right, each with its value without
     * inference as a dashed line and, given a bootstrap, its filled 95% band. Log axes.
     */
    public static XYChart inferenceAwareAllocation(ChinchillaLaw law, Bootstrap bootstrap, double targetLoss,
                                                   double tokensMin, double tokensMax) {
        XYChart chart = Charts.xy(720, 440,
                String.format(java.util.Locale.ROOT, "Lifetime-optimal model for loss %.3f", targetLoss),
                "lifetime inference tokens", null);
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.setYAxisGroupTitle(0, "parameters N");
        chart.setYAxisGroupTitle(1, "training tokens per parameter");
        chart.getStyler().setYAxisGroupPosition(1, org.knowm.xchart.style.Styler.YAxisPosition.Right);
        String[] names = {"N", "D_train / N"};
        java.util.List<java.util.function.ToDoubleFunction<InferenceAwareAllocation>> quantities = java.util.List.of(
                InferenceAwareAllocation::parameters, InferenceAwareAllocation::tokensPerParameter);
        for (int group = 0; group < 2; group++) {
            var quantity = quantities.get(group);
            Curve curve = Curve.along(tokensMin, tokensMax, law, bootstrap,
                    (l, t) -> quantity.applyAsDouble(l.allocateForLoss(targetLoss, t)));
            Color colour = Charts.colour(group);
            if (bootstrap != null) {
                Charts.band(chart, names[group] + " 95% CI", curve.x(), curve.lower(), curve.upper(), colour)
                        .setYAxisGroup(group);
            }
            XYSeries line = chart.addSeries(names[group], curve.x(), curve.y());
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(colour);
            line.setYAxisGroup(group);
            double without = quantity.applyAsDouble(law.allocateForLoss(targetLoss, 0));
            XYSeries reference = chart.addSeries(names[group] + " without inference",
                    new double[] {tokensMin, tokensMax}, new double[] {without, without});
            reference.setMarker(SeriesMarkers.NONE);
            reference.setLineColor(colour);
            reference.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
            reference.setYAxisGroup(group);
        }
        return chart;
    }

    /**
     * Accuracy against total FLOPs (pretraining + RL + inference for the frontier's number of queries): a curve per
     * model through its sample counts, each point labelled with its k and drawn with its interval as a whisker, and the
     * Pareto frontier as a dashed black step (the best accuracy
     * within each budget). Log x axis.
     */
    public static XYChart computeFrontier(ComputeFrontier.Result result) {
        XYChart chart = Charts.xy(720, 440,
                String.format(java.util.Locale.ROOT, "Accuracy against total compute, %.3g queries served",
                        result.queries()), "total FLOPs (pretraining + RL + inference)", "accuracy");
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        java.util.Map<String, java.util.List<ComputeFrontier.Row>> byModel = new java.util.LinkedHashMap<>();
        result.rows().stream().sorted(java.util.Comparator.comparingDouble(ComputeFrontier.Row::parameters))
                .forEach(r -> byModel.computeIfAbsent(r.model(), m -> new java.util.ArrayList<>()).add(r));
        int m = 0;
        for (var entry : byModel.entrySet()) {
            var rows = entry.getValue().stream()
                    .sorted(java.util.Comparator.comparingInt(ComputeFrontier.Row::samples)).toList();
            Color colour = Charts.colour(m++);
            double[] x = rows.stream().mapToDouble(ComputeFrontier.Row::totalFlops).toArray();
            XYSeries curve = chart.addSeries(entry.getKey(), x,
                    rows.stream().mapToDouble(ComputeFrontier.Row::accuracy).toArray());
            curve.setMarker(SeriesMarkers.CIRCLE);
            curve.setLineColor(colour);
            curve.setMarkerColor(colour);
            double[] wx = new double[3 * rows.size()];
            double[] wy = new double[3 * rows.size()];
            for (int i = 0; i < rows.size(); i++) { // one vertical segment per point, NaN between them
                wx[3 * i] = x[i];
                wx[3 * i + 1] = x[i];
                wx[3 * i + 2] = Double.NaN;
                wy[3 * i] = rows.get(i).lower();
                wy[3 * i + 1] = rows.get(i).upper();
                wy[3 * i + 2] = Double.NaN;
                chart.addAnnotation(new org.knowm.xchart.AnnotationText("k=" + rows.get(i).samples(), x[i],
                        rows.get(i).accuracy() + 0.03, false));
            }
            XYSeries whiskers = chart.addSeries(entry.getKey() + " interval", wx, wy);
            whiskers.setMarker(SeriesMarkers.NONE);
            whiskers.setLineColor(colour);
            whiskers.setShowInLegend(false);
        }
        var front = result.frontier();
        double[] fx = new double[2 * front.size() - 1];
        double[] fy = new double[fx.length];
        for (int i = 0; i < front.size(); i++) { // a step: the best accuracy within each budget
            fx[2 * i] = front.get(i).totalFlops();
            fy[2 * i] = front.get(i).accuracy();
            if (i + 1 < front.size()) {
                fx[2 * i + 1] = front.get(i + 1).totalFlops();
                fy[2 * i + 1] = front.get(i).accuracy();
            }
        }
        XYSeries frontier = chart.addSeries("frontier", fx, fy);
        frontier.setMarker(SeriesMarkers.NONE);
        frontier.setLineColor(Color.BLACK);
        frontier.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
        return chart;
    }

    /**
     * A quantity of the law along a geometric grid of x (budgets, or inference tokens), with the bootstrap's 95% interval at each point (NaN
     * bounds without a bootstrap).
     */
    private record Curve(double[] x, double[] y, double[] lower, double[] upper) {
        static final int POINTS = 50;

        static Curve along(double xMin, double xMax, ChinchillaLaw law, Bootstrap bootstrap,
                           java.util.function.ToDoubleBiFunction<ChinchillaLaw, Double> quantity) {
            double[] x = new double[POINTS];
            double[] y = new double[POINTS];
            double[] lower = new double[POINTS];
            double[] upper = new double[POINTS];
            for (int i = 0; i < POINTS; i++) {
                double c = xMin * Math.pow(xMax / xMin, i / (POINTS - 1.0));
                x[i] = c;
                y[i] = quantity.applyAsDouble(law, c);
                if (bootstrap != null) {
                    Bootstrap.Interval band = bootstrap.interval(l -> quantity.applyAsDouble(l, c), 0.95);
                    lower[i] = band.lower();
                    upper[i] = band.upper();
                } else {
                    lower[i] = Double.NaN;
                    upper[i] = Double.NaN;
                }
            }
            return new Curve(x, y, lower, upper);
        }
    }

    private static double[] indices(double[] parameters, double[] tokens, double[] budgets, double budget) {
        return java.util.stream.IntStream.range(0, parameters.length)
                .filter(i -> Math.abs((budgets != null ? budgets[i] : 6 * parameters[i] * tokens[i]) / budget - 1)
                        < 5e-3)
                .asDoubleStream().toArray();
    }
}
