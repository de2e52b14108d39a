package org.assay.lib.sample;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Drawing one token from a row of logits: temperature, top-k, top-p, greedy. */
final class Sampling {
    private Sampling() {
    }

    /**
     * Work arrays for drawing from rows of {@code v} logits, made once per sampling run, and the maximum and the sum
     * of exponentials of the last row drawn from at temperature 1, which are {@link Sampling#logSoftmaxAt}'s to the
     * bit: its second pass of exponentials is saved for a row just drawn.
     */
    static final class Scratch {
        private final double[] prob;
        private final int[] order;
        private final int[] buffer;
        private double max;
        private double total;
        private int drawnFrom = -1; // where in the logits the row of those sums starts, or -1

        Scratch(int v) {
            prob = new double[v];
            order = new int[v];
            buffer = new int[v];
        }

        /** Forgets the last draw's sums: a new step's logits are coming. */
        void forget() {
            drawnFrom = -1;
        }

        /** log softmax(logits[from, from + v))[token] at temperature 1: the last draw's sums if it drew this row. */
        double logSoftmaxAt(float[] logits, int from, int v, int token) {
            return drawnFrom == from ? logits[from + token] - max - Math.log(total)
                    : Sampling.logSoftmaxAt(logits, from, v, token);
        }
    }

    /** A token drawn from {@code logits[from, from + v)}, with {@code s}'s work arrays. */
    static int draw(float[] logits, int from, int v, SamplingParams p, SplittableRandom rng, Scratch s) {
        if (p.temperature() == 0) {
            int best = 0;
            for (int i = 1; i < v; i++) {
                if (logits[from + i] > logits[from + best]) {
                    best = i;
                }
            }
            return best;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v; i++) {
            max = Math.max(max, logits[from + i]);
        }
        double[] prob = s.prob;
        double total = 0;
        for (int i = 0; i < v; i++) {
            prob[i] = Math.exp((logits[from + i] - max) / p.temperature());
            total += prob[i];
        }
        s.max = max;
        s.total = total;
        s.drawnFrom = p.temperature() == 1 ? from : -1;
        int[] order = s.order;
        for (int i = 0; i < v; i++) {
            order[i] = i;
            prob[i] /= total;
        }
        sortByProbability(order, prob, s.buffer); // most likely first; ties by id
        int keep = p.topK() > 0 ? Math.min(p.topK(), v) : v;
        if (p.topP() < 1) {
            double cumulative = 0;
            for (int r = 0; r < keep; r++) {
                cumulative += prob[order[r]];
                if (cumulative >= p.topP()) {
                    keep = r + 1;
                    break;
                }
            }
        }
        double kept = 0;
        for (int r = 0; r < keep; r++) {
            kept += prob[order[r]];
        }
        double u = rng.nextDouble() * kept;
        for (int r = 0; r < keep; r++) {
            u -= prob[order[r]];
            if (u < 0) {
                return order[r];
            }
        }
        return order[keep - 1];
    }

    /**
     * Sorts token ids by descending probability, ties by ascending id: a total order, so the result is the one a
     * stable sort of boxed ids gives, without boxing (a merge sort; the sampling loop calls this once per token).
     */
    static void sortByProbability(int[] ids, double[] prob) {
        sortByProbability(ids, prob, new int[ids.length]);
    }

    /** As above, with a work array of at least {@code ids.length}. */
    static void sortByProbability(int[] ids, double[] prob, int[] buffer) {
        for (int width = 1; width < ids.length; width *= 2) {
            for (int lo = 0; lo < ids.length - width; lo += 2 * width) {
                int mid = lo + width;
                int hi = Math.min(lo + 2 * width, ids.length);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    buffer[k++] = before(ids[j], ids[i], prob) ? ids[j++] : ids[i++];
                }
                while (i < mid) {
                    buffer[k++] = ids[i++];
                }
                while (j < hi) {
                    buffer[k++] = ids[j++];
                }
                System.arraycopy(buffer, lo, ids, lo, hi - lo);
            }
        }
    }

    private static boolean before(int a, int b, double[] prob) {
        int c = Double.compare(prob[b], prob[a]);
        return c < 0 || c == 0 && a < b;
    }

    /** log softmax(logits[from, from + v))[token], at temperature 1. */
    static double logSoftmaxAt(float[] logits, int from, int v, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v; i++) {
            max = Math.max(max, logits[from + i]);
        }
        double sum = 0;
        for (int i = 0; i < v; i++) {
            sum += Math.exp(logits[from + i] - max);
        }
        return logits[from + token] - max - Math.log(sum);
    }

    /** Whether {@code tokens[from, length)} ends with one of the stop sequences (all of it inside that range). */
    static boolean endsWithStop(int[] tokens, int from, int length, List<int[]> stops) {
        for (int[] s : stops) {
            if (endsWith(tokens, from, length, s)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The length of the longest proper prefix of {@code s} that {@code tokens[0, length)} ends with (0 if none): how
     * much of a delimiter of several tokens the model has begun to write, so that it is finished from there rather
     * than written again after its first tokens.
     */
    static int prefixAtEnd(int[] tokens, int length, int[] s) {
        for (int j = Math.min(s.length - 1, length); j > 0; j--) {
            if (Arrays.equals(tokens, length - j, length, s, 0, j)) {
                return j;
            }
        }
        return 0;
    }

    /** Whether {@code tokens[from, length)} ends with {@code s} (all of it inside that range). */
    static boolean endsWith(int[] tokens, int from, int length, int[] s) {
        return s.length <= length - from && Arrays.equals(tokens, length - s.length, length, s, 0, s.length);
    }
}
