import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.assay.lib.engine.Torch;
import org.assay.lib.model.GptConfig;
import org.assay.lib.train.AdamW;
import org.assay.lib.train.SamplingParams;
import org.assay.lib.train.TrainingClient;

/**
 * The Java side of bench/train: training tokens/s, step time and MFU for two configurations, and sampling tokens/s
 * with and without the KV cache. Prints one JSON object. Args: steps warmup.
 */
public class TrainBench {
    static final int BATCH = 16;

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        double peak = Torch.matmulPeakFlops();
        StringBuilder json = new StringBuilder("{");
        json.append(String.format(Locale.ROOT, "\"threads\": %d, \"device\": \"%s\", \"matmul_peak_gflops\": %.2f, ",
                Torch.threads(), Torch.info().device(), peak / 1e9));
        json.append("\"reference\": ").append(train(GptConfig.small(256), steps, warmup, peak)).append(", ");
        json.append("\"larger\": ").append(train(GptConfig.small(256).withLayers(6).withWidth(256, 8),
                Math.max(2, steps / 2), warmup, peak)).append(", ");
        json.append("\"sampling\": ").append(sampling()).append("}");
        System.out.println(json);
    }

    static String train(GptConfig c, int steps, int warmup, double peak) {
        int t = c.contextLength();
        SplittableRandom rng = new SplittableRandom(1);
        double[] ms = new double[steps];
        double loss = 0;
        try (TrainingClient client = TrainingClient.create(c, 0)) {
            for (int i = -warmup; i < steps; i++) {
                int[] seq = rng.ints((long) BATCH * (t + 1), 0, c.vocabSize()).toArray();
                int[] in = new int[BATCH * t];
                int[] out = new int[BATCH * t];
                for (int r = 0; r < BATCH; r++) {
                    System.arraycopy(seq, r * (t + 1), in, r * t, t);
                    System.arraycopy(seq, r * (t + 1) + 1, out, r * t, t);
                }
                long t0 = System.nanoTime();
                loss = client.forwardBackward(in, out, BATCH).loss();
                client.optimStep(AdamW.defaults());
                if (i >= 0) {
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
        }
        double total = Arrays.stream(ms).sum() / 1e3;
        double tokensPerSec = (double) BATCH * t * steps / total;
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "{\"layers\": %d, \"d_model\": %d, \"heads\": %d, \"context\": %d, "
                        + "\"batch\": %d, \"parameters\": %d, \"flops_per_token\": %.0f, \"steps\": %d, "
                        + "\"tokens_per_sec\": %.1f, \"step_ms_median\": %.2f, \"mfu\": %.4f, \"last_loss\": %.4f}",
                c.layers(), c.dModel(), c.heads(), t, BATCH, c.parameters(), c.trainingFlopsPerToken(), steps,
                tokensPerSec, sorted[steps / 2], tokensPerSec * c.trainingFlopsPerToken() / peak, loss);
    }

    static String sampling() {
        GptConfig c = GptConfig.small(256).withContextLength(512);
        int[] prompt = new SplittableRandom(2).ints(16, 0, 256).toArray();
        List<String> parts = new ArrayList<>();
        try (TrainingClient client = TrainingClient.create(c, 0)) {
            for (int n : new int[] {1, 8}) {
                double cached = 0;
                double full = 0;
                for (boolean cache : new boolean[] {true, false}) {
                    SamplingParams p = SamplingParams.defaults().withMaxTokens(256).withSeed(3).withKvCache(cache);
                    client.sample(prompt, p.withMaxTokens(64), n); // warm-up (JIT)
                    long t0 = System.nanoTime();
                    int produced = client.sample(prompt, p, n).stream().mapToInt(s -> s.tokens().length).sum();
                    double rate = produced / ((System.nanoTime() - t0) / 1e9);
                    if (cache) {
                        cached = rate;
                    } else {
                        full = rate;
                    }
                }
                parts.add(String.format(Locale.ROOT, "\"n%d\": {\"kv_cache_tokens_per_sec\": %.1f, "
                        + "\"full_recompute_tokens_per_sec\": %.1f, \"speedup\": %.2f}", n, cached, full, cached / full));
            }
        }
        return String.format(Locale.ROOT, "{\"config\": \"small(256) with context 512\", \"prompt_tokens\": 16, "
                + "\"new_tokens\": 256, %s}", String.join(", ", parts));
    }
}
