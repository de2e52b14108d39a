package org.assay.lib.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapterFactory;
import org.assay.lib.data.CharTokenizer;
import org.assay.lib.data.CompletionCorpus;
import org.assay.lib.data.SyntheticLanguage;
import org.assay.lib.data.TextCorpus;
import org.assay.lib.data.TokenDataset;
import org.assay.lib.model.GptConfig;
import org.assay.lib.model.GptConfigJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Everything one training run needs, as a JSON file a fresh process (or a Slurm task) can run from: the model, the
 * data (a synthetic language with a known entropy, a text file, or prompt-completion pairs), and the training
 * settings.
 * <pre>{@code
 * {"name": "L2-d64", "model": {...GptConfig...},
 *  "data": {"kind": "synthetic", "alphabetSize": 8, "order": 2, "concentration": 0.5, "languageSeed": 1,
 *           "characters": 200000, "textSeed": 7, "rows": 16, "contextLength": 64, "validationFraction": 0.1, "seed": 0},
 *  "train": {"steps": 300, "gradAccumulation": 1, "optimizer": {"learningRate": 0.01, "beta1": 0.9, ...},
 *            "schedule": "cosine", "warmupFraction": 0.05, "minLrRatio": 0.1, "evalEvery": 0, "evalBatches": 8,
 *            "checkpointEvery": 0, "keepCheckpoints": 3, "seed": 42}}
 * }</pre>
 * {@code "train"} is a {@link Pretrain.Config}, the one training configuration. Specs written before 2026-12-02 gave
 * only the peak {@code "learningRate"} there (AdamW's defaults otherwise) and no {@code "gradAccumulation"}; they read
 * as that, and a sweep axis {@code train.learningRate} as {@code train.optimizer.learningRate}.
 */
public record RunSpec(String name, GptConfig model, Data data, Pretrain.Config train) {

    /** Reads {@code "train": {"learningRate": r, ...}} as {@code "optimizer": AdamW's defaults at r, gradAccumulation 1}. */
    private static final TypeAdapterFactory OLDER_TRAIN_FORM = GptConfigJson.upgrading(Pretrain.Config.class,
            (gson, t) -> {
                if (t.has("learningRate") && !t.has("optimizer")) {
                    t.add("optimizer", gson.toJsonTree(
                            AdamW.defaults().withLearningRate(t.remove("learningRate").getAsDouble())));
                }
                if (!t.has("gradAccumulation")) {
                    t.addProperty("gradAccumulation", 1);
                }
            });

    /** How specs (and sweep specs, which hold one) are read and written; reads the older form of "train" too. */
    public static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .registerTypeAdapterFactory(OLDER_TRAIN_FORM).registerTypeAdapterFactory(GptConfigJson.GPT_CONFIG).create();

    /** A sweep axis as the current spec names it ({@code train.learningRate} was the peak rate before 2026-12-02). */
    public static String axis(String key) {
        return key.equals("train.learningRate") ? "train.optimizer.learningRate" : key;
    }

    public RunSpec {
        String fn = "RunSpec";
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._=+-]*")) {
            throw new IllegalArgumentException(fn + ": name must be letters, digits and . _ = + - (a directory name),"
                    + " got '" + name + "'");
        }
        if (model == null || data == null || train == null) {
            throw new IllegalArgumentException(fn + ": model, data and train must all be set, got model=" + model
                    + ", data=" + data + ", train=" + train);
        }
        if (data.contextLength() > model.contextLength()) {
            throw new IllegalArgumentException(fn + ": data.contextLength (" + data.contextLength()
                    + ") must be <= model.contextLength (" + model.contextLength() + ")");
        }
        if (data.kind() == Data.Kind.SYNTHETIC && model.vocabSize() != data.alphabetSize()) {
            throw new IllegalArgumentException(fn + ": model.vocabSize must equal data.alphabetSize (one token per"
                    + " symbol), got " + model.vocabSize() + " and " + data.alphabetSize());
        }
    }

    /**
     * Where the tokens come from.
     *
     * @param kind               synthetic (a {@link SyntheticLanguage}), text (a UTF-8 file or folder, one token per
     *                           character) or completions (a {@link CompletionCorpus} JSONL file, one example a row,
     *                           trained on its completions only; one token per character)
     * @param path               the text file or folder (kind text), the JSONL file (kind completions)
     * @param characters         characters of synthetic text to generate
     * @param rows               batch rows
     * @param contextLength      tokens per row
     * @param validationFraction held-out tail
     * @param seed               batch order
     */
    public record Data(Kind kind, int alphabetSize, int order, double concentration, long languageSeed,
                       int characters, long textSeed, String path, int rows, int contextLength,
                       double validationFraction, long seed) {
        public Data {
            String fn = "RunSpec.Data";
            if (kind == null) {
                throw new IllegalArgumentException(fn + ": kind must be 'synthetic', 'text' or 'completions', got none"
                        + " (a missing or misspelt \"kind\")");
            }
            if (kind != Kind.SYNTHETIC && (path == null || path.isBlank())) {
                throw new IllegalArgumentException(fn + ": kind '" + kind + "' needs a path, got none");
            }
            if (kind == Kind.SYNTHETIC && characters < 1000) {
                throw new IllegalArgumentException(fn + ": characters must be >= 1000, got " + characters);
            }
            if (rows < 1 || contextLength < 2) {
                throw new IllegalArgumentException(fn + ": rows must be >= 1 and contextLength >= 2, got rows=" + rows
                        + ", contextLength=" + contextLength);
            }
            if (!(validationFraction > 0 && validationFraction < 1)) {
                throw new IllegalArgumentException(fn + ": validationFraction must be in (0, 1), got "
                        + validationFraction);
            }
        }

        /** Where the text comes from (in JSON as {@code "synthetic"}, {@code "text"} or {@code "completions"}). */
        public enum Kind {
            @com.google.gson.annotations.SerializedName("synthetic") SYNTHETIC,
            @com.google.gson.annotations.SerializedName("text") TEXT,
            @com.google.gson.annotations.SerializedName("completions") COMPLETIONS;

            @Override
            public String toString() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }
        }

        /** A synthetic language (its own seed), {@code characters} of text from {@code textSeed}. */
        public static Data synthetic(SyntheticLanguage.Config language, int characters, long textSeed, int rows,
                                     int contextLength) {
            return new Data(Kind.SYNTHETIC, language.alphabetSize(), language.order(), language.concentration(),
                    language.seed(), characters, textSeed, null, rows, contextLength, 0.1, 0);
        }

        /**
         * Prompt-completion pairs from a JSONL file ({@link CompletionCorpus}), one a row padded to
         * {@code contextLength} tokens, the last {@code validationFraction} of them held out.
         */
        public static Data completions(Path file, int rows, int contextLength, double validationFraction, long seed) {
            return new Data(Kind.COMPLETIONS, 0, 0, 0, 0, 0, 0, file.toString(), rows, contextLength,
                    validationFraction, seed);
        }

        public SyntheticLanguage language() {
            return new SyntheticLanguage(new SyntheticLanguage.Config(alphabetSize, order, concentration, languageSeed));
        }

        /** The text (generated or read) and its batches. */
        public TokenBatches dataset() {
            if (kind == Kind.COMPLETIONS) {
                CompletionCorpus corpus = CompletionCorpus.read(Path.of(path));
                return corpus.dataset(tokenizerOf(corpus.text()), rows, contextLength, validationFraction, seed);
            }
            String text = kind == Kind.SYNTHETIC ? language().generate(characters, textSeed)
                    : TextCorpus.read(Path.of(path)).text();
            CharTokenizer chars = tokenizerOf(text);
            return TokenDataset.of(chars.encode(text), rows, contextLength, validationFraction, seed,
                    chars.bytesPerToken(text));
        }

        /** The tokenizer {@link #dataset()} encodes with: a model trained on this data reads and writes with it. */
        public CharTokenizer tokenizer() {
            return switch (kind) {
                case SYNTHETIC -> tokenizerOf(null);
                case TEXT -> tokenizerOf(TextCorpus.read(Path.of(path)).text());
                case COMPLETIONS -> tokenizerOf(CompletionCorpus.read(Path.of(path)).text());
            };
        }

        /** One token per symbol of the language, or per character of the text read from {@code path}. */
        private CharTokenizer tokenizerOf(String text) {
            return CharTokenizer.fit(kind == Kind.SYNTHETIC ? language().alphabet() : text);
        }
    }

    /**
     * A spec's usual training: {@link Pretrain.Config#of} (cosine with 5% warmup to a tenth of the peak, AdamW's
     * defaults) at a peak learning rate, with one evaluation (8 batches) and one checkpoint at the end instead of every
     * 10% of the run: a sweep's runs are compared by their final loss.
     */
    public static Pretrain.Config training(long steps, double learningRate, long seed) {
        return Pretrain.Config.of(steps).withOptimizer(AdamW.defaults().withLearningRate(learningRate))
                .withEvaluation(0, 8).withCheckpointEvery(0).withSeed(seed);
    }

    /** Training tokens: steps × rows × contextLength. */
    public long tokens() {
        return train.steps() * data.rows() * data.contextLength();
    }

    /** Training FLOPs by the model's own accounting ({@link GptConfig#trainingFlopsPerToken()}) × tokens. */
    public double flops() {
        return model.trainingFlopsPerToken() * tokens();
    }

    public RunSpec withName(String n) {
        return new RunSpec(n, model, data, train);
    }

    public RunSpec withModel(GptConfig m) {
        return new RunSpec(name, m, data, train);
    }

    public RunSpec withTrain(Pretrain.Config t) {
        return new RunSpec(name, model, data, t);
    }

    public String toJson() {
        return GSON.toJson(this);
    }

    public JsonObject toJsonTree() {
        return GSON.toJsonTree(this).getAsJsonObject();
    }

    public static RunSpec fromJson(JsonElement json, String where) {
        try {
            RunSpec spec = GSON.fromJson(json, RunSpec.class);
            if (spec == null) {
                throw new IllegalArgumentException("RunSpec.fromJson: " + where + " is empty");
            }
            return spec;
        } catch (RuntimeException e) {
            throw invalid("RunSpec.fromJson", where, e);
        }
    }

    /**
     * A clear error for a spec that does not parse or does not validate: Gson wraps the records' own
     * IllegalArgumentException ("GptConfig: layers must be >= 1, got layers=0"), which is the message that matters.
     */
    public static IllegalArgumentException invalid(String fn, String where, RuntimeException e) {
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
            cause = cause.getCause();
        }
        String why = cause instanceof IllegalArgumentException ? cause.getMessage() : e.getMessage();
        return new IllegalArgumentException(fn + ": " + where + ": " + why, e);
    }

    public static RunSpec read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("RunSpec.read: no such file: " + file.toAbsolutePath());
        }
        try {
            return fromJson(com.google.gson.JsonParser.parseString(Files.readString(file)), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("RunSpec.read: cannot read " + file + ": " + e.getMessage(), e);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("RunSpec.read: " + file + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
