package org.assay.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ServiceLoader;
import java.util.Set;
import org.assay.display.MimeBundle;
import org.assay.display.Renderer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class INDArrayRendererTest {
    private final INDArrayRenderer renderer = new INDArrayRenderer();

    @Test
    void isFoundThroughTheRendererSpi() {
        assertTrue(ServiceLoader.load(Renderer.class).stream().anyMatch(p -> p.type() == INDArrayRenderer.class));
    }

    @Test
    void aMatrixIsATableWithItsTypeAndShapeAndAHeatmap() {
        MimeBundle b = renderer.render(Nd4j.create(new double[][] {{1, 2.5}, {3, 4}}).castTo(DataType.FLOAT), Set.of());
        String html = b.get(MimeBundle.HTML);
        assertTrue(html.contains("<caption>INDArray float [2, 2]</caption>"), html);
        assertTrue(html.contains("<td>2.5</td>") && html.contains("<td>4</td>"), html);
        assertTrue(html.contains("<img alt='heatmap' src='data:image/png;base64,"), "a heatmap beside the table");
        assertTrue(b.get(MimeBundle.TEXT).startsWith("INDArray float [2, 2]"));
    }

    @Test
    void aVectorIsARowAndALargeMatrixShowsItsEdges() {
        String vector = renderer.render(Nd4j.create(new double[] {1, 2, 3}), Set.of()).get(MimeBundle.HTML);
        assertTrue(vector.contains("INDArray double [3]") && vector.contains("<td>3</td>"), vector);
        assertFalse(vector.contains("<img"), "no heatmap for a vector");
        String big = renderer.render(Nd4j.arange(0, 1000 * 50).reshape(1000, 50), Set.of()).get(MimeBundle.HTML);
        assertEquals(2 * INDArrayRenderer.EDGE_ROWS + 1, big.split("<tr>", -1).length - 2, "head, …, tail rows");
        assertTrue(big.contains("<th>999</th>") && big.contains("<th>…</th>") && big.contains("<th>49</th>"), big);
        assertTrue(big.contains("<img"), "a heatmap of block means");
    }

    @Test
    void blocksAverageAndEdgesElide() {
        assertArrayEquals(new long[] {0, 1, 2}, INDArrayRenderer.edges(3, 2));
        assertArrayEquals(new long[] {0, 1, -1, 8, 9}, INDArrayRenderer.edges(10, 2));
        double[][] means = INDArrayRenderer.blockMeans(Nd4j.create(new double[][] {{1, 3, 5, 7}, {1, 3, 5, 7}}), 1, 2);
        assertArrayEquals(new double[] {2, 6}, means[0]);
    }

    @Test
    void higherRanksShowTheirCaptionAndText() {
        MimeBundle b = renderer.render(Nd4j.zeros(DataType.INT, 2, 3, 4), Set.of());
        assertTrue(b.get(MimeBundle.HTML).contains("INDArray int [2, 3, 4]"), b.get(MimeBundle.HTML));
        assertFalse(b.get(MimeBundle.HTML).contains("<table>"));
    }
}
