package org.assay.lib.viz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assay.display.Charts;
import org.assay.display.Display;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A line chart that redraws in place as points arrive, from any loop:
 * <pre>{@code
 * try (LiveChart chart = LiveChart.of("Training loss", "step", "loss")) {
 *     for (int step = 0; step < n; step++) { ...; chart.add("train", step, loss); }
 * }
 * }</pre>
 * Redraws are throttled (at most one every {@value #MIN_INTERVAL_MS} ms); {@link #close()} draws the final state.
 */
public final class LiveChart implements AutoCloseable {
    static final long MIN_INTERVAL_MS = 250;

    private final XYChart chart;
    private final Map<String, List<double[]>> points = new LinkedHashMap<>();
    private final String displayId = Display.newId();
    private long lastDrawNanos;
    private boolean dirty;

    private LiveChart(XYChart chart) {
        this.chart = chart;
        chart.getStyler().setMarkerSize(4); // a point per step: smaller than the theme's
        Display.show(chart, displayId);
        lastDrawNanos = System.nanoTime();
    }

    public static LiveChart of(String title, String xTitle, String yTitle) {
        return new LiveChart(Charts.xy(640, 360, title, xTitle, yTitle));
    }

    public LiveChart logY(boolean on) {
        chart.getStyler().setYAxisLogarithmic(on);
        return this;
    }

    public LiveChart logX(boolean on) {
        chart.getStyler().setXAxisLogarithmic(on);
        return this;
    }

    /** Adds a point to a series (created on first use) and redraws if the last redraw is old enough. */
    public synchronized void add(String series, double x, double y) {
        if (!Double.isFinite(x) || !Double.isFinite(y)) {
            throw new IllegalArgumentException("LiveChart.add: x and y must be finite, got x=" + x + ", y=" + y
                    + " for series '" + series + "'");
        }
        points.computeIfAbsent(series, s -> new ArrayList<>()).add(new double[] {x, y});
        dirty = true;
        if (System.nanoTime() - lastDrawNanos >= MIN_INTERVAL_MS * 1_000_000L) {
            draw();
        }
    }

    public XYChart chart() {
        return chart;
    }

    public String displayId() {
        return displayId;
    }

    /** Draws now. */
    public synchronized void draw() {
        for (Map.Entry<String, List<double[]>> e : points.entrySet()) {
            double[] xs = e.getValue().stream().mapToDouble(p -> p[0]).toArray();
            double[] ys = e.getValue().stream().mapToDouble(p -> p[1]).toArray();
            if (chart.getSeriesMap().containsKey(e.getKey())) {
                chart.updateXYSeries(e.getKey(), xs, ys, null);
            } else {
                XYSeries s = chart.addSeries(e.getKey(), xs, ys);
                s.setMarker(SeriesMarkers.NONE);
            }
        }
        lastDrawNanos = System.nanoTime();
        dirty = false;
        Display.update(displayId, chart);
    }

    @Override
    public synchronized void close() {
        if (dirty) {
            draw();
        }
    }
}
