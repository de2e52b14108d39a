import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.assay.lib.model.GptConfig;
import org.assay.lib.sample.SamplingParams;
import org.assay.lib.train.TrainingClient;

/**
 * Cached decoding time per step for several row counts of three models, with the decoder that ASSAY_DECODER selects
 * (bench.py --decoders runs this with java, libtorch and auto): the measurement behind the auto rule (sample.Decoding).
 * Per row count: 3 s untimed, then 2 s timed of 16-token prompts continued by {@code newTokens} tokens.
 */
public class DecoderBench {
    public static void main(String[] args) {
        List<String> parts = new ArrayList<>();
        for (String name : new String[] {"small", "tiny", "larger"}) {
            GptConfig c = switch (name) {
                case "small" -> GptConfig.small(256).withContextLength(512); // bench/train's sampling model
                case "tiny" -> GptConfig.tiny(64).withContextLength(128);
                default -> GptConfig.small(256).withLayers(6).withWidth(256, 8).withContextLength(512);
            };
            int[] rowCounts = switch (name) {
                case "small", "tiny" -> new int[] {1, 2, 4, 8, 16, 32, 64, 128, 256};
                default -> new int[] {1, 2, 4, 8, 16, 32, 64};
            };
            int newTokens = name.equals("tiny") ? 100 : 256;
            int[] prompt = new SplittableRandom(2).ints(16, 0, c.vocabSize()).toArray();
            SamplingParams p = SamplingParams.defaults().withMaxTokens(newTokens).withSeed(3);
            List<String> rows = new ArrayList<>();
            try (TrainingClient client = TrainingClient.create(c, 0)) {
                for (int n : rowCounts) {
                    long t0 = System.nanoTime();
                    while (System.nanoTime() - t0 < 3e9) {
                        client.sample(prompt, p, n);
                    }
                    long steps = 0;
                    t0 = System.nanoTime();
                    do {
                        steps += client.sample(prompt, p, n).get(0).tokens().length;
                    } while (System.nanoTime() - t0 < 2e9);
                    double ms = (System.nanoTime() - t0) / 1e6 / steps;
                    rows.add(String.format(Locale.ROOT, "\"%d\": {\"decoder\": \"%s\", \"ms_per_step\": %.4f}", n,
                            client.decoderFor(n, newTokens), ms));
                }
            }
            parts.add(String.format(Locale.ROOT, "\"%s\": {\"config\": \"%s\", \"new_tokens\": %d, \"rows\": {%s}}",
                    name, c, newTokens, String.join(", ", rows)));
        }
        System.out.println("{" + String.join(", ", parts) + "}");
    }
}
