package org.assay.lib.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.assay.lib.train.TokenBatch;
import org.assay.lib.train.TokenBatches;

/**
 * Examples of per-token-weighted tokens as training batches, one example a row at position 0 (as when the model is
 * used), padded to the context length with weight 0: what {@link CompletionCorpus} and {@link ChatCorpus} train on.
 * Row r of training batch i is a uniform draw from the first {@code trainCount} examples, a pure function of
 * (seed, i, r); the rest are held out and read in order.
 */
final class WeightedRows {
    private WeightedRows() {
    }

    /** How many of {@code examples} train; an error unless both parts fill at least one batch of {@code rows}. */
    static int trainCount(String fn, Object file, int examples, int rows, int contextLength,
                          double validationFraction) {
        if (rows < 1 || contextLength < 1) {
            throw new IllegalArgumentException(fn + ": rows and contextLength must be >= 1, got rows=" + rows
                    + ", contextLength=" + contextLength);
        }
        int trainCount = (int) Math.floor(examples * (1 - validationFraction));
        if (!(validationFraction >= 0 && validationFraction < 1) || trainCount < 1
                || (validationFraction > 0 && examples - trainCount < rows)) {
            throw new IllegalArgumentException(fn + ": " + file + " has " + examples + " examples; with"
                    + " validationFraction " + validationFraction + " that leaves " + trainCount + " to train on and "
                    + (examples - trainCount) + " held out, and both need at least one batch of " + rows
                    + " rows (validationFraction in [0, 1))");
        }
        return trainCount;
    }

    /** An example of {@code length} tokens fits a row of {@code contextLength} inputs and targets. */
    static void requireFits(String fn, String example, int length, int contextLength) {
        if (length > contextLength + 1) {
            throw new IllegalArgumentException(fn + ": " + example + " is " + length + " tokens, more than"
                    + " contextLength + 1 = " + (contextLength + 1) + "; raise contextLength or shorten it");
        }
    }

    /** {@code weights[e][j]} weighs token j of example e as a target. */
    static TokenBatches batches(String fn, int[][] tokens, float[][] weights, int rows, int contextLength,
                                int trainCount, double bytesPerToken, long seed) {
        return new TokenBatches() {
            @Override
            public int rows() {
                return rows;
            }

            @Override
            public TokenBatch train(long index) {
                if (index < 0) {
                    throw new IllegalArgumentException(fn + ".train: index must be >= 0, got " + index);
                }
                SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
                int[] picked = new int[rows];
                for (int r = 0; r < rows; r++) {
                    picked[r] = rng.nextInt(trainCount);
                }
                return batch(picked);
            }

            @Override
            public List<TokenBatch> validation(int maxBatches) {
                List<TokenBatch> batches = new ArrayList<>();
                for (int b = 0; b < maxBatches && trainCount + (b + 1) * rows <= tokens.length; b++) {
                    int[] picked = new int[rows];
                    for (int r = 0; r < rows; r++) {
                        picked[r] = trainCount + b * rows + r;
                    }
                    batches.add(batch(picked));
                }
                return batches;
            }

            private TokenBatch batch(int[] picked) {
                int t = contextLength;
                int[] in = new int[rows * t];
                int[] out = new int[rows * t];
                float[] w = new float[rows * t];
                for (int r = 0; r < rows; r++) {
                    int[] e = tokens[picked[r]];
                    float[] ew = weights[picked[r]];
                    for (int j = 0; j + 1 < e.length; j++) {
                        in[r * t + j] = e[j];
                        out[r * t + j] = e[j + 1];
                        w[r * t + j] = ew[j + 1];
                    }
                }
                return TokenBatch.of(in, out, w, rows);
            }

            @Override
            public double bytesPerToken() {
                return bytesPerToken;
            }
        };
    }
}
