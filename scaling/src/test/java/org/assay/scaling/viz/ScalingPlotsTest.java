package org.assay.scaling.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.assay.display.Charts;
import org.assay.scaling.ChinchillaFit;
import org.assay.scaling.IsoFlopFit;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.junit.jupiter.api.Test;

class ScalingPlotsTest {

    private static double[][] sweeps() {
        var truth = org.assay.scaling.ChinchillaLaw.hoffmann2022();
        double[] budgets = {1e18, 1e19, 1e20};
        double[][] out = new double[3][budgets.length * 7];
        int r = 0;
        for (double c : budgets) {
            for (int k = -3; k <= 3; k++) {
                double n = truth.allocate(c).parameters() * Math.pow(2, k * 0.75);
                out[0][r] = n;
                out[1][r] = c / (6 * n);
                out[2][r] = truth.predict(n, out[1][r]) * (1 + 0.003 * Math.sin(r));
                r++;
            }
        }
        return out;
    }

    @Test
    void chartsCarryTheirSeriesAFilledBandAndRender() throws Exception {
        double[][] s = sweeps();
        ChinchillaFit fit = ChinchillaFit.hoffmann2022().withGrid(new double[] {0.5}, new double[] {0.5},
                new double[] {0.5}, new double[] {5, 10}, new double[] {5, 10});
        var full = fit.fit(s[0], s[1], s[2]);
        var boot = fit.bootstrap(s[0], s[1], s[2], full, 30, 1);
        var iso = IsoFlopFit.approach2(s[0], s[1], s[2]);
        XYChart isoChart = ScalingPlots.isoFlop(iso, s[0], s[1], s[2]);
        assertEquals(3, isoChart.getSeriesMap().keySet().stream().filter(k -> k.startsWith("C=") && !k.endsWith("fit")).count());
        assertTrue(isoChart.getSeriesMap().containsKey("minima"));
        assertEquals(Charts.THEME, isoChart.getStyler().getTheme(), "drawn in the one theme");
        assertTrue(isoChart.getStyler().isXAxisLogarithmic(), "the theme did not undo the chart's own settings");
        for (XYChart chart : new XYChart[] {ScalingPlots.frontier(full.law(), boot, iso, 1e18, 1e23),
                ScalingPlots.lossFrontier(full.law(), boot, s[0], s[1], s[2], 1e23)}) {
            XYSeries band = chart.getSeriesMap().get("95% CI");
            assertEquals(XYSeries.XYSeriesRenderStyle.PolygonArea, band.getXYSeriesRenderStyle(), "a filled band");
            java.awt.Color line = chart.getSeriesMap().values().stream().filter(x -> x != band
                    && x.getMarker() == org.knowm.xchart.style.markers.SeriesMarkers.NONE).findFirst().orElseThrow()
                    .getLineColor();
            assertEquals(line.getRGB() & 0xFFFFFF, band.getFillColor().getRGB() & 0xFFFFFF,
                    "the band is a translucent fill of its curve's colour");
            assertTrue(band.getFillColor().getAlpha() < 255);
            byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
            assertTrue(png.length > 1000);
        }
    }

    @Test
    void theInferenceAwareChartDrawsNAndTokensPerParameterOnTwoAxes() throws Exception {
        var law = org.assay.scaling.ChinchillaLaw.epoch2024();
        double loss = law.allocate(1e23).loss();
        XYChart chart = ScalingPlots.inferenceAwareAllocation(law, null, loss, 1e9, 1e14);
        XYSeries n = chart.getSeriesMap().get("N");
        XYSeries ratio = chart.getSeriesMap().get("D_train / N");
        assertEquals(Charts.THEME, chart.getStyler().getTheme());
        assertEquals(0, n.getYAxisGroup());
        assertEquals(1, ratio.getYAxisGroup());
        assertEquals(law.allocateForLoss(loss, 1e14).parameters(), n.getYData()[n.getYData().length - 1], 1e-6);
        assertEquals(law.allocateForLoss(loss, 0).tokensPerParameter(),
                chart.getSeriesMap().get("D_train / N without inference").getYData()[0], 1e-9);
        assertTrue(n.getYData()[0] > n.getYData()[n.getYData().length - 1], "N falls as inference grows");
        assertTrue(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG).length > 1000);
    }

    @Test
    void theComputeFrontierChartHasACurvePerModelAndTheFrontier() throws Exception {
        var configs = new java.util.ArrayList<org.assay.scaling.ComputeFrontier.Config>();
        for (int k : new int[] {1, 2, 4, 8}) {
            double a = 1 - Math.pow(0.7, k);
            configs.add(new org.assay.scaling.ComputeFrontier.Config("d32", 1e5, k, 1e12, 0, k * 1e7, a * 0.8,
                    a * 0.8 - 0.05, a * 0.8 + 0.05));
            configs.add(new org.assay.scaling.ComputeFrontier.Config("d64", 4e5, k, 8e12, 0, k * 4e7, a, a - 0.05,
                    a + 0.05));
        }
        var result = org.assay.scaling.ComputeFrontier.of(configs).at(1e3);
        XYChart chart = ScalingPlots.computeFrontier(result);
        assertEquals(Charts.THEME, chart.getStyler().getTheme());
        assertEquals(chart.getSeriesMap().get("d32").getLineColor(), chart.getSeriesMap().get("d32 interval")
                .getLineColor(), "an interval's whisker is its curve's colour");
        assertEquals(4, chart.getSeriesMap().get("d32").getXData().length);
        assertEquals(2 * result.frontier().size() - 1, chart.getSeriesMap().get("frontier").getXData().length);
        assertEquals(12, chart.getSeriesMap().get("d64 interval").getYData().length);
        assertTrue(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG).length > 1000);
    }
}
