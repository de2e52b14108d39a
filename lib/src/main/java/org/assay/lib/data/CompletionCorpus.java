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

/**
 * Prompt–completion pairs in TRL's prompt-completion format: a JSON Lines file, one
 * {@code {"prompt": "...", "completion": "..."}} object per line (other fields ignored, blank lines skipped).
 * As training data the examples are packed end to end into one token stream, each token weighted 0 in a prompt and
 * 1 in a completion, so a model trains on completions only (TRL's {@code completion_only_loss} with packing).
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

    /** The packed examples as training batches: prompts weighted 0, completions 1; the held-out part is the tail. */
    public TokenDataset dataset(Tokenizer tokenizer, int rows, int contextLength, double validationFraction,
                                long seed) {
        List<int[]> parts = new ArrayList<>();
        int n = 0;
        for (Example e : examples) {
            int[] p = tokenizer.encode(e.prompt());
            int[] c = tokenizer.encode(e.completion());
            parts.add(p);
            parts.add(c);
            n += p.length + c.length;
        }
        int[] tokens = new int[n];
        float[] weights = new float[n];
        int at = 0;
        for (int i = 0; i < parts.size(); i++) {
            int[] part = parts.get(i);
            System.arraycopy(part, 0, tokens, at, part.length);
            java.util.Arrays.fill(weights, at, at + part.length, i % 2 == 1 ? 1f : 0f);
            at += part.length;
        }
        return TokenDataset.weighted(tokens, weights, rows, contextLength, validationFraction, seed,
                tokenizer.bytesPerToken(text()));
    }
}
