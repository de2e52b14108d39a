package org.assay.nd4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import org.assay.base.HtmlText;
import org.assay.base.Numbers;
import org.assay.display.Charts;
import org.assay.display.MimeBundle;
import org.assay.display.Renderer;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * INDArrays in the kernel: a caption with the type and shape, a table of a 1-D or 2-D array (its first and last rows
 * and columns when it is large, as pandas shows a frame), and beside a 2-D one a heatmap (block means when it has
 * more than {@value #HEAT_CELLS} rows or columns). Higher ranks show their caption and ND4J's own text.
 */
public final class INDArrayRenderer implements Renderer<INDArray> {
    static final int EDGE_ROWS = 10;
    static final int EDGE_COLUMNS = 6;
    static final int HEAT_CELLS = 64;

    @Override
    public Class<INDArray> type() {
        return INDArray.class;
    }

    @Override
    public MimeBundle render(INDArray array, Set<String> requested) {
        String caption = caption(array);
        String text = caption + "\n" + array;
        if (array.rank() > 2 || array.isEmpty() || !array.dataType().isNumerical() && array.dataType() != DataType.BOOL) {
            return MimeBundle.html("<div><b>" + HtmlText.escape(caption) + "</b><pre>" + HtmlText.escape(array.toString())
                    + "</pre></div>", text);
        }
        INDArray m = array.rank() < 2 ? array.reshape(1, Math.max(1, array.length())) : array;
        StringBuilder html = new StringBuilder("<div style='display:flex;gap:1.5em;align-items:flex-start'>");
        html.append(table(m, caption));
        if (array.rank() == 2 && m.rows() > 1 && m.columns() > 1) {
            html.append("<img alt='heatmap' src='data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(heatmap(m))).append("'>");
        }
        return MimeBundle.html(html.append("</div>").toString(), text);
    }

    static String caption(INDArray array) {
        return "INDArray " + array.dataType().name().toLowerCase(Locale.ROOT) + " " + Arrays.toString(array.shape());
    }

    private static String table(INDArray m, String caption) {
        long rows = m.rows();
        long cols = m.columns();
        long[] rowIndex = edges(rows, EDGE_ROWS);
        long[] colIndex = edges(cols, EDGE_COLUMNS);
        INDArray d = m.castTo(DataType.DOUBLE);
        StringBuilder b = new StringBuilder("<table><caption>").append(HtmlText.escape(caption)).append("</caption>");
        b.append("<thead><tr><th></th>");
        for (long j : colIndex) {
            b.append(j < 0 ? "<th>…</th>" : "<th>" + j + "</th>");
        }
        b.append("</tr></thead><tbody>");
        for (long i : rowIndex) {
            b.append("<tr><th>").append(i < 0 ? "…" : String.valueOf(i)).append("</th>");
            for (long j : colIndex) {
                b.append("<td>").append(i < 0 || j < 0 ? "…" : Numbers.format(d.getDouble(i, j))).append("</td>");
            }
            b.append("</tr>");
        }
        return b.append("</tbody></table>").toString();
    }

    /** 0..n-1, or its first and last {@code edge} indices with -1 between them for the elided ones. */
    static long[] edges(long n, int edge) {
        if (n <= 2L * edge) {
            long[] all = new long[(int) n];
            Arrays.setAll(all, i -> i);
            return all;
        }
        long[] out = new long[2 * edge + 1];
        for (int i = 0; i < edge; i++) {
            out[i] = i;
            out[edge + 1 + i] = n - edge + i;
        }
        out[edge] = -1;
        return out;
    }

    /** A heatmap PNG of a matrix, each cell the mean of its block when the matrix is larger than the grid. */
    static byte[] heatmap(INDArray m) {
        int rows = (int) Math.min(m.rows(), HEAT_CELLS);
        int cols = (int) Math.min(m.columns(), HEAT_CELLS);
        double[][] means = blockMeans(m.castTo(DataType.DOUBLE), rows, cols);
        HeatMapChart chart = new HeatMapChart(360, 300, Charts.THEME);
        chart.setTitle(m.rows() > rows || m.columns() > cols ? "block means" : "");
        chart.getStyler().setLegendVisible(true).setPlotContentSize(1.0);
        int[] x = new int[cols];
        int[] y = new int[rows];
        Arrays.setAll(x, j -> j);
        Arrays.setAll(y, i -> i);
        java.util.List<Number[]> cells = new java.util.ArrayList<>();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                cells.add(new Number[] {j, rows - 1 - i, means[i][j]}); // row 0 at the top, as the table
            }
        }
        chart.addSeries("values", Arrays.stream(x).boxed().toList(), Arrays.stream(y).boxed().toList(), cells);
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double[][] blockMeans(INDArray d, int rows, int cols) {
        long n = d.rows();
        long k = d.columns();
        double[][] sum = new double[rows][cols];
        long[][] count = new long[rows][cols];
        for (long i = 0; i < n; i++) {
            int bi = (int) (i * rows / n);
            double[] row = d.getRow(i).dup().toDoubleVector(); // a row at a time: ND4J's getDouble(i, j) is slow
            for (int j = 0; j < k; j++) {
                int bj = (int) (j * cols / k);
                sum[bi][bj] += row[j];
                count[bi][bj]++;
            }
        }
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                sum[i][j] /= count[i][j];
            }
        }
        return sum;
    }
}
