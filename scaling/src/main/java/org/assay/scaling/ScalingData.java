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

    public static ScalingData readCsv(Path file, String nCol, String dCol, String lossCol, String cCol) {
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
        if (dCol == null && cCol == null) {
            throw new IllegalArgumentException(fn + ": give the tokens column (--d-col) or the compute column (--c-col)");
        }
        int n = column(fn, header, nCol);
        int loss = column(fn, header, lossCol);
        int d = dCol != null ? column(fn, header, dCol) : -1;
        int c = dCol == null ? column(fn, header, cCol) : -1;
        int rows = lines.size() - 1;
        double[] nv = new double[rows];
        double[] dv = new double[rows];
        double[] lv = new double[rows];
        List<String> names = new ArrayList<>(header);
        for (int r = 0; r < rows; r++) {
            String[] cells = lines.get(r + 1).split(",", -1);
            if (cells.length != header.size()) {
                throw new IllegalArgumentException(fn + ": row " + (r + 1) + " has " + cells.length + " cells, the header "
                        + header.size());
            }
            nv[r] = number(fn, names.get(n), cells[n], r);
            lv[r] = number(fn, names.get(loss), cells[loss], r);
            if (d >= 0) {
                dv[r] = number(fn, names.get(d), cells[d], r);
            } else {
                double compute = number(fn, names.get(c), cells[c], r);
                dv[r] = compute / (6 * nv[r]);
            }
        }
        return new ScalingData(nv, dv, lv);
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
