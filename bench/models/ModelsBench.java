import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.assay.lib.engine.Torch;
import org.assay.lib.model.Gpt;
import org.assay.lib.model.GptConfig;
import org.assay.lib.model.Pretrained;
import org.assay.lib.model.Safetensors;
import org.assay.lib.sample.Generator;
import org.assay.lib.sample.SamplingParams;

/**
 * The Java side of bench/models. Two modes, each in a JVM of its own so that the peak resident memory of a load is
 * the load's own:
 *   write DIR   a GPT-2-small-shaped model (124M parameters, transformers' gpt2 config) with random weights, saved
 *               by Pretrained.save to DIR/f32 and DIR/bf16; prints their sizes
 *   load DIR    Pretrained.load(DIR) after the engine has started, then greedy sampling of 64 tokens after a 16-token
 *               prompt; prints load seconds, resident memory (VmRSS, VmHWM from /proc/self/status), first-token
 *               latency and tokens/s
 * Usage: java -cp CLASSPATH ModelsBench.java write|load DIR
 */
public class ModelsBench {
    static final String GPT2_SMALL = "{\"model_type\": \"gpt2\", \"vocab_size\": 50257, \"n_positions\": 1024,"
            + " \"n_embd\": 768, \"n_layer\": 12, \"n_head\": 12, \"activation_function\": \"gelu_new\","
            + " \"layer_norm_epsilon\": 1e-5, \"tie_word_embeddings\": true}";
    static final int PROMPT = 16;
    static final int NEW_TOKENS = 64;

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !List.of("write", "load").contains(args[0])) {
            throw new IllegalArgumentException("usage: ModelsBench.java write|load DIR");
        }
        Path dir = Path.of(args[1]);
        if (args[0].equals("write")) {
            write(dir);
        } else {
            load(dir);
        }
    }

    static void write(Path dir) throws Exception {
        Path spec = Files.createDirectories(dir.resolve("spec"));
        Files.writeString(spec.resolve("config.json"), GPT2_SMALL);
        GptConfig config = Pretrained.config(spec);
        long t0 = System.nanoTime();
        try (Gpt model = Gpt.create(config, 1)) {
            Pretrained.save(model, dir.resolve("f32"));
            Pretrained.save(model, dir.resolve("bf16"),
                    Pretrained.SaveOptions.defaults().withDtype(Safetensors.DType.BF16));
        }
        System.out.printf(Locale.ROOT, "{\"parameters\": %d, \"f32_bytes\": %d, \"bf16_bytes\": %d,"
                        + " \"write_seconds\": %.2f}%n", config.parameters(),
                Files.size(dir.resolve("f32/model.safetensors")), Files.size(dir.resolve("bf16/model.safetensors")),
                (System.nanoTime() - t0) / 1e9);
    }

    static void load(Path dir) throws Exception {
        long e0 = System.nanoTime();
        Torch.engine();
        double engineSeconds = (System.nanoTime() - e0) / 1e9;
        long rssBefore = status("VmRSS");
        long t0 = System.nanoTime();
        try (Gpt model = Pretrained.load(dir)) {
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            long rssAfter = status("VmRSS");
            long peak = status("VmHWM");
            SplittableRandom random = new SplittableRandom(3);
            int[] prompt = random.ints(PROMPT, 0, model.config().vocabSize()).toArray();
            long[] firstToken = {0};
            long s0 = System.nanoTime();
            var samples = Generator.sample(model, List.of(prompt), new long[] {0}, SamplingParams.greedy(NEW_TOKENS),
                    1, (row, token) -> {
                        if (firstToken[0] == 0) {
                            firstToken[0] = System.nanoTime();
                        }
                    });
            long s1 = System.nanoTime();
            int n = samples.get(0).get(0).tokens().length;
            System.out.printf(Locale.ROOT, "{\"engine_start_seconds\": %.3f, \"load_seconds\": %.3f,"
                            + " \"rss_before_load_mb\": %.1f, \"rss_after_load_mb\": %.1f, \"peak_rss_mb\": %.1f,"
                            + " \"parameters\": %d, \"first_token_ms\": %.1f, \"new_tokens\": %d,"
                            + " \"tokens_per_sec_after_first\": %.2f, \"decoder\": \"%s\", \"threads\": %d}%n",
                    engineSeconds, loadSeconds, rssBefore / 1024.0, rssAfter / 1024.0, peak / 1024.0,
                    model.config().parameters(), (firstToken[0] - s0) / 1e6, n,
                    (n - 1) / ((s1 - firstToken[0]) / 1e9), Generator.decoderFor(model, 1, NEW_TOKENS),
                    Torch.info().threads());
        }
    }

    /** A field of /proc/self/status in kB. */
    static long status(String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no " + field + " in /proc/self/status");
    }
}
