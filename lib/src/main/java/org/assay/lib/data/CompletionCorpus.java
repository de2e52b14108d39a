package org.assay.lib.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assay.lib.train.TokenBatch;
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
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(fn + ": no such file " + file);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(fn + ": " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new UncheckedIOException(fn + ": cannot read " + file, e);
        }
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
                    + abbreviate(text));
        }
        JsonObject o = json.getAsJsonObject();
        String prompt = string(where, o, "prompt");
        String completion = string(where, o, "completion");
        if (completion.isEmpty()) {
            throw new IllegalArgumentException(where + "\"completion\" is empty; there would be nothing to learn");
        }
        return new Example(prompt, completion);
    }

    private static String string(String where, JsonObject o, String field) {
        JsonElement v = o.get(field);
        if (v == null || !v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException(where + "\"" + field + "\" must be a string, got "
                    + (v == null ? "none" : abbreviate(v.toString())));
        }
        return v.getAsString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
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
        if (rows < 1 || contextLength < 1) {
            throw new IllegalArgumentException(fn + ": rows and contextLength must be >= 1, got rows=" + rows
                    + ", contextLength=" + contextLength);
        }
        int trainCount = (int) Math.floor(examples.size() * (1 - validationFraction));
        if (!(validationFraction >= 0 && validationFraction < 1) || trainCount < 1
                || (validationFraction > 0 && examples.size() - trainCount < rows)) {
            throw new IllegalArgumentException(fn + ": " + file + " has " + examples.size() + " examples; with"
                    + " validationFraction " + validationFraction + " that leaves " + trainCount + " to train on and "
                    + (examples.size() - trainCount) + " held out, and both need at least one batch of " + rows
                    + " rows (validationFraction in [0, 1))");
        }
        int[][] tokens = new int[examples.size()][];
        int[] promptLength = new int[examples.size()];
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            int[] p = tokenizer.encode(e.prompt());
            int[] c = tokenizer.encode(e.completion());
            if (p.length + c.length > contextLength + 1) {
                throw new IllegalArgumentException(fn + ": example " + (i + 1) + " of " + file + " (prompt '"
                        + abbreviate(e.prompt()) + "') is " + (p.length + c.length) + " tokens, more than contextLength"
                        + " + 1 = " + (contextLength + 1) + "; raise contextLength or shorten it");
            }
            tokens[i] = new int[p.length + c.length];
            System.arraycopy(p, 0, tokens[i], 0, p.length);
            System.arraycopy(c, 0, tokens[i], p.length, c.length);
            promptLength[i] = p.length;
        }
        double bytesPerToken = tokenizer.bytesPerToken(text());
        return new TokenBatches() {
            @Override
            public int rows() {
                return rows;
            }

            @Override
            public TokenBatch train(long index) {
                if (index < 0) {
                    throw new IllegalArgumentException(fn + ".train: index must be >= 0, got " + index);
                }
                java.util.SplittableRandom rng = new java.util.SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
                int[] picked = new int[rows];
                for (int r = 0; r < rows; r++) {
                    picked[r] = rng.nextInt(trainCount);
                }
                return batch(picked);
            }

            @Override
            public List<TokenBatch> validation(int maxBatches) {
                List<TokenBatch> batches = new ArrayList<>();
                for (int b = 0; b < maxBatches && trainCount + (b + 1) * rows <= examples.size(); b++) {
                    int[] picked = new int[rows];
                    for (int r = 0; r < rows; r++) {
                        picked[r] = trainCount + b * rows + r;
                    }
                    batches.add(batch(picked));
                }
                return batches;
            }

            private TokenBatch batch(int[] picked) {
                int t = contextLength;
                int[] in = new int[rows * t];
                int[] out = new int[rows * t];
                float[] w = new float[rows * t];
                for (int r = 0; r < rows; r++) {
                    int[] e = tokens[picked[r]];
                    for (int j = 0; j + 1 < e.length; j++) {
                        in[r * t + j] = e[j];
                        out[r * t + j] = e[j + 1];
                        w[r * t + j] = j + 1 >= promptLength[picked[r]] ? 1f : 0f;
                    }
                }
                return TokenBatch.of(in, out, w, rows);
            }

            @Override
            public double bytesPerToken() {
                return bytesPerToken;
            }
        };
    }
}
