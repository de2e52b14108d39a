package org.assay.evals;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assay.base.AtomicFiles;

/** An {@link EvalResult} on disk: {@code samples.jsonl} of {@link SampleRow}s and {@code summary.json}. */
final class EvalFiles {
    private static final Gson LINES = new GsonBuilder().serializeSpecialFloatingPointValues().create();
    private static final Gson PRETTY = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .create();

    private EvalFiles() {
    }

    /** Both files, each written atomically ({@link AtomicFiles}). */
    static void save(EvalResult r, Path dir) {
        try {
            Files.createDirectories(dir);
            StringBuilder lines = new StringBuilder();
            for (SampleRow row : r.rows()) {
                lines.append(LINES.toJson(RecordRows.map(row))).append('\n');
            }
            AtomicFiles.writeString(dir.resolve("samples.jsonl"), lines.toString());
            AtomicFiles.writeString(dir.resolve("summary.json"), PRETTY.toJson(summary(r)) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("EvalResult.save: could not write to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> summary(EvalResult r) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("name", r.name());
        summary.put("format", r.format().name());
        summary.put("items", r.items());
        summary.put("samples_per_item", r.samples());
        summary.put("confidence", r.confidence());
        summary.put("bootstrap_resamples", r.resamples());
        summary.put("seed", r.seed());
        summary.put("generated_tokens", r.generatedTokens());
        summary.put("prompt_tokens", r.promptTokens());
        summary.put("thinking_tokens", r.thinkingTokens());
        List<Map<String, Object>> metrics = new ArrayList<>();
        for (MetricRow row : r.metricRows(null)) {
            Map<String, Object> m = RecordRows.map(row);
            m.remove(MetricRow.FLOPS_COLUMN);   // no TokenCost here: not measured
            metrics.add(m);
        }
        summary.put("metrics", metrics);
        return summary;
    }
}
