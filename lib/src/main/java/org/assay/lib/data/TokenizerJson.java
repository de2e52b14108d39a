package org.assay.lib.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Assay's own tokenizers written in Hugging Face tokenizers' {@code tokenizer.json} format, so a model trained here
 * and saved with {@code savePretrained} is read, text included, by transformers, by {@link PretrainedTokenizer} and by
 * {@code ./assay sample}. The same ids come back for every text: {@link ByteTokenizer} and {@link BpeTokenizer}
 * become byte-level BPE over GPT-2's byte-to-character map (ours splits words with the regular expression
 * {@link #BPE_SPLIT}, the rule of {@code BpeTokenizer.chunks}); {@link CharTokenizer} becomes a BPE without merges
 * over its characters and a {@code Fuse} decoder. Text outside a character vocabulary is dropped by the Hugging Face
 * side, where our encoder refuses it.
 */
public final class TokenizerJson {

    /**
     * {@code BpeTokenizer.chunks} as an Oniguruma pattern (the engine of tokenizers' {@code Split}): a space and a
     * word; whitespace up to the space before a word; a run of whitespace. Whitespace is Java's
     * {@code Character.isWhitespace}: Unicode space separators other than the no-break ones, line and paragraph
     * separators, and the ASCII controls \t \n \u000B \f \r and \u001C-\u001F.
     */
    static final String BPE_SPLIT;

    static {
        String ws = "[\\t\\n\\x0B\\f\\r\\x1C-\\x1F\\x{2028}\\x{2029}\\p{Zs}&&[^\\x{A0}\\x{2007}\\x{202F}]]";
        String word = "[^\\t\\n\\x0B\\f\\r\\x1C-\\x1F\\x{2028}\\x{2029}\\p{Zs}\\x{A0}\\x{2007}\\x{202F}]";
        word = "(?:" + word + "|[\\x{A0}\\x{2007}\\x{202F}])";
        BPE_SPLIT = " ?" + word + "+|" + ws + "+(?= " + word + ")|" + ws + "+";
    }

    private TokenizerJson() {
    }

    /** {@code tokenizer} as a tokenizer.json object; an error for a tokenizer the format cannot hold. */
    public static JsonObject of(Tokenizer tokenizer) {
        DataFiles.requireNonNull("TokenizerJson.of", "tokenizer", tokenizer);
        if (tokenizer instanceof ByteTokenizer) {
            return byteLevel(byteVocab(), new JsonArray(), null);
        }
        if (tokenizer instanceof BpeTokenizer bpe) {
            JsonObject vocab = byteVocab();
            JsonArray merges = new JsonArray();
            Map<String, Integer> seen = new HashMap<>();
            int[][] m = bpe.merges();
            for (int i = 0; i < m.length; i++) {
                int id = 256 + i;
                String text = spell(bpe.bytesOf(id));
                Integer before = seen.putIfAbsent(text, id);
                if (before != null || vocab.has(text)) {
                    throw new IllegalArgumentException("TokenizerJson.of(" + bpe.name() + "): tokens "
                            + (before == null ? vocab.get(text).getAsInt() : before) + " and " + id
                            + " have the same bytes '" + text + "'; tokenizer.json maps each spelling to one id");
                }
                vocab.addProperty(text, id);
                merges.add(spell(bpe.bytesOf(m[i][0])) + " " + spell(bpe.bytesOf(m[i][1])));
            }
            return byteLevel(vocab, merges, BPE_SPLIT);
        }
        if (tokenizer instanceof CharTokenizer chars) {
            JsonObject vocab = new JsonObject();
            int[] cps = chars.alphabet().codePoints().toArray();
            for (int i = 0; i < cps.length; i++) {
                vocab.addProperty(new String(Character.toChars(cps[i])), i);
            }
            JsonObject decoder = new JsonObject();
            decoder.addProperty("type", "Fuse");
            return tokenizer(null, null, decoder, bpeModel(vocab, new JsonArray()));
        }
        throw new IllegalArgumentException("TokenizerJson.of: tokenizer must be a ByteTokenizer, BpeTokenizer or"
                + " CharTokenizer (or one read by Tokenizer.fromPretrained, whose files are copied), got "
                + tokenizer.name() + " (" + tokenizer.getClass().getSimpleName() + ")");
    }

    /** Writes {@code tokenizer.json} and a {@code tokenizer_config.json} into {@code dir}, each atomically. */
    public static void save(Tokenizer tokenizer, Path dir) {
        String fn = "TokenizerJson.save(" + dir + ")";
        JsonObject json = of(tokenizer);
        JsonObject config = new JsonObject();
        config.addProperty("tokenizer_class", "PreTrainedTokenizerFast");
        config.addProperty("clean_up_tokenization_spaces", false);
        config.addProperty("assay_tokenizer", tokenizer.name());
        DataFiles.writeAtomically(fn, dir.resolve(PretrainedTokenizer.TOKENIZER), json.toString());
        DataFiles.writeAtomically(fn, dir.resolve(PretrainedTokenizer.CONFIG), config.toString());
    }

    /** GPT-2's printable spelling of bytes: each byte one character (bytes_to_unicode in OpenAI's encoder.py). */
    static String spell(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            sb.appendCodePoint(BYTE_CHARS[b & 0xFF]);
        }
        return sb.toString();
    }

    private static final int[] BYTE_CHARS = new int[256];

    static {
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_CHARS[b] = printable ? b : 256 + extra++;
        }
    }

    private static JsonObject byteVocab() {
        JsonObject vocab = new JsonObject();
        for (int b = 0; b < 256; b++) {
            vocab.addProperty(new String(Character.toChars(BYTE_CHARS[b])), b);
        }
        return vocab;
    }

    /** A ByteLevel pre-tokenizer, post-processor or decoder (one object serves as each). */
    static JsonObject byteLevelStep(boolean prefixSpace, boolean trimOffsets, boolean useRegex) {
        JsonObject level = new JsonObject();
        level.addProperty("type", "ByteLevel");
        level.addProperty("add_prefix_space", prefixSpace);
        level.addProperty("trim_offsets", trimOffsets);
        level.addProperty("use_regex", useRegex);
        return level;
    }

    private static JsonObject byteLevel(JsonObject vocab, JsonArray merges, String split) {
        JsonObject level = byteLevelStep(false, false, false);
        JsonObject pre = level;
        if (split != null) {
            JsonObject pattern = new JsonObject();
            pattern.addProperty("Regex", split);
            JsonObject splitter = new JsonObject();
            splitter.addProperty("type", "Split");
            splitter.add("pattern", pattern);
            splitter.addProperty("behavior", "Isolated");
            splitter.addProperty("invert", false);
            JsonArray sequence = new JsonArray();
            sequence.add(splitter);
            sequence.add(level);
            pre = new JsonObject();
            pre.addProperty("type", "Sequence");
            pre.add("pretokenizers", sequence);
        }
        return tokenizer(pre, level, level, bpeModel(vocab, merges));
    }

    static JsonObject bpeModel(JsonObject vocab, JsonArray merges) {
        JsonObject model = new JsonObject();
        model.addProperty("type", "BPE");
        model.add("dropout", null);
        model.add("unk_token", null);
        model.add("continuing_subword_prefix", null);
        model.add("end_of_word_suffix", null);
        model.addProperty("fuse_unk", false);
        model.addProperty("byte_fallback", false);
        model.addProperty("ignore_merges", false);
        model.add("vocab", vocab);
        model.add("merges", merges);
        return model;
    }

    private static JsonObject tokenizer(JsonObject pre, JsonObject post, JsonObject decoder, JsonObject model) {
        return tokenizer(pre, post, decoder, model, new JsonArray());
    }

    /** A whole tokenizer.json: no normalizer, no truncation or padding. */
    static JsonObject tokenizer(JsonObject pre, JsonObject post, JsonObject decoder, JsonObject model,
                                JsonArray addedTokens) {
        JsonObject json = new JsonObject();
        json.addProperty("version", "1.0");
        json.add("truncation", null);
        json.add("padding", null);
        json.add("added_tokens", addedTokens);
        json.add("normalizer", null);
        json.add("pre_tokenizer", pre);
        json.add("post_processor", post);
        json.add("decoder", decoder);
        json.add("model", model);
        return json;
    }
}
