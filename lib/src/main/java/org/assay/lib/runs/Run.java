package org.assay.lib.runs;

import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import org.assay.display.Charts;
import org.assay.display.MimeBundle;
import org.assay.display.Renderable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;
import org.assay.base.HtmlText;

/** A finished (or running) run as the kernel shows it: a summary table and its loss curves. */
public record Run(Path dir, Map<String, Object> config, Map<String, Object> env, Table metrics)
        implements Renderable {

    /** The last value of a metric, or NaN if it was never logged. */
    public double last(String metric) {
        if (!metrics.columnNames().contains(metric)) {
            return Double.NaN;
        }
        DoubleColumn c = metrics.doubleColumn(metric).removeMissing();
        return c.isEmpty() ? Double.NaN : c.get(c.size() - 1);
    }

    /** Training (and, where logged, validation) loss against tokens. */
    public XYChart lossChart() {
        XYChart chart = Charts.xy(560, 320, dir.getFileName().toString(), "tokens", "loss (nats/token)");
        chart.getStyler().setMarkerSize(3);
        for (String series : new String[] {TrainingStep.LOSS, TrainingStep.VAL_LOSS}) {
            if (!metrics.columnNames().contains(series) || !metrics.columnNames().contains(TrainingStep.TOKENS)) {
                continue;
            }
            Table t = metrics.where(metrics.doubleColumn(series).isNotMissing());
            if (t.rowCount() > 0) {
                chart.addSeries(series, t.doubleColumn(TrainingStep.TOKENS).asDoubleArray(), t.doubleColumn(series)
                        .asDoubleArray()).setMarker(series.equals(TrainingStep.LOSS) ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
            }
        }
        return chart;
    }

    /** The step metrics the summary table shows (all of {@link TrainingStep} but the gradient norm and lr). */
    private static final java.util.List<String> SHOWN = java.util.stream.Stream.of("step", "tokens", "flops", "loss",
            "valLoss", "valBpb", "tokensPerSec", "mfu", "elapsed").map(c -> Metrics.key(TrainingStep.class, c)).toList();

    @Override
    public MimeBundle toMimeBundle() {
        StringBuilder rows = new StringBuilder();
        for (String k : SHOWN) {
            double v = last(k);
            if (!Double.isNaN(v)) {
                rows.append("<tr><td>").append(k).append("</td><td>")
                        .append(String.format(Locale.ROOT, "%.6g", v)).append("</td></tr>");
            }
        }
        String img = "";
        XYChart chart = lossChart();
        if (!chart.getSeriesMap().isEmpty()) {
            try {
                img = "<img src=\"data:image/png;base64,"
                        + Base64.getEncoder().encodeToString(BitmapEncoder.getBitmapBytes(chart,
                                BitmapEncoder.BitmapFormat.PNG)) + "\"/>";
            } catch (java.io.IOException e) {
                img = "<i>chart unavailable: " + e.getMessage() + "</i>";
            }
        }
        String html = "<div><b>run " + HtmlText.escape(dir.getFileName().toString()) + "</b> <small>" + HtmlText.escape(dir.toString())
                + "; device " + HtmlText.escape(String.valueOf(env.get("device"))) + ", seed " + env.get("seed")
                + "</small><table><tbody>" + rows + "</tbody></table>" + img + "</div>";
        return MimeBundle.html(html, "run " + dir.getFileName() + ": loss " + last(TrainingStep.LOSS) + ", val_loss "
                + last(TrainingStep.VAL_LOSS) + " after " + (long) last(TrainingStep.STEP) + " steps");
    }
}
