package org.assay.kernel.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.assay.display.Charts;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;

class SvgCompactorTest {
    @Test
    void coordinatesAreRoundedStylesBecomeClassesTransformsKeepTheirDigits() {
        String svg = "<svg width=\"720px\" viewBox=\"0 0 720 440\">\n  <line style=\"stroke:rgb(1,2,3);\" x1=\"51.54296875\""
                + " y1=\"-0.0000001\"/>\n  <line style=\"stroke:rgb(1,2,3);\" x1=\"3.25\"/>\n  <g transform=\"matrix("
                + "6.123233995736766E-17 -1.0 1.0 0.70710678 20 241)\"><path style=\"fill:red;\" d=\"M-10.640625,-5.2 L1e-5,2.55\"/></g></svg>";
        String out = SvgCompactor.compact(svg);
        assertEquals("<svg width=\"720px\" viewBox=\"0 0 720 440\"><style>.s0{stroke:rgb(1,2,3);}.s1{fill:red;}</style>"
                + "<line class=\"s0\" x1=\"51.5\" y1=\"0\"/><line class=\"s0\" x1=\"3.3\"/><g transform=\"matrix("
                + "6.123233995736766E-17 -1.0 1.0 0.70710678 20 241)\"><path class=\"s1\" d=\"M-10.6-5.2L1e-5 2.6\"/>"
                + "</g></svg>", out);
    }

    @Test
    void aChartsSvgShrinksAndKeepsEveryElement() throws Exception {
        XYChart chart = Charts.xy(720, 440, "Loss against compute", "compute", "loss");
        chart.getStyler().setXAxisLogarithmic(true);
        double[] x = new double[200];
        double[] y = new double[200];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.pow(10, 17 + i * 0.03);
            y[i] = 1.7 + 400 / Math.pow(x[i], 0.12);
        }
        chart.addSeries("fit", x, y).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        VectorGraphicsEncoder.saveVectorGraphic(chart, bytes, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        String svg = bytes.toString(StandardCharsets.UTF_8);
        svg = svg.substring(svg.indexOf("<svg"));
        String out = SvgCompactor.compact(svg);
        assertTrue(out.length() < 0.75 * svg.length(), svg.length() + " -> " + out.length());
        for (String element : new String[] {"<path", "<g", "<rect", "<clipPath"}) {
            assertEquals(count(svg, element), count(out, element), element);
        }
        assertTrue(count(svg, "<line") > 199 && count(out, "<polyline") >= 1, "the 199 segments of the curve joined");
        assertTrue(out.startsWith("<svg") && out.endsWith("</svg>"), out.substring(out.length() - 20));
    }

    @Test
    void pathDataLosesOnlySeparatorsItDoesNotNeed() {
        assertEquals("M-10.6-5.2Q-.5-3 .2 1L0 0 .5.5ZM1e-5 2", SvgCompactor.pathData("M-10.6,-5.2 Q-0.5,-3 0.2 1 L-0 0 0.5 0.5 Z M1e-5,2"));
    }

    @Test
    void joinedSegmentsBecomeOneThinnedPolyline() {
        String segments = "<line class=\"s1\" x1=\"0\" x2=\"10\" y1=\"0\" y2=\"0\"/>"
                + "<line class=\"s1\" x1=\"10\" x2=\"20\" y1=\"0\" y2=\"0.1\"/>"   // within 0.2 px of straight
                + "<line class=\"s1\" x1=\"20\" x2=\"30\" y1=\"0.1\" y2=\"0\"/>"
                + "<line class=\"s1\" x1=\"30\" x2=\"30\" y1=\"0\" y2=\"15\"/>"    // a corner: kept
                + "<line class=\"s2\" x1=\"30\" x2=\"40\" y1=\"15\" y2=\"15\"/>"   // another style
                + "<rect/><line class=\"s1\" x1=\"1\" x2=\"2\" y1=\"1\" y2=\"2\"/>";
        assertEquals("<polyline class=\"s1\" points=\"0,0 30,0 30,15\"/>"
                + "<line class=\"s2\" x1=\"30\" x2=\"40\" y1=\"15\" y2=\"15\"/>"
                + "<rect/><line class=\"s1\" x1=\"1\" x2=\"2\" y1=\"1\" y2=\"2\"/>", SvgCompactor.polylines(segments));
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
