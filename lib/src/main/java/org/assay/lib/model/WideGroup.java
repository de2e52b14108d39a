package org.assay.lib.model;

import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;

/**
 * A group of many rows of a {@link CpuDecoder} laid out rows-innermost: every activation is (features)(rows) and the
 * group's KV cache (positions·hd)(rows) per layer and KV head, so that every loop the JIT vectorises runs over the
 * group's rows — a long loop — where the row-by-row layout runs over a head's 16 or a prompt's 20 numbers, which
 * AVX-512 vectors cover in one or two iterations and the rest in scalar code. A weight is read once per step for all
 * the rows, not once per row. Used for groups of {@link CpuDecoder#WIDE_ROWS} rows or more, without experts.
 *
 * <p>Each number is computed with the operations of the row-by-row layout in the same order (a sum over a weight's
 * inputs, a head's dimensions or the positions, in index order; Java neither fuses nor reorders float operations), so
 * the two layouts give the same bits (tested).
 */
final class WideGroup {
    private final CpuDecoder d;
    final int from;
    final int rows;
    private final float[][] x;        // (d)(rows): the residual stream
    private final float[][] h;        // (d)(rows): its norm
    private final float[][] qkv;      // ((H + 2·KV)·hd)(rows)
    private final float[][] q;        // (hd)(rows): one head's scaled query
    private final float[][] att;      // (d)(rows)
    private final float[][] proj;     // (d)(rows)
    private final float[][] hidden;   // (F)(rows)
    private final float[][] up;       // (F)(rows), SwiGLU only
    private final float[][] logits;   // (V)(rows)
    private final float[][] scores;   // (positions)(rows)
    private final double[] sum;       // (rows): a norm's or a softmax's running sum
    private final double[] sum2;
    private final float[] scale;      // (rows)
    private final float[] shift;
    private final float[][][] keys;   // [layer][kv head][(position·hd + i)·rows + row]
    private final float[][][] values; // [layer][kv head][(position·hd + i)·rows + row]

    WideGroup(CpuDecoder d, GptConfig c, int from, int rows, int capacity) {
        this.d = d;
        this.from = from;
        this.rows = rows;
        int hd = c.headDim();
        x = new float[c.dModel()][rows];
        h = new float[c.dModel()][rows];
        qkv = new float[(c.heads() + 2 * c.kvHeads()) * hd][rows];
        q = new float[hd][rows];
        att = new float[c.dModel()][rows];
        proj = new float[c.dModel()][rows];
        hidden = new float[c.mlpHidden()][rows];
        up = c.mlp().isGelu() ? null : new float[c.mlpHidden()][rows];
        logits = new float[c.vocabSize()][rows];
        scores = new float[capacity][rows];
        sum = new double[rows];
        sum2 = new double[rows];
        scale = new float[rows];
        shift = new float[rows];
        keys = new float[c.layers()][c.kvHeads()][];
        values = new float[c.layers()][c.kvHeads()][];
        for (int l = 0; l < c.layers(); l++) {
            for (int g = 0; g < c.kvHeads(); g++) {
                keys[l][g] = take(capacity * hd * rows);
                values[l][g] = take(capacity * hd * rows);
            }
        }
    }

    /**
     * Cache arrays of closed decoders, kept for the next decoder that needs one of the same size: an RL loop samples
     * the same shape every step, and a fresh array of megabytes costs page faults in a heap that is still growing
     * (measured in bench/rl: 2.9 ms to make the 6.8 MB cache of 256 rows, 0.24 ms when the heap's pages were
     * touched before). Soft references, so that the collector may take them back; at most {@link #SPARE_MAX}.
     */
    private static final Deque<SoftReference<float[]>> SPARE = new ArrayDeque<>();
    private static final int SPARE_MAX = 64;

    /** A spare array of {@code size} floats, or a new one. Its contents are stale: every position is written first. */
    private static float[] take(int size) {
        synchronized (SPARE) {
            for (Iterator<SoftReference<float[]>> it = SPARE.iterator(); it.hasNext(); ) {
                float[] a = it.next().get();
                if (a == null || a.length == size) {
                    it.remove();
                }
                if (a != null && a.length == size) {
                    return a;
                }
            }
        }
        return new float[size];
    }

    /** Gives this group's cache arrays back for the next decoder; the group must not be stepped again. */
    void release() {
        synchronized (SPARE) {
            for (int l = 0; l < keys.length; l++) {
                for (int g = 0; g < keys[l].length; g++) {
                    for (float[] a : new float[][] {keys[l][g], values[l][g]}) {
                        if (a != null && SPARE.size() < SPARE_MAX) {
                            SPARE.push(new SoftReference<>(a));
                        }
                    }
                    keys[l][g] = null;
                    values[l][g] = null;
                }
            }
        }
    }

    /**
     * Fills the cache from a layer's cached keys and values, (B, KV, S, hd) row-major: this group's row r continues
     * cached row {@code (from + r) / repeat}.
     */
    void load(int layer, float[] k, float[] v, int cached, int repeat) {
        int kv = keys[layer].length;
        int hd = d.c.headDim();
        int first = from / repeat;
        int last = (from + rows - 1) / repeat;
        for (int g = 0; g < kv; g++) {
            for (int t = 0; t < cached; t++) {
                for (int i = 0; i < hd; i++) {
                    int to = (t * hd + i) * rows;
                    for (int source = first; source <= last; source++) { // its value, to each row continuing it
                        int at = ((source * kv + g) * cached + t) * hd + i;
                        int lo = Math.max(from, source * repeat) - from;
                        int hi = Math.min(from + rows, (source + 1) * repeat) - from;
                        Arrays.fill(keys[layer][g], to + lo, to + hi, k[at]);
                        Arrays.fill(values[layer][g], to + lo, to + hi, v[at]);
                    }
                }
            }
        }
    }

    /** This group's rows through every block at position {@code pos}; their logits into {@code out} (rows × V). */
    void step(int[] tokens, int pos, float[] out) {
        GptConfig c = d.c;
        for (int r = 0; r < rows; r++) {
            float[] embedding = d.wte[tokens[from + r]];
            for (int i = 0; i < embedding.length; i++) {
                x[i][r] = d.wpe == null ? embedding[i] : embedding[i] + d.wpe[pos][i];
            }
        }
        for (int l = 0; l < c.layers(); l++) {
            CpuDecoder.Block b = d.blocks[l];
            norm(x, b.ln1W(), b.ln1B(), h);
            attention(b, l, pos);
            add(x, proj);
            norm(x, b.ln2W(), b.ln2B(), h);
            mlp(b.experts()[0]);
            add(x, proj);
        }
        norm(x, d.lnfW, d.lnfB, h);
        matMul(d.head, null, h, logits);
        int v = c.vocabSize();
        for (int o = 0; o < v; o++) {
            float[] column = logits[o];
            for (int r = 0; r < rows; r++) {
                out[(from + r) * v + o] = column[r];
            }
        }
    }

    private void attention(CpuDecoder.Block b, int layer, int pos) {
        GptConfig c = d.c;
        int heads = c.heads();
        int kv = c.kvHeads();
        int hd = c.headDim();
        int n = pos + 1;
        matMul(b.qkv(), b.qkvB(), h, qkv);
        for (int g = 0; g < kv; g++) { // the new key and value join the cache
            int kAt = (heads + g) * hd;
            if (d.ropeCos != null) {
                rotate(kAt, pos);
            }
            for (int i = 0; i < hd; i++) {
                System.arraycopy(qkv[kAt + i], 0, keys[layer][g], (pos * hd + i) * rows, rows);
                System.arraycopy(qkv[(heads + kv + g) * hd + i], 0, values[layer][g], (pos * hd + i) * rows, rows);
            }
        }
        for (int head = 0; head < heads; head++) {
            if (d.ropeCos != null) {
                rotate(head * hd, pos);
            }
            for (int i = 0; i < hd; i++) {
                float[] qi = q[i];
                float[] source = qkv[head * hd + i];
                for (int r = 0; r < rows; r++) {
                    qi[r] = source[r] * d.queryScale;
                }
            }
            int g = head / (heads / kv); // grouped-query attention: H/KV query heads share a KV head
            float[] k = keys[layer][g];
            for (int t = 0; t < n; t++) { // scores = Kᵀq
                float[] st = scores[t];
                Arrays.fill(st, 0f);
                for (int i = 0; i < hd; i++) {
                    float[] qi = q[i];
                    int at = (t * hd + i) * rows;
                    for (int r = 0; r < rows; r++) {
                        st[r] += qi[r] * k[at + r];
                    }
                }
            }
            softmax(n);
            float[] v = values[layer][g];
            for (int i = 0; i < hd; i++) { // y = Σ_t p_t · v_t
                float[] y = att[head * hd + i];
                Arrays.fill(y, 0f);
                for (int t = 0; t < n; t++) {
                    float[] pt = scores[t];
                    int at = (t * hd + i) * rows;
                    for (int r = 0; r < rows; r++) {
                        y[r] += pt[r] * v[at + r];
                    }
                }
            }
        }
        matMul(b.proj(), b.projB(), att, proj);
    }

    /** RoPE on one head (hd rows of qkv from {@code at}) at position {@code pos}, as CpuDecoder's rotate. */
    private void rotate(int at, int pos) {
        int half = d.c.headDim() / 2;
        float[] cos = d.ropeCos[pos];
        float[] sin = d.ropeSin[pos];
        for (int i = 0; i < half; i++) {
            float[] a = qkv[at + i];
            float[] b = qkv[at + half + i];
            float ci = cos[i];
            float si = sin[i];
            for (int r = 0; r < rows; r++) {
                float x1 = a[r];
                float x2 = b[r];
                a[r] = x1 * ci - x2 * si;
                b[r] = x1 * si + x2 * ci;
            }
        }
    }

    /** Softmax over the first n positions of every row's scores, as CpuDecoder's softmax. */
    private void softmax(int n) {
        Arrays.fill(scale, Float.NEGATIVE_INFINITY);
        for (int t = 0; t < n; t++) {
            float[] st = scores[t];
            for (int r = 0; r < rows; r++) {
                scale[r] = Math.max(scale[r], st[r]);
            }
        }
        Arrays.fill(sum, 0);
        for (int t = 0; t < n; t++) {
            float[] st = scores[t];
            for (int r = 0; r < rows; r++) {
                float e = (float) Math.exp(st[r] - scale[r]);
                st[r] = e;
                sum[r] += e;
            }
        }
        for (int r = 0; r < rows; r++) {
            shift[r] = (float) (1 / sum[r]);
        }
        for (int t = 0; t < n; t++) {
            float[] st = scores[t];
            for (int r = 0; r < rows; r++) {
                st[r] *= shift[r];
            }
        }
    }

    private void mlp(CpuDecoder.Mlp m) {
        matMul(m.in(), m.inB(), h, hidden);
        if (m.up() == null) {
            for (float[] row : hidden) {
                for (int r = 0; r < rows; r++) {
                    row[r] = m.tanh() ? CpuDecoder.geluTanh(row[r]) : CpuDecoder.gelu(row[r]);
                }
            }
        } else {
            matMul(m.up(), m.upB(), h, up);
            for (int j = 0; j < hidden.length; j++) {
                float[] gate = hidden[j];
                float[] u = up[j];
                for (int r = 0; r < rows; r++) {
                    float g = gate[r];
                    gate[r] = (float) (g / (1 + Math.exp(-g))) * u[r]; // SiLU(gate) · up
                }
            }
        }
        matMul(m.proj(), m.projB(), hidden, proj);
    }

    /** LayerNorm or RMSNorm of every row, as CpuDecoder's norm: sums in double over the features in order. */
    private void norm(float[][] in, float[] w, float[] bias, float[][] out) {
        int dim = in.length;
        Arrays.fill(sum, 0);
        Arrays.fill(sum2, 0);
        if (bias != null) { // LayerNorm: (x − mean)/√(var + eps)·w + b, the biased variance
            for (float[] xi : in) {
                for (int r = 0; r < rows; r++) {
                    sum[r] += xi[r];
                }
            }
            for (int r = 0; r < rows; r++) {
                sum[r] /= dim;
            }
            for (float[] xi : in) {
                for (int r = 0; r < rows; r++) {
                    sum2[r] += (xi[r] - sum[r]) * (xi[r] - sum[r]);
                }
            }
            for (int r = 0; r < rows; r++) {
                scale[r] = (float) (1 / Math.sqrt(sum2[r] / dim + d.eps));
                shift[r] = (float) sum[r];
            }
            for (int i = 0; i < dim; i++) {
                float[] xi = in[i];
                float[] yi = out[i];
                float wi = w[i];
                float bi = bias[i];
                for (int r = 0; r < rows; r++) {
                    yi[r] = (xi[r] - shift[r]) * scale[r] * wi + bi;
                }
            }
        } else { // RMSNorm: x/√(mean(x²) + eps)·w
            for (float[] xi : in) {
                for (int r = 0; r < rows; r++) {
                    sum[r] += xi[r] * xi[r];
                }
            }
            for (int r = 0; r < rows; r++) {
                scale[r] = (float) Math.sqrt(sum[r] / dim + d.eps);
            }
            for (int i = 0; i < dim; i++) {
                float[] xi = in[i];
                float[] yi = out[i];
                float wi = w[i];
                for (int r = 0; r < rows; r++) {
                    yi[r] = xi[r] / scale[r] * wi;
                }
            }
        }
    }

    /**
     * y = W·x + b for every row, W (out)(in) as the model keeps it, x (in)(rows), y (out)(rows); b may be null. Each
     * output starts at its bias and adds W's columns in order, each product fused into the sum ({@code Math.fma}, one
     * rounding, as the row-by-row layout does), four columns per pass over the rows: the output is loaded and stored
     * once per four products. (Four outputs per pass as well is not vectorised by C2: 3× slower.)
     */
    static void matMul(float[][] w, float[] b, float[][] x, float[][] y) {
        int in = x.length;
        for (int o = 0; o < y.length; o++) {
            float[] yo = y[o];
            float[] wo = w[o];
            Arrays.fill(yo, b == null ? 0f : b[o]);
            int i = 0;
            for (; i + 4 <= in; i += 4) {
                float[] x0 = x[i];
                float[] x1 = x[i + 1];
                float[] x2 = x[i + 2];
                float[] x3 = x[i + 3];
                float w0 = wo[i];
                float w1 = wo[i + 1];
                float w2 = wo[i + 2];
                float w3 = wo[i + 3];
                for (int r = 0; r < yo.length; r++) {
                    yo[r] = Math.fma(x3[r], w3, Math.fma(x2[r], w2, Math.fma(x1[r], w1, Math.fma(x0[r], w0, yo[r]))));
                }
            }
            for (; i < in; i++) {
                float[] xi = x[i];
                float wi = wo[i];
                for (int r = 0; r < yo.length; r++) {
                    yo[r] = Math.fma(xi[r], wi, yo[r]);
                }
            }
        }
    }

    private static void add(float[][] x, float[][] y) {
        for (int i = 0; i < x.length; i++) {
            float[] xi = x[i];
            float[] yi = y[i];
            for (int r = 0; r < xi.length; r++) {
                xi[r] += yi[r];
            }
        }
    }
}
