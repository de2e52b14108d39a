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

    /** A CSV's header and its rows split into cells, each row checked to have as many cells as the header. */
    private record Csv(String fn, List<String> header, List<String[]> rows) {
        static Csv read(Path file) {
            String fn = "readCsv(" + file + ")";
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (IOException e) {
                throw new UncheckedIOException(fn + ": cannot read the file: " + e.getMessage(), e);
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

        double[] column(String name) {
            int i = ScalingData.column(fn, header, name);
            double[] v = new double[rows.size()];
            for (int r = 0; r < v.length; r++) {
                v[r] = number(fn, name, rows.get(r)[i], r);
            }
            return v;
        }
    }

    public static ScalingData readCsv(Path file, String nCol, String dCol, String lossCol, String cCol) {
        Csv csv = Csv.read(file);
        if (dCol == null && cCol == null) {
            throw new IllegalArgumentException(csv.fn() + ": give the tokens column (--d-col) or the compute column"
                    + " (--c-col)");
        }
        double[] n = csv.column(nCol);
        double[] loss = csv.column(lossCol);
        double[] d;
        if (dCol != null) {
            d = csv.column(dCol);
        } else {
            d = csv.column(cCol);
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
