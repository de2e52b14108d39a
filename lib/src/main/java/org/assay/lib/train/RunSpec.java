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
import org.assay.lib.data.TokenFile;
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

    /**
     * Reads {@code "train": {"learningRate": r, ...}} as {@code "optimizer": AdamW's defaults at r, gradAccumulation 1},
     * a missing {@code "precision"} as float32, and refuses a precision it does not know.
     */
    private static final TypeAdapterFactory OLDER_TRAIN_FORM = GptConfigJson.upgrading(Pretrain.Config.class,
            (gson, t) -> {
                if (t.has("learningRate") && !t.has("optimizer")) {
                    t.add("optimizer", gson.toJsonTree(
                            AdamW.defaults().withLearningRate(t.remove("learningRate").getAsDouble())));
                }
                if (!t.has("gradAccumulation")) {
                    t.addProperty("gradAccumulation", 1);
                }
                if (!t.has("precision")) { // specs written before 2026-12-08
                    t.addProperty("precision", "float32");
                }
                com.google.gson.JsonElement p = t.get("precision");
                if (!p.isJsonPrimitive() || org.assay.lib.model.Precision.ofId(p.getAsString()) == null) {
                    throw new IllegalArgumentException("RunSpec: train.precision must be \"float32\" or \"bfloat16\","
                            + " got " + p);
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
        if (data.kind() == Data.Kind.MIXTURE && data.sources().values().stream()
                .allMatch(s -> s.kind() == Data.Kind.SYNTHETIC)) {
            int symbols = data.sources().values().stream().mapToInt(Data.Source::alphabetSize).max().orElseThrow();
            if (model.vocabSize() != symbols) {
                throw new IllegalArgumentException(fn + ": model.vocabSize must equal the largest alphabetSize of the"
                        + " mixture's synthetic sources (their alphabets share symbols), got " + model.vocabSize()
                        + " and " + symbols);
            }
        }
    }

    /**
     * The run's batches ({@link Data#dataset}); token ids read from files are checked against the model's vocabulary,
     * which text the run tokenizes itself cannot exceed.
     */
    public TokenBatches dataset() {
        TokenBatches d = data.dataset();
        if (data.usesTokenFiles() && d instanceof TokenDataset t && t.maxToken() >= model.vocabSize()) {
            throw new IllegalArgumentException("RunSpec.dataset: run '" + name + "': the token files hold id "
                    + t.maxToken() + ", not below model.vocabSize " + model.vocabSize());
        }
        return d;
    }

    /**
     * Where the tokens come from.
     *
     * @param kind               synthetic (a {@link SyntheticLanguage}), text (a UTF-8 file or folder, one token per
     *                           character), completions (a {@link CompletionCorpus} JSONL file, one example a row,
     *                           trained on its completions only; one token per character), tokens (a {@link TokenFile}
     *                           of ids, nanoGPT's uint16 {@code .bin}) or mixture (named {@code sources} by weight)
     * @param path               the text file or folder (kind text), the JSONL file (kind completions), the token
     *                           file (kind tokens)
     * @param characters         characters of synthetic text to generate
     * @param rows               batch rows
     * @param contextLength      tokens per row
     * @param validationFraction held-out tail (of each source, for a mixture)
     * @param seed               batch order (and, for a mixture, which source each row comes from)
     * @param sources            kind mixture: name → source, each with its weight (the share of training rows,
     *                           normalised; 0: held out and evaluated, never trained on). All text-like (synthetic,
     *                           text: one token per character of them all) or all token files
     * @param target             kind mixture, optional: name → weight of the distribution the validation loss is
     *                           taken on (Σ w_i · loss_i, as for documents drawn from source i with probability w_i);
     *                           none: the training mixture
     */
    public record Data(Kind kind, int alphabetSize, int order, double concentration, long languageSeed,
                       int characters, long textSeed, String path, int rows, int contextLength,
                       double validationFraction, long seed, java.util.Map<String, Source> sources,
                       java.util.Map<String, Double> target) {
        public Data {
            String fn = "RunSpec.Data";
            if (kind == null) {
                throw new IllegalArgumentException(fn + ": kind must be 'synthetic', 'text', 'completions', 'tokens'"
                        + " or 'mixture', got none (a missing or misspelt \"kind\")");
            }
            if (kind != Kind.SYNTHETIC && kind != Kind.MIXTURE && (path == null || path.isBlank())) {
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
            sources = sources == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(
                    sources));
            target = target == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(
                    target));
            if (kind != Kind.MIXTURE && ((sources != null && !sources.isEmpty()) || (target != null && !target.isEmpty()))) {
                throw new IllegalArgumentException(fn + ": sources and target are for kind 'mixture', got kind '" + kind
                        + "' with sources " + (sources == null ? "{}" : sources.keySet()) + " and target " + target);
            }
            if (kind == Kind.MIXTURE) {
                checkMixture(sources, target);
            }
        }

        private static void checkMixture(java.util.Map<String, Source> sources, java.util.Map<String, Double> target) {
            String fn = "RunSpec.Data";
            if (sources == null || sources.isEmpty()) {
                throw new IllegalArgumentException(fn + ": kind 'mixture' needs sources (name -> source), got none");
            }
            double total = 0;
            for (var e : sources.entrySet()) {
                if (e.getKey() == null || !e.getKey().matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                    throw new IllegalArgumentException(fn + ": a source's name must be letters, digits and . _ - (it"
                            + " names table columns), got '" + e.getKey() + "'");
                }
                if (e.getValue() == null) {
                    throw new IllegalArgumentException(fn + ": source '" + e.getKey() + "' is empty");
                }
                total += e.getValue().weight();
            }
            if (!(total > 0)) {
                throw new IllegalArgumentException(fn + ": at least one source must have weight > 0, got "
                        + weights(sources));
            }
            long tokenFiles = sources.values().stream().filter(s -> s.kind() == Kind.TOKENS).count();
            if (tokenFiles != 0 && tokenFiles != sources.size()) {
                throw new IllegalArgumentException(fn + ": a mixture's sources must be all text-like (synthetic, text;"
                        + " tokenized together) or all token files (tokenized already), got " + kinds(sources));
            }
            if (target != null && !target.isEmpty()) {
                double t = 0;
                for (var e : target.entrySet()) {
                    if (!sources.containsKey(e.getKey())) {
                        throw new IllegalArgumentException(fn + ": target names '" + e.getKey() + "', not a source;"
                                + " the sources are " + sources.keySet());
                    }
                    if (e.getValue() == null || !(e.getValue() >= 0) || e.getValue().isInfinite()) {
                        throw new IllegalArgumentException(fn + ": target weights must be >= 0 and finite, got "
                                + e.getKey() + "=" + e.getValue());
                    }
                    t += e.getValue();
                }
                if (!(t > 0)) {
                    throw new IllegalArgumentException(fn + ": at least one target weight must be > 0, got " + target);
                }
            }
        }

        private static java.util.Map<String, Double> weights(java.util.Map<String, Source> sources) {
            java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
            sources.forEach((k, v) -> m.put(k, v.weight()));
            return m;
        }

        private static java.util.Map<String, Kind> kinds(java.util.Map<String, Source> sources) {
            java.util.Map<String, Kind> m = new java.util.LinkedHashMap<>();
            sources.forEach((k, v) -> m.put(k, v.kind()));
            return m;
        }

        /** Where the text comes from (in JSON as {@code "synthetic"}, {@code "text"}, {@code "completions"}, ...). */
        public enum Kind {
            @com.google.gson.annotations.SerializedName("synthetic") SYNTHETIC,
            @com.google.gson.annotations.SerializedName("text") TEXT,
            @com.google.gson.annotations.SerializedName("completions") COMPLETIONS,
            @com.google.gson.annotations.SerializedName("tokens") TOKENS,
            @com.google.gson.annotations.SerializedName("mixture") MIXTURE;

            @Override
            public String toString() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }
        }

        /**
         * One source of a mixture: its weight and where its tokens come from, with the fields of {@link Data} that
         * kind uses.
         *
         * @param weight its share of the training rows (normalised over the sources); 0: evaluated only
         * @param kind   synthetic, text or tokens
         */
        public record Source(double weight, Kind kind, int alphabetSize, int order, double concentration,
                             long languageSeed, int characters, long textSeed, String path) {
            public Source {
                String fn = "RunSpec.Data.Source";
                if (!(weight >= 0) || Double.isInfinite(weight)) {
                    throw new IllegalArgumentException(fn + ": weight must be >= 0 and finite, got " + weight);
                }
                if (kind != Kind.SYNTHETIC && kind != Kind.TEXT && kind != Kind.TOKENS) {
                    throw new IllegalArgumentException(fn + ": kind must be 'synthetic', 'text' or 'tokens', got "
                            + (kind == null ? "none (a missing or misspelt \"kind\")" : "'" + kind + "'"));
                }
                if (kind != Kind.SYNTHETIC && (path == null || path.isBlank())) {
                    throw new IllegalArgumentException(fn + ": kind '" + kind + "' needs a path, got none");
                }
                if (kind == Kind.SYNTHETIC) {
                    if (characters < 1000) {
                        throw new IllegalArgumentException(fn + ": characters must be >= 1000, got " + characters);
                    }
                    new SyntheticLanguage.Config(alphabetSize, order, concentration, languageSeed); // validates
                }
            }

            /** {@code characters} of a synthetic language's text from {@code textSeed}. */
            public static Source synthetic(double weight, SyntheticLanguage.Config language, int characters,
                                           long textSeed) {
                return new Source(weight, Kind.SYNTHETIC, language.alphabetSize(), language.order(),
                        language.concentration(), language.seed(), characters, textSeed, null);
            }

            /** A UTF-8 text file or folder ({@link TextCorpus}). */
            public static Source text(double weight, Path path) {
                return new Source(weight, Kind.TEXT, 0, 0, 0, 0, 0, 0, path.toString());
            }

            /** A file of token ids ({@link TokenFile}). */
            public static Source tokens(double weight, Path path) {
                return new Source(weight, Kind.TOKENS, 0, 0, 0, 0, 0, 0, path.toString());
            }

            public Source withWeight(double w) {
                return new Source(w, kind, alphabetSize, order, concentration, languageSeed, characters, textSeed,
                        path);
            }

            public SyntheticLanguage language() {
                return new SyntheticLanguage(new SyntheticLanguage.Config(alphabetSize, order, concentration,
                        languageSeed));
            }

            /** Its text (kinds synthetic and text). */
            String text() {
                return kind == Kind.SYNTHETIC ? language().generate(characters, textSeed)
                        : TextCorpus.read(Path.of(path)).text();
            }
        }

        /** A synthetic language (its own seed), {@code characters} of text from {@code textSeed}. */
        public static Data synthetic(SyntheticLanguage.Config language, int characters, long textSeed, int rows,
                                     int contextLength) {
            return new Data(Kind.SYNTHETIC, language.alphabetSize(), language.order(), language.concentration(),
                    language.seed(), characters, textSeed, null, rows, contextLength, 0.1, 0, null, null);
        }

        /** A UTF-8 text file or folder, one token per character. */
        public static Data text(Path path, int rows, int contextLength) {
            return new Data(Kind.TEXT, 0, 0, 0, 0, 0, 0, path.toString(), rows, contextLength, 0.1, 0, null, null);
        }

        /** A file of token ids ({@link TokenFile}, nanoGPT's uint16 {@code .bin}). */
        public static Data tokens(Path path, int rows, int contextLength) {
            return new Data(Kind.TOKENS, 0, 0, 0, 0, 0, 0, path.toString(), rows, contextLength, 0.1, 0, null, null);
        }

        /**
         * Named sources mixed by their weights ({@link TokenDataset#mixture}), the validation loss on the training
         * mixture until {@link #withTarget} names another.
         */
        public static Data mixture(java.util.Map<String, Source> sources, int rows, int contextLength) {
            return new Data(Kind.MIXTURE, 0, 0, 0, 0, 0, 0, null, rows, contextLength, 0.1, 0, sources, null);
        }

        /** The validation loss taken on the mixture of the sources with these weights (kind mixture). */
        public Data withTarget(java.util.Map<String, Double> weights) {
            return new Data(kind, alphabetSize, order, concentration, languageSeed, characters, textSeed, path, rows,
                    contextLength, validationFraction, seed, sources, weights);
        }

        /** The same sources with new weights (kind mixture): name → weight; sources not named keep theirs. */
        public Data withWeights(java.util.Map<String, Double> weights) {
            if (kind != Kind.MIXTURE) {
                throw new IllegalStateException("RunSpec.Data.withWeights: kind '" + kind + "' has no sources");
            }
            java.util.Map<String, Source> m = new java.util.LinkedHashMap<>(sources);
            weights.forEach((k, w) -> {
                if (!m.containsKey(k)) {
                    throw new IllegalArgumentException("RunSpec.Data.withWeights: '" + k + "' is not a source; the"
                            + " sources are " + m.keySet());
                }
                m.put(k, m.get(k).withWeight(w));
            });
            return new Data(kind, alphabetSize, order, concentration, languageSeed, characters, textSeed, path, rows,
                    contextLength, validationFraction, seed, m, target);
        }

        public Data withValidationFraction(double fraction) {
            return new Data(kind, alphabetSize, order, concentration, languageSeed, characters, textSeed, path, rows,
                    contextLength, fraction, seed, sources, target);
        }

        public Data withSeed(long s) {
            return new Data(kind, alphabetSize, order, concentration, languageSeed, characters, textSeed, path, rows,
                    contextLength, validationFraction, s, sources, target);
        }

        /** Kind mixture: each source's share of the training rows (its weight, normalised), in the sources' order. */
        public java.util.Map<String, Double> weights() {
            if (kind != Kind.MIXTURE) {
                throw new IllegalStateException("RunSpec.Data.weights: kind '" + kind + "' has no sources");
            }
            double total = sources.values().stream().mapToDouble(Source::weight).sum();
            java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
            sources.forEach((k, v) -> m.put(k, v.weight() / total));
            return m;
        }

        /** Whether its tokens are read from token files (kind tokens, or a mixture of them). */
        public boolean usesTokenFiles() {
            return kind == Kind.TOKENS || (kind == Kind.MIXTURE
                    && sources.values().stream().allMatch(s -> s.kind() == Kind.TOKENS));
        }

        /**
         * Prompt-completion pairs from a JSONL file ({@link CompletionCorpus}), one a row padded to
         * {@code contextLength} tokens, the last {@code validationFraction} of them held out.
         */
        public static Data completions(Path file, int rows, int contextLength, double validationFraction, long seed) {
            return new Data(Kind.COMPLETIONS, 0, 0, 0, 0, 0, 0, file.toString(), rows, contextLength,
                    validationFraction, seed, null, null);
        }

        public SyntheticLanguage language() {
            return asSource().language();
        }

        /** Kinds synthetic and text: the same text as a source of weight 1. */
        private Source asSource() {
            return new Source(1, kind, alphabetSize, order, concentration, languageSeed, characters, textSeed, path);
        }

        /** The text (generated or read) and its batches. */
        public TokenBatches dataset() {
            switch (kind) {
                case COMPLETIONS -> {
                    CompletionCorpus corpus = CompletionCorpus.read(Path.of(path));
                    return corpus.dataset(tokenizerOf(corpus.text()), rows, contextLength, validationFraction, seed);
                }
                case TOKENS -> {
                    return TokenDataset.of(TokenFile.read(Path.of(path)), rows, contextLength, validationFraction,
                            seed, 1);
                }
                case MIXTURE -> {
                    return mixtureDataset();
                }
                default -> {
                    String text = asSource().text();
                    CharTokenizer chars = tokenizerOf(text);
                    return TokenDataset.of(chars.encode(text), rows, contextLength, validationFraction, seed,
                            chars.bytesPerToken(text));
                }
            }
        }

        /**
         * Each source's tokens, mixed by weight: text-like sources with one tokenizer fitted on all of them (bytes per
         * token of all their text), token files as they are (val_bpb is then bits per token).
         */
        private TokenDataset mixtureDataset() {
            java.util.Map<String, int[]> tokens = new java.util.LinkedHashMap<>();
            double[] weights = sources.values().stream().mapToDouble(Source::weight).toArray();
            double bytesPerToken = 1;
            if (usesTokenFiles()) {
                sources.forEach((name, s) -> tokens.put(name, TokenFile.read(Path.of(s.path()))));
            } else {
                java.util.Map<String, String> texts = new java.util.LinkedHashMap<>();
                sources.forEach((name, s) -> texts.put(name, s.text()));
                String all = String.join("", texts.values());
                CharTokenizer chars = mixtureTokenizer(texts);
                texts.forEach((name, text) -> tokens.put(name, chars.encode(text)));
                bytesPerToken = chars.bytesPerToken(all);
            }
            TokenDataset d = TokenDataset.mixture(tokens, weights, rows, contextLength, validationFraction, seed,
                    bytesPerToken);
            return target == null || target.isEmpty() ? d : d.withTarget(target);
        }

        /** The tokenizer {@link #dataset()} encodes with: a model trained on this data reads and writes with it. */
        public CharTokenizer tokenizer() {
            if (usesTokenFiles()) {
                throw new IllegalStateException("RunSpec.Data.tokenizer: token files (kind '" + kind + "') hold ids"
                        + " made by a tokenizer of their own; Assay has none for them");
            }
            return switch (kind) {
                case SYNTHETIC -> tokenizerOf(null);
                case TEXT -> tokenizerOf(TextCorpus.read(Path.of(path)).text());
                case COMPLETIONS -> tokenizerOf(CompletionCorpus.read(Path.of(path)).text());
                case MIXTURE -> mixtureTokenizer(null);
                case TOKENS -> throw new IllegalStateException("unreachable");
            };
        }

        /**
         * One token per character of the text sources and per symbol of the synthetic ones' alphabets (each symbol,
         * whether or not the generated text has it); {@code texts} the sources' texts if read already, or null.
         */
        private CharTokenizer mixtureTokenizer(java.util.Map<String, String> texts) {
            StringBuilder all = new StringBuilder();
            sources.forEach((name, s) -> all.append(s.kind() == Kind.SYNTHETIC ? s.language().alphabet()
                    : texts != null ? texts.get(name) : s.text()));
            return CharTokenizer.fit(all.toString());
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

    public RunSpec withData(Data d) {
        return new RunSpec(name, model, d, train);
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
