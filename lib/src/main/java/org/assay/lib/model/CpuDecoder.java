package org.assay.lib.model;

import ai.djl.ndarray.NDArray;
import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import org.assay.lib.engine.Helper;

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
 * Every loop of a step vectorises, so the activations are computed in float arithmetic without {@code Math.exp}
 * ({@link #erf}, {@link #exp}): a loop that calls it does not, and GELU and the softmax took as long as the products.
 *
 * <p>Many samples of one prompt ({@link #branching}) share the prompt's cache, read once. Rows are split into groups,
 * one per thread, the caller's and its {@link Helper}'s, which waits on its core between steps. A closed decoder's
 * cache arrays go to the next decoder of the same shape.
 */
public final class CpuDecoder implements AutoCloseable {
    private final GptConfig c;
    private final int rows;
    private final int capacity;
    private final float[][] wte;       // (V)(d): token embeddings
    private final float[][] wpe;       // (T)(d) or null with RoPE
    private final float[][] head;      // (d)(V): the output projection, transposed
    private final float[] lnfW;
    private final float[] lnfB;
    private final Block[] blocks;
    private final float[][] ropeCos;   // (T)(hd/2) or null
    private final float[][] ropeSin;
    private final float queryScale;
    private final double eps;          // the norms' epsilon
    private final float[][][][] keysT; // [layer][row·KV + g][hd][position]
    private final float[][][][] vals;  // [layer][row·KV + g][position][hd]
    private final Scratch[] groups;    // the rows split into one group per thread, each with its own work arrays
    private Helper[] helpers;          // the starting thread's, for the groups after the first (it does that one)
    private int length;                // positions cached
    private boolean closed;

    /** A block's weights, transposed, and biases (null where none); {@code experts}: one MLP, or one per expert. */
    private record Block(float[] ln1W, float[] ln1B, float[][] qkv, float[] qkvB, float[][] proj, float[] projB,
                         float[] ln2W, float[] ln2B, float[][] router, Mlp[] experts) {
    }

    /** fc (GELU) or gate (SwiGLU), up (SwiGLU only, else null), proj — each transposed, with its bias or null. */
    private record Mlp(float[][] in, float[] inB, float[][] up, float[] upB, float[][] proj, float[] projB,
                       boolean tanh) {
    }

    private CpuDecoder(Gpt model, int rows, int capacity, int groupCount) {
        this.c = model.config();
        this.rows = rows;
        this.capacity = capacity;
        Map<String, NDArray> p = model.parameters();
        int d = c.dModel();
        wte = rowsOf(p.get("wte").toFloatArray(), c.vocabSize(), d);
        wpe = c.positions() == GptConfig.Positions.LEARNED ? rowsOf(p.get("wpe").toFloatArray(), c.contextLength(), d)
                : null;
        head = transposed(model, c.tiedEmbeddings() ? "wte" : "lm_head");
        lnfW = p.get("ln_f.weight").toFloatArray();
        lnfB = c.norm() == GptConfig.Norm.LAYER_NORM ? p.get("ln_f.bias").toFloatArray() : null;
        blocks = new Block[c.layers()];
        for (int l = 0; l < c.layers(); l++) {
            String b = "h." + l + ".";
            Mlp[] experts;
            float[][] router = null;
            if (c.experts() > 0) {
                router = transposed(model, b + "moe.router");
                experts = new Mlp[c.experts()];
                for (int e = 0; e < c.experts(); e++) {
                    experts[e] = mlp(model, b + "moe." + e + ".");
                }
            } else {
                experts = new Mlp[] {mlp(model, b + "mlp.")};
            }
            blocks[l] = new Block(p.get(b + "ln1.weight").toFloatArray(), bias(p, b + "ln1"),
                    transposed(model, b + "attn.qkv"), bias(p, b + "attn.qkv"), transposed(model, b + "attn.proj"),
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
        Buffers b = Buffers.take(c, rows, capacity, Math.min(rows, groupCount));
        keysT = b.keysT();
        vals = b.vals();
        groups = b.groups();
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
        String fn = "CpuDecoder.continuing";
        CpuDecoder decoder = forRows(fn, model, rows, capacity, groups);
        decoder.start(fn, cache, 1);
        return decoder;
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
        CpuDecoder decoder = forRows(fn, model, Math.toIntExact(Math.max(1, cached) * samplesPerRow), capacity,
                groups);
        decoder.start(fn, cache, samplesPerRow);
        return decoder;
    }

    /**
     * A decoder for {@code rows} rows, not yet started: its weights copied and its memory made, which can be done
     * while libtorch reads the prompt; {@link #start} then reads the prompt's cache.
     */
    public static CpuDecoder forRows(Gpt model, int rows, int capacity, int groups) {
        return forRows("CpuDecoder.forRows", model, rows, capacity, groups);
    }

    private static CpuDecoder forRows(String fn, Gpt model, int rows, int capacity, int groups) {
        if (!ai.djl.Device.Type.CPU.equals(model.device().getDeviceType())) {
            throw new IllegalArgumentException(fn + ": the model must be on the CPU, got " + model.device());
        }
        if (rows < 1) {
            throw new IllegalArgumentException(fn + ": rows must be >= 1, got " + rows);
        }
        if (capacity < 1 || capacity > model.config().contextLength()) {
            throw new IllegalArgumentException(fn + ": capacity must be in [1, " + model.config().contextLength()
                    + " contextLength], got " + capacity);
        }
        if (groups < 1) {
            throw new IllegalArgumentException(fn + ": groups must be >= 1, got " + groups);
        }
        return new CpuDecoder(model, rows, capacity, groups);
    }

    /**
     * Reads the prompts in {@code cache} (filled by {@link Gpt#forward}): rows {@code g·n} to {@code g·n + n − 1}
     * continue cached row g, n = {@code samplesPerRow}. Once.
     */
    public void start(KvCache cache, int samplesPerRow) {
        start("CpuDecoder.start", cache, samplesPerRow);
    }

    private void start(String fn, KvCache cache, int repeat) {
        if (length > 0 || closed) {
            throw new IllegalStateException(fn + ": the decoder has started already"
                    + (closed ? " and is closed" : ""));
        }
        if (cache.length() == 0 || cache.keys(0).getShape().get(0) * repeat != rows) {
            throw new IllegalArgumentException(fn + ": the cache must hold the prompt of each of the " + rows / repeat
                    + " rows, got " + cache.length() + " positions of "
                    + (cache.length() == 0 ? 0 : cache.keys(0).getShape().get(0)) + " rows");
        }
        if (capacity < cache.length()) {
            throw new IllegalArgumentException(fn + ": capacity must be in [" + cache.length() + " cached, "
                    + c.contextLength() + " contextLength], got " + capacity);
        }
        load(cache, repeat);
    }

    /**
     * The cache's positions, each cached row r continuing as rows {@code r·repeat} to {@code r·repeat + repeat − 1}:
     * the first of them read from the cache, the others copied from it.
     */
    private void load(KvCache cache, int repeat) {
        int cached = cache.length();
        float[][] k = new float[c.layers()][];
        float[][] v = new float[c.layers()][];
        for (int l = 0; l < c.layers(); l++) {
            k[l] = cache.keys(l).toFloatArray(); // (B, KV, S, hd)
            v[l] = cache.values(l).toFloatArray();
        }
        helpers = Helper.team(groups.length - 1);
        Helper.runParts(helpers, "CpuDecoder.start", g -> // each group its own rows, on its own thread
                load(k, v, cached, repeat, groups[g].from, groups[g].from + groups[g].rows));
        length = cached;
    }

    /** Rows {@code from} to {@code to − 1} of every layer's cache, from the cached keys k and values v. */
    private void load(float[][] k, float[][] v, int cached, int repeat, int from, int to) {
        int kv = c.kvHeads();
        int hd = c.headDim();
        for (int l = 0; l < c.layers(); l++) {
            for (int rg = from * kv; rg < to * kv; rg++) {
                int row = rg / kv;
                if (row % repeat != 0 && row != from) { // a copy of the first of its prompt's rows in this range
                    int first = Math.max(from, row - row % repeat) * kv + rg % kv;
                    for (int i = 0; i < hd; i++) {
                        System.arraycopy(keysT[l][first][i], 0, keysT[l][rg][i], 0, cached);
                    }
                    for (int t = 0; t < cached; t++) {
                        System.arraycopy(vals[l][first][t], 0, vals[l][rg][t], 0, hd);
                    }
                    continue;
                }
                int source = (row / repeat) * kv + rg % kv;
                for (int t = 0; t < cached; t++) {
                    int at = (source * cached + t) * hd;
                    System.arraycopy(v[l], at, vals[l][rg][t], 0, hd);
                    for (int i = 0; i < hd; i++) {
                        keysT[l][rg][i][t] = k[l][at + i];
                    }
                }
            }
        }
    }

    /** Gives the decoder's memory to the next decoder of the same shape; the decoder is done. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Buffers.give(new Buffers(c, rows, capacity, keysT, vals, groups));
        }
    }

    /**
     * A decoder's memory: its cache and its groups' work arrays, kept when it closes for the next decoder of the same
     * shape. An RL loop samples the same shape every step, and making these anew for 256 rows (85,000 small arrays,
     * 7.5 MB) took 5 ms there, most of it page faults of a heap still growing. Soft references, so that the collector
     * may take them back; at most {@link #MAX} kept. Contents are stale: each position and each work array is written
     * before it is read.
     */
    private record Buffers(GptConfig c, int rows, int capacity, float[][][][] keysT, float[][][][] vals,
                           Scratch[] groups) {
        private static final Deque<SoftReference<Buffers>> SPARE = new ArrayDeque<>();
        private static final int MAX = 4;

        static Buffers take(GptConfig c, int rows, int capacity, int parts) {
            synchronized (SPARE) {
                for (Iterator<SoftReference<Buffers>> it = SPARE.iterator(); it.hasNext(); ) {
                    Buffers b = it.next().get();
                    if (b == null) {
                        it.remove();
                    } else if (b.c.equals(c) && b.rows == rows && b.capacity == capacity && b.groups.length == parts) {
                        it.remove();
                        return b;
                    }
                }
            }
            int hd = c.headDim();
            Scratch[] groups = new Scratch[parts];
            for (int g = 0; g < parts; g++) {
                int from = rows * g / parts;
                groups[g] = new Scratch(c, from, rows * (g + 1) / parts - from, capacity);
            }
            return new Buffers(c, rows, capacity, new float[c.layers()][rows * c.kvHeads()][hd][capacity],
                    new float[c.layers()][rows * c.kvHeads()][capacity][hd], groups);
        }

        static void give(Buffers b) {
            synchronized (SPARE) {
                while (SPARE.size() >= MAX) {
                    SPARE.removeLast();
                }
                SPARE.addFirst(new SoftReference<>(b));
            }
        }
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
        if (length == 0) {
            throw new IllegalStateException(fn + ": start the decoder from a cache first");
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
        Helper.runParts(helpers, fn, g -> step(g, tokens, logits));
        length++;
        return logits;
    }

    /** Group g's rows through every block at position {@code length}; their logits into {@code logits}. */
    private void step(int g, int[] tokens, float[] logits) {
        Scratch group = groups[g];
        step(group, tokens);
        int v = c.vocabSize();
        for (int r = 0; r < group.rows; r++) {
            System.arraycopy(group.logits[r], 0, logits, (group.from + r) * v, v);
        }
    }

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
                addScaledRows(scores, n, q, kT, hd); // scores = Kᵀq, as hd scaled rows of positions
                softmax(scores, n);
                float[] y = s.headOut;
                Arrays.fill(y, 0f);
                addScaledRows(y, hd, scores, vals[layer][rg], n); // y = Σ_t p_t · v_t
                System.arraycopy(y, 0, s.att[r], head * hd, hd);
            }
        }
        matVec(s.att, b.proj, b.projB, s.proj);
        return s.proj;
    }

    /**
     * y[0, len) += Σ_j c[j]·rows[j][0, len) over j in [0, count), four rows per pass over y; written left to right, so
     * each y[i] is rounded after each product and each sum as one row at a time would round it.
     */
    private static void addScaledRows(float[] y, int len, float[] c, float[][] rows, int count) {
        int j = 0;
        for (; j + 4 <= count; j += 4) {
            float c0 = c[j];
            float c1 = c[j + 1];
            float c2 = c[j + 2];
            float c3 = c[j + 3];
            float[] r0 = rows[j];
            float[] r1 = rows[j + 1];
            float[] r2 = rows[j + 2];
            float[] r3 = rows[j + 3];
            for (int i = 0; i < len; i++) {
                y[i] = y[i] + c0 * r0[i] + c1 * r1[i] + c2 * r2[i] + c3 * r3[i];
            }
        }
        for (; j < count; j++) {
            float cj = c[j];
            float[] row = rows[j];
            for (int i = 0; i < len; i++) {
                y[i] += cj * row[i];
            }
        }
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
                    gate[i] = silu(g) * u[i]; // SiLU(gate) · up
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
        float inner = 0.7978846f * (x + 0.044715f * x * x * x); // √(2/π)
        return 0.5f * x * (2f - 2f / (1f + exp(2f * inner))); // 1 + tanh(u) = 2 − 2/(1 + e^2u)
    }

    /** SiLU, x·σ(x) (SwiGLU's gate). */
    static float silu(float x) {
        return x / (1f + exp(-x));
    }

    /**
     * e^x in float arithmetic, for the decoder's softmax and activations: {@code Math.exp} costs ~12 ns here and a
     * decoding step of 256 rows over 100 positions needs ~135,000 of them, while this costs ~2.5 ns. x = k·ln2 + r with
     * |r| ≤ ln2/2 (ln2 split in two for an exact product), e^r = 1 + r + r²·q(r) with q of degree 4 fitted by
     * iteratively reweighted least squares (bench/rl/README.md), times 2^k built from its bits. Relative error under
     * 1e-7 in float evaluation on [−87, 20] (float's spacing is 6e-8 to 1.2e-7 of a number); x clamped to [−87, 88],
     * where float's range ends; e^0 is exactly 1.
     */
    static float exp(float x) {
        float z = Math.max(-87f, Math.min(88f, x));
        float kf = (z * 1.44269504f + 12582912f) - 12582912f; // round(z/ln2): 1.5·2²³ leaves no fraction bits
        int k = (int) kf;                                      // (Math.round took a tenth of a decoding step)
        float r = z - kf * 0.693145751953125f - kf * 1.4286068e-6f;
        float q = (((1.38118989e-3f * r + 8.36874613e-3f) * r + 4.16684309e-2f) * r + 1.66665202e-1f) * r
                + 4.99999933e-1f;
        return (q * (r * r) + r + 1f) * Float.intBitsToFloat((k + 127) << 23);
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
        for (int i = 0; i < n; i++) { // apart from the sum, so that it vectorises
            x[i] = exp(x[i] - max);
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += x[i];
        }
        float inv = (float) (1 / total);
        for (int i = 0; i < n; i++) {
            x[i] *= inv;
        }
    }

    /**
     * y = W·x + b for every row, with W kept as its transpose: {@code wT[i]} is column i of W and each y row has W's
     * row count; b may be null. Rows in tiles of {@link #TILE}, whose outputs stay in the L1 cache while W's columns
     * pass four at a time, each read once per tile, and two rows at a time within a tile, so that each load of the
     * columns serves both (with AVX2's 16 registers: 8 broadcast inputs, 4 columns, 2 sums; four rows a pass spilled
     * and ran at half the speed). Two rows a pass took bench/rl's sampling phase from 17 to 14–15 ms. Every output is
     * summed in W's column order, each product fused into the sum ({@code Math.fma}: one rounding), so the tiling,
     * the pairing and the unrolling change no bit of it.
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
                int r = from;
                for (; r + 2 <= to; r += 2) { // two rows a pass: W's columns loaded once for both
                    float[] xa = x[r];
                    float[] xb = x[r + 1];
                    float a0 = xa[i];
                    float a1 = xa[i + 1];
                    float a2 = xa[i + 2];
                    float a3 = xa[i + 3];
                    float b0 = xb[i];
                    float b1 = xb[i + 1];
                    float b2 = xb[i + 2];
                    float b3 = xb[i + 3];
                    float[] ya = y[r];
                    float[] yb = y[r + 1];
                    for (int o = 0; o < ya.length; o++) {
                        float w0 = c0[o];
                        float w1 = c1[o];
                        float w2 = c2[o];
                        float w3 = c3[o];
                        float pa = Math.fma(a1, w1, Math.fma(a0, w0, ya[o]));
                        float pb = Math.fma(b1, w1, Math.fma(b0, w0, yb[o]));
                        ya[o] = Math.fma(a3, w3, Math.fma(a2, w2, pa));
                        yb[o] = Math.fma(b3, w3, Math.fma(b2, w2, pb));
                    }
                }
                for (; r < to; r++) {
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

    private static Mlp mlp(Gpt model, String prefix) {
        Map<String, NDArray> p = model.parameters();
        GptConfig.Mlp kind = model.config().mlp();
        if (kind.isGelu()) {
            return new Mlp(transposed(model, prefix + "fc"), bias(p, prefix + "fc"), null, null,
                    transposed(model, prefix + "proj"), bias(p, prefix + "proj"), kind == GptConfig.Mlp.GELU_TANH);
        }
        return new Mlp(transposed(model, prefix + "gate"), bias(p, prefix + "gate"),
                transposed(model, prefix + "up"), bias(p, prefix + "up"), transposed(model, prefix + "proj"),
                bias(p, prefix + "proj"), false);
    }

    /** Weight {@code name} (out, in), with its LoRA update (alpha/rank)·B·A added when it has adapters, as (in)(out). */
    private static float[][] transposed(Gpt model, String name) {
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
