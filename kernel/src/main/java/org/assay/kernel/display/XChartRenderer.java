package org.assay.kernel.display;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.assay.display.MimeBundle;
import org.assay.display.Renderer;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/** XChart charts as {@code image/png}, or {@code image/svg+xml} when asked for. */
@SuppressWarnings("rawtypes")
public final class XChartRenderer implements Renderer<Chart> {

    @Override
    public Class<Chart> type() {
        return Chart.class;
    }

    @Override
    @SuppressWarnings("unchecked")
    public MimeBundle render(Chart chart, Set<String> requested) {
        MimeBundle b = new MimeBundle();
        try {
            if (requested.contains(MimeBundle.SVG)) {
                ByteArrayOutputStream svg = new ByteArrayOutputStream();
                VectorGraphicsEncoder.saveVectorGraphic(chart, svg, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
                b.put(MimeBundle.SVG, svg.toString(StandardCharsets.UTF_8));
            }
            if (requested.isEmpty() || requested.contains(MimeBundle.PNG)) {
                byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
                b.putPng(png, chart.getWidth(), chart.getHeight());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String title = chart.getTitle() == null || chart.getTitle().isEmpty() ? "" : " '" + chart.getTitle() + "'";
        return b.put(MimeBundle.TEXT, "<" + chart.getClass().getSimpleName() + title + " "
                + chart.getWidth() + "x" + chart.getHeight() + ">");
    }
}
