package org.assay.lib.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.assay.lib.engine.Torch;
import org.assay.lib.model.CpuDecoder;
import org.assay.lib.model.Dropout;
import org.assay.lib.model.Gpt;
import org.assay.lib.model.GptConfig;
import org.assay.lib.model.Precision;
import org.assay.lib.sample.Decoder;
import org.assay.lib.sample.Generator;
import org.assay.lib.sample.Sample;
import org.assay.lib.sample.SamplingParams;

/**
 * The training primitives, in the spirit of Tinker: {@link #forwardBackward} computes a loss and accumulates its
 * gradients, {@link #optimStep} applies them (averaged over the forwardBackward calls since the last step) with
 * AdamW, {@link #sample} generates with a KV cache, and {@link #saveState}/{@link #loadState} checkpoint everything a
 * run needs to continue bit-identically on CPU. A loop written from these is a few lines; {@link Pretrain} is one
 * ready-made.
 *
 * <p>Every step's activations live in an {@link NDScope} and are freed when the call returns, so native memory stays
 * flat however long the run.
 */
public final class TrainingClient implements AutoCloseable {
    private final Gpt model;
    private final long seed;
    private final NDManager optimizerMemory;
    private final Map<String, NDArray[]> moments = new LinkedHashMap<>(); // name -> {m, v}
    private long step;
    private int pendingMicroBatches;

    private TrainingClient(Gpt model, long seed) {
        this.model = model;
        this.seed = seed;
        this.optimizerMemory = Torch.engine().newBaseManager(model.device());
    }

    /** A new model from {@code config}, initialised from {@code seed}; the seed also drives dropout. */
    public static TrainingClient create(GptConfig config, long seed) {
        return new TrainingClient(Gpt.create(config, seed), seed);
    }

    /**
     * A client of its own holding a copy of this model's current weights (no optimizer state): the frozen reference
     * that RL and preference losses measure a policy against.
     */
    public TrainingClient copy() {
        TrainingClient c = create(model.config(), seed);
        c.model().restore(model.snapshot());
        c.setPrecision(precision());
        return c;
    }

    /** Trains an existing model (the client owns it from now on and closes it). */
    public static TrainingClient of(Gpt model, long seed) {
        return new TrainingClient(model, seed);
    }

    /**
     * A client for the Hugging Face checkpoint in {@code dir} ({@code config.json} and safetensors weights of a
     * gpt2, llama or qwen2 model; {@link org.assay.lib.model.Pretrained}), seed 0 for what it draws.
     */
    public static TrainingClient fromPretrained(Path dir) {
        return fromPretrained(dir, 0);
    }

    /** {@link #fromPretrained(Path)} with the seed its dropout, sampling and data order start from. */
    public static TrainingClient fromPretrained(Path dir, long seed) {
        return of(org.assay.lib.model.Pretrained.load(dir), seed);
    }

    /** The model in Hugging Face's format, float32 weights ({@link org.assay.lib.model.Pretrained#save}). */
    public void savePretrained(Path dir) {
        org.assay.lib.model.Pretrained.save(model, dir);
    }

    /**
     * The model and its tokenizer in Hugging Face's format: a folder transformers, {@code Tokenizer.fromPretrained}
     * and {@code ./assay sample} read whole.
     */
    public void savePretrained(Path dir, org.assay.lib.data.Tokenizer tokenizer) {
        org.assay.lib.model.Pretrained.save(model, dir,
                org.assay.lib.model.Pretrained.SaveOptions.defaults().withTokenizer(tokenizer));
    }

    /** As {@link #savePretrained(Path)}, in the dtype, shard size and with the tokenizer of {@code options}. */
    public void savePretrained(Path dir, org.assay.lib.model.Pretrained.SaveOptions options) {
        org.assay.lib.model.Pretrained.save(model, dir, options);
    }

    public Gpt model() {
        return model;
    }

    /**
     * The precision of the model's matrix products in every call from now on: {@link Precision#BFLOAT16} is mixed
     * precision as under {@code torch.autocast(dtype=torch.bfloat16)}, float32 master weights, gradients and AdamW
     * moments; checkpoints are float32 either way.
     */
    public TrainingClient setPrecision(Precision p) {
        model.setPrecision(p);
        return this;
    }

    public Precision precision() {
        return model.precision();
    }

    public GptConfig config() {
        return model.config();
    }

    /** Optimizer steps taken. */
    public long step() {
        return step;
    }

    public long seed() {
        return seed;
    }

    /** Cross-entropy on next-token targets, weighted by the batch's weights. */
    public Results.ForwardBackward forwardBackward(TokenBatch batch) {
        return forwardBackward(batch, LossFn.crossEntropy());
    }

    /** {@link #forwardBackward(TokenBatch)} of {@code TokenBatch.of(inputs, targets, rows)}: every token weighted 1. */
    public Results.ForwardBackward forwardBackward(int[] inputs, int[] targets, int rows) {
        return forwardBackward(TokenBatch.of(inputs, targets, rows));
    }

    /**
     * Computes {@code loss} on a batch and accumulates its gradients; the loss sees the batch's weights and extras.
     */
    public Results.ForwardBackward forwardBackward(TokenBatch batch, LossFn loss) {
        String fn = "forwardBackward";
        int[] inputs = batch.inputs();
        int[] targets = batch.targets();
        float[] weights = batch.weights();
        int rows = batch.rows();
        Map<String, float[]> extra = batch.extras();
        int t = batch.width();
        requireContext(fn, t);
        long counted = 0;
        for (float w : weights) {
            if (!Float.isFinite(w) || w < 0) {
                throw new IllegalArgumentException(fn + ": weights must be finite and >= 0, got " + w);
            }
            counted += w > 0 ? 1 : 0;
        }
        if (counted == 0) {
            throw new IllegalArgumentException(fn + ": every weight is 0, so there is no token to learn from");
        }
        Engine engine = Torch.engine();
        try (NDScope scope = new NDScope(); GradientCollector collector = engine.newGradientCollector()) {
            scope.suppressNotUsedWarning();
            NDArray hidden = model.hidden(model.tokens(inputs, rows), null, new Dropout(config().dropout(), seed,
                    step * 1_000_003L + pendingMicroBatches));                                    // (B, T, d)
            NDArray distribution = model.lmHead(hidden).logSoftmax(2);                          // (B, T, V)
            NDArray values = model.hasValueHead() ? model.values(hidden) : null;                // (B, T)
            NDArray logprobs = targetLogprobs(distribution, targets, rows);                    // (B, T)
            Shape bt = new Shape(rows, t);
            Map<String, NDArray> extraArrays = new LinkedHashMap<>();
            extra.forEach((name, v) -> extraArrays.put(name, floats(v, v.length == inputs.length ? bt
                    : new Shape(rows, t, v.length / inputs.length))));
            NDArray value = loss.loss(new LossFn.Inputs(logprobs, floats(weights, bt), extraArrays, distribution,
                    values));
            if (value.getShape().size() != 1) {
                throw new IllegalArgumentException(fn + ": the loss must be a scalar, got shape " + value.getShape());
            }
            double lossValue = value.getFloat();
            if (!Double.isFinite(lossValue)) {
                throw new IllegalStateException(fn + ": the loss is " + lossValue + " at step " + step
                        + "; no gradients were accumulated");
            }
            collector.backward(value);
            pendingMicroBatches++;
            return new Results.ForwardBackward(lossValue, logprobs.toFloatArray(), counted,
                    values == null ? null : values.toFloatArray());
        }
    }

    /** (B, T, V) log-softmax of the next-token logits; dropout null for evaluation. */
    private NDArray logSoftmax(int[] inputs, int rows, Dropout dropout) {
        return model.forward(model.tokens(inputs, rows), null, dropout).logSoftmax(2);
    }

    /** (B, T) log-probabilities of the targets under a (B, T, V) log-softmax. */
    private NDArray targetLogprobs(NDArray distribution, int[] targets, int rows) {
        NDArray targetIds = model.tokens(targets, rows).expandDims(2); // (B, T, 1)
        return distribution.gather(targetIds, 2).squeeze(2);          // (B, T)
    }

    /**
     * Applies the gradients accumulated since the last step, averaged over the forwardBackward calls, with AdamW;
     * clips them to {@code params.gradClipNorm()} first; then zeroes them.
     */
    public Results.OptimStep optimStep(AdamW params) {
        if (pendingMicroBatches == 0) {
            throw new IllegalStateException("optimStep: no gradients; call forwardBackward first");
        }
        int k = pendingMicroBatches;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray sumSquares = null;
            for (NDArray p : model.trainableParameters().values()) {
                NDArray s = p.getGradient().square().sum();
                sumSquares = sumSquares == null ? s : sumSquares.add(s);
            }
            double gradNorm = Math.sqrt(sumSquares.getFloat()) / k;
            if (!Double.isFinite(gradNorm)) {
                zeroGradients();
                pendingMicroBatches = 0;
                throw new IllegalStateException("optimStep: the gradient norm is " + gradNorm + " at step " + step
                        + "; the step was skipped and the gradients zeroed");
            }
            boolean clipped = params.gradClipNorm() > 0 && gradNorm > params.gradClipNorm();
            double rescale = (clipped ? params.gradClipNorm() / (gradNorm + 1e-6) : 1.0) / k;
            long t = step + 1;
            double bc1 = 1 - Math.pow(params.beta1(), t);
            double bc2 = 1 - Math.pow(params.beta2(), t);
            // DJL's fused update: w -= lrBC·m/(√v + eps') + lr·wd·w; with lrBC = lr·√bc2/bc1 and eps' = eps·√bc2 it is
            // exactly torch.optim.AdamW's bias-corrected step.
            float lrCorrected = (float) (params.learningRate() * Math.sqrt(bc2) / bc1);
            float eps = (float) (params.eps() * Math.sqrt(bc2));
            for (Map.Entry<String, NDArray> e : model.trainableParameters().entrySet()) {
                NDArray w = e.getValue();
                NDArray[] mv = moments.computeIfAbsent(e.getKey(), name -> {
                    NDArray[] zeros = {optimizerMemory.zeros(w.getShape()), optimizerMemory.zeros(w.getShape())};
                    NDScope.unregister(zeros); // optimizer state outlives the step
                    return zeros;
                });
                float decay = w.getShape().dimension() >= 2 ? (float) params.weightDecay() : 0f;
                NDArray g = w.getGradient();
                w.getNDArrayInternal().adamUpdate(new NDList(w, g, mv[0], mv[1]), new NDList(w),
                        (float) params.learningRate(), lrCorrected, decay, (float) rescale, -1f,
                        (float) params.beta1(), (float) params.beta2(), eps, false, true);
            }
            zeroGradients();
            pendingMicroBatches = 0;
            step++;
            return new Results.OptimStep(step, params.learningRate(), gradNorm, clipped, k);
        }
    }

    private void zeroGradients() {
        for (NDArray p : model.trainableParameters().values()) {
            JniUtils.zeroGrad((PtNDArray) p);
        }
    }

    /**
     * Log-probability of each target under the model, for rows × T inputs and targets in one batched forward pass
     * without gradients (a reference policy's log-probabilities, a scorer's).
     */
    public float[] computeLogprobs(TokenBatch batch) {
        requireContext("computeLogprobs", batch.width());
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return targetLogprobs(logSoftmax(batch.inputs(), batch.rows(), null), batch.targets(), batch.rows())
                    .toFloatArray();
        }
    }

    /** The value head's output at every position of the batch, (rows × T), without gradients (a critic's). */
    public float[] computeValues(TokenBatch batch) {
        if (!model.hasValueHead()) {
            throw new IllegalStateException("computeValues: the model has no value head; call model().addValueHead"
                    + " first");
        }
        requireContext("computeValues", batch.width());
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return model.values(model.hidden(model.tokens(batch.inputs(), batch.rows()), null, null)).toFloatArray();
        }
    }

    /**
     * The {@code k} most likely next tokens at every position of the batch and their log-probabilities, most likely
     * first, in one forward pass without gradients (Tinker's top-k prompt logprobs; a teacher's targets for
     * distillation). {@code k} = vocabSize gives the whole distribution.
     */
    public Results.TopLogprobs computeTopLogprobs(TokenBatch batch, int k) {
        int v = config().vocabSize();
        if (k < 1 || k > v) {
            throw new IllegalArgumentException("computeTopLogprobs: k must be in [1, vocabSize=" + v + "], got " + k);
        }
        requireContext("computeTopLogprobs", batch.width());
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray all = logSoftmax(batch.inputs(), batch.rows(), null);   // (B, T, V)
            NDList top = all.topK(k, 2, true, true);                          // values, indices: (B, T, k)
            long[] ids = top.get(1).toLongArray();
            int[] tokens = new int[ids.length];
            for (int i = 0; i < ids.length; i++) {
                tokens[i] = (int) ids[i];
            }
            return new Results.TopLogprobs(batch.rows(), batch.width(), k, tokens, top.get(0).toFloatArray());
        }
    }

    /** The model's logits for one row of tokens, (T, V) row-major ({@link Gpt#logits}). */
    public float[] logits(int[] tokens) {
        requireContext("logits", tokens.length);
        return model.logits(tokens, 1);
    }

    /** Log-probability of each token given those before it: element 0 is NaN (nothing precedes it). */
    public float[] computeLogprobs(int[] tokens) {
        if (tokens.length < 2) {
            throw new IllegalArgumentException("computeLogprobs: needs at least 2 tokens, got " + tokens.length);
        }
        float[] lp = computeLogprobs(TokenBatch.of(Arrays.copyOf(tokens, tokens.length - 1),
                Arrays.copyOfRange(tokens, 1, tokens.length), 1));
        float[] out = new float[tokens.length];
        out[0] = Float.NaN;
        System.arraycopy(lp, 0, out, 1, lp.length);
        return out;
    }

    /**
     * Mean cross-entropy over evaluation batches, each position weighted by its batch weight (so a prompt-completion
     * batch is scored on its completions only, as it trains), and bits per byte.
     *
     * @param bytesPerToken UTF-8 bytes per token of the tokenizer on this text (1 for bytes)
     */
    public Results.Evaluation evaluate(List<TokenBatch> batches, double bytesPerToken) {
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("evaluate: no batches");
        }
        if (!(bytesPerToken > 0)) {
            throw new IllegalArgumentException("evaluate: bytesPerToken must be > 0, got " + bytesPerToken);
        }
        double sum = 0;
        double weight = 0;
        long n = 0;
        for (TokenBatch batch : batches) {
            requireContext("evaluate", batch.width());
            float[] lp = computeLogprobs(batch);
            float[] w = batch.weights();
            for (int i = 0; i < lp.length; i++) {
                sum -= (double) w[i] * lp[i];
                weight += w[i];
                n += w[i] > 0 ? 1 : 0;
            }
        }
        if (!(weight > 0)) {
            throw new IllegalArgumentException("evaluate: every position of the " + batches.size()
                    + " batch(es) has weight 0; nothing to score");
        }
        double loss = sum / weight;
        return new Results.Evaluation(loss, loss / Math.log(2) / bytesPerToken, n);
    }

    /**
     * Which code {@link #sample} runs its cached steps with for {@code rows} rows and {@code maxTokens} new tokens:
     * the {@link CpuDecoder} or libtorch; see {@code ASSAY_DECODER} in lib/README.md.
     */
    public Decoder decoderFor(int rows, int maxTokens) {
        return Generator.decoderFor(model, rows, maxTokens);
    }

    /**
     * {@code n} continuations of {@code prompt}, sampled together as one batch. With {@code params.kvCache()} each
     * step feeds only the new token; without it the whole sequence is recomputed (the slow reference).
     */
    public List<Sample> sample(int[] prompt, SamplingParams params, int n) {
        return sample(List.of(prompt), new long[] {params.seed()}, params, n).get(0);
    }

    /** As {@link #sample(int[], SamplingParams, int)}, telling {@code listener} each token as it is drawn. */
    public List<Sample> sample(int[] prompt, SamplingParams params, int n,
                               org.assay.lib.sample.TokenListener listener) {
        return Generator.sample(model, List.of(prompt), new long[] {params.seed()}, params, n, listener).get(0);
    }

    /**
     * {@code n} continuations of each of several prompts of one length, all sampled together as one batch (rollouts
     * of many prompts at once); the samples of prompt g are drawn as {@code sample(prompts[g],
     * params.withSeed(seeds[g]), n)} draws them.
     */
    public List<List<Sample>> sample(List<int[]> prompts, long[] seeds, SamplingParams params, int n) {
        return Generator.sample(model, prompts, seeds, params, n);
    }

    /** Weights, optimizer moments, step, seed and the caller's extra state (e.g. the data position), atomically. */
    public void saveState(Path dir, Map<String, String> extra) {
        Map<String, float[]> m = new LinkedHashMap<>();
        Map<String, float[]> v = new LinkedHashMap<>();
        moments.forEach((name, mv) -> {
            m.put(name, mv[0].toFloatArray());
            v.put(name, mv[1].toFloatArray());
        });
        Checkpoint.write(dir, config(), model.snapshot(), m, v, step, seed, extra);
    }

    /** Restores what {@link #saveState} wrote; returns its extra state. The configuration must match. */
    public Map<String, String> loadState(Path dir) {
        return loadState(dir, Checkpoint.read(dir));
    }

    /**
     * Restores the newest checkpoint under {@code runDir/checkpoints} that reads back whole (newer corrupt ones are
     * moved aside, as {@link Pretrain#resume} does); returns its extra state. Call it with the run locked.
     */
    public Map<String, String> loadNewestState(Path runDir) {
        List<Map<String, String>> extra = new java.util.ArrayList<>(1);
        Pretrain.newestValidCheckpoint(runDir, (dir, c) -> extra.add(loadState(dir, c)));
        return extra.get(0);
    }

    /** {@link #loadState(Path)} of a checkpoint already read from {@code dir}. */
    Map<String, String> loadState(Path dir, Checkpoint c) {
        if (!c.config().equals(config())) {
            throw new IllegalArgumentException("loadState(" + dir + "): the checkpoint's configuration " + c.config()
                    + " differs from this model's " + config());
        }
        if (pendingMicroBatches != 0) {
            throw new IllegalStateException("loadState: " + pendingMicroBatches
                    + " forwardBackward call(s) are pending; call optimStep first or start a new client");
        }
        model.restore(c.weights());
        moments.values().forEach(mv -> {
            mv[0].close();
            mv[1].close();
        });
        moments.clear();
        c.firstMoments().forEach((name, values) -> {
            NDArray w = model.parameters().get(name);
            if (w == null) {
                throw new IllegalArgumentException("loadState(" + dir + "): optimizer state for unknown parameter '"
                        + name + "'");
            }
            moments.put(name, new NDArray[] {optimizerMemory.create(values, w.getShape()),
                    optimizerMemory.create(c.secondMoments().get(name), w.getShape())});
        });
        step = c.step();
        return c.extra();
    }

    /** The weights alone (for inference), atomically. */
    public void saveWeights(Path dir) {
        Checkpoint.write(dir, config(), model.snapshot(), Map.of(), Map.of(), step, seed, Map.of());
    }

    private NDArray floats(float[] v, Shape shape) {
        return model.parameters().get("wte").getManager().create(v, shape);
    }

    private void requireContext(String fn, int t) {
        if (t > config().contextLength()) {
            throw new IllegalArgumentException(fn + ": sequences of " + t + " tokens exceed contextLength "
                    + config().contextLength());
        }
    }

    @Override
    public void close() {
        optimizerMemory.close();
        model.close();
    }
}
