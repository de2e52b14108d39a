package org.assay.lib.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.assay.lib.train.TokenBatches;

/**
 * Prompt–completion pairs in TRL's prompt-completion format: a JSON Lines file, one
 * {@code {"prompt": "...", "completion": "..."}} object per line (other fields ignored, blank lines skipped).
 * As training data each example is a row of its own, weighted 0 on the prompt and 1 on the completion, so a model
 * trains on completions only (TRL's {@code completion_only_loss}, without packing).
 * A completion should end with whatever separates it from the next prompt (a newline, an end token).
 */
public record CompletionCorpus(Path file, List<Example> examples) {

    /** One example: the prompt the model sees and the completion it learns. */
    public record Example(String prompt, String completion) {
        public Example {
            if (prompt == null || completion == null || completion.isEmpty()) {
                throw new IllegalArgumentException("CompletionCorpus.Example: prompt must be set and completion "
                        + "non-empty, got prompt=" + prompt + ", completion=" + completion);
            }
        }
    }

    public CompletionCorpus {
        examples = List.copyOf(examples);
    }

    /** Reads a JSONL file; a bad line is an error naming the file, the line and what is wrong with it. */
    public static CompletionCorpus read(Path file) {
        String fn = "CompletionCorpus.read";
        DataFiles.requireNonNull(fn, "file", file);
        List<String> lines = DataFiles.readLines(fn, file);
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                examples.add(parse(fn, file, i + 1, lines.get(i)));
            }
        }
        if (examples.isEmpty()) {
            throw new IllegalArgumentException(fn + ": " + file + " has no examples (one JSON object per line, with"
                    + " \"prompt\" and \"completion\")");
        }
        return new CompletionCorpus(file, examples);
    }

    private static Example parse(String fn, Path file, int line, String text) {
        String where = fn + ": " + file + " line " + line + ": ";
        JsonElement json;
        try {
            json = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(where + "not JSON (" + e.getMessage() + ")");
        }
        if (!json.isJsonObject()) {
            throw new IllegalArgumentException(where + "must be a JSON object with \"prompt\" and \"completion\", got "
                    + DataFiles.abbreviate(text));
        }
        JsonObject o = json.getAsJsonObject();
        String prompt = DataFiles.jsonString(where, o, "prompt");
        String completion = DataFiles.jsonString(where, o, "completion");
        if (completion.isEmpty()) {
            throw new IllegalArgumentException(where + "\"completion\" is empty; there would be nothing to learn");
        }
        return new Example(prompt, completion);
    }


    /** Writes {@code examples} as a JSONL file, atomically. */
    public static void write(Path file, List<Example> examples) {
        String fn = "CompletionCorpus.write";
        DataFiles.requireNonNull(fn, "examples", examples);
        StringBuilder out = new StringBuilder();
        for (Example e : examples) {
            JsonObject o = new JsonObject();
            o.addProperty("prompt", e.prompt());
            o.addProperty("completion", e.completion());
            out.append(o).append('\n');
        }
        DataFiles.writeAtomically(fn, file, out.toString());
    }

    /** Every prompt and completion, in order: the text a tokenizer is fitted on. */
    public String text() {
        StringBuilder s = new StringBuilder();
        examples.forEach(e -> s.append(e.prompt()).append(e.completion()));
        return s.toString();
    }

    /**
     * The examples as training batches, one a row at position 0 (as when the model is used), padded to
     * {@code contextLength} and weighted 1 on the completion, 0 on the prompt and the padding. Row r of training batch
     * i is a uniform draw from the first {@code 1 - validationFraction} of the examples, a pure function of
     * (seed, i, r); the rest are held out, read in order.
     */
    public TokenBatches dataset(Tokenizer tokenizer, int rows, int contextLength, double validationFraction,
                                long seed) {
        String fn = "CompletionCorpus.dataset";
        int trainCount = WeightedRows.trainCount(fn, file, examples.size(), rows, contextLength, validationFraction);
        int[][] tokens = new int[examples.size()][];
        int[] promptLength = new int[examples.size()];
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            int[] p = tokenizer.encode(e.prompt());
            int[] c = tokenizer.encode(e.completion());
            WeightedRows.requireFits(fn, "example " + (i + 1) + " of " + file + " (prompt '"
                    + DataFiles.abbreviate(e.prompt()) + "')", p.length + c.length, contextLength);
            tokens[i] = new int[p.length + c.length];
            System.arraycopy(p, 0, tokens[i], 0, p.length);
            System.arraycopy(c, 0, tokens[i], p.length, c.length);
            promptLength[i] = p.length;
        }
        float[][] weights = new float[examples.size()][];
        for (int i = 0; i < examples.size(); i++) {
            weights[i] = new float[tokens[i].length];
            Arrays.fill(weights[i], promptLength[i], tokens[i].length, 1f);
        }
        return WeightedRows.batches(fn, tokens, weights, rows, contextLength, trainCount,
                tokenizer.bytesPerToken(text()), seed);
    }
}
