package org.assay.display;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.knowm.xchart.style.theme.XChartTheme;

/**
 * The one look of Assay's charts (XChart): white background, fonts readable in a notebook and a paper, the
 * Okabe–Ito palette (safe for the common colour-blindnesses), error bars in their series' colour and bands as a
 * translucent fill of it. Every chart Assay draws starts here, and so should a notebook's:
 * {@code XYChart c = Charts.xy(720, 420, "Loss against compute", "FLOPs", "loss");}
 *
 * <p>The theme is given when the chart is made: XChart's {@code Styler.setTheme} would reset every setting made
 * before it (log axes included), so a theme cannot be applied to a finished chart.
 */
public final class Charts {
    /** Okabe &amp; Ito (2008): blue, orange, bluish green, vermillion, reddish purple, sky blue, yellow, black. */
    public static final Color[] PALETTE = {new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73),
        new Color(0xD55E00), new Color(0xCC79A7), new Color(0x56B4E9), new Color(0xF0E442), new Color(0x000000)};

    /** For context drawn behind the data that matters (all runs behind a frontier). */
    public static final Color NEUTRAL = new Color(0x9A9A9A);

    /** The theme itself, for charts made another way ({@code new XYChart(w, h, Charts.THEME)}). */
    public static final XChartTheme THEME = new AssayTheme();

    private static final int BAND_ALPHA = 60;

    private Charts() {
    }

    /** An XY chart in the theme, with its title and axis titles (null for none). */
    public static XYChart xy(int width, int height, String title, String xTitle, String yTitle) {
        XYChart chart = new XYChart(width, height, THEME);
        titles(chart, title, xTitle, yTitle);
        return chart;
    }

    /** A category (bar) chart in the theme, with its title and axis titles (null for none). */
    public static CategoryChart category(int width, int height, String title, String xTitle, String yTitle) {
        CategoryChart chart = new CategoryChart(width, height, THEME);
        titles(chart, title, xTitle, yTitle);
        return chart;
    }

    private static void titles(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, String title, String xTitle,
                               String yTitle) {
        chart.setTitle(title == null ? "" : title);
        chart.setXAxisTitle(xTitle == null ? "" : xTitle);
        chart.setYAxisTitle(yTitle == null ? "" : yTitle);
    }

    /** The {@code i}-th colour of the palette, cycling. */
    public static Color colour(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }

    /**
     * A filled band between {@code lower} and {@code upper} along {@code x} (a confidence interval), in a translucent
     * fill of {@code colour} with no edge: one polygon, upper edge forward and lower edge back.
     */
    public static XYSeries band(XYChart chart, String name, double[] x, double[] lower, double[] upper, Color colour) {
        if (x.length != lower.length || x.length != upper.length) {
            throw new IllegalArgumentException("Charts.band: x, lower and upper must have one value per point, got "
                    + x.length + ", " + lower.length + " and " + upper.length + " for '" + name + "'");
        }
        int k = x.length;
        double[] px = new double[2 * k];
        double[] py = new double[2 * k];
        for (int i = 0; i < k; i++) {
            px[i] = x[i];
            py[i] = upper[i];
            px[2 * k - 1 - i] = x[i];
            py[2 * k - 1 - i] = lower[i];
        }
        XYSeries band = chart.addSeries(name, px, py);
        band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
        band.setMarker(SeriesMarkers.NONE);
        band.setFillColor(new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), BAND_ALPHA));
        band.setLineColor(new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), 0));
        return band;
    }

    /** XChart's own theme with Assay's colours, fonts and spacing. */
    private static final class AssayTheme extends XChartTheme {
        private static final Color INK = new Color(0x222222);
        private static final Color GRID = new Color(0xE6E6E6);
        private static final Color FRAME = new Color(0xBBBBBB);
        private static final String FAMILY = Font.SANS_SERIF;

        @Override
        public Font getBaseFont() {
            return new Font(FAMILY, Font.PLAIN, 13);
        }

        @Override
        public Color getChartBackgroundColor() {
            return Color.WHITE;
        }

        @Override
        public Color getChartFontColor() {
            return INK;
        }

        @Override
        public Font getChartTitleFont() {
            return new Font(FAMILY, Font.BOLD, 16);
        }

        @Override
        public Font getAxisTitleFont() {
            return new Font(FAMILY, Font.PLAIN, 14);
        }

        @Override
        public Font getAxisTickLabelsFont() {
            return new Font(FAMILY, Font.PLAIN, 12);
        }

        @Override
        public Color getAxisTickLabelsColor() {
            return INK;
        }

        @Override
        public Color getAxisTickMarksColor() {
            return FRAME;
        }

        @Override
        public Font getLegendFont() {
            return new Font(FAMILY, Font.PLAIN, 12);
        }

        @Override
        public Color getLegendBackgroundColor() {
            return Color.WHITE;
        }

        @Override
        public Color getLegendBorderColor() {
            return FRAME;
        }

        @Override
        public Styler.LegendPosition getLegendPosition() {
            return Styler.LegendPosition.OutsideE;
        }

        @Override
        public Color getPlotBackgroundColor() {
            return Color.WHITE;
        }

        @Override
        public Color getPlotBorderColor() {
            return FRAME;
        }

        @Override
        public Color getPlotGridLinesColor() {
            return GRID;
        }

        @Override
        public BasicStroke getPlotGridLinesStroke() {
            return new BasicStroke(1f);
        }

        @Override
        public Color[] getSeriesColors() {
            return PALETTE.clone();
        }

        @Override
        public Marker[] getSeriesMarkers() {
            return new Marker[] {SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND,
                SeriesMarkers.TRIANGLE_UP, SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS, SeriesMarkers.PLUS,
                SeriesMarkers.OVAL};
        }

        @Override
        public BasicStroke[] getSeriesLines() {
            return new BasicStroke[] {SeriesLines.SOLID}; // colour and marker tell series apart; dashes mean something
        }

        @Override
        public int getMarkerSize() {
            return 7;
        }

        @Override
        public boolean isErrorBarsColorSeriesColor() {
            return true;
        }

        @Override
        public boolean isChartTitleBoxVisible() {
            return false;
        }
    }
}
