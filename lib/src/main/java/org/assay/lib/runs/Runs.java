package org.assay.lib.runs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Reading run directories back as tables, ready to fit a scaling law to. */
public final class Runs {
    private Runs() {
    }

    /**
     * One row per run under {@code root} (each directory with a config.json): {@code run}, every number of its
     * configuration (flattened, e.g. {@code model.layers}), and its final metrics — the last value of each metric
     * in metrics.jsonl ({@code step, tokens, flops, loss, val_loss, val_bpb, elapsed, ...}).
     */
    public static Table load(Path root) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("Runs.load: " + root + " is not a directory");
        }
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(d -> Files.isRegularFile(d.resolve("config.json"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Runs.load(" + root + "): " + e.getMessage(), e);
        }
        List<Map<String, Double>> rows = new ArrayList<>();
        Set<String> columns = new LinkedHashSet<>();
        for (Path d : dirs) {
            Map<String, Double> row = new LinkedHashMap<>();
            flatten("", readJson(d.resolve("config.json")), row);
            for (Map<String, Object> line : lines(d)) {
                line.forEach((k, v) -> {
                    if (v instanceof Number n) {
                        row.put(k, n.doubleValue());
                    }
                });
            }
            columns.addAll(row.keySet());
            rows.add(row);
        }
        Table t = Table.create(root.getFileName() == null ? "runs" : root.getFileName().toString());
        t.addColumns(StringColumn.create("run", dirs.stream().map(d -> d.getFileName().toString()).toList()));
        for (String c : columns) {
            DoubleColumn col = DoubleColumn.create(c);
            for (Map<String, Double> row : rows) {
                Double v = row.get(c);
                if (v == null) {
                    col.appendMissing();
                } else {
                    col.append(v);
                }
            }
            t.addColumns(col);
        }
        return t;
    }

    /** A run's metrics.jsonl as a table: one row per line, one column per numeric key (missing where absent). */
    public static Table metrics(Path runDir) {
        List<Map<String, Object>> lines = lines(runDir);
        Set<String> keys = new LinkedHashSet<>();
        lines.forEach(l -> l.forEach((k, v) -> {
            if (v instanceof Number) {
                keys.add(k);
            }
        }));
        Table t = Table.create(runDir.getFileName().toString());
        for (String k : keys) {
            DoubleColumn col = DoubleColumn.create(k);
            for (Map<String, Object> l : lines) {
                if (l.get(k) instanceof Number n) {
                    col.append(n.doubleValue());
                } else {
                    col.appendMissing();
                }
            }
            t.addColumns(col);
        }
        return t;
    }

    /** A run for display: its configuration, environment, final metrics and loss curves. */
    public static Run open(Path runDir) {
        if (!Files.isRegularFile(runDir.resolve("config.json"))) {
            throw new IllegalArgumentException("Runs.open: " + runDir + " has no config.json");
        }
        Map<String, Object> env = Files.isRegularFile(runDir.resolve("env.json"))
                ? readJson(runDir.resolve("env.json")) : Map.of();
        return new Run(runDir, readJson(runDir.resolve("config.json")), env, metrics(runDir));
    }

    /** Complete lines of metrics.jsonl; a partial last line (a crash mid-write) is skipped. */
    static List<Map<String, Object>> lines(Path runDir) {
        Path file = runDir.resolve("metrics.jsonl");
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            List<Map<String, Object>> out = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                Map<String, Object> m = RunDir.parseLine(line);
                if (m != null) {
                    out.add(m);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("Runs: cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> readJson(Path file) {
        try {
            Map<String, Object> m = RunDir.GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), Map.class);
            if (m == null) {
                throw new IllegalArgumentException("Runs: " + file + " is empty");
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException("Runs: cannot read " + file + ": " + e.getMessage(), e);
        } catch (com.google.gson.JsonParseException e) {
            throw new IllegalArgumentException("Runs: " + file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> m, Map<String, Double> out) {
        m.forEach((k, v) -> {
            if (v instanceof Number n) {
                out.put(prefix + k, n.doubleValue());
            } else if (v instanceof Map<?, ?> nested) {
                flatten(prefix + k + ".", (Map<String, Object>) nested, out);
            }
        });
    }
}
