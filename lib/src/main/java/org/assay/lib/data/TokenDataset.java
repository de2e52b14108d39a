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
    private final double[] weights; // per source, normalised: the share of training rows
    private final double[] target;  // per source, normalised: the share of the validation loss

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
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException(fn + ": mixture weights must be >= 0 and finite, got "
                        + java.util.Arrays.toString(weights));
            }
            total += w;
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException(fn + ": at least one mixture weight must be > 0, got "
                    + java.util.Arrays.toString(weights));
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
        this.weights = new double[weights.length];
        for (int i = 0; i < weights.length; i++) {
            this.weights[i] = weights[i] / total;
        }
        this.target = this.weights;
    }

    private TokenDataset(TokenDataset d, double[] target) {
        this.names = d.names;
        this.tokens = d.tokens;
        this.trainEnd = d.trainEnd;
        this.cumulativeWeights = d.cumulativeWeights;
        this.rows = d.rows;
        this.contextLength = d.contextLength;
        this.seed = d.seed;
        this.bytesPerToken = d.bytesPerToken;
        this.weights = d.weights;
        this.target = target;
    }

    /** One token stream; {@code bytesPerToken} 1 for byte-level tokens. */
    public static TokenDataset of(int[] tokens, int rows, int contextLength, double validationFraction, long seed,
                                  double bytesPerToken) {
        return new TokenDataset(Map.of("data", tokens), new double[] {1}, rows, contextLength, validationFraction,
                seed, bytesPerToken);
    }

    /**
     * Several named streams mixed by weight (normalised), for data-mixture experiments. A source of weight 0 is never
     * trained on and is still held out and evaluated (a target the mixture is tuned for, RegMix's set-up).
     */
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
        List<int[]> windows = new ArrayList<>();
        for (int s = 0; s < tokens.size(); s++) {
            windows.addAll(heldOutWindows(s));
        }
        if (windows.size() < rows) {
            throw new IllegalStateException("TokenDataset.validation: the held-out part has " + windows.size()
                    + " windows of " + contextLength + " tokens, fewer than one batch of " + rows + " rows");
        }
        return batches(windows, maxBatches, false);
    }

    /** Source {@code s}'s held-out part as consecutive, non-overlapping windows of T + 1 tokens: {source, start}. */
    private List<int[]> heldOutWindows(int s) {
        List<int[]> windows = new ArrayList<>();
        for (int start = trainEnd[s]; start + contextLength + 1 <= tokens.get(s).length; start += contextLength) {
            windows.add(new int[] {s, start});
        }
        return windows;
    }

    /** Up to {@code maxBatches} batches of {@link #rows} windows in order; {@code partial}: a last, shorter one too. */
    private List<TokenBatch> batches(List<int[]> windows, int maxBatches, boolean partial) {
        int t = contextLength;
        List<TokenBatch> batches = new ArrayList<>();
        for (int b = 0; b < maxBatches && b * rows < windows.size(); b++) {
            int n = Math.min(rows, windows.size() - b * rows);
            if (n < rows && !partial) {
                break;
            }
            int[] in = new int[n * t];
            int[] out = new int[n * t];
            for (int r = 0; r < n; r++) {
                int[] w = windows.get(b * rows + r);
                System.arraycopy(tokens.get(w[0]), w[1], in, r * t, t);
                System.arraycopy(tokens.get(w[0]), w[1] + 1, out, r * t, t);
            }
            batches.add(TokenBatch.of(in, out, n));
        }
        return batches;
    }

    /** The largest token id of any source. */
    public int maxToken() {
        return tokens.stream().mapToInt(TokenFile::maxId).max().orElse(-1);
    }

    /** The sources' names, in order. */
    public List<String> sources() {
        return names;
    }

    /** The share of training rows each source gets (the mixture weights, normalised). */
    public Map<String, Double> weights() {
        return byName(weights);
    }

    /** The share of the validation loss each source has; the training weights unless {@link #withTarget} chose. */
    public Map<String, Double> target() {
        return byName(target);
    }

    /**
     * The same batches, with the validation loss taken on a target distribution: {@code weights} (normalised) over the
     * sources, as if the held-out text were documents drawn from source i with probability w_i; the loss of such a
     * mixture is exactly Σ w_i · loss_i. Sources left out get weight 0.
     */
    public TokenDataset withTarget(Map<String, Double> weights) {
        String fn = "TokenDataset.withTarget";
        double[] t = new double[names.size()];
        double total = 0;
        for (var e : weights.entrySet()) {
            int i = names.indexOf(e.getKey());
            if (i < 0) {
                throw new IllegalArgumentException(fn + ": '" + e.getKey() + "' is not a source; the sources are "
                        + names);
            }
            double w = e.getValue() == null ? Double.NaN : e.getValue();
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException(fn + ": weights must be >= 0 and finite, got " + e.getKey() + "="
                        + e.getValue());
            }
            t[i] = w;
            total += w;
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException(fn + ": at least one weight must be > 0, got " + weights);
        }
        for (int i = 0; i < t.length; i++) {
            t[i] /= total;
        }
        return new TokenDataset(this, t);
    }

    /**
     * Each source's held-out part as up to {@code maxBatches} batches of consecutive, non-overlapping windows (the
     * last may have fewer rows), with its share of the validation loss ({@link #target}); empty for one source.
     */
    @Override
    public List<HeldOut> heldOutBySource(int maxBatches) {
        if (names.size() == 1) {
            return List.of();
        }
        List<HeldOut> out = new ArrayList<>();
        for (int s = 0; s < tokens.size(); s++) {
            List<int[]> windows = heldOutWindows(s);
            if (windows.isEmpty()) {
                throw new IllegalStateException("TokenDataset.heldOutBySource: source '" + names.get(s)
                        + "' has no held-out window of " + contextLength + " tokens (validationFraction 0?)");
            }
            out.add(new HeldOut(names.get(s), target[s], batches(windows, maxBatches, true)));
        }
        return out;
    }

    private Map<String, Double> byName(double[] values) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            m.put(names.get(i), values[i]);
        }
        return m;
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
