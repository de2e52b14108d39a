package org.assay.display;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.junit.jupiter.api.Test;

class ChartsTest {
    @Test
    void chartsAreMadeInTheThemeWithTheirTitles() {
        XYChart xy = Charts.xy(400, 300, "Loss", "FLOPs", "loss");
        assertEquals(Charts.THEME, xy.getStyler().getTheme());
        assertEquals("Loss", xy.getTitle());
        assertEquals("FLOPs", xy.getXAxisTitle());
        assertEquals(Color.WHITE, xy.getStyler().getChartBackgroundColor());
        assertEquals(Color.WHITE, xy.getStyler().getPlotBackgroundColor());
        assertArrayEquals(Charts.PALETTE, xy.getStyler().getSeriesColors());
        assertTrue(xy.getStyler().getAxisTickLabelsFont().getSize() >= 12, "tick labels readable");
        assertTrue(xy.getStyler().isErrorBarsColorSeriesColor(), "error bars in their series' colour");
        CategoryChart bars = Charts.category(400, 300, "Gain", null, "accuracy");
        assertEquals(Charts.THEME, bars.getStyler().getTheme());
        assertEquals("", bars.getXAxisTitle());
    }

    @Test
    void seriesTakeThePaletteInOrderAndRenderOnWhite() throws Exception {
        XYChart chart = Charts.xy(300, 200, "t", "x", "y");
        chart.addSeries("a", new double[] {1, 2, 3}, new double[] {1, 4, 9});
        chart.addSeries("b", new double[] {1, 2, 3}, new double[] {2, 3, 4});
        BufferedImage image = BitmapEncoder.getBufferedImage(chart);
        assertEquals(Color.WHITE.getRGB(), image.getRGB(2, 2), "white background");
        assertEquals(Charts.PALETTE[0], chart.getSeriesMap().get("a").getLineColor());
        assertEquals(Charts.PALETTE[1], chart.getSeriesMap().get("b").getLineColor());
        assertEquals(Charts.colour(9), Charts.PALETTE[1], "colours cycle");
    }

    @Test
    void aBandIsATranslucentFillOfItsColour() {
        XYChart chart = Charts.xy(300, 200, "t", "x", "y");
        XYSeries band = Charts.band(chart, "95% CI", new double[] {1, 2, 3}, new double[] {0, 1, 2},
                new double[] {2, 3, 4}, Charts.colour(2));
        assertEquals(XYSeries.XYSeriesRenderStyle.PolygonArea, band.getXYSeriesRenderStyle());
        assertEquals(Charts.colour(2).getRGB() & 0xFFFFFF, band.getFillColor().getRGB() & 0xFFFFFF);
        assertTrue(band.getFillColor().getAlpha() > 0 && band.getFillColor().getAlpha() < 128);
        assertArrayEquals(new double[] {2, 3, 4, 2, 1, 0}, band.getYData(), "upper edge forward, lower edge back");
        var e = assertThrows(IllegalArgumentException.class, () -> Charts.band(chart, "bad", new double[] {1, 2},
                new double[] {0}, new double[] {1, 2}, Color.BLACK));
        assertTrue(e.getMessage().contains("Charts.band") && e.getMessage().contains("'bad'"), e.getMessage());
    }
}
