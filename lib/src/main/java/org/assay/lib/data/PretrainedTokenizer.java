package org.assay.lib.data;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The tokenizer of a Hugging Face model folder, as transformers' {@code AutoTokenizer.from_pretrained} reads it:
 * {@code tokenizer.json} (the format of Hugging Face's tokenizers library, which runs it here too, in Rust, through
 * DJL's binding), or GPT-2's {@code vocab.json} and {@code merges.txt}, turned into the same format the way
 * transformers' {@code GPT2Converter} does (byte-level pre-tokenizer and decoder, {@code <|endoftext|>} as the
 * special token).
 *
 * <p>{@link #encode} adds no special tokens (no BOS), as tiktoken and nanoGPT encode; the text of a special token
 * ({@code <|im_start|>}) becomes that token, as in transformers. {@link #decode} keeps every token, special ones
 * included, and cleans up no spaces, so byte-level tokenizers give back the text exactly (after the tokenizer's own
 * normalizer, NFC for Qwen2). Special tokens: {@link #bos()}, {@link #eos()}, {@link #pad()} from
 * {@code tokenizer_config.json} (or {@code special_tokens_map.json}), else {@code config.json}'s ids;
 * {@link #stopTokens()} adds {@code generation_config.json}'s {@code eos_token_id} (a chat model's end of turn).
 */
public final class PretrainedTokenizer implements Tokenizer, AutoCloseable {
    public static final String TOKENIZER = "tokenizer.json";
    public static final String VOCAB = "vocab.json";
    public static final String MERGES = "merges.txt";
    public static final String CONFIG = "tokenizer_config.json";

    private static final String GPT2_SPECIAL = "<|endoftext|>";

    /** The files of a tokenizer in a model folder, copied by {@link #copyFilesInto}. */
    static final List<String> FILES = List.of(TOKENIZER, VOCAB, MERGES, CONFIG, "special_tokens_map.json",
            "added_tokens.json", "generation_config.json");

    private final Path dir;
    private final String name;
    private final HuggingFaceTokenizer hf;
    private final String[] tokens;               // id -> token as the vocabulary spells it (null: unused id)
    private final Map<String, Integer> ids;
    private final Set<Integer> special;
    private final OptionalInt bos;
    private final OptionalInt eos;
    private final OptionalInt pad;
    private final int[] stopTokens;
    private final boolean addsBos;

    private PretrainedTokenizer(Path dir, String name, HuggingFaceTokenizer hf, String[] tokens, Map<String, Integer> ids,
                                Set<Integer> special, OptionalInt bos, OptionalInt eos, OptionalInt pad,
                                int[] stopTokens, boolean addsBos) {
        this.dir = dir;
        this.name = name;
        this.hf = hf;
        this.tokens = tokens;
        this.ids = ids;
        this.special = special;
        this.bos = bos;
        this.eos = eos;
        this.pad = pad;
        this.stopTokens = stopTokens;
        this.addsBos = addsBos;
    }

    /** Reads the tokenizer of {@code dir}; see the class comment for the files. */
    public static PretrainedTokenizer load(Path dir) {
        String fn = "Tokenizer.fromPretrained(" + dir + ")";
        DataFiles.requireNonNull("Tokenizer.fromPretrained", "dir", dir);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(fn + ": no such folder");
        }
        JsonObject config = Files.isRegularFile(dir.resolve(CONFIG))
                ? DataFiles.readJsonObject(fn + ": " + CONFIG, dir.resolve(CONFIG)) : new JsonObject();
        Path file = dir.resolve(TOKENIZER);
        JsonObject json;
        if (Files.isRegularFile(file)) {
            json = DataFiles.readJsonObject(fn + ": " + TOKENIZER, file);
        } else if (Files.isRegularFile(dir.resolve(VOCAB)) && Files.isRegularFile(dir.resolve(MERGES))) {
            file = dir.resolve(VOCAB);
            json = fromVocabAndMerges(fn, dir, config);
            for (String key : List.of("bos_token", "eos_token", "unk_token")) {   // GPT2Tokenizer's defaults
                if (!config.has(key) && json.getAsJsonObject("model").getAsJsonObject("vocab").has(GPT2_SPECIAL)) {
                    config.addProperty(key, GPT2_SPECIAL);
                }
            }
        } else {
            throw new IllegalArgumentException(fn + ": expected " + TOKENIZER + ", or " + VOCAB + " and " + MERGES
                    + " (GPT-2's files), found neither" + (Files.isRegularFile(dir.resolve("tokenizer.model"))
                    ? "; tokenizer.model (SentencePiece) is not read: convert it to tokenizer.json with transformers"
                    : ""));
        }
        String where = fn + ": " + dir.relativize(file);
        Map<String, Integer> ids = new LinkedHashMap<>();
        Set<Integer> special = new LinkedHashSet<>();
        vocabulary(where, json, ids, special);
        int size = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        if (size == 0) {
            throw new IllegalArgumentException(where + ": the vocabulary is empty");
        }
        String[] tokens = new String[size];
        ids.forEach((t, id) -> tokens[id] = t);

        Map<String, String> options = Map.of("addSpecialTokens", "false", "truncation", "false",
                "padding", "false", "cleanupTokenizationSpaces", "false");
        HuggingFaceTokenizer hf;
        try {
            hf = HuggingFaceTokenizer.newInstance(
                    new ByteArrayInputStream(json.toString().getBytes(StandardCharsets.UTF_8)), options);
        } catch (IOException e) {
            throw new UncheckedIOException(where + ": " + e, e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + ": the tokenizers library refused it: " + e.getMessage(), e);
        }
        JsonObject specialsMap = Files.isRegularFile(dir.resolve("special_tokens_map.json"))
                ? DataFiles.readJsonObject(fn + ": special_tokens_map.json", dir.resolve("special_tokens_map.json"))
                : new JsonObject();
        JsonObject modelConfig = Files.isRegularFile(dir.resolve("config.json"))
                ? DataFiles.readJsonObject(fn + ": config.json", dir.resolve("config.json")) : new JsonObject();
        JsonObject generation = Files.isRegularFile(dir.resolve("generation_config.json"))
                ? DataFiles.readJsonObject(fn + ": generation_config.json", dir.resolve("generation_config.json"))
                : new JsonObject();
        try {
            OptionalInt bos = special(fn, "bos", ids, config, specialsMap, modelConfig);
            OptionalInt eos = special(fn, "eos", ids, config, specialsMap, modelConfig);
            OptionalInt pad = special(fn, "pad", ids, config, specialsMap, modelConfig);
            Set<Integer> stops = new LinkedHashSet<>();
            eos.ifPresent(stops::add);
            for (JsonObject o : List.of(modelConfig, generation)) {
                for (int id : idList(o.get("eos_token_id"))) {
                    stops.add(id);
                }
            }
            for (int id : stops) {
                if (id < 0 || id >= size) {
                    throw new IllegalArgumentException(fn + ": eos_token_id " + id + " is outside the vocabulary [0, "
                            + size + ")");
                }
            }
            boolean addsBos = config.has("add_bos_token") && config.get("add_bos_token").isJsonPrimitive()
                    ? config.get("add_bos_token").getAsBoolean()
                    : bos.isPresent() && postProcessorAddsBos(json, tokens[bos.getAsInt()]);
            return new PretrainedTokenizer(dir, dir.getFileName() == null ? dir.toString() : dir.getFileName().toString(),
                    hf, tokens, Collections.unmodifiableMap(ids), Collections.unmodifiableSet(special), bos, eos,
                    pad, stops.stream().mapToInt(Integer::intValue).toArray(), addsBos);
        } catch (RuntimeException e) {
            hf.close();
            throw e;
        }
    }

    /** GPT-2's vocab.json + merges.txt as a tokenizer.json, as transformers' GPT2Converter builds it. */
    private static JsonObject fromVocabAndMerges(String fn, Path dir, JsonObject config) {
        JsonObject vocab = DataFiles.readJsonObject(fn + ": " + VOCAB, dir.resolve(VOCAB));
        JsonArray merges = new JsonArray();
        List<String> lines;
        try {
            lines = Files.readAllLines(dir.resolve(MERGES), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(fn + ": " + MERGES + ": " + e, e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if ((i == 0 && line.startsWith("#version")) || line.isEmpty()) {
                continue;
            }
            String[] pair = line.split(" ");
            if (pair.length != 2) {
                throw new IllegalArgumentException(fn + ": " + MERGES + " line " + (i + 1)
                        + ": a merge must be two tokens separated by one space, got '" + DataFiles.abbreviate(line) + "'");
            }
            for (String t : pair) {
                if (!vocab.has(t)) {
                    throw new IllegalArgumentException(fn + ": " + MERGES + " line " + (i + 1) + ": token '" + t
                            + "' is not in " + VOCAB);
                }
            }
            if (!vocab.has(pair[0] + pair[1])) {
                throw new IllegalArgumentException(fn + ": " + MERGES + " line " + (i + 1) + ": the merged token '"
                        + pair[0] + pair[1] + "' is not in " + VOCAB);
            }
            merges.add(line);
        }
        boolean prefixSpace = config.has("add_prefix_space") && config.get("add_prefix_space").getAsBoolean();
        JsonObject byteLevel = TokenizerJson.byteLevelStep(prefixSpace, true, true);
        JsonArray added = new JsonArray();
        Set<String> specials = new LinkedHashSet<>();
        for (String key : List.of("bos_token", "eos_token", "unk_token", "pad_token")) {
            String t = tokenText(config.get(key));
            if (t != null) {
                specials.add(t);
            }
        }
        if (specials.isEmpty() && vocab.has(GPT2_SPECIAL)) {
            specials.add(GPT2_SPECIAL);
        }
        for (String t : specials) {
            if (!vocab.has(t)) {
                throw new IllegalArgumentException(fn + ": " + CONFIG + " names the special token '" + t
                        + "', which is not in " + VOCAB);
            }
            JsonObject a = new JsonObject();
            a.addProperty("id", vocab.get(t).getAsInt());
            a.addProperty("content", t);
            a.addProperty("single_word", false);
            a.addProperty("lstrip", false);
            a.addProperty("rstrip", false);
            a.addProperty("normalized", true);
            a.addProperty("special", true);
            added.add(a);
        }
        return TokenizerJson.tokenizer(byteLevel, byteLevel, byteLevel, TokenizerJson.bpeModel(vocab, merges), added);
    }

    /** Token text to id from the model's vocabulary and the added tokens; the special ones into {@code special}. */
    private static void vocabulary(String where, JsonObject json, Map<String, Integer> ids, Set<Integer> special) {
        JsonElement model = json.get("model");
        if (model == null || !model.isJsonObject()) {
            throw new IllegalArgumentException(where + ": expected a 'model' object, found " + model);
        }
        JsonElement vocab = model.getAsJsonObject().get("vocab");
        if (vocab != null && vocab.isJsonObject()) {                      // BPE, WordPiece, WordLevel
            for (Map.Entry<String, JsonElement> e : vocab.getAsJsonObject().entrySet()) {
                ids.put(e.getKey(), id(where, "model.vocab['" + e.getKey() + "']", e.getValue()));
            }
        } else if (vocab != null && vocab.isJsonArray()) {                // Unigram: [token, score] pairs
            JsonArray pairs = vocab.getAsJsonArray();
            for (int i = 0; i < pairs.size(); i++) {
                JsonElement pair = pairs.get(i);
                if (!pair.isJsonArray() || pair.getAsJsonArray().isEmpty()) {
                    throw new IllegalArgumentException(where + ": model.vocab[" + i
                            + "] must be a [token, score] pair, got " + pair);
                }
                ids.put(pair.getAsJsonArray().get(0).getAsString(), i);
            }
        } else {
            throw new IllegalArgumentException(where + ": expected model.vocab (an object or a list), found " + vocab);
        }
        JsonElement added = json.get("added_tokens");
        if (added != null && added.isJsonArray()) {
            for (JsonElement a : added.getAsJsonArray()) {
                JsonObject o = a.getAsJsonObject();
                int id = id(where, "added_tokens[" + o.get("content") + "].id", o.get("id"));
                ids.put(o.get("content").getAsString(), id);
                if (o.has("special") && o.get("special").getAsBoolean()) {
                    special.add(id);
                }
            }
        }
    }

    private static int id(String where, String field, JsonElement e) {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber() || e.getAsDouble() < 0
                || e.getAsDouble() != Math.rint(e.getAsDouble()) || e.getAsDouble() > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException(where + ": " + field + " must be a token id (an integer >= 0), got "
                    + e);
        }
        return e.getAsInt();
    }

    /** A special token's text: a string, or {"content": ...} as newer files write it; null when absent. */
    private static String tokenText(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonObject() && e.getAsJsonObject().has("content")) {
            return e.getAsJsonObject().get("content").getAsString();
        }
        return e.isJsonPrimitive() ? e.getAsString() : null;
    }

    private static int[] idList(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return new int[0];
        }
        if (e.isJsonArray()) {
            int[] out = new int[e.getAsJsonArray().size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = e.getAsJsonArray().get(i).getAsInt();
            }
            return out;
        }
        return new int[] {e.getAsInt()};
    }

    private static OptionalInt special(String fn, String kind, Map<String, Integer> ids, JsonObject... sources) {
        for (JsonObject source : Arrays.copyOf(sources, 2)) {
            String text = tokenText(source.get(kind + "_token"));
            if (text != null) {
                Integer id = ids.get(text);
                if (id == null) {
                    throw new IllegalArgumentException(fn + ": " + kind + "_token '" + text
                            + "' is not in the vocabulary");
                }
                return OptionalInt.of(id);
            }
        }
        int[] fromConfig = idList(sources[2].get(kind + "_token_id"));
        return fromConfig.length == 0 ? OptionalInt.empty() : OptionalInt.of(fromConfig[0]);
    }

    /** Whether the post-processor's single-sequence template starts with {@code bos} (Llama 3's does). */
    private static boolean postProcessorAddsBos(JsonObject json, String bos) {
        JsonElement pp = json.get("post_processor");
        if (pp == null || !pp.isJsonObject()) {
            return false;
        }
        JsonObject o = pp.getAsJsonObject();
        if (o.has("processors") && o.get("processors").isJsonArray()) {      // "Sequence" of processors
            for (JsonElement p : o.getAsJsonArray("processors")) {
                JsonObject wrapper = new JsonObject();
                wrapper.add("post_processor", p);
                if (postProcessorAddsBos(wrapper, bos)) {
                    return true;
                }
            }
            return false;
        }
        JsonElement single = o.get("single");                                   // "TemplateProcessing"
        if (single == null || !single.isJsonArray() || single.getAsJsonArray().isEmpty()
                || !single.getAsJsonArray().get(0).isJsonObject()) {
            return false;
        }
        JsonElement first = single.getAsJsonArray().get(0).getAsJsonObject().get("SpecialToken");
        return first != null && first.isJsonObject() && first.getAsJsonObject().has("id")
                && bos.equals(first.getAsJsonObject().get("id").getAsString());
    }

    @Override
    public String name() {
        return "pretrained:" + name;
    }

    /** Ids in use plus one: the model's embedding must have at least this many rows. */
    @Override
    public int vocabSize() {
        return tokens.length;
    }

    @Override
    public int[] encode(String text) {
        DataFiles.requireNonNull(name() + ".encode", "text", text);
        Encoding encoding = hf.encode(text, false, false);
        long[] longs = encoding.getIds();
        int[] out = new int[longs.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) longs[i];
        }
        return out;
    }

    @Override
    public String decode(int[] tokens) {
        return decode(tokens, false);
    }

    /** The text of {@code tokens}; {@code skipSpecial} leaves out special tokens, as transformers' flag does. */
    public String decode(int[] tokens, boolean skipSpecial) {
        DataFiles.requireNonNull(name() + ".decode", "tokens", tokens);
        long[] longs = new long[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= this.tokens.length || this.tokens[tokens[i]] == null) {
                throw new IllegalArgumentException(name() + ".decode: tokens[" + i + "] must be a token id in [0, "
                        + this.tokens.length + "), got " + tokens[i]);
            }
            longs[i] = tokens[i];
        }
        return hf.decode(longs, skipSpecial);
    }

    /** The id of a token as the vocabulary spells it ({@code "<|im_start|>"}, {@code "Ġthe"}), if there is one. */
    @Override
    public OptionalInt tokenId(String token) {
        Integer id = ids.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The id of a token that must exist, such as a chat format's special token; an error names it otherwise. */
    public int requireToken(String token) {
        Integer id = ids.get(token);
        if (id == null) {
            throw new IllegalArgumentException(name() + ": the vocabulary has no token '" + token + "'");
        }
        return id;
    }

    /** The vocabulary's spelling of token {@code id}. */
    public String token(int id) {
        if (id < 0 || id >= tokens.length || tokens[id] == null) {
            throw new IllegalArgumentException(name() + ".token: id must be a token id in [0, " + tokens.length
                    + "), got " + id);
        }
        return tokens[id];
    }

    /** Ids of the added tokens marked special. */
    public Set<Integer> specialTokens() {
        return special;
    }

    public OptionalInt bos() {
        return bos;
    }

    public OptionalInt eos() {
        return eos;
    }

    public OptionalInt pad() {
        return pad;
    }

    /** Tokens that end a generation: {@link #eos()} and every {@code eos_token_id} of the model's configs. */
    public int[] stopTokens() {
        return stopTokens.clone();
    }

    /** Whether transformers would put {@link #bos()} before a text it encodes with special tokens (Llama does). */
    public boolean addsBos() {
        return addsBos;
    }

    /** The folder this tokenizer was read from. */
    public Path dir() {
        return dir;
    }

    /**
     * Copies the tokenizer's files from {@link #dir()} into {@code target} (tokenizer.json or vocab.json and
     * merges.txt, the tokenizer's configs, generation_config.json), replacing files of those names.
     */
    public void copyFilesInto(Path target) {
        for (String f : FILES) {
            Path from = dir.resolve(f);
            if (Files.isRegularFile(from) && !from.toAbsolutePath().normalize()
                    .equals(target.resolve(f).toAbsolutePath().normalize())) {
                DataFiles.copyAtomically(name() + ".copyFilesInto(" + target + ")", from, target.resolve(f));
            }
        }
    }

    /** Frees the native tokenizer; it is also freed when collected. */
    @Override
    public void close() {
        hf.close();
    }

    @Override
    public String toString() {
        return name() + " (" + tokens.length + " tokens" + (bos.isPresent() ? ", bos " + bos.getAsInt() : "")
                + (eos.isPresent() ? ", eos " + eos.getAsInt() : "") + ")";
    }
}
