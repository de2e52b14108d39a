import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.assay.lib.engine.Torch;
import ai.djl.ndarray.NDScope;
import org.assay.lib.model.GptConfig;
import org.assay.lib.model.KvCache;
import org.assay.lib.model.Precision;
import org.assay.lib.data.SyntheticLanguage;
import org.assay.lib.engine.Bf16;
import org.assay.lib.train.AdamW;
import org.assay.lib.sample.SamplingParams;
import org.assay.lib.train.TokenBatch;
import org.assay.lib.train.TrainingClient;

/**
 * The Java side of bench/train: training tokens/s, median step time and MFU for two configurations, then sampling
 * tokens/s with and without the KV cache. Then the same two configurations trained with bfloat16 products (float32
 * master weights), and the loss gap between bfloat16 and float32 after the same steps on a synthetic language. Run
 * through bench.py, which also runs the PyTorch peer (torch_peer.py) with
 * the same shapes, steps and threads, and compares. Prints one JSON object.
 * Usage: java -cp CLASSPATH TrainBench.java [STEPS=30] [WARMUP=10]   (threads: ASSAY_THREADS, else one per core)
 */
public class TrainBench {
    static final int BATCH = 16;
    static final int PROMPT_TOKENS = 16;
    static final int NEW_TOKENS = 256;
    static final double TRAIN_WARMUP_SECONDS = 10;
    static final double WARMUP_SECONDS = 3;
    static final double TIMED_SECONDS = 2;

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        if (steps < 1 || warmup < 0) {
            throw new IllegalArgumentException("TrainBench: steps must be >= 1 and warmup >= 0, got steps=" + steps
                    + ", warmup=" + warmup);
        }
        double peak = Torch.matmulPeakFlops(); // FLOP/s, the denominator of MFU
        Torch.Info info = Torch.info();
        StringBuilder json = new StringBuilder("{");
        json.append(String.format(Locale.ROOT, "\"java\": \"%s\", \"djl\": \"%s\", \"engine\": \"%s %s\", "
                        + "\"device\": \"%s\", \"threads\": %d, \"matmul_peak_flops\": %.4e, "
                        + "\"matmul_peak_gflops\": %.2f, \"cpu_blas\": \"%s\", \"allocator\": \"%s\", "
                        + "\"train_warmup_seconds\": %.1f, ",
                System.getProperty("java.version"), info.djlVersion(), info.engine(), info.engineVersion(),
                info.device(), Torch.threads(), peak, peak / 1e9, info.cpuBlas(), info.allocator(),
                TRAIN_WARMUP_SECONDS));
        GptConfig reference = GptConfig.small(256);
        GptConfig larger = GptConfig.small(256).withLayers(6).withWidth(256, 8);
        json.append("\"reference\": ").append(train("small(256)", reference, steps, warmup, peak, Precision.FLOAT32));
        json.append(", \"larger\": ").append(train("small(256).withLayers(6).withWidth(256, 8)", larger, steps,
                warmup, peak, Precision.FLOAT32));
        json.append(String.format(Locale.ROOT, ", \"bf16\": {\"native\": \"%s\", \"reference\": %s, \"larger\": %s, "
                + "\"loss_gap\": %s}", Bf16.nativeSupport(),
                train("small(256)", reference, steps, warmup, peak, Precision.BFLOAT16),
                train("small(256).withLayers(6).withWidth(256, 8)", larger, steps, warmup, peak, Precision.BFLOAT16),
                lossGap()));
        json.append(", \"sampling\": ").append(sampling());
        json.append(", \"long_generation\": ").append(longGeneration()).append('}');
        System.out.println(json);
    }

    /**
     * Untimed steps for at least {@code warmup} steps and {@link #TRAIN_WARMUP_SECONDS} (the JIT compiles the step's
     * Java code in the first seconds, on the cores the step runs on), then {@code steps} timed ones; each step:
     * forwardBackward + optimStep. The peer warms up by the same rule.
     */
    static String train(String name, GptConfig c, int steps, int warmup, double peak, Precision precision) {
        int t = c.contextLength();
        SplittableRandom rng = new SplittableRandom(1);
        double[] ms = new double[steps];
        double loss = Double.NaN;
        int warmed = 0;
        try (TrainingClient client = TrainingClient.create(c, 0).setPrecision(precision)) {
            long started = System.nanoTime();
            for (int i = 0; i < steps; ) {
                // Random bytes: (B, T+1) rows, inputs are the first T, targets the last T (untimed)
                int[][] b = rows(rng.ints((long) BATCH * (t + 1), 0, c.vocabSize()).toArray(), 0, t);
                boolean timed = warmed >= warmup && System.nanoTime() - started >= TRAIN_WARMUP_SECONDS * 1e9;
                long t0 = System.nanoTime();
                loss = client.forwardBackward(b[0], b[1], BATCH).loss();
                client.optimStep(AdamW.defaults());
                if (timed) {
                    ms[i++] = (System.nanoTime() - t0) / 1e6;
                } else {
                    warmed++;
                }
            }
        }
        double seconds = Arrays.stream(ms).sum() / 1e3;
        double tokensPerSec = (double) BATCH * t * steps / seconds;
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "{\"config\": \"%s\", \"precision\": \"%s\", \"layers\": %d, "
                        + "\"d_model\": %d, \"heads\": %d, "
                        + "\"context\": %d, \"batch\": %d, \"parameters\": %d, \"non_embedding_parameters\": %d, "
                        + "\"flops_per_token\": %.0f, \"steps\": %d, \"warmup\": %d, \"seconds\": %.3f, "
                        + "\"tokens_per_sec\": %.1f, \"step_ms_median\": %.2f, \"step_ms_min\": %.2f, \"step_ms_max\": %.2f, "
                        + "\"mfu\": %.4f, \"last_loss\": %.4f}",
                name, precision.id(), c.layers(), c.dModel(), c.heads(), t, BATCH,
                c.parameters(), c.nonEmbeddingParameters(),
                c.trainingFlopsPerToken(), steps, warmed, seconds, tokensPerSec, median(sorted), sorted[0], sorted[steps - 1],
                tokensPerSec * c.trainingFlopsPerToken() / peak, loss);
    }

    static final int GAP_STEPS = 300;
    static final int GAP_TAIL = 50;

    /**
     * The reference model trained {@link #GAP_STEPS} steps on SyntheticLanguage.small(1) (8 symbols, order 2, its
     * entropy rate known) from one seed and one stream of batches, once in float32 and once with bfloat16 products: the
     * mean training loss of the last {@link #GAP_TAIL} steps of each, and the validation loss on 8 held-out batches.
     */
    static String lossGap() {
        SyntheticLanguage language = SyntheticLanguage.small(1);
        GptConfig c = GptConfig.small(language.config().alphabetSize());
        int t = c.contextLength();
        int[] stream = language.generateSymbols(GAP_STEPS * BATCH * (t + 1) + 8 * BATCH * (t + 1), 2);
        int heldOut = GAP_STEPS * BATCH * (t + 1);
        List<String> parts = new ArrayList<>();
        double[] tails = new double[2];
        double[] vals = new double[2];
        Precision[] precisions = {Precision.FLOAT32, Precision.BFLOAT16};
        for (int k = 0; k < 2; k++) {
            try (TrainingClient client = TrainingClient.create(c, 0).setPrecision(precisions[k])) {
                double tail = 0;
                for (int step = 0; step < GAP_STEPS; step++) {
                    int[][] b = rows(stream, step * BATCH * (t + 1), t);
                    double loss = client.forwardBackward(b[0], b[1], BATCH).loss();
                    client.optimStep(AdamW.defaults().withLearningRate(3e-3));
                    tail += step >= GAP_STEPS - GAP_TAIL ? loss / GAP_TAIL : 0;
                }
                List<TokenBatch> validation = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    int[][] b = rows(stream, heldOut + i * BATCH * (t + 1), t);
                    validation.add(TokenBatch.of(b[0], b[1], BATCH));
                }
                double val = client.evaluate(validation, 1.0).loss();
                tails[k] = tail;
                vals[k] = val;
                parts.add(String.format(Locale.ROOT, "\"%s\": {\"train_loss_last_%d\": %.4f, \"val_loss\": %.4f}",
                        precisions[k].id(), GAP_TAIL, tail, val));
            }
        }
        return String.format(Locale.ROOT, "{\"data\": \"SyntheticLanguage.small(1)\", \"entropy_rate_nats\": %.4f, "
                + "\"config\": \"small(8)\", \"steps\": %d, \"learning_rate\": 3e-3, %s, "
                + "\"train_gap_bf16_minus_f32\": %.4f, \"val_gap_bf16_minus_f32\": %.4f}", language.entropyRateNats(),
                GAP_STEPS, String.join(", ", parts), tails[1] - tails[0], vals[1] - vals[0]);
    }

    /**
     * BATCH rows of (T + 1) tokens from {@code stream} at {@code from}: inputs the first T of each, targets the last T,
     * each (B, T) row-major.
     */
    static int[][] rows(int[] stream, int from, int t) {
        int[] in = new int[BATCH * t];
        int[] out = new int[BATCH * t];
        for (int r = 0; r < BATCH; r++) {
            System.arraycopy(stream, from + r * (t + 1), in, r * t, t);
            System.arraycopy(stream, from + r * (t + 1) + 1, out, r * t, t);
        }
        return new int[][] {in, out};
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * 256 new tokens after a 16-token prompt, for 1 and 8 samples at once, with the KV cache (one new token per step)
     * and with full recomputation of the whole sequence each step. The reference context (128) is too short for
     * 16 + 256 positions, so this model is the reference with context 512 (an untrained one: speed only).
     */
    static String sampling() {
        GptConfig c = GptConfig.small(256).withContextLength(512);
        int[] prompt = new SplittableRandom(2).ints(PROMPT_TOKENS, 0, 256).toArray();
        List<String> parts = new ArrayList<>();
        try (TrainingClient client = TrainingClient.create(c, 0)) {
            for (int n : new int[] {1, 8}) {
                double cached = 0;
                double full = 0;
                double cold = 0;
                for (boolean cache : new boolean[] {true, false}) {
                    SamplingParams p = SamplingParams.defaults().withMaxTokens(NEW_TOKENS).withSeed(3)
                            .withKvCache(cache);
                    // The first run (cold: class loading, interpreter) is reported; then runs for WARMUP_SECONDS
                    // untimed (cached decoding of one row reaches its steady speed after ~5,000 tokens: the JIT),
                    // then runs for TIMED_SECONDS timed. The peer does the same.
                    long t0 = System.nanoTime();
                    int first = produced(client.sample(prompt, p, n));
                    double coldRate = first / ((System.nanoTime() - t0) / 1e9);
                    while (System.nanoTime() - t0 < WARMUP_SECONDS * 1e9) {
                        client.sample(prompt, p, n);
                    }
                    double rate = timed(() -> produced(client.sample(prompt, p, n))).rate(); // new tokens/s
                    if (cache) {
                        cached = rate;
                        cold = coldRate;
                    } else {
                        full = rate;
                    }
                }
                parts.add(String.format(Locale.ROOT, "\"n%d\": {\"decoder\": \"%s\", "
                        + "\"kv_cache_tokens_per_sec\": %.1f, "
                        + "\"full_recompute_tokens_per_sec\": %.1f, \"kv_cache_speedup\": %.2f, "
                        + "\"kv_cache_first_run_tokens_per_sec\": %.1f}", n, client.decoderFor(n, NEW_TOKENS), cached,
                        full, cached / full, cold));
            }
        }
        return String.format(Locale.ROOT, "{\"config\": \"small(256).withContextLength(512)\", \"context\": %d, "
                + "\"prompt_tokens\": %d, \"new_tokens\": %d, \"warmup_seconds\": %.1f, \"timed_seconds\": %.1f, %s}",
                c.contextLength(), PROMPT_TOKENS, NEW_TOKENS, WARMUP_SECONDS, TIMED_SECONDS, String.join(", ", parts));
    }

    static final int LONG_NEW_TOKENS = 1024;

    /**
     * Long generations, as a model that thinks writes them: 1 and 16 samples of 1,024 new tokens after a 16-token
     * prompt, with the KV cache, on the reference model with context 1,152. Untimed runs for WARMUP_SECONDS (at least
     * one), then timed runs for TIMED_SECONDS (at least one); the peer does the same. And the KV cache's bytes per
     * token, measured on a cache the model filled, beside GptConfig's formula.
     */
    static String longGeneration() {
        GptConfig c = GptConfig.small(256).withContextLength(PROMPT_TOKENS + LONG_NEW_TOKENS + 112);
        int[] prompt = new SplittableRandom(2).ints(PROMPT_TOKENS, 0, 256).toArray();
        List<String> parts = new ArrayList<>();
        try (TrainingClient client = TrainingClient.create(c, 0)) {
            SamplingParams p = SamplingParams.defaults().withMaxTokens(LONG_NEW_TOKENS).withSeed(3);
            for (int n : new int[] {1, 16}) {
                long t0 = System.nanoTime();
                do {
                    client.sample(prompt, p, n);
                } while (System.nanoTime() - t0 < WARMUP_SECONDS * 1e9);
                Timed t = timed(() -> produced(client.sample(prompt, p, n)));
                parts.add(String.format(Locale.ROOT, "\"n%d\": {\"decoder\": \"%s\", \"tokens_per_sec\": %.1f, "
                        + "\"timed_tokens\": %d}", n, client.decoderFor(n, LONG_NEW_TOKENS), t.rate(), t.tokens()));
            }
            long measured;
            try (KvCache cache = new KvCache(client.model()); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                client.model().forward(client.model().tokens(prompt, 1), cache, null);
                measured = cache.bytes() / cache.length();
            }
            parts.add(String.format(Locale.ROOT, "\"kv_cache_bytes_per_token\": %d, "
                    + "\"kv_cache_bytes_per_token_formula\": %d", measured, c.kvCacheBytesPerToken()));
        }
        return String.format(Locale.ROOT, "{\"config\": \"small(256).withContextLength(%d)\", \"prompt_tokens\": %d, "
                + "\"new_tokens\": %d, \"warmup_seconds\": %.1f, \"timed_seconds\": %.1f, %s}", c.contextLength(),
                PROMPT_TOKENS, LONG_NEW_TOKENS, WARMUP_SECONDS, TIMED_SECONDS, String.join(", ", parts));
    }

    /** Tokens produced in a timed stretch, and its seconds. */
    record Timed(long tokens, double seconds) {
        double rate() {
            return tokens / seconds;
        }
    }

    /** {@code run} (which returns the tokens it produced) again and again for TIMED_SECONDS, at least once. */
    static Timed timed(java.util.function.IntSupplier run) {
        long produced = 0;
        long t0 = System.nanoTime();
        do {
            produced += run.getAsInt();
        } while (System.nanoTime() - t0 < TIMED_SECONDS * 1e9);
        return new Timed(produced, (System.nanoTime() - t0) / 1e9);
    }

    static int produced(List<org.assay.lib.sample.Sample> samples) {
        return samples.stream().mapToInt(s -> s.tokens().length).sum();
    }
}
