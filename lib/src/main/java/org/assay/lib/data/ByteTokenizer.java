package org.assay.lib.data;

import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 bytes as tokens: a vocabulary of 256, nothing to train, exact round trip for any text. */
public final class ByteTokenizer implements Tokenizer {

    @Override
    public String name() {
        return "bytes";
    }

    @Override
    public int vocabSize() {
        return 256;
    }

    @Override
    public int[] encode(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            ids[i] = b[i] & 0xff;
        }
        return ids;
    }

    /** Bytes that are not valid UTF-8 (a model may sample them) decode to U+FFFD rather than failing. */
    @Override
    public String decode(int[] tokens) {
        byte[] b = new byte[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] > 255) {
                throw new IllegalArgumentException("ByteTokenizer.decode: token ids must be in [0, 256), got "
                        + tokens[i] + " at position " + i);
            }
            b[i] = (byte) tokens[i];
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(b)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException(e); // cannot happen with REPLACE
        }
    }

    @Override
    public double bytesPerToken(String text) {
        return 1.0;
    }
}
