package org.assay.scaling;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Points (N, D, loss) read from a CSV with a header row, by column name. D may be derived from compute as
 * {@code D = C / (6 N)} when only C is given. Every bad cell fails with the file, column, row and value; nothing is
 * dropped silently.
 */
public record ScalingData(double[] parameters, double[] tokens, double[] loss) {

    /**
     * A CSV's header and its rows split into cells, each row checked to have as many cells as the header. UTF-8, with a
     * leading byte order mark (Excel writes one) dropped; any other encoding fails with the line of its first bad byte.
     */
    private record Csv(String fn, List<String> header, List<String[]> rows) {
        static Csv read(Path file) {
            String fn = "readCsv(" + file + ")";
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new UncheckedIOException(fn + ": no such file", e);
            } catch (IOException e) {
                throw new UncheckedIOException(fn + ": cannot read the file: " + e, e);
            }
            List<String> lines = new ArrayList<>(utf8(fn, bytes).lines().toList());
            if (!lines.isEmpty() && lines.get(0).startsWith("\ufeff")) {
                lines.set(0, lines.get(0).substring(1));
            }
            lines.removeIf(String::isBlank);
            if (lines.isEmpty()) {
                throw new IllegalArgumentException(fn + ": the file is empty; expected a header row");
            }
            List<String> header = Arrays.stream(lines.get(0).split(",", -1)).map(String::trim).toList();
            List<String[]> rows = new ArrayList<>();
            for (int r = 1; r < lines.size(); r++) {
                String[] cells = lines.get(r).split(",", -1);
                if (cells.length != header.size()) {
                    throw new IllegalArgumentException(fn + ": row " + r + " has " + cells.length + " cells, the header "
                            + header.size());
                }
                rows.add(cells);
            }
            return new Csv(fn, header, rows);
        }

        /** Decodes strictly: a byte that is not UTF-8 (e.g. Latin-1's é, 0xE9) fails with its line, not a guess. */
        private static String utf8(String fn, byte[] bytes) {
            java.nio.charset.CharsetDecoder decoder = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
            java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
            java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
            java.nio.charset.CoderResult result = decoder.decode(in, out, true);
            if (!result.isError()) {
                result = decoder.flush(out);
            }
            if (result.isError()) {
                int at = in.position();
                int line = 1;
                for (int i = 0; i < at; i++) {
                    line += bytes[i] == '\n' ? 1 : 0;
                }
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                        "%s: the file is not valid UTF-8: byte 0x%02X at line %d (byte offset %d); save it as UTF-8",
                        fn, bytes[at] & 0xff, line, at));
            }
            return out.flip().toString();
        }

        double[] positiveColumn(String name) {
            double[] v = column(name);
            Columns.requirePositiveFinite(fn, name, v);
            return v;
        }

        double[] column(String name) {
            int i = ScalingData.column(fn, header, name);
            double[] v = new double[rows.size()];
            for (int r = 0; r < v.length; r++) {
                v[r] = number(fn, name, rows.get(r)[i], r);
            }
            return v;
        }
    }

    /**
     * Points from a CSV by column name; every value must be finite and &gt; 0.
     *
     * @throws IllegalArgumentException naming the file, column, row and value
     */
    public static ScalingData readCsv(Path file, String nCol, String dCol, String lossCol, String cCol) {
        Csv csv = Csv.read(file);
        if (dCol == null && cCol == null) {
            throw new IllegalArgumentException(csv.fn() + ": give the tokens column (--d-col) or the compute column"
                    + " (--c-col)");
        }
        double[] n = csv.positiveColumn(nCol);
        double[] loss = csv.positiveColumn(lossCol);
        double[] d;
        if (dCol != null) {
            d = csv.positiveColumn(dCol);
        } else {
            d = csv.positiveColumn(cCol);
            for (int r = 0; r < d.length; r++) {
                d[r] = d[r] / (6 * n[r]); // C = 6 N D
            }
        }
        return new ScalingData(n, d, loss);
    }

    /**
     * Points from a Tablesaw table, by column name; D from {@code C / (6N)} when {@code dCol} is null. Numeric
     * columns of any type; a missing value fails with its column and row.
     */
    public static ScalingData fromTable(tech.tablesaw.api.Table table, String nCol, String dCol, String lossCol,
                                        String cCol) {
        String fn = "fromTable(" + table.name() + ")";
        if (dCol == null && cCol == null) {
            throw new IllegalArgumentException(fn + ": give the tokens column or the compute column");
        }
        double[] n = numbers(fn, table, nCol);
        double[] loss = numbers(fn, table, lossCol);
        double[] d = numbers(fn, table, dCol != null ? dCol : cCol);
        if (dCol == null) {
            for (int r = 0; r < d.length; r++) {
                d[r] = d[r] / (6 * n[r]); // C = 6 N D
            }
        }
        return new ScalingData(n, d, loss);
    }

    private static double[] numbers(String fn, tech.tablesaw.api.Table table, String name) {
        if (!table.columnNames().contains(name)) {
            throw new IllegalArgumentException(fn + ": no column '" + name + "'; the columns are " + table.columnNames());
        }
        if (!(table.column(name) instanceof tech.tablesaw.api.NumericColumn<?> column)) {
            throw new IllegalArgumentException(fn + ": column '" + name + "' must be numeric, got "
                    + table.column(name).type());
        }
        double[] v = new double[table.rowCount()];
        for (int r = 0; r < v.length; r++) {
            if (column.isMissing(r)) {
                throw new IllegalArgumentException(fn + ": column '" + name + "' has a missing value at row " + (r + 1));
            }
            v[r] = column.getDouble(r);
        }
        return v;
    }

    /** Two numeric columns (x, y) of a CSV with a header row. */
    public static double[][] readColumns(Path file, String xCol, String yCol) {
        Csv csv = Csv.read(file);
        return new double[][] {csv.column(xCol), csv.column(yCol)};
    }

    private static int column(String fn, List<String> header, String name) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException(fn + ": no column '" + name + "'; the columns are " + header);
        }
        int j = header.lastIndexOf(name);
        if (j != i) { // which one was meant cannot be guessed; positions counted from 1, as a spreadsheet does
            throw new IllegalArgumentException(fn + ": column '" + name + "' appears more than once in the header, at"
                    + " positions " + (i + 1) + " and " + (j + 1) + "; rename one");
        }
        return i;
    }

    private static double number(String fn, String column, String cell, int row) {
        try {
            return Double.parseDouble(cell.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(fn + ": column '" + column + "' must be a number, got '" + cell.trim()
                    + "' at row " + (row + 1));
        }
    }
}
