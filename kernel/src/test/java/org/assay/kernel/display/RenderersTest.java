package org.assay.kernel.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assay.display.MimeBundle;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

class RenderersTest {
    final Renderers renderers = new Renderers(getClass().getClassLoader());

    private static XYChart chart() {
        XYChart c = new XYChartBuilder().width(300).height(200).title("t").build();
        c.addSeries("s", new double[] {1, 2, 3}, new double[] {3, 1, 2});
        return c;
    }

    @Test
    void chartIsPngWithItsSizeAndSvgOnRequest() {
        MimeBundle png = renderers.render(chart());
        assertTrue(png.has(MimeBundle.PNG));
        assertFalse(png.has(MimeBundle.SVG));
        assertEquals(Map.of("width", 300, "height", 200), png.metadata().get(MimeBundle.PNG));
        byte[] bytes = java.util.Base64.getDecoder().decode(png.get(MimeBundle.PNG));
        assertEquals((byte) 0x89, bytes[0]);
        MimeBundle svg = renderers.render(chart(), Set.of(MimeBundle.SVG));
        assertTrue(svg.get(MimeBundle.SVG).startsWith("<svg"), "the <svg> element, no XML declaration");
        assertFalse(svg.has(MimeBundle.PNG), "only what was asked for");
        assertTrue(svg.get(MimeBundle.TEXT).contains("300x200"));
    }

    @Test
    void chartFormatsComeFromTheirVariable() {
        assertEquals(Set.of(MimeBundle.PNG), XChartRenderer.mimeTypes(null));
        assertEquals(Set.of(MimeBundle.PNG), XChartRenderer.mimeTypes(" "));
        assertEquals(Set.of(MimeBundle.PNG, MimeBundle.SVG), XChartRenderer.mimeTypes("png, SVG"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> XChartRenderer.mimeTypes("png,jpg"));
        assertTrue(e.getMessage().contains("ASSAY_CHART_FORMATS") && e.getMessage().contains("'jpg'"), e.getMessage());
    }

    @Test
    void shortTablesShowEveryRowLongOnesHeadAndTail() {
        Table small = Table.create("small", IntColumn.create("i", new int[] {1, 2, 3}));
        String html = renderers.render(small).get(MimeBundle.HTML);
        assertEquals(1 + 3, count(html, "<tr>"));
        assertTrue(html.contains("small: 3 rows × 1 columns"));
        int[] values = new int[1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        Table big = Table.create("big", IntColumn.create("i", values));
        String bigHtml = renderers.render(big).get(MimeBundle.HTML);
        assertEquals(1 + 10 + 1 + 10, count(bigHtml, "<tr>"));
        assertTrue(bigHtml.contains("<td>9</td>") && bigHtml.contains("<td>990</td>") && !bigHtml.contains("<td>500</td>"));
        assertTrue(bigHtml.contains("1000 rows"));
    }

    record Fit(String law, double alpha) {
    }

    @Test
    void recordsMapsAndRecordListsAreTables() {
        assertTrue(renderers.render(new Fit("chinchilla", 0.34)).get(MimeBundle.HTML).contains("<b>alpha</b>"));
        String list = renderers.render(List.of(new Fit("a", 1), new Fit("b", 2))).get(MimeBundle.HTML);
        assertTrue(list.contains("<th>law</th>") && list.contains("<th>alpha</th>") && list.contains("2 rows"), list);
        List<Object> mixed = new ArrayList<>(List.of(new Fit("a", 1), "not a record"));
        assertFalse(renderers.render(mixed).has(MimeBundle.HTML), "a mixed list stays text");
        assertTrue(renderers.render(Map.of("k", "<v>")).get(MimeBundle.HTML).contains("&lt;v&gt;"), "escaped");
    }

    @Test
    void floatingPointCellsShowSignificantDigitsAndTheTextStaysExact() {
        double loss = 0.2128906249999999;
        Table t = Table.create("runs", tech.tablesaw.api.DoubleColumn.create("val_loss", new double[] {loss, 7.79157504E11}),
                tech.tablesaw.api.DoubleColumn.create("missing", new double[] {Double.NaN, 1}),
                IntColumn.create("steps", new int[] {1500, 123456789}));
        String html = renderers.render(t).get(MimeBundle.HTML);
        assertTrue(html.contains("<td>0.2129</td>") && html.contains("<td>7.792e+11</td>"), html);
        assertTrue(html.contains("<td>123456789</td>") && html.contains("<td></td>"), "integers and missing cells: " + html);
        MimeBundle record = renderers.render(new Fit("chinchilla", loss));
        assertTrue(record.get(MimeBundle.HTML).contains("<td>0.2129</td>"), record.get(MimeBundle.HTML));
        assertTrue(record.get(MimeBundle.TEXT).contains(String.valueOf(loss)), "the text is the record's own");
        assertTrue(renderers.render(List.of(new Fit("a", loss), new Fit("b", 2))).get(MimeBundle.HTML)
                .contains("<td>0.2129</td>"));
        assertTrue(renderers.render(Map.of("loss", loss)).get(MimeBundle.HTML).contains("<td>0.2129</td>"));
        try {
            org.assay.base.Numbers.setDigits(6);
            assertTrue(renderers.render(t).get(MimeBundle.HTML).contains("<td>0.212891</td>"));
        } finally {
            org.assay.base.Numbers.setDigits(org.assay.base.Numbers.DEFAULT_DIGITS);
        }
    }

    @Test
    void aMapWithoutAnOrderIsShownSortedAndAnOrderedOneAsItIs() {
        // Map.of iterates in an order salted per JVM; shown sorted, a notebook prints the same on every run
        var unordered = renderers.render(Map.of("learning rate", 3e-4, "batch size", 64, "steps", 10));
        assertEquals("{batch size=64, learning rate=3.0E-4, steps=10}", unordered.get(MimeBundle.TEXT));
        String html = unordered.get(MimeBundle.HTML);
        assertTrue(html.indexOf("batch size") < html.indexOf("learning rate")
                && html.indexOf("learning rate") < html.indexOf("steps"), html);
        var ordered = new java.util.LinkedHashMap<String, Integer>();
        ordered.put("z", 1);
        ordered.put("a", 2);
        assertEquals("{z=1, a=2}", renderers.render(ordered).get(MimeBundle.TEXT));
        assertEquals("{1=b, 2=a, 10=c}", renderers.render(Map.of(10, "c", 2, "a", 1, "b")).get(MimeBundle.TEXT),
                "numbers in numeric order");
    }

    @Test
    void aMapIsNamedAsAUserWouldWriteIt() {
        assertTrue(renderers.render(Map.of("a", 1, "b", 2)).get(MimeBundle.HTML).contains("Map, 2 entries"),
                "Map.of's class is JDK-internal (MapN)");
        assertTrue(renderers.render(java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(Map.of("a", 1))))
                .get(MimeBundle.HTML).contains("Map, 1 entry"));
        assertTrue(renderers.render(new java.util.TreeMap<>(Map.of("a", 1, "b", 2))).get(MimeBundle.HTML)
                .contains("TreeMap, 2 entries"));
        assertTrue(renderers.render(new java.util.HashMap<>() { }).get(MimeBundle.HTML).contains("Map, 0 entries"),
                "an anonymous subclass has no name to show");
    }

    @Test
    void plainValuesAndArraysAreText() {
        assertEquals("[1, 2, 3]", renderers.render(new int[] {1, 2, 3}).get(MimeBundle.TEXT));
        assertEquals("[[a], [b]]", renderers.render(new String[][] {{"a"}, {"b"}}).get(MimeBundle.TEXT));
        assertEquals("null", renderers.render(null).get(MimeBundle.TEXT));
    }

    @Test
    void closerTypesWin() {
        assertEquals(0, Renderers.distance(ArrayList.class, ArrayList.class));
        assertTrue(Renderers.distance(ArrayList.class, List.class) < Renderers.distance(ArrayList.class, Iterable.class));
        assertEquals(Integer.MAX_VALUE, Renderers.distance(String.class, List.class));
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
