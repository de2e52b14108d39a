package org.assay.evals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Contamination check: word n-gram overlap between training text and evaluation items (13-grams by default, as in
 * GPT-3's analysis, Brown et al. 2020, Appendix C). Lower-cased, punctuation stripped.
 */
public final class Contamination {
    public static final int DEFAULT_N = 13;

    private final int n;
    private final Set<String> trainingNgrams = new HashSet<>();

    private Contamination(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("Contamination: n must be >= 1, got " + n);
        }
        this.n = n;
    }

    public static Contamination ofTraining(Iterable<String> documents) {
        return ofTraining(documents, DEFAULT_N);
    }

    public static Contamination ofTraining(Iterable<String> documents, int n) {
        Contamination c = new Contamination(n);
        for (String doc : documents) {
            c.trainingNgrams.addAll(ngrams(doc, n));
        }
        return c;
    }

    /** An item and the n-grams it shares with the training text. */
    public record Hit(int item, String text, List<String> sharedNgrams) {
    }

    /** Items (0-based index) that share at least one n-gram with the training text; items shorter than n never do. */
    public List<Hit> check(List<String> items) {
        List<Hit> hits = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<String> shared = new ArrayList<>();
            for (String g : ngrams(items.get(i), n)) {
                if (trainingNgrams.contains(g)) {
                    shared.add(g);
                }
            }
            if (!shared.isEmpty()) {
                hits.add(new Hit(i, items.get(i), List.copyOf(shared)));
            }
        }
        return hits;
    }

    static List<String> ngrams(String text, int n) {
        String[] words = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\s]", " ").trim().split("\\s+");
        List<String> out = new ArrayList<>();
        if (words.length == 1 && words[0].isEmpty()) {
            return out;
        }
        for (int i = 0; i + n <= words.length; i++) {
            out.add(String.join(" ", java.util.Arrays.copyOfRange(words, i, i + n)));
        }
        return out;
    }
}
