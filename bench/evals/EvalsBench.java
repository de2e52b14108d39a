import java.io.DataInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.assay.evals.Eval;
import org.assay.evals.EvalResult;
import org.assay.evals.PassAtK;
import org.assay.evals.Sampler;
import org.assay.evals.tasks.Task;
import org.assay.evals.tasks.TaskSuites;
import org.assay.lib.data.CharTokenizer;
import org.assay.lib.engine.Torch;
import org.assay.lib.model.GptConfig;
import org.assay.lib.train.ModelSampler;
import org.assay.lib.sample.SamplingParams;
import org.assay.lib.train.TrainingClient;

/**
 * Java side of bench/evals, run by bench.py. Prints one JSON object:
 * pass@k over the (n, c, k) triples of TRIPLES (int32 little-endian, n c k per triple), with the results written as
 * float64 little-endian to OUT for the peer to compare; the runner's scoring throughput with an instant fake sampler;
 * end-to-end samples/s of a tiny untrained model through ModelSampler.
 * Usage: java -cp CLASSPATH EvalsBench.java TRIPLES OUT REPEATS
 */
public class EvalsBench {
    public static void main(String[] args) throws Exception {
        int[] triples = readInts(Path.of(args[0]));
        int m = triples.length / 3;
        int repeats = Integer.parseInt(args[2]);
        double[] out = new double[m];
        double best = Double.MAX_VALUE;
        for (int r = 0; r < repeats + 1; r++) { // the first is the JIT's warm-up
            long t0 = System.nanoTime();
            for (int i = 0; i < m; i++) {
                out[i] = PassAtK.estimate(triples[3 * i], triples[3 * i + 1], triples[3 * i + 2]);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (r > 0) {
                best = Math.min(best, s);
            }
        }
        ByteBuffer bytes = ByteBuffer.allocate(8 * m).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : out) {
            bytes.putDouble(v);
        }
        Files.write(Path.of(args[1]), bytes.array());

        // the runner with an instant sampler: extraction, checking, scoring, the per-sample table and the summary
        List<Task> suite = TaskSuites.arithmetic(2000, 3, 1);
        int samples = 16;
        Sampler fake = (prompt, n, seed) -> {
            List<Sampler.Completion> got = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String text = "Let me compute it.\nAnswer: " + (seed % 1000 + i) + "\n";
                got.add(new Sampler.Completion(text, prompt.length(), text.length(), -i));
            }
            return got;
        };
        Eval eval = Eval.of(suite).withSamples(samples).withProgress(false).withIntervals(0.95, 200);
        eval.run(fake).summary(1, 4, 16); // warm-up
        long r0 = System.nanoTime();
        EvalResult result = eval.run(fake);
        double runSeconds = (System.nanoTime() - r0) / 1e9;
        long s0 = System.nanoTime();
        var summary = result.summary(1, 4, 16);
        double summarySeconds = (System.nanoTime() - s0) / 1e9;

        // a tiny untrained model end to end: 16 samples of 8 new tokens per item, batched
        List<Task> modelSuite = TaskSuites.arithmetic(50, 2, 2);
        StringBuilder alphabet = new StringBuilder("0123456789+-*? =\n:");
        modelSuite.forEach(t -> alphabet.append(t.prompt()));
        CharTokenizer chars = CharTokenizer.fit(alphabet + "Answer");
        double modelSeconds;
        long modelTokens;
        int modelSamples = 16;
        try (TrainingClient client = TrainingClient.create(GptConfig.tiny(chars.vocabSize()), 1)) {
            ModelSampler sampler = ModelSampler.of(client, chars, SamplingParams.defaults().withMaxTokens(8));
            Eval modelEval = Eval.of(modelSuite).withPrompt(t -> t.prompt() + "\n").withSamples(modelSamples)
                    .withBatch(modelSamples).withProgress(false).withIntervals(0.95, 200);
            modelEval.run(sampler); // warm-up
            long m0 = System.nanoTime();
            EvalResult r = modelEval.run(sampler);
            modelSeconds = (System.nanoTime() - m0) / 1e9;
            modelTokens = r.generatedTokens();
        }
        int totalSamples = suite.size() * samples;
        System.out.println(String.format(Locale.ROOT, "{\"java\": \"%s\", \"threads\": %d,"
                        + " \"pass_at_k\": {\"triples\": %d, \"seconds_best_of_%d\": %.4f, \"triples_per_sec\": %.0f},"
                        + " \"runner_fake_sampler\": {\"items\": %d, \"samples_per_item\": %d, \"run_seconds\": %.4f,"
                        + " \"items_per_sec\": %.0f, \"samples_per_sec\": %.0f, \"summary_seconds\": %.4f,"
                        + " \"summary_rows\": %d},"
                        + " \"runner_tiny_model\": {\"config\": \"GptConfig.tiny (2 layers, width 64), untrained\","
                        + " \"items\": %d, \"samples_per_item\": %d, \"new_tokens_per_sample\": 8, \"seconds\": %.3f,"
                        + " \"samples_per_sec\": %.1f, \"tokens_per_sec\": %.0f}}",
                System.getProperty("java.version"), Torch.threads(), m, repeats, best, m / best, suite.size(), samples,
                runSeconds, suite.size() / runSeconds, totalSamples / runSeconds, summarySeconds, summary.rowCount(),
                modelSuite.size(), modelSamples, modelSeconds, modelSuite.size() * modelSamples / modelSeconds,
                modelTokens / modelSeconds));
    }

    private static int[] readInts(Path file) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int[] v = new int[raw.length / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getInt();
        }
        return v;
    }
}
