package org.assay.lib.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.assay.lib.engine.Bf16;
import org.assay.lib.engine.Torch;

/**
 * A decoder-only transformer (GPT-2 layout, pre-norm; optionally the LLaMA pieces: RMSNorm, SwiGLU, RoPE,
 * grouped-query attention, and a mixture of experts) as plain tensors: a map of named parameters and a forward
 * function. The parameters live in the model's own {@link NDManager}; everything a forward pass creates belongs to
 * the caller's scope ({@code NDScope}), so a training step frees its activations when it ends.
 *
 * <p>Initialisation follows GPT-2/nanoGPT: N(0, 0.02) for weights, with the projections back into the residual
 * stream scaled by 1/√(2·layers); norms start at one. It is drawn in Java from the seed, so the same seed gives the
 * same model on any device.
 */
public final class Gpt implements AutoCloseable {
    private final GptConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> params = new LinkedHashMap<>();
    private NDArray causalMask;       // (S, S) for the longest S used yet: 0 where a query may attend, -inf above
    private final NDArray queryScale; // (): 1/√hd, made once by libtorch (see scale) rather than at every call
    private final NDArray ropeCos;    // (T, hd/2)
    private final NDArray ropeSin;    // (T, hd/2)
    private volatile Precision precision = Precision.FLOAT32;

    private Gpt(GptConfig config, Device device) {
        this.config = config;
        this.manager = Torch.engine().newBaseManager(device);
        int t = config.contextLength();
        queryScale = manager.full(new Shape(), (float) (1.0 / Math.sqrt(config.headDim())));
        if (config.positions() == GptConfig.Positions.ROPE) {
            int half = config.headDim() / 2;
            float[] cos = new float[t * half];
            float[] sin = new float[t * half];
            for (int p = 0; p < t; p++) {
                for (int i = 0; i < half; i++) {
                    double angle = p * Math.pow(config.ropeTheta(), -2.0 * i / config.headDim()); // Su et al., eq. 15
                    cos[p * half + i] = (float) Math.cos(angle);
                    sin[p * half + i] = (float) Math.sin(angle);
                }
            }
            ropeCos = manager.create(cos, new Shape(t, half));
            ropeSin = manager.create(sin, new Shape(t, half));
        } else {
            ropeCos = null;
            ropeSin = null;
        }
    }

    /** A freshly initialised model on {@link Torch#device()}. */
    public static Gpt create(GptConfig config, long seed) {
        return create(config, seed, Torch.device());
    }

    public static Gpt create(GptConfig config, long seed, Device device) {
        Torch.engine();
        Gpt model = new Gpt(config, device);
        model.initialise(seed);
        return model;
    }

    /**
     * A model whose parameters are allocated but not set (not even zeroed) and need no gradient yet, for a reader
     * that sets every one of them and then turns its gradient on ({@link Pretrained}); a large model is made quickly.
     */
    static Gpt blank(GptConfig config, Device device) {
        Torch.engine();
        Gpt model = new Gpt(config, device);
        for (Object[] spec : model.specs()) {
            model.params.put((String) spec[0], model.manager.create((Shape) spec[1], DataType.FLOAT32)); // unset
        }
        return model;
    }

    private void initialise(long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        for (Object[] spec : specs()) {
            SplittableRandom rng = root.split(); // one stream per parameter, in a fixed order
            Shape shape = (Shape) spec[1];
            double s = (double) spec[2];
            float[] values = new float[Math.toIntExact(shape.size())];
            if (Double.isNaN(s)) {
                java.util.Arrays.fill(values, 1f);
            } else if (s > 0) {
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (rng.nextGaussian() * s);
                }
            }
            NDArray array = manager.create(values, shape);
            array.setRequiresGradient(true);
            params.put((String) spec[0], array);
        }
    }

    /** Every parameter as {name, shape, std} in a fixed order; std NaN: ones, -1: zeros. */
    private List<Object[]> specs() {
        GptConfig c = config;
        int d = c.dModel();
        double std = 0.02;
        double residualStd = 0.02 / Math.sqrt(2.0 * c.layers());
        List<Object[]> specs = new ArrayList<>();
        specs.add(new Object[] {"wte", new Shape(c.vocabSize(), d), std});
        if (c.positions() == GptConfig.Positions.LEARNED) {
            specs.add(new Object[] {"wpe", new Shape(c.contextLength(), d), std});
        }
        for (int l = 0; l < c.layers(); l++) {
            String p = "h." + l + ".";
            addNorm(specs, p + "ln1");
            long qkvOut = (c.heads() + 2L * c.kvHeads()) * c.headDim();
            specs.add(new Object[] {p + "attn.qkv", new Shape(qkvOut, d), std});
            addBias(specs, p + "attn.qkv", qkvOut, c.qkvBias());
            specs.add(new Object[] {p + "attn.proj", new Shape(d, d), residualStd});
            addBias(specs, p + "attn.proj", d, c.projBias());
            addNorm(specs, p + "ln2");
            if (c.experts() > 0) {
                specs.add(new Object[] {p + "moe.router", new Shape(c.experts(), d), std});
                for (int e = 0; e < c.experts(); e++) {
                    addMlp(specs, p + "moe." + e + ".", std, residualStd);
                }
            } else {
                addMlp(specs, p + "mlp.", std, residualStd);
            }
        }
        addNorm(specs, "ln_f");
        if (!c.tiedEmbeddings()) {
            specs.add(new Object[] {"lm_head", new Shape(c.vocabSize(), d), std});
        }
        return specs;
    }

    private void addNorm(List<Object[]> specs, String name) {
        specs.add(new Object[] {name + ".weight", new Shape(config.dModel()), Double.NaN});
        if (config.norm() == GptConfig.Norm.LAYER_NORM) {
            specs.add(new Object[] {name + ".bias", new Shape(config.dModel()), -1.0});
        }
    }

    /** A projection's bias, {@code weight + ".bias"}, zero at the start. */
    private static void addBias(List<Object[]> specs, String weight, long size, boolean present) {
        if (present) {
            specs.add(new Object[] {weight + ".bias", new Shape(size), -1.0});
        }
    }

    private void addMlp(List<Object[]> specs, String p, double std, double residualStd) {
        int d = config.dModel();
        int h = config.mlpHidden();
        boolean bias = config.mlpBias();
        if (config.mlp().isGelu()) {
            specs.add(new Object[] {p + "fc", new Shape(h, d), std});
            addBias(specs, p + "fc", h, bias);
        } else {
            specs.add(new Object[] {p + "gate", new Shape(h, d), std});
            addBias(specs, p + "gate", h, bias);
            specs.add(new Object[] {p + "up", new Shape(h, d), std});
            addBias(specs, p + "up", h, bias);
        }
        specs.add(new Object[] {p + "proj", new Shape(d, h), residualStd});
        addBias(specs, p + "proj", d, bias);
    }

    public GptConfig config() {
        return config;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** The parameters by name, in a fixed order (read-only map; the arrays are the live weights). */
    public Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(params);
    }

    /**
     * Counts the elements of the model's own parameters (equals {@link GptConfig#parameters()}; adapters and a value
     * head apart).
     */
    public long parameterCount() {
        return params.entrySet().stream().filter(e -> !e.getKey().contains(LORA)
                        && !e.getKey().startsWith(VALUE_HEAD))
                .mapToLong(e -> e.getValue().getShape().size()).sum();
    }

    /** The parameters a gradient flows to: all of them, or only the LoRA adapters once {@link #addLora} froze the rest. */
    public Map<String, NDArray> trainableParameters() {
        Map<String, NDArray> m = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (v.hasGradient()) {
                m.put(k, v);
            }
        });
        return Collections.unmodifiableMap(m);
    }

    static final String LORA = ".lora_";
    private final Map<String, Double> loraScale = new LinkedHashMap<>();

    /**
     * LoRA (Hu et al. 2021): for each weight whose name ends with one of {@code targets} (e.g. {@code "attn.qkv"},
     * {@code "attn.proj"}, {@code "mlp.fc"}, {@code "mlp.proj"}), adds {@code W + (alpha/rank)·B·A} with A (rank, in)
     * drawn from N(0, 1/in) and B (out, rank) zero — so the model starts exactly as it was — and freezes every other
     * parameter: training then updates only the adapters. {@link #removeLora} restores the base.
     */
    public void addLora(int rank, double alpha, java.util.Set<String> targets, long seed) {
        String fn = "Gpt.addLora";
        if (rank < 1 || !(alpha > 0)) {
            throw new IllegalArgumentException(fn + ": rank must be >= 1 and alpha > 0, got rank=" + rank + ", alpha="
                    + alpha);
        }
        if (!loraScale.isEmpty()) {
            throw new IllegalStateException(fn + ": the model already has adapters; removeLora() first");
        }
        List<String> names = params.keySet().stream().filter(n -> targets.stream().anyMatch(t -> n.endsWith("." + t)))
                .filter(n -> params.get(n).getShape().dimension() == 2).toList();
        if (names.isEmpty()) {
            throw new IllegalArgumentException(fn + ": targets " + targets + " match no weight; the weights are "
                    + params.keySet());
        }
        SplittableRandom root = new SplittableRandom(seed);
        for (NDArray w : params.values()) {
            w.setRequiresGradient(false);
        }
        for (String name : names) {
            Shape shape = params.get(name).getShape();
            long out = shape.get(0);
            long in = shape.get(1);
            SplittableRandom rng = root.split();
            float[] a = new float[Math.toIntExact(rank * in)];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (rng.nextGaussian() / Math.sqrt(in));
            }
            NDArray aArray = manager.create(a, new Shape(rank, in));
            NDArray bArray = manager.zeros(new Shape(out, rank));
            aArray.setRequiresGradient(true);
            bArray.setRequiresGradient(true);
            params.put(name + LORA + "A", aArray);
            params.put(name + LORA + "B", bArray);
            loraScale.put(name, alpha / rank);
        }
    }

    /** Removes the adapters and unfreezes the model: its outputs are again exactly the base model's. */
    public void removeLora() {
        List<String> adapters = params.keySet().stream().filter(n -> n.contains(LORA)).toList();
        for (String n : adapters) {
            params.remove(n).close();
        }
        loraScale.clear();
        for (NDArray w : params.values()) {
            w.setRequiresGradient(true);
        }
    }

    public boolean hasLora() {
        return !loraScale.isEmpty();
    }

    /** The precision of the matrix products of {@link #forward} (float32 unless set). */
    public Precision precision() {
        return precision;
    }

    /**
     * Sets the precision of the matrix products of {@link #forward} from the next call on; the weights stay float32.
     * {@link Precision#BFLOAT16} loads {@link Bf16}'s module on first use.
     */
    public void setPrecision(Precision p) {
        if (p == null) {
            throw new IllegalArgumentException("Gpt.setPrecision: precision must be FLOAT32 or BFLOAT16, got null");
        }
        if (p == Precision.BFLOAT16) {
            Bf16.get();
        }
        precision = p;
    }

    /** {@code x·Wᵀ + b}, plus the LoRA path {@code (alpha/rank)·x·Aᵀ·Bᵀ} where the weight has adapters. */
    private NDArray project(NDArray x, String name) {
        NDArray y = linear(x, params.get(name), params.get(name + ".bias"));
        Double s = loraScale.get(name);
        if (s != null) {
            y = y.add(scale(linear(linear(x, params.get(name + LORA + "A")), params.get(name + LORA + "B")), s));
        }
        return y;
    }

    /** RoPE tables (T, hd/2), or null with learned positions; and the 1/√hd applied to queries (for CpuDecoder). */
    NDArray ropeCos() {
        return ropeCos;
    }

    NDArray ropeSin() {
        return ropeSin;
    }

    NDArray queryScale() {
        return queryScale;
    }

    /** alpha/rank of the weight's LoRA adapters, or null when it has none. */
    Double loraScale(String weight) {
        return loraScale.get(weight);
    }

    /** An int64 (B, T) array of token ids on the model's device, owned by the caller's scope. */
    public NDArray tokens(int[] ids, int rows) {
        if (rows <= 0 || ids.length % rows != 0) {
            throw new IllegalArgumentException("Gpt.tokens: " + ids.length + " ids cannot form " + rows + " rows");
        }
        long[] v = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= config.vocabSize()) {
                throw new IllegalArgumentException("Gpt.tokens: token ids must be in [0, " + config.vocabSize()
                        + "), got " + ids[i] + " at position " + i);
            }
            v[i] = ids[i];
        }
        return manager.create(v, new Shape(rows, ids.length / rows));
    }

    /**
     * Logits for every position: tokens (B, T) int64 → (B, T, V). With a cache, the tokens continue the cached
     * sequence (their positions start at {@code cache.length()}) and their keys and values are appended to it.
     *
     * @param dropout null, or the dropout of this training step
     */
    public NDArray forward(NDArray tokens, KvCache cache, Dropout dropout) {
        return lmHead(hidden(tokens, cache, dropout));
    }

    /** The language-model head: final hidden states (B, T, d) → logits (B, T, V). */
    public NDArray lmHead(NDArray hidden) {
        return linear(hidden, params.get(config.tiedEmbeddings() ? "wte" : "lm_head")); // (B, T, V)
    }

    /**
     * The final hidden states, after the last norm: tokens (B, T) int64 → (B, T, d); {@link #forward} is
     * {@link #lmHead} of them. The cache and dropout as there.
     */
    public NDArray hidden(NDArray tokens, KvCache cache, Dropout dropout) {
        long b = tokens.getShape().get(0);
        long t = tokens.getShape().get(1);
        int start = cache == null ? 0 : cache.length();
        if (start + t > config.contextLength()) {
            throw new IllegalArgumentException("Gpt.forward: " + (start + t) + " positions exceed contextLength "
                    + config.contextLength() + " (" + start + " cached + " + t + " new)");
        }
        NDArray x = tokens.getNDArrayInternal().embedding(tokens, params.get("wte"), SparseFormat.DENSE)
                .singletonOrThrow(); // (B, T, d)
        if (config.positions() == GptConfig.Positions.LEARNED) {
            x = x.add(params.get("wpe").get(new NDIndex().addSliceDim(start, start + t))); // + (T, d)
        }
        x = drop(x, dropout);
        for (int l = 0; l < config.layers(); l++) {
            String p = "h." + l + ".";
            x = x.add(drop(attention(norm(x, p + "ln1"), l, b, t, start, cache, dropout), dropout));
            NDArray h = norm(x, p + "ln2");
            x = x.add(drop(config.experts() > 0 ? mixture(h, p) : mlp(h, p + "mlp."), dropout));
        }
        if (cache != null) {
            cache.advance((int) t);
        }
        return norm(x, "ln_f"); // (B, T, d)
    }

    static final String VALUE_HEAD = "value_head.";

    /**
     * Adds a scalar value head on the trunk, {@code v = h·w + b} from the final hidden state h (the critic of PPO,
     * Schulman et al. 2017; InstructGPT's value function), w drawn from N(0, 1/d) times 0.1 and b zero, so values start
     * near 0. It is trained with the rest of the model; {@link #removeValueHead} takes it off. Hugging Face export
     * ignores it.
     */
    public void addValueHead(long seed) {
        if (hasValueHead()) {
            throw new IllegalStateException("Gpt.addValueHead: the model has a value head already");
        }
        int d = config.dModel();
        SplittableRandom rng = new SplittableRandom(seed);
        float[] w = new float[d];
        for (int i = 0; i < d; i++) {
            w[i] = (float) (0.1 * rng.nextGaussian() / Math.sqrt(d));
        }
        NDArray weight = manager.create(w, new Shape(1, d));
        NDArray bias = manager.zeros(new Shape(1));
        weight.setRequiresGradient(true);
        bias.setRequiresGradient(true);
        params.put(VALUE_HEAD + "weight", weight);
        params.put(VALUE_HEAD + "bias", bias);
    }

    public boolean hasValueHead() {
        return params.containsKey(VALUE_HEAD + "weight");
    }

    public void removeValueHead() {
        for (String n : List.of(VALUE_HEAD + "weight", VALUE_HEAD + "bias")) {
            NDArray p = params.remove(n);
            if (p != null) {
                p.close();
            }
        }
    }

    /** The value head on final hidden states: (B, T, d) → (B, T). */
    public NDArray values(NDArray hidden) {
        if (!hasValueHead()) {
            throw new IllegalStateException("Gpt.values: the model has no value head; call addValueHead first");
        }
        return linear(hidden, params.get(VALUE_HEAD + "weight"), params.get(VALUE_HEAD + "bias")).squeeze(2);
    }

    private NDArray attention(NDArray x, int layer, long b, long t, int start, KvCache cache, Dropout dropout) {
        int hd = config.headDim();
        int h = config.heads();
        int kv = config.kvHeads();
        String p = "h." + layer + ".attn.";
        NDArray qkv = project(x, p + "qkv"); // (B, T, (H + 2·KV)·hd)
        // 1/√hd on q rather than on the (B, H, T, S) scores: the same product, a quarter of the elements at T = 4·hd
        NDArray q;
        NDArray k;
        NDArray v;
        if (t == 1) { // a decoding step, where op count rather than arithmetic sets the speed: one reshape, no transposes
            NDList parts = qkv.reshape(b, h + 2L * kv, 1, hd).split(new long[] {h, h + kv}, 1);
            q = parts.get(0).mul(queryScale); // (B, H, 1, hd)
            k = parts.get(1);                 // (B, KV, 1, hd)
            v = parts.get(2);                 // (B, KV, 1, hd)
        } else {
            NDList parts = qkv.split(new long[] {(long) h * hd, (long) (h + kv) * hd}, 2);
            q = parts.get(0).mul(queryScale).reshape(b, t, h, hd).transpose(0, 2, 1, 3); // (B, H, T, hd)
            k = parts.get(1).reshape(b, t, kv, hd).transpose(0, 2, 1, 3);                // (B, KV, T, hd)
            v = parts.get(2).reshape(b, t, kv, hd).transpose(0, 2, 1, 3);                // (B, KV, T, hd)
        }
        if (ropeCos != null) {
            q = rotate(q, start, t);
            k = rotate(k, start, t);
        }
        if (cache != null) {
            NDArray[] kvAll = cache.append(layer, k, v);
            k = kvAll[0];
            v = kvAll[1];
        }
        long s = start + t; // keys: cached + new
        if (kv < h) { // grouped-query attention: each KV head serves H/KV query heads
            k = repeatHeads(k, b, kv, h / kv, s, hd);
            v = repeatHeads(v, b, kv, h / kv, s, hd);
        }
        NDArray att = matMul(q, k.transpose(0, 1, 3, 2)); // (B, H, T, S), scaled by 1/√hd through q
        if (t > 1) { // one new query sees every key: no mask to add
            att = att.add(causalMask((int) s).get(new NDIndex().addSliceDim(start, start + t).addSliceDim(0, s)));
        }
        att = drop(att.softmax(-1), dropout);
        NDArray y = matMul(att, v); // (B, H, T, hd)
        y = t == 1 ? y.reshape(b, 1, (long) h * hd) : y.transpose(0, 2, 1, 3).reshape(b, t, (long) h * hd); // (B, T, d)
        return project(y, p + "proj");
    }

    /**
     * The causal mask for {@code s} positions: made for the longest sequence seen yet (doubling, up to the context
     * length) rather than for the whole context at once, which for a 32k-context model would be 4 GB.
     */
    private synchronized NDArray causalMask(int s) {
        long have = causalMask == null ? 0 : causalMask.getShape().get(0);
        if (have < s) {
            int n = (int) Math.min(config.contextLength(), Math.max(s, Math.max(64, 2 * have)));
            float[] mask = new float[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    mask[i * n + j] = Float.NEGATIVE_INFINITY;
                }
            }
            if (causalMask != null) {
                causalMask.close();
            }
            causalMask = manager.create(mask, new Shape(n, n));
            NDScope.unregister(causalMask); // the model's, not the forward pass's scope
        }
        return causalMask;
    }

    private static NDArray repeatHeads(NDArray x, long b, int kv, int groups, long s, int hd) {
        return x.reshape(b, kv, 1, s, hd).broadcast(new Shape(b, kv, groups, s, hd)).reshape(b, (long) kv * groups, s, hd);
    }

    /** RoPE on (B, H, T, hd) at positions start..start+T−1, rotating the two halves of each head (GPT-NeoX). */
    private NDArray rotate(NDArray x, int start, long t) {
        int half = config.headDim() / 2;
        NDIndex rows = new NDIndex().addSliceDim(start, start + t);
        NDArray cos = ropeCos.get(rows); // (T, hd/2)
        NDArray sin = ropeSin.get(rows);
        NDList halves = x.split(new long[] {half}, 3);
        NDArray x1 = halves.get(0);
        NDArray x2 = halves.get(1);
        return NDArrays.concat(new NDList(x1.mul(cos).sub(x2.mul(sin)), x1.mul(sin).add(x2.mul(cos))), 3);
    }

    private NDArray mlp(NDArray x, String p) {
        if (config.mlp() == GptConfig.Mlp.GELU) {
            return project(gelu(project(x, p + "fc")), p + "proj");
        }
        if (config.mlp() == GptConfig.Mlp.GELU_TANH) {
            return project(geluTanh(project(x, p + "fc")), p + "proj");
        }
        NDArray gate = project(x, p + "gate");
        NDArray silu = gate.mul(ai.djl.nn.Activation.sigmoid(gate)); // SiLU (Swish-1)
        return project(silu.mul(project(x, p + "up")), p + "proj");
    }

    private static NDArray gelu(NDArray x) {
        return x.getNDArrayInternal().gelu();
    }

    /** GELU's tanh approximation, {@code ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}: GPT-2's {@code gelu_new}. */
    private static NDArray geluTanh(NDArray x) {
        NDArray inner = scale(x.add(scale(x.mul(x).mul(x), 0.044715)), Math.sqrt(2 / Math.PI));
        return scale(x.add(x.mul(inner.tanh())), 0.5);
    }

    /**
     * Mixture of experts (Shazeer et al. 2017; Switch/Mixtral-style top-k routing): softmax router scores, each
     * token keeps its top k, renormalised. Every expert runs on every token and the unselected ones are weighted
     * zero — exact and simple, and at teaching sizes cheaper than gathering tokens per expert.
     */
    private NDArray mixture(NDArray x, String p) {
        int e = config.experts();
        NDArray probs = linear(x, params.get(p + "moe.router")).softmax(-1); // (B, T, E)
        NDArray kth = probs.sort(-1).get(new NDIndex("..., {}", e - config.expertsPerToken())).expandDims(-1);
        NDArray gates = probs.mul(probs.gte(kth).toType(DataType.FLOAT32, false));
        gates = gates.div(gates.sum(new int[] {-1}, true)); // (B, T, E), k non-zero per token
        NDArray out = null;
        for (int i = 0; i < e; i++) {
            NDArray y = mlp(x, p + "moe." + i + ".").mul(gates.get(new NDIndex("..., {}:{}", i, i + 1)));
            out = out == null ? y : out.add(y);
        }
        return out;
    }

    private NDArray norm(NDArray x, String name) {
        NDArray w = params.get(name + ".weight");
        if (config.norm() == GptConfig.Norm.LAYER_NORM) {
            return x.getNDArrayInternal().layerNorm(x, new Shape(config.dModel()), w, params.get(name + ".bias"),
                    (float) config.normEps()).singletonOrThrow();
        }
        NDArray rms = x.square().mean(new int[] {-1}, true).add((float) config.normEps()).sqrt(); // Zhang & Sennrich
        return x.div(rms).mul(w);
    }

    /**
     * {@code x·s} with a scalar that libtorch allocates. DJL's {@code mul(Number)} wraps the number in a tensor over a
     * Java direct buffer and closes it at once; autograd keeps that tensor for the backward pass, and a garbage
     * collection in between frees the buffer under it, so the gradients read freed memory (GptMemoryTest).
     * Use this, never {@code mul(Number)} or {@code div(Number)}, on anything a gradient flows through.
     */
    public static NDArray scale(NDArray x, double s) {
        try (NDArray c = x.getManager().full(new Shape(), (float) s, x.getDataType())) {
            return x.mul(c);
        }
    }

    private NDArray linear(NDArray x, NDArray weight) {
        return linear(x, weight, null);
    }

    /** {@code x·Wᵀ + b}, W (out, in), b (out) or null; in bfloat16 when {@link #precision} says so. */
    private NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        if (precision == Precision.BFLOAT16) {
            return Bf16.get().linear(x, weight, bias);
        }
        return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
    }

    private NDArray matMul(NDArray a, NDArray b) {
        return precision == Precision.BFLOAT16 ? Bf16.get().matMul(a, b) : a.matMul(b);
    }

    private static NDArray drop(NDArray x, Dropout dropout) {
        return dropout == null ? x : dropout.apply(x);
    }

    /** Copies the weights into a map of float arrays (for checkpoints and tests). */
    /**
     * The logits of {@code rows} rows of tokens (row-major, each of one length) as (rows, T, V) floats, computed
     * in a scope of their own: for checking a model against another implementation, or a saved copy of itself.
     */
    public float[] logits(int[] tokens, int rows) {
        try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
            scope.suppressNotUsedWarning();
            return forward(tokens(tokens, rows), null, null).toFloatArray();
        }
    }

    public Map<String, float[]> snapshot() {
        Map<String, float[]> m = new LinkedHashMap<>();
        params.forEach((k, v) -> m.put(k, v.toFloatArray()));
        return m;
    }

    /** Sets the weights from a snapshot of the same configuration; checks names and sizes first. */
    public void restore(Map<String, float[]> weights) {
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            float[] w = weights.get(e.getKey());
            if (w == null || w.length != e.getValue().getShape().size()) {
                throw new IllegalArgumentException("Gpt.restore: parameter '" + e.getKey() + "' needs "
                        + e.getValue().getShape().size() + " values, got " + (w == null ? "none" : w.length));
            }
        }
        params.forEach((k, v) -> v.set(weights.get(k)));
    }

    /**
     * Sets one parameter from float values (a checkpoint reader's way in); the shape must match. The model's
     * gradient flags stay as they are.
     */
    public void set(String name, float[] values) {
        NDArray p = params.get(name);
        if (p == null) {
            throw new IllegalArgumentException("Gpt.set: no parameter '" + name + "'; the parameters are "
                    + params.keySet());
        }
        if (values.length != p.getShape().size()) {
            throw new IllegalArgumentException("Gpt.set: parameter '" + name + "' " + p.getShape() + " needs "
                    + p.getShape().size() + " values, got " + values.length);
        }
        p.set(values);
    }

    /** The native memory of the model and its gradients. */
    @Override
    public void close() {
        manager.close();
    }
}
