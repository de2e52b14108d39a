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
 */
public final class TokenDataset implements TokenBatches {
    private final List<String> names;
    private final List<int[]> tokens;
    private final int[] trainEnd; // per source: the training part is [0, trainEnd)
    private final double[] cumulativeWeights;
    private final int rows;
    private final int contextLength;
    private final long seed;
    private final double bytesPerToken;

    private TokenDataset(Map<String, int[]> sources, double[] weights, int rows, int contextLength,
                         double validationFraction, long seed, double bytesPerToken) {
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
        return new TokenDataset(Map.of("data", tokens), new double[] {1}, rows, contextLength, validationFraction,
                seed, bytesPerToken);
    }

    /** Several named streams mixed by weight (normalised), for data-mixture experiments. */
    public static TokenDataset mixture(Map<String, int[]> sources, double[] weights, int rows, int contextLength,
                                       double validationFraction, long seed, double bytesPerToken) {
        return new TokenDataset(new LinkedHashMap<>(sources), weights, rows, contextLength, validationFraction, seed,
                bytesPerToken);
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
        for (int r = 0; r < rows; r++) {
            int s = source(rng);
            int[] src = tokens.get(s);
            int offset = rng.nextInt(trainEnd[s] - t); // windows of T+1 tokens inside [0, trainEnd)
            System.arraycopy(src, offset, in, r * t, t);
            System.arraycopy(src, offset + 1, out, r * t, t);
        }
        return TokenBatch.of(in, out, rows);
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
            for (int r = 0; r < rows; r++) {
                int[] w = windows.get(b * rows + r);
                int[] src = tokens.get(w[0]);
                System.arraycopy(src, w[1], in, r * t, t);
                System.arraycopy(src, w[1] + 1, out, r * t, t);
            }
            batches.add(TokenBatch.of(in, out, rows));
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
