package org.assay.lib.data;

import java.nio.charset.StandardCharsets;

/** Text to token ids and back. */
public interface Tokenizer {

    String name();

    int vocabSize();

    int[] encode(String text);

    String decode(int[] tokens);

    /** UTF-8 bytes per token on {@code text}: converts a loss per token into bits per byte. */
    default double bytesPerToken(String text) {
        int tokens = encode(text).length;
        if (tokens == 0) {
            throw new IllegalArgumentException(name() + ".bytesPerToken: the text encodes to no tokens");
        }
        return (double) text.getBytes(StandardCharsets.UTF_8).length / tokens;
    }
}
