package org.assay.lib.data;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Text to token ids and back. */
public interface Tokenizer {

    /**
     * The tokenizer of a Hugging Face model folder: {@code tokenizer.json}, or GPT-2's {@code vocab.json} and
     * {@code merges.txt}, with the special tokens of {@code tokenizer_config.json}; see {@link PretrainedTokenizer}.
     */
    static PretrainedTokenizer fromPretrained(Path dir) {
        return PretrainedTokenizer.load(dir);
    }

    String name();

    int vocabSize();

    int[] encode(String text);

    String decode(int[] tokens);

    /** The id of a token by its spelling, for special tokens ({@code <|im_end|>}); none unless the vocabulary has it. */
    default java.util.OptionalInt tokenId(String token) {
        return java.util.OptionalInt.empty();
    }

    /** UTF-8 bytes per token on {@code text}: converts a loss per token into bits per byte. */
    default double bytesPerToken(String text) {
        int tokens = encode(text).length;
        if (tokens == 0) {
            throw new IllegalArgumentException(name() + ".bytesPerToken: the text encodes to no tokens");
        }
        return (double) text.getBytes(StandardCharsets.UTF_8).length / tokens;
    }
}
