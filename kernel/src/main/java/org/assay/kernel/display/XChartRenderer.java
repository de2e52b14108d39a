package org.assay.kernel.display;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.assay.display.MimeBundle;
import org.assay.display.Renderer;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * XChart charts as {@code image/png}, or {@code image/svg+xml} when asked for; what a chart shown without a request
 * carries comes from {@code ASSAY_CHART_FORMATS} ({@code png} by default, {@code png,svg} for both, as
 * {@code ./assay report} asks for its figure files).
 */
@SuppressWarnings("rawtypes")
public final class XChartRenderer implements Renderer<Chart> {
    static final String FORMATS_ENV = "ASSAY_CHART_FORMATS";
    private static final Map<String, String> FORMATS = Map.of("png", MimeBundle.PNG, "svg", MimeBundle.SVG);

    private final String formats = System.getenv(FORMATS_ENV);

    /** The MIME types a comma-separated list of formats names ({@code "png,svg"}); null or blank is PNG. */
    static Set<String> mimeTypes(String formats) {
        if (formats == null || formats.isBlank()) {
            return Set.of(MimeBundle.PNG);
        }
        Set<String> types = new LinkedHashSet<>();
        for (String f : formats.split(",")) {
            String type = FORMATS.get(f.strip().toLowerCase(Locale.ROOT));
            if (type == null) {
                throw new IllegalArgumentException(FORMATS_ENV + ": unknown chart format '" + f.strip() + "' in '"
                        + formats + "'; known: png, svg");
            }
            types.add(type);
        }
        return types;
    }

    @Override
    public Class<Chart> type() {
        return Chart.class;
    }

    @Override
    @SuppressWarnings("unchecked")
    public MimeBundle render(Chart chart, Set<String> requested) {
        MimeBundle b = new MimeBundle();
        Set<String> wanted = requested.isEmpty() ? mimeTypes(formats) : requested;
        try {
            if (wanted.contains(MimeBundle.SVG)) {
                ByteArrayOutputStream svg = new ByteArrayOutputStream();
                VectorGraphicsEncoder.saveVectorGraphic(chart, svg, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
                String document = svg.toString(StandardCharsets.UTF_8);
                // the <svg> element alone, as IPython's SVG sends it: an XML declaration breaks HTML export
                b.put(MimeBundle.SVG, SvgCompactor.compact(document.substring(Math.max(0, document.indexOf("<svg")))));
            }
            if (wanted.contains(MimeBundle.PNG)) {
                byte[] png = org.assay.display.Image.png(BitmapEncoder.getBufferedImage(chart));
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
