package org.assay.lib.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.assay.lib.train.TokenBatches;
import org.assay.lib.train.TokenBatch;

/**
 * Training batches from one or more token streams, nanoGPT's {@code get_batch}: each row is a window of T+1 tokens at
 * a random offset of a source's training part (inputs: the first T, targets: the last T). The last
 * {@code validationFraction} of every source is held out and read as consecutive, non-overlapping windows.
 *
 * <p>Batch {@code i} is a pure function of (seed, i): which source each row comes from (by the mixture weights) and
 * where it starts. So a resumed run reads exactly the batches it would have read, and
 * {@link #tokensBySource(long)} accounts for every token served, per source, for any number of batches.
 *
 * <p>A source may carry a loss weight per token ({@link #weighted}): the weight of predicting that token, which the
 * batches carry with their targets — 0 on a prompt and 1 on its completion trains on completions only, like TRL's
 * {@code completion_only_loss} over packed examples.
 */
public final class TokenDataset implements TokenBatches {
    private final List<String> names;
    private final List<int[]> tokens;
    private final List<float[]> lossWeights; // per source: the weight of predicting each token, or null (all 1)
    private final int[] trainEnd; // per source: the training part is [0, trainEnd)
    private final double[] cumulativeWeights;
    private final int rows;
    private final int contextLength;
    private final long seed;
    private final double bytesPerToken;

    private TokenDataset(Map<String, int[]> sources, List<float[]> lossWeights, double[] weights, int rows,
                         int contextLength, double validationFraction, long seed, double bytesPerToken) {
        String fn = "TokenDataset";
        if (sources.isEmpty()) {
            throw new IllegalArgumentException(fn + ": needs at least one source");
        }
        if (weights.length != sources.size()) {
            throw new IllegalArgumentException(fn + ": needs one weight per source (" + sources.size() + "), got "
                    + weights.length);
        }
        if (rows < 1 || contextLength < 1) {
            throw new IllegalArgumentException(fn + ": rows and contextLength must be >= 1, got rows=" + rows
                    + ", contextLength=" + contextLength);
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException(fn + ": validationFraction must be in [0, 1), got "
                    + validationFraction);
        }
        if (!(bytesPerToken > 0)) {
            throw new IllegalArgumentException(fn + ": bytesPerToken must be > 0, got " + bytesPerToken);
        }
        this.names = List.copyOf(sources.keySet());
        this.tokens = List.copyOf(sources.values());
        this.lossWeights = new ArrayList<>(lossWeights);
        this.trainEnd = new int[tokens.size()];
        this.cumulativeWeights = new double[weights.length];
        double total = 0;
        for (double w : weights) {
            if (!(w > 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException(fn + ": mixture weights must be > 0 and finite, got "
                        + java.util.Arrays.toString(weights));
            }
            total += w;
        }
        double run = 0;
        for (int i = 0; i < tokens.size(); i++) {
            run += weights[i] / total;
            cumulativeWeights[i] = run;
            int n = tokens.get(i).length;
            trainEnd[i] = (int) Math.floor(n * (1 - validationFraction));
            if (trainEnd[i] < contextLength + 1) {
                throw new IllegalArgumentException(fn + ": source '" + names.get(i) + "' has " + trainEnd[i]
                        + " training tokens, fewer than contextLength + 1 = " + (contextLength + 1));
            }
            if (validationFraction > 0 && n - trainEnd[i] < contextLength + 1) {
                throw new IllegalArgumentException(fn + ": source '" + names.get(i) + "' has " + (n - trainEnd[i])
                        + " validation tokens, fewer than contextLength + 1 = " + (contextLength + 1));
            }
        }
        this.rows = rows;
        this.contextLength = contextLength;
        this.seed = seed;
        this.bytesPerToken = bytesPerToken;
    }

    /** One token stream; {@code bytesPerToken} 1 for byte-level tokens. */
    public static TokenDataset of(int[] tokens, int rows, int contextLength, double validationFraction, long seed,
                                  double bytesPerToken) {
        return new TokenDataset(Map.of("data", tokens), java.util.Collections.singletonList(null), new double[] {1},
                rows, contextLength, validationFraction, seed, bytesPerToken);
    }

    /**
     * One token stream with a loss weight per token: {@code lossWeights[i]} weights the prediction of
     * {@code tokens[i]} (finite, >= 0; the first token is never a target).
     */
    public static TokenDataset weighted(int[] tokens, float[] lossWeights, int rows, int contextLength,
                                        double validationFraction, long seed, double bytesPerToken) {
        String fn = "TokenDataset.weighted";
        if (tokens == null || lossWeights == null || lossWeights.length != tokens.length) {
            throw new IllegalArgumentException(fn + ": lossWeights must have one entry per token ("
                    + (tokens == null ? "tokens is null" : tokens.length) + "), got "
                    + (lossWeights == null ? "null" : lossWeights.length));
        }
        for (int i = 0; i < lossWeights.length; i++) {
            if (!(lossWeights[i] >= 0) || Float.isInfinite(lossWeights[i])) {
                throw new IllegalArgumentException(fn + ": lossWeights must be finite and >= 0, got "
                        + lossWeights[i] + " at token " + i);
            }
        }
        return new TokenDataset(Map.of("data", tokens), List.of(lossWeights), new double[] {1}, rows, contextLength,
                validationFraction, seed, bytesPerToken);
    }

    /** Several named streams mixed by weight (normalised), for data-mixture experiments. */
    public static TokenDataset mixture(Map<String, int[]> sources, double[] weights, int rows, int contextLength,
                                       double validationFraction, long seed, double bytesPerToken) {
        return new TokenDataset(new LinkedHashMap<>(sources), java.util.Collections.nCopies(sources.size(), null),
                weights, rows, contextLength, validationFraction, seed, bytesPerToken);
    }

    @Override
    public int rows() {
        return rows;
    }

    public int contextLength() {
        return contextLength;
    }

    @Override
    public double bytesPerToken() {
        return bytesPerToken;
    }

    private SplittableRandom rng(long index) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
    }

    private int source(SplittableRandom rng) {
        double u = rng.nextDouble();
        for (int i = 0; i < cumulativeWeights.length - 1; i++) {
            if (u < cumulativeWeights[i]) {
                return i;
            }
        }
        return cumulativeWeights.length - 1;
    }

    @Override
    public TokenBatch train(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("TokenDataset.train: index must be >= 0, got " + index);
        }
        SplittableRandom rng = rng(index);
        int t = contextLength;
        int[] in = new int[rows * t];
        int[] out = new int[rows * t];
        float[] w = new float[rows * t];
        for (int r = 0; r < rows; r++) {
            int s = source(rng);
            int offset = rng.nextInt(trainEnd[s] - t); // windows of T+1 tokens inside [0, trainEnd)
            copyWindow(s, offset, in, out, w, r * t);
        }
        return TokenBatch.of(in, out, w, rows);
    }

    /** Row {@code at}: inputs from {@code offset}, targets and their loss weights one token later. */
    private void copyWindow(int source, int offset, int[] in, int[] out, float[] w, int at) {
        int t = contextLength;
        int[] src = tokens.get(source);
        System.arraycopy(src, offset, in, at, t);
        System.arraycopy(src, offset + 1, out, at, t);
        float[] lw = lossWeights.get(source);
        if (lw == null) {
            java.util.Arrays.fill(w, at, at + t, 1f);
        } else {
            System.arraycopy(lw, offset + 1, w, at, t);
        }
    }

    /** Tokens served by the first {@code batches} training batches, per source (input tokens, T per row). */
    public Map<String, Long> tokensBySource(long batches) {
        long[] counts = new long[tokens.size()];
        for (long i = 0; i < batches; i++) {
            SplittableRandom rng = rng(i);
            for (int r = 0; r < rows; r++) {
                int s = source(rng);
                rng.nextInt(trainEnd[s] - contextLength);
                counts[s] += contextLength;
            }
        }
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < counts.length; i++) {
            m.put(names.get(i), counts[i]);
        }
        return m;
    }

    /**
     * Up to {@code maxBatches} batches of consecutive, non-overlapping windows over the held-out parts (sources in
     * order), the same for every run, so validation losses compare across runs.
     */
    @Override
    public List<TokenBatch> validation(int maxBatches) {
        int t = contextLength;
        List<int[]> windows = new ArrayList<>();
        for (int s = 0; s < tokens.size(); s++) {
            int[] src = tokens.get(s);
            for (int start = trainEnd[s]; start + t + 1 <= src.length; start += t) {
                windows.add(new int[] {s, start});
            }
        }
        if (windows.size() < rows) {
            throw new IllegalStateException("TokenDataset.validation: the held-out part has " + windows.size()
                    + " windows of " + t + " tokens, fewer than one batch of " + rows + " rows");
        }
        List<TokenBatch> batches = new ArrayList<>();
        for (int b = 0; b < maxBatches && (b + 1) * rows <= windows.size(); b++) {
            int[] in = new int[rows * t];
            int[] out = new int[rows * t];
            float[] weights = new float[rows * t];
            for (int r = 0; r < rows; r++) {
                int[] w = windows.get(b * rows + r);
                copyWindow(w[0], w[1], in, out, weights, r * t);
            }
            batches.add(TokenBatch.of(in, out, weights, rows));
        }
        return batches;
    }

    /** Training tokens per source (the part batches are drawn from). */
    public Map<String, Integer> trainingTokens() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            m.put(names.get(i), trainEnd[i]);
        }
        return m;
    }
}
