package org.assay.lib.model;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Decoding steps of a {@link Gpt} computed in plain Java on the CPU, in the spirit of llama2.c and llama3.java: one
 * new token per row through every block, reading a Java KV cache. A decoding step of a small model is ~80 libtorch
 * ops on a few hundred numbers each, and at ~1–5 µs of fixed cost per op (dispatch, allocation) the step is
 * overhead-bound: 0.36–0.43 ms for bench/train's sampling model, against 0.16 ms here, where the products are loops
 * that the JIT turns into AVX code and nothing costs a fixed amount per op.
 *
 * <p>The decoder starts from a cache that {@link Gpt#forward} filled with the prompt (prompts are many tokens at once,
 * which libtorch does well) and copies the model's weights when it starts: later changes to the model do not reach
 * it. Its logits equal a full forward's up to float rounding (tested for every architecture: LayerNorm/RMSNorm,
 * GELU/SwiGLU, learned/rotary positions, grouped-query attention, experts, LoRA adapters, tied or not).
 *
 * <p>Layouts: a weight W (out, in) is kept transposed as {@code in} rows of {@code out}, so that {@code y = W·x} is
 * a sum of rows scaled by x's entries — a loop over whole arrays that the JIT vectorises (a dot product, a float
 * reduction, it does not). Keys are kept transposed per head ({@code hd} rows of positions) for the same reason.
 */
public final class CpuDecoder implements AutoCloseable {
    /**
     * Rows per group from which the group is computed rows-innermost ({@link WideGroup}): measured with
     * {@code GptConfig.tiny}, 8 rows take the same time either way and 128 rows 5× less that way.
     */
    static final int WIDE_ROWS = 8;

    final GptConfig c;
    private final int rows;
    private final int capacity;
    private final boolean wide;        // the groups are WideGroups, and the weights are kept (out)(in)
    final float[][] wte;               // (V)(d): token embeddings
    final float[][] wpe;               // (T)(d) or null with RoPE
    final float[][] head;              // the output projection: (d)(V), transposed, or (V)(d) when wide
    final float[] lnfW;
    final float[] lnfB;
    final Block[] blocks;
    final float[][] ropeCos;           // (T)(hd/2) or null
    final float[][] ropeSin;
    final float queryScale;
    final double eps;                  // the norms' epsilon
    private final float[][][][] keysT; // [layer][row·KV + g][hd][position], row by row only
    private final float[][][][] vals;  // [layer][row·KV + g][position][hd]
    private final Scratch[] groups;    // the rows split into one group per thread, each with its own work arrays
    private final WideGroup[] wideGroups; // or, when wide, these, each with its rows' cache
    private int length;                // positions cached
    private boolean closed;

    /**
     * A block's weights, transposed (or as the model keeps them, when wide), and biases (null where none);
     * {@code experts}: one MLP, or one per expert.
     */
    record Block(float[] ln1W, float[] ln1B, float[][] qkv, float[] qkvB, float[][] proj, float[] projB,
                         float[] ln2W, float[] ln2B, float[][] router, Mlp[] experts) {
    }

    /** fc (GELU) or gate (SwiGLU), up (SwiGLU only, else null), proj — each as Block's, with its bias or null. */
    record Mlp(float[][] in, float[] inB, float[][] up, float[] upB, float[][] proj, float[] projB,
                       boolean tanh) {
    }

    private CpuDecoder(Gpt model, int rows, int capacity, int groupCount, boolean wide) {
        this.c = model.config();
        this.rows = rows;
        this.capacity = capacity;
        this.wide = wide;
        Map<String, NDArray> p = model.parameters();
        int d = c.dModel();
        wte = rowsOf(p.get("wte").toFloatArray(), c.vocabSize(), d);
        wpe = c.positions() == GptConfig.Positions.LEARNED ? rowsOf(p.get("wpe").toFloatArray(), c.contextLength(), d)
                : null;
        head = weight(model, c.tiedEmbeddings() ? "wte" : "lm_head", wide);
        lnfW = p.get("ln_f.weight").toFloatArray();
        lnfB = c.norm() == GptConfig.Norm.LAYER_NORM ? p.get("ln_f.bias").toFloatArray() : null;
        blocks = new Block[c.layers()];
        for (int l = 0; l < c.layers(); l++) {
            String b = "h." + l + ".";
            Mlp[] experts;
            float[][] router = null;
            if (c.experts() > 0) {
                router = weight(model, b + "moe.router", wide);
                experts = new Mlp[c.experts()];
                for (int e = 0; e < c.experts(); e++) {
                    experts[e] = mlp(model, b + "moe." + e + ".", wide);
                }
            } else {
                experts = new Mlp[] {mlp(model, b + "mlp.", wide)};
            }
            blocks[l] = new Block(p.get(b + "ln1.weight").toFloatArray(), bias(p, b + "ln1"),
                    weight(model, b + "attn.qkv", wide), bias(p, b + "attn.qkv"), weight(model, b + "attn.proj", wide),
                    bias(p, b + "attn.proj"), p.get(b + "ln2.weight").toFloatArray(), bias(p, b + "ln2"), router,
                    experts);
        }
        int hd = c.headDim();
        if (c.positions() == GptConfig.Positions.ROPE) {
            ropeCos = rowsOf(model.ropeCos().toFloatArray(), c.contextLength(), hd / 2);
            ropeSin = rowsOf(model.ropeSin().toFloatArray(), c.contextLength(), hd / 2);
        } else {
            ropeCos = null;
            ropeSin = null;
        }
        queryScale = model.queryScale().getFloat();
        eps = c.normEps();
        int parts = Math.min(rows, groupCount);
        keysT = wide ? null : new float[c.layers()][rows * c.kvHeads()][hd][capacity];
        vals = wide ? null : new float[c.layers()][rows * c.kvHeads()][capacity][hd];
        groups = wide ? null : new Scratch[parts];
        wideGroups = wide ? new WideGroup[parts] : null;
        for (int g = 0; g < parts; g++) {
            int from = rows * g / parts;
            int count = rows * (g + 1) / parts - from;
            if (wide) {
                wideGroups[g] = new WideGroup(this, c, from, count, capacity);
            } else {
                groups[g] = new Scratch(c, from, count, capacity);
            }
        }
    }

    /**
     * A decoder that continues the sequences in {@code cache} (filled by {@link Gpt#forward} with {@code rows} rows),
     * for up to {@code capacity} positions in all, on the caller's thread.
     */
    public static CpuDecoder continuing(Gpt model, KvCache cache, int rows, int capacity) {
        return continuing(model, cache, rows, capacity, 1);
    }

    /**
     * As above with the rows split into {@code groups} groups (at most one per row), each computed on its own thread
     * (the caller's and a pool's). A row's numbers do not depend on the split. Handing a step to another thread costs
     * ~0.13 ms here, so a split pays only for steps longer than that ({@code sample} decides: sample.Decoding).
     */
    public static CpuDecoder continuing(Gpt model, KvCache cache, int rows, int capacity, int groups) {
        return open("CpuDecoder.continuing", model, cache, rows, 1, capacity, groups, null);
    }

    /**
     * A decoder of {@code samplesPerRow} rows for each row of {@code cache}: rows {@code g·n} to {@code g·n + n − 1}
     * continue cached row g, so a prompt read once (prefilled once) starts n samples. Groups as {@link
     * #continuing(Gpt, KvCache, int, int, int)}.
     */
    public static CpuDecoder branching(Gpt model, KvCache cache, int samplesPerRow, int capacity, int groups) {
        String fn = "CpuDecoder.branching";
        if (samplesPerRow < 1) {
            throw new IllegalArgumentException(fn + ": samplesPerRow must be >= 1, got " + samplesPerRow);
        }
        long cached = cache.length() == 0 ? 0 : cache.keys(0).getShape().get(0);
        return open(fn, model, cache, Math.toIntExact(cached * samplesPerRow), samplesPerRow, capacity, groups,
                null);
    }

    /**
     * As {@link #branching}, the groups computed row by row ({@code wide} false) or rows-innermost (true) whatever
     * their size, or as {@link #WIDE_ROWS} decides (null): for tests, which compare the two.
     */
    static CpuDecoder open(String fn, Gpt model, KvCache cache, int rows, int repeat, int capacity, int groups,
                           Boolean wide) {
        if (!ai.djl.Device.Type.CPU.equals(model.device().getDeviceType())) {
            throw new IllegalArgumentException(fn + ": the model must be on the CPU, got " + model.device());
        }
        if (cache.length() == 0 || rows < 1 || cache.keys(0).getShape().get(0) * repeat != rows) {
            throw new IllegalArgumentException(fn + ": the cache must hold the prompt of each of the " + rows / repeat
                    + " rows, got " + cache.length() + " positions of "
                    + (cache.length() == 0 ? 0 : cache.keys(0).getShape().get(0)) + " rows");
        }
        if (capacity < cache.length() || capacity > model.config().contextLength()) {
            throw new IllegalArgumentException(fn + ": capacity must be in [" + cache.length() + " cached, "
                    + model.config().contextLength() + " contextLength], got " + capacity);
        }
        if (groups < 1) {
            throw new IllegalArgumentException(fn + ": groups must be >= 1, got " + groups);
        }
        boolean layout = wide != null ? wide && model.config().experts() == 0
                : model.config().experts() == 0 && rows / Math.min(rows, groups) >= WIDE_ROWS;
        CpuDecoder decoder = new CpuDecoder(model, rows, capacity, groups, layout);
        decoder.load(cache, repeat);
        return decoder;
    }

    /** The cache's positions, each cached row r continuing as rows {@code r·repeat} to {@code r·repeat + repeat − 1}. */
    private void load(KvCache cache, int repeat) {
        int cached = cache.length();
        int kv = c.kvHeads();
        int hd = c.headDim();
        for (int l = 0; l < c.layers(); l++) {
            float[] k = cache.keys(l).toFloatArray(); // (B, KV, S, hd)
            float[] v = cache.values(l).toFloatArray();
            if (wide) {
                for (WideGroup group : wideGroups) {
                    group.load(l, k, v, cached, repeat);
                }
                continue;
            }
            for (int rg = 0; rg < rows * kv; rg++) {
                int source = (rg / kv / repeat) * kv + rg % kv;
                for (int t = 0; t < cached; t++) {
                    int at = (source * cached + t) * hd;
                    System.arraycopy(v, at, vals[l][rg][t], 0, hd);
                    for (int i = 0; i < hd; i++) {
                        keysT[l][rg][i][t] = k[at + i];
                    }
                }
            }
        }
        length = cached;
    }

    /** Gives the cache's memory back for the next decoder (its arrays are reused); the decoder is done. */
    @Override
    public void close() {
        if (wideGroups != null) {
            for (WideGroup group : wideGroups) {
                group.release();
            }
        }
        closed = true;
    }

    /** Positions read so far (cached). */
    public int length() {
        return length;
    }

    /** Reads one token per row at the next position; returns the logits (rows × V, row after row). */
    public float[] step(int[] tokens) {
        String fn = "CpuDecoder.step";
        if (tokens.length != rows) {
            throw new IllegalArgumentException(fn + ": one token per row needed (" + rows + "), got " + tokens.length);
        }
        if (closed) {
            throw new IllegalStateException(fn + ": the decoder is closed");
        }
        if (length >= capacity) {
            throw new IllegalStateException(fn + ": the decoder holds " + capacity + " positions, all used");
        }
        int v = c.vocabSize();
        for (int r = 0; r < rows; r++) {
            if (tokens[r] < 0 || tokens[r] >= v) {
                throw new IllegalArgumentException(fn + ": token ids must be in [0, " + v + "), got " + tokens[r]
                        + " in row " + r);
            }
        }
        float[] logits = new float[rows * v];
        List<Future<?>> others = new ArrayList<>();
        int parts = wide ? wideGroups.length : groups.length;
        for (int g = 1; g < parts; g++) {
            int group = g;
            others.add(POOL.submit(() -> step(group, tokens, logits)));
        }
        step(0, tokens, logits);
        for (Future<?> f : others) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(fn + ": interrupted", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
        length++;
        return logits;
    }

    /** Group g's rows through every block at position {@code length}; their logits into {@code logits}. */
    private void step(int g, int[] tokens, float[] logits) {
        if (wide) {
            wideGroups[g].step(tokens, length, logits);
            return;
        }
        Scratch group = groups[g];
        step(group, tokens);
        int v = c.vocabSize();
        for (int r = 0; r < group.rows; r++) {
            System.arraycopy(group.logits[r], 0, logits, (group.from + r) * v, v);
        }
    }

    /** Threads for the row groups after the first, which the caller computes itself; idle ones end after a minute. */
    private static final ExecutorService POOL = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "assay-cpu-decoder");
        t.setDaemon(true);
        return t;
    });

    /** One group's rows through every block, at position {@code length}. */
    private void step(Scratch s, int[] tokens) {
        float[][] x = s.x;
        float[][] h = s.h;
        for (int r = 0; r < s.rows; r++) {
            System.arraycopy(wte[tokens[s.from + r]], 0, x[r], 0, c.dModel());
            if (wpe != null) {
                add(x[r], wpe[length]);
            }
        }
        for (int l = 0; l < c.layers(); l++) {
            Block b = blocks[l];
            norm(x, b.ln1W, b.ln1B, h);
            add(x, attention(s, h, b, l));
            norm(x, b.ln2W, b.ln2B, h);
            add(x, b.router == null ? mlp(h, b.experts[0], s.hidden, s.up, s.mlpOut) : mixture(s, h, b));
        }
        norm(x, lnfW, lnfB, h);
        matVec(h, head, null, s.logits);
    }

    /**
     * A group of rows ({@code from} to {@code from + rows − 1}) and its work arrays, one per row, each starting at index
     * 0 (the JIT vectorises loops over whole arrays). Made once: a step allocates only its logits.
     */
    private static final class Scratch {
        final int from;
        final int rows;
        final float[][] x;
        final float[][] h;
        final float[][] qkv;
        final float[][] att;
        final float[][] proj;
        final float[][] hidden;
        final float[][] up;
        final float[][] mlpOut;
        final float[][] logits;
        final float[] q;
        final float[] scores;
        final float[] headOut;
        final float[][] router;  // one row: the routing scores of the row being routed
        final float[][] one = new float[1][]; // a single row, for the experts a row is routed to
        final float[][] oneHidden;
        final float[][] oneUp;
        final float[][] oneOut;

        Scratch(GptConfig c, int from, int rows, int positions) {
            this.from = from;
            this.rows = rows;
            int hd = c.headDim();
            int d = c.dModel();
            x = new float[rows][d];
            h = new float[rows][d];
            qkv = new float[rows][(c.heads() + 2 * c.kvHeads()) * hd];
            att = new float[rows][d];
            proj = new float[rows][d];
            hidden = new float[rows][c.mlpHidden()];
            up = new float[rows][c.mlpHidden()];
            mlpOut = new float[rows][d];
            logits = new float[rows][c.vocabSize()];
            q = new float[hd];
            scores = new float[positions];
            headOut = new float[hd];
            router = new float[1][Math.max(1, c.experts())];
            oneHidden = new float[1][c.mlpHidden()];
            oneUp = new float[1][c.mlpHidden()];
            oneOut = new float[1][d];
        }
    }

    private float[][] attention(Scratch s, float[][] x, Block b, int layer) {
        int h = c.heads();
        int kv = c.kvHeads();
        int hd = c.headDim();
        int pos = length;
        int n = pos + 1; // keys to attend to: all of them (the new query is the last position)
        matVec(x, b.qkv, b.qkvB, s.qkv); // per row: [q heads | k heads | v heads], hd each
        for (int r = 0; r < s.rows; r++) {
            int row = s.from + r; // in the whole batch: its cache
            float[] qkv = s.qkv[r];
            for (int g = 0; g < kv; g++) { // the new key and value join the cache
                int rg = row * kv + g;
                int kAt = (h + g) * hd;
                if (ropeCos != null) {
                    rotate(qkv, kAt, pos);
                }
                for (int i = 0; i < hd; i++) {
                    keysT[layer][rg][i][pos] = qkv[kAt + i];
                }
                System.arraycopy(qkv, (h + kv + g) * hd, vals[layer][rg][pos], 0, hd);
            }
            float[] scores = s.scores;
            for (int head = 0; head < h; head++) {
                if (ropeCos != null) {
                    rotate(qkv, head * hd, pos);
                }
                float[] q = s.q;
                for (int i = 0; i < hd; i++) {
                    q[i] = qkv[head * hd + i] * queryScale;
                }
                int rg = row * kv + head / (h / kv); // grouped-query attention: H/KV query heads share a KV head
                Arrays.fill(scores, 0, n, 0f);
                float[][] kT = keysT[layer][rg];
                for (int i = 0; i < hd; i++) { // scores = Kᵀq, as hd scaled rows of positions
                    float qi = q[i];
                    float[] keyRow = kT[i];
                    for (int t = 0; t < n; t++) {
                        scores[t] += qi * keyRow[t];
                    }
                }
                softmax(scores, n);
                float[] y = s.headOut;
                Arrays.fill(y, 0f);
                float[][] vRows = vals[layer][rg];
                for (int t = 0; t < n; t++) { // y = Σ_t p_t · v_t
                    float pt = scores[t];
                    float[] value = vRows[t];
                    for (int i = 0; i < hd; i++) {
                        y[i] += pt * value[i];
                    }
                }
                System.arraycopy(y, 0, s.att[r], head * hd, hd);
            }
        }
        matVec(s.att, b.proj, b.projB, s.proj);
        return s.proj;
    }

    /** RoPE on one head (hd values at {@code at}) at position {@code pos}: rotates its two halves (GPT-NeoX). */
    private void rotate(float[] x, int at, int pos) {
        int half = c.headDim() / 2;
        float[] cos = ropeCos[pos];
        float[] sin = ropeSin[pos];
        for (int i = 0; i < half; i++) {
            float x1 = x[at + i];
            float x2 = x[at + half + i];
            x[at + i] = x1 * cos[i] - x2 * sin[i];
            x[at + half + i] = x1 * sin[i] + x2 * cos[i];
        }
    }

    private static float[][] mlp(float[][] x, Mlp m, float[][] hidden, float[][] up, float[][] out) {
        matVec(x, m.in, m.inB, hidden);
        if (m.up == null) {
            for (float[] row : hidden) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = m.tanh ? geluTanh(row[i]) : gelu(row[i]);
                }
            }
        } else {
            matVec(x, m.up, m.upB, up);
            for (int r = 0; r < hidden.length; r++) {
                float[] gate = hidden[r];
                float[] u = up[r];
                for (int i = 0; i < gate.length; i++) {
                    float g = gate[i];
                    gate[i] = (float) (g / (1 + Math.exp(-g))) * u[i]; // SiLU(gate) · up
                }
            }
        }
        matVec(hidden, m.proj, m.projB, out);
        return out;
    }

    /** Top-k routing as {@link Gpt}'s mixture: softmax scores, those at or above the k-th largest, renormalised. */
    private float[][] mixture(Scratch s, float[][] x, Block b) {
        int e = c.experts();
        float[] probs = s.router[0];
        for (int r = 0; r < s.rows; r++) {
            s.one[0] = x[r];
            matVec(s.one, b.router, null, s.router);
            softmax(probs, e);
            float[] sorted = probs.clone();
            Arrays.sort(sorted);
            float kth = sorted[e - c.expertsPerToken()];
            float total = 0;
            for (int i = 0; i < e; i++) {
                total += probs[i] >= kth ? probs[i] : 0;
            }
            float[] sum = s.mlpOut[r];
            Arrays.fill(sum, 0f);
            for (int i = 0; i < e; i++) {
                if (probs[i] >= kth) {
                    float gate = probs[i] / total;
                    float[] y = mlp(s.one, b.experts[i], s.oneHidden, s.oneUp, s.oneOut)[0];
                    for (int j = 0; j < sum.length; j++) {
                        sum[j] += gate * y[j];
                    }
                }
            }
        }
        return s.mlpOut;
    }

    /** GELU, exact form x·Φ(x) (Hendrycks &amp; Gimpel 2016), as libtorch's {@code approximate='none'}. */
    static float gelu(float x) {
        return 0.5f * x * (1f + erf(x * 0.70710677f));
    }

    /** GELU's tanh approximation (GPT-2's {@code gelu_new}), as libtorch's {@code approximate='tanh'}. */
    static float geluTanh(float x) {
        double inner = 0.7978845608028654 * (x + 0.044715 * x * x * x); // √(2/π)
        return (float) (0.5 * x * (1 + Math.tanh(inner)));
    }

    /**
     * erf in float arithmetic only, so that a loop of it vectorises (a loop calling {@code Math.exp} does not, and
     * spent as long on GELU as on all the products): x·P(x²)/Q(x²), P of degree 6 and Q of degree 4 in x², fitted by
     * iteratively reweighted least squares on [0, 4] (bench/rl/README.md), x clamped to ±4, where erf is ±1 to
     * float precision. Absolute error under 4.5e-7 in float evaluation (5.4e-8 in exact arithmetic) — a few units in
     * the last place of numbers near 1, the size of libtorch's float erf's differences between CPU kernels.
     */
    static float erf(float x) {
        float z = Math.max(-4f, Math.min(4f, x));
        float z2 = z * z;
        float p = ((((((1.92168877e-08f * z2 - 1.99032350e-06f) * z2 + 1.55540556e-04f) * z2 + 4.29322807e-03f)
                * z2 + 5.24340328e-02f) * z2 + 2.13948946e-01f) * z2 + 1.12837868f);
        float q = (((1.09807902e-03f * z2 + 1.55514514e-02f) * z2 + 1.20801379e-01f) * z2 + 5.22934972e-01f) * z2
                + 1f;
        return z * p / q;
    }

    private void norm(float[][] x, float[] w, float[] bias, float[][] out) {
        for (int r = 0; r < x.length; r++) {
            norm(x[r], w, bias, out[r]);
        }
    }

    private void norm(float[] x, float[] w, float[] bias, float[] out) {
        int d = x.length;
        if (bias != null) { // LayerNorm: (x − mean)/√(var + eps)·w + b, the biased variance
            double mean = 0;
            for (float xi : x) {
                mean += xi;
            }
            mean /= d;
            double var = 0;
            for (float xi : x) {
                var += (xi - mean) * (xi - mean);
            }
            float inv = (float) (1 / Math.sqrt(var / d + eps));
            float m = (float) mean;
            for (int i = 0; i < d; i++) {
                out[i] = (x[i] - m) * inv * w[i] + bias[i];
            }
        } else { // RMSNorm: x/√(mean(x²) + eps)·w
            double ms = 0;
            for (float xi : x) {
                ms += xi * xi;
            }
            float rms = (float) Math.sqrt(ms / d + eps);
            for (int i = 0; i < d; i++) {
                out[i] = x[i] / rms * w[i];
            }
        }
    }

    private static void softmax(float[] x, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[i]);
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[i] - max);
            x[i] = e;
            total += e;
        }
        float inv = (float) (1 / total);
        for (int i = 0; i < n; i++) {
            x[i] *= inv;
        }
    }

    /**
     * y = W·x + b for every row, with W kept as its transpose: {@code wT[i]} is column i of W and each y row has W's
     * row count; b may be null. Rows in tiles of {@link #TILE}, whose outputs stay in the L1 cache while W's columns
     * pass four at a time, each read once per tile. Every output is summed in W's column order, each product fused
     * into the sum ({@code Math.fma}: one rounding, as WideGroup's), so the tiling and the unrolling change no bit.
     */
    private static void matVec(float[][] x, float[][] wT, float[] b, float[][] y) {
        for (float[] row : y) {
            if (b == null) {
                Arrays.fill(row, 0f);
            } else {
                System.arraycopy(b, 0, row, 0, row.length);
            }
        }
        int in = wT.length;
        for (int from = 0; from < x.length; from += TILE) {
            int to = Math.min(x.length, from + TILE);
            int i = 0;
            for (; i + 4 <= in; i += 4) {
                float[] c0 = wT[i];
                float[] c1 = wT[i + 1];
                float[] c2 = wT[i + 2];
                float[] c3 = wT[i + 3];
                for (int r = from; r < to; r++) {
                    float[] xr = x[r];
                    float x0 = xr[i];
                    float x1 = xr[i + 1];
                    float x2 = xr[i + 2];
                    float x3 = xr[i + 3];
                    float[] yr = y[r];
                    for (int o = 0; o < yr.length; o++) {
                        float partial = Math.fma(x1, c1[o], Math.fma(x0, c0[o], yr[o]));
                        yr[o] = Math.fma(x3, c3[o], Math.fma(x2, c2[o], partial));
                    }
                }
            }
            for (; i < in; i++) {
                float[] column = wT[i];
                for (int r = from; r < to; r++) {
                    float xi = x[r][i];
                    float[] yr = y[r];
                    for (int o = 0; o < yr.length; o++) {
                        yr[o] = Math.fma(xi, column[o], yr[o]);
                    }
                }
            }
        }
    }

    /** Rows per tile of {@link #matVec}: 16 rows of a 1024-wide output take 64 KB, about what L1 holds. */
    private static final int TILE = 16;

    private static void add(float[][] x, float[][] y) {
        for (int r = 0; r < x.length; r++) {
            add(x[r], y[r]);
        }
    }

    private static void add(float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) {
            x[i] += y[i];
        }
    }

    /** The bias of a norm or projection ({@code name + ".bias"}), or null when it has none. */
    private static float[] bias(Map<String, NDArray> p, String name) {
        NDArray b = p.get(name + ".bias");
        return b == null ? null : b.toFloatArray();
    }

    private static Mlp mlp(Gpt model, String prefix, boolean wide) {
        Map<String, NDArray> p = model.parameters();
        GptConfig.Mlp kind = model.config().mlp();
        if (kind.isGelu()) {
            return new Mlp(weight(model, prefix + "fc", wide), bias(p, prefix + "fc"), null, null,
                    weight(model, prefix + "proj", wide), bias(p, prefix + "proj"), kind == GptConfig.Mlp.GELU_TANH);
        }
        return new Mlp(weight(model, prefix + "gate", wide), bias(p, prefix + "gate"),
                weight(model, prefix + "up", wide), bias(p, prefix + "up"), weight(model, prefix + "proj", wide),
                bias(p, prefix + "proj"), false);
    }

    /**
     * Weight {@code name} (out, in), with its LoRA update (alpha/rank)·B·A added when it has adapters: as the model
     * keeps it, (out)(in), when {@code asIs}, else transposed, (in)(out).
     */
    private static float[][] weight(Gpt model, String name, boolean asIs) {
        NDArray w = model.parameters().get(name);
        int out = Math.toIntExact(w.getShape().get(0));
        int in = Math.toIntExact(w.getShape().get(1));
        float[] values = w.toFloatArray();
        Double scale = model.loraScale(name);
        if (scale != null) {
            NDArray aArray = model.parameters().get(name + Gpt.LORA + "A"); // (rank, in)
            NDArray bArray = model.parameters().get(name + Gpt.LORA + "B"); // (out, rank)
            int rank = Math.toIntExact(aArray.getShape().get(0));
            float[] a = aArray.toFloatArray();
            float[] b = bArray.toFloatArray();
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    double sum = 0;
                    for (int k = 0; k < rank; k++) {
                        sum += (double) b[o * rank + k] * a[k * in + i];
                    }
                    values[o * in + i] += (float) (scale * sum);
                }
            }
        }
        if (asIs) {
            return rowsOf(values, out, in);
        }
        float[][] t = new float[in][out];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                t[i][o] = values[o * in + i];
            }
        }
        return t;
    }

    private static float[][] rowsOf(float[] values, int rows, int width) {
        float[][] m = new float[rows][];
        for (int r = 0; r < rows; r++) {
            m[r] = Arrays.copyOfRange(values, r * width, (r + 1) * width);
        }
        return m;
    }
}
