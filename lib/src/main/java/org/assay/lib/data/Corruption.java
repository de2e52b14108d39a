package org.assay.lib.data;

import java.util.SplittableRandom;

/**
 * Ways a document goes bad, at a known rate, for quality-filtering experiments whose truth is known: each keeps the
 * document's length and alphabet.
 */
public enum Corruption {
    /** The characters in a random order: the unigram statistics stay, every dependency is gone. */
    SHUFFLED,
    /** One short random snippet of the document repeated to its length (boilerplate, spam, a looping generator). */
    REPEATED,
    /** Each character replaced, with probability {@code rate}, by one drawn uniformly from the alphabet. */
    NOISED;

    /**
     * @param doc      the clean document
     * @param rate     kind NOISED: the share of characters replaced, in [0, 1]; REPEATED: the snippet's share of the
     *                 document's length, in (0, 1]; SHUFFLED: ignored
     * @param alphabet the characters noise draws from
     */
    public String apply(String doc, double rate, String alphabet, SplittableRandom rng) {
        String fn = "Corruption." + name() + ".apply";
        if (doc.isEmpty()) {
            throw new IllegalArgumentException(fn + ": doc must not be empty");
        }
        char[] c = doc.toCharArray();
        switch (this) {
            case SHUFFLED -> {
                for (int i = c.length - 1; i > 0; i--) {
                    int j = rng.nextInt(i + 1);
                    char t = c[i];
                    c[i] = c[j];
                    c[j] = t;
                }
            }
            case REPEATED -> {
                if (!(rate > 0 && rate <= 1)) {
                    throw new IllegalArgumentException(fn + ": rate (the snippet's share) must be in (0, 1], got "
                            + rate);
                }
                int len = Math.max(1, (int) Math.round(rate * c.length));
                int from = rng.nextInt(c.length - len + 1);
                String snippet = doc.substring(from, from + len);
                for (int i = 0; i < c.length; i++) {
                    c[i] = snippet.charAt(i % len);
                }
            }
            case NOISED -> {
                if (!(rate >= 0 && rate <= 1)) {
                    throw new IllegalArgumentException(fn + ": rate must be in [0, 1], got " + rate);
                }
                if (alphabet.isEmpty()) {
                    throw new IllegalArgumentException(fn + ": alphabet must not be empty");
                }
                for (int i = 0; i < c.length; i++) {
                    if (rng.nextDouble() < rate) {
                        c[i] = alphabet.charAt(rng.nextInt(alphabet.length()));
                    }
                }
            }
        }
        return new String(c);
    }
}
