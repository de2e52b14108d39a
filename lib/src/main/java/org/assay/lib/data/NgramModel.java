package org.assay.lib.data;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A character n-gram language model with add-k smoothing, fitted on a small reference set of good text, whose
 * per-character cross-entropy scores documents for quality filtering: CCNet (Wenzek et al. 2020) keeps web documents
 * whose perplexity under a model of Wikipedia is low. Text unlike the reference — shuffled, noised, or another
 * language — costs more nats per character; degenerate repetition of likely characters can cost less, which is why
 * pipelines also deduplicate and filter repetition before scoring.
 */
public final class NgramModel {
    private final int order;
    private final double k;
    private final int vocabulary;
    private final Map<String, int[]> counts = new HashMap<>(); // context -> [count per character index..., total]
    private final Map<Integer, Integer> index = new HashMap<>(); // code point -> index

    private NgramModel(int order, double k, String alphabet) {
        this.order = order;
        this.k = k;
        alphabet.codePoints().distinct().sorted().forEach(c -> index.put(c, index.size()));
        this.vocabulary = index.size();
    }

    /**
     * @param order    characters of context (0: unigram)
     * @param k        add-k smoothing, &gt; 0 (every character of the alphabet keeps some probability)
     * @param alphabet the characters documents may hold (with those of the reference)
     * @param texts    the reference text
     */
    public static NgramModel fit(int order, double k, String alphabet, List<String> texts) {
        String fn = "NgramModel.fit";
        if (order < 0) {
            throw new IllegalArgumentException(fn + ": order must be >= 0, got " + order);
        }
        if (!(k > 0) || Double.isInfinite(k)) {
            throw new IllegalArgumentException(fn + ": k must be > 0 and finite, got " + k);
        }
        if (texts.isEmpty()) {
            throw new IllegalArgumentException(fn + ": texts must not be empty");
        }
        NgramModel m = new NgramModel(order, k, alphabet + String.join("", texts));
        for (String t : texts) {
            int[] cps = t.codePoints().toArray();
            for (int i = order; i < cps.length; i++) {
                int[] row = m.counts.computeIfAbsent(m.context(cps, i), c -> new int[m.vocabulary + 1]);
                row[m.index.get(cps[i])]++;
                row[m.vocabulary]++;
            }
        }
        return m;
    }

    /**
     * The mean negative log-probability of {@code doc}'s characters after its first {@code order}, in nats per
     * character; a character outside the alphabet is an error naming it.
     */
    public double crossEntropy(String doc) {
        int[] cps = doc.codePoints().toArray();
        if (cps.length <= order) {
            throw new IllegalArgumentException("NgramModel.crossEntropy: a document needs more than order = " + order
                    + " characters, got " + cps.length);
        }
        double nats = 0;
        for (int i = order; i < cps.length; i++) {
            Integer c = index.get(cps[i]);
            if (c == null) {
                throw new IllegalArgumentException("NgramModel.crossEntropy: character '"
                        + new String(Character.toChars(cps[i])) + "' at index " + i + " is not in the alphabet");
            }
            int[] row = counts.get(context(cps, i));
            double count = row == null ? 0 : row[c];
            double total = row == null ? 0 : row[vocabulary];
            nats -= Math.log((count + k) / (total + k * vocabulary));
        }
        return nats / (cps.length - order);
    }

    private String context(int[] cps, int i) {
        return new String(cps, i - order, order);
    }
}
