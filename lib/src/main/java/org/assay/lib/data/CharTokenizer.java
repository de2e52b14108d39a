package org.assay.lib.data;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** One token per distinct Unicode code point of a training text (nanoGPT's character-level Shakespeare). */
public final class CharTokenizer implements Tokenizer {
    private final int[] codePoints; // sorted; token id = index
    private final Map<Integer, Integer> ids = new HashMap<>();

    private CharTokenizer(int[] codePoints) {
        this.codePoints = codePoints;
        for (int i = 0; i < codePoints.length; i++) {
            ids.put(codePoints[i], i);
        }
    }

    /** The vocabulary of {@code text}: its distinct code points, sorted. */
    public static CharTokenizer fit(String text) {
        int[] cps = text.codePoints().distinct().sorted().toArray();
        if (cps.length == 0) {
            throw new IllegalArgumentException("CharTokenizer.fit: the text is empty");
        }
        return new CharTokenizer(cps);
    }

    @Override
    public String name() {
        return "chars";
    }

    @Override
    public int vocabSize() {
        return codePoints.length;
    }

    @Override
    public int[] encode(String text) {
        int[] cps = text.codePoints().toArray();
        int[] out = new int[cps.length];
        for (int i = 0; i < cps.length; i++) {
            Integer id = ids.get(cps[i]);
            if (id == null) {
                throw new IllegalArgumentException("CharTokenizer.encode: character '"
                        + new String(Character.toChars(cps[i])) + "' (U+" + Integer.toHexString(cps[i]).toUpperCase()
                        + ") at index " + i + " is not in the vocabulary");
            }
            out[i] = id;
        }
        return out;
    }

    @Override
    public String decode(int[] tokens) {
        StringBuilder sb = new StringBuilder(tokens.length);
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= codePoints.length) {
                throw new IllegalArgumentException("CharTokenizer.decode: token ids must be in [0, "
                        + codePoints.length + "), got " + tokens[i] + " at position " + i);
            }
            sb.appendCodePoint(codePoints[tokens[i]]);
        }
        return sb.toString();
    }

    /** The vocabulary, in id order. */
    public String alphabet() {
        return new String(codePoints, 0, codePoints.length);
    }

    @Override
    public String toString() {
        return "CharTokenizer" + Arrays.toString(new String[] {alphabet()});
    }
}
