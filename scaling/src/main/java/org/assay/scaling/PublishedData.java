package org.assay.scaling;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * Published scaling measurements shipped with Assay, for reproducing published fits and for teaching. Each data set
 * names its source and license; the files and their licenses sit in {@code org/assay/scaling/data/} of this module.
 */
public final class PublishedData {
    private static final String DIR = "/org/assay/scaling/data/";

    private PublishedData() {
    }

    /**
     * The 104 models of Gadre et al. 2024, "Language models scale reliably with over-training and on downstream
     * tasks": one row per model with {@code name, dataset} ({@code c4_original}, {@code rpj}, {@code rw_original}),
     * {@code model, N, N_no_embed, D, M} (tokens per parameter) and eight {@code loss_<split>} columns
     * ({@code loss_c4_val} is the paper's "C4 eval").
     * Source: github.com/mlfoundations/scaling, commit a003c49, MIT License, Copyright (c) 2024 mlfoundations.
     */
    public static Table gadre2024() {
        ColumnType[] types = new ColumnType[15];
        java.util.Arrays.fill(types, ColumnType.DOUBLE);
        types[0] = ColumnType.STRING;
        types[1] = ColumnType.STRING;
        types[2] = ColumnType.STRING;
        return read("gadre2024-overtraining.csv", "gadre2024", types);
    }

    /** The license text of a shipped data set, e.g. {@code license("gadre2024")}. */
    public static String license(String dataSet) {
        try (InputStream in = open(dataSet + "-LICENSE.txt")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("PublishedData.license: cannot read the license of '" + dataSet + "'", e);
        }
    }

    private static Table read(String file, String name, ColumnType[] types) {
        try (InputStream in = open(file)) {
            return Table.read().csv(CsvReadOptions.builder(in).tableName(name).columnTypes(types).build());
        } catch (IOException e) {
            throw new UncheckedIOException("PublishedData: cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static InputStream open(String file) {
        InputStream in = PublishedData.class.getResourceAsStream(DIR + file);
        if (in == null) {
            throw new IllegalArgumentException("PublishedData: no shipped file '" + file + "'; the data sets are: "
                    + "gadre2024");
        }
        return in;
    }
}
