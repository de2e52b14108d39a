package org.assay.evals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * maj@k: sample k answers, take the most frequent, score it. Estimated as the mean over random k-subsets of the n
 * samples (seeded). Ties: the expected score under a uniformly random choice among the tied answers (1/t when the
 * correct answer is one of t tied answers).
 */
public final class MajorityVote {
    private MajorityVote() {
    }

    /** The score of one vote over the given answers (null answers, e.g. unparseable, never win). */
    public static double vote(List<String> answers, String correct) {
        Map<String, Integer> counts = counts(answers);
        if (counts.isEmpty()) {
            return 0;
        }
        int top = counts.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        long tied = counts.values().stream().filter(c -> c == top).count();
        Integer correctCount = counts.get(correct);
        return Objects.equals(correctCount, top) ? 1.0 / tied : 0.0;
    }

    /**
     * The share of the answers that agree with the most frequent one (null answers never agree): 1 when all agree, a
     * cheap signal of how sure a model is of a problem (a router's or an allocator's).
     */
    public static double agreement(List<String> answers) {
        if (answers.isEmpty()) {
            return 0;
        }
        Map<String, Integer> counts = counts(answers);
        int top = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return (double) top / answers.size();
    }

    private static Map<String, Integer> counts(List<String> answers) {
        Map<String, Integer> counts = new HashMap<>();
        for (String a : answers) {
            if (a != null) {
                counts.merge(a, 1, Integer::sum);
            }
        }
        return counts;
    }

    public static double majAtK(List<String> answers, String correct, int k, int draws, long seed) {
        int n = answers.size();
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("majAtK: k must be in [1, n=" + n + "], got " + k);
        }
        if (draws < 1) {
            throw new IllegalArgumentException("majAtK: draws must be >= 1, got " + draws);
        }
        if (k == n) {
            return vote(answers, correct);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int[] idx = new int[n];
        double sum = 0;
        for (int d = 0; d < draws; d++) {
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            String[] subset = new String[k];
            for (int i = 0; i < k; i++) { // partial Fisher–Yates: k distinct samples
                int j = i + rng.nextInt(n - i);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
                subset[i] = answers.get(idx[i]);
            }
            sum += vote(java.util.Arrays.asList(subset), correct);
        }
        return sum / draws;
    }
}
