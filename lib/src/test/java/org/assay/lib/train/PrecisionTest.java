package org.assay.lib.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.assay.lib.model.GptConfig;
import org.assay.lib.model.Precision;
import org.assay.lib.sample.Decoder;
import org.assay.lib.sample.SamplingParams;
import org.junit.jupiter.api.Test;

/** Training and sampling with bfloat16 matrix products and float32 master weights (mixed precision). */
class PrecisionTest {
    /** Rotary positions, grouped-query attention and SwiGLU: every product of the forward, attention's included. */
    private static final GptConfig LLAMA = GptConfig.tiny(16).withContextLength(16).withWidth(32, 4).withLayers(2)
            .withMlp(GptConfig.Mlp.SWIGLU).withNorm(GptConfig.Norm.RMS_NORM).withPositions(GptConfig.Positions.ROPE)
            .withKvHeads(2);

    /** Rows of a cyclic sequence with a random start: learnable, so a loss far from chance shows training works. */
    private static int[][] batch(int rows, int t, int vocab, SplittableRandom rng) {
        int[] in = new int[rows * t];
        int[] out = new int[rows * t];
        for (int r = 0; r < rows; r++) {
            int start = rng.nextInt(vocab);
            for (int i = 0; i < t; i++) {
                in[r * t + i] = (start + 3 * i) % vocab;
                out[r * t + i] = (start + 3 * i + 3) % vocab;
            }
        }
        return new int[][] {in, out};
    }

    private static double[] train(GptConfig config, Precision precision, int steps) {
        SplittableRandom rng = new SplittableRandom(5);
        double[] losses = new double[steps];
        try (TrainingClient client = TrainingClient.create(config, 3).setPrecision(precision)) {
            for (int s = 0; s < steps; s++) {
                int[][] b = batch(8, 16, config.vocabSize(), rng);
                losses[s] = client.forwardBackward(b[0], b[1], 8).loss();
                client.optimStep(AdamW.defaults().withLearningRate(1e-2));
            }
        }
        return losses;
    }

    @Test
    void bfloat16TrainsAsFloat32DoesAndRepeatsItself() {
        int steps = 60;
        double[] f32 = train(LLAMA, Precision.FLOAT32, steps);
        double[] bf16 = train(LLAMA, Precision.BFLOAT16, steps);
        assertArrayEquals(bf16, train(LLAMA, Precision.BFLOAT16, steps), "same seed, same losses");
        assertNotEquals(f32[0], bf16[0], "the first loss already differs: the products ran in bfloat16");
        assertEquals(f32[0], bf16[0], 0.01, "the same model at step 0, up to bfloat16 rounding");
        double chance = Math.log(LLAMA.vocabSize());
        assertTrue(f32[steps - 1] < 0.3 * chance, "float32 learns the sequence: " + f32[steps - 1]);
        assertTrue(bf16[steps - 1] < 0.3 * chance, "bfloat16 learns it too: " + bf16[steps - 1]);
        assertEquals(f32[steps - 1], bf16[steps - 1], 0.1, "and ends near float32's loss");
    }

    @Test
    void aBfloat16ModelSamplesWithLibtorchAndItsLogitsAreNearFloat32s() {
        try (TrainingClient client = TrainingClient.create(LLAMA, 1)) {
            int[] tokens = {1, 4, 7, 10, 13, 0, 3, 6};
            float[] f32 = client.logits(tokens);
            assertEquals(Decoder.JAVA, client.decoderFor(1, 8), "a float32 tiny model decodes in Java");
            client.setPrecision(Precision.BFLOAT16);
            assertEquals(Decoder.LIBTORCH, client.decoderFor(1, 8), "bfloat16 products need libtorch");
            float[] bf16 = client.logits(tokens);
            double worst = 0;
            for (int i = 0; i < f32.length; i++) {
                worst = Math.max(worst, Math.abs(f32[i] - bf16[i]));
            }
            assertTrue(worst > 0 && worst < 0.05, "max |logit difference| " + worst);
            var samples = client.sample(new int[] {1, 4}, SamplingParams.defaults().withMaxTokens(6).withSeed(2), 3);
            assertEquals(3, samples.size());
            assertEquals(Precision.BFLOAT16, client.copy().precision(), "a copy keeps the precision");
        }
    }

    @Test
    void aSpecReadsItsPrecisionAndRefusesAnUnknownOne() {
        Pretrain.Config c = RunSpec.training(10, 1e-3, 1);
        assertEquals(Precision.FLOAT32, c.precision());
        String json = RunSpec.GSON.toJson(c.withPrecision(Precision.BFLOAT16));
        assertTrue(json.contains("\"precision\": \"bfloat16\""), json);
        assertEquals(c.withPrecision(Precision.BFLOAT16), RunSpec.GSON.fromJson(json, Pretrain.Config.class));
        String older = json.replace(",\n  \"precision\": \"bfloat16\"", "");
        assertTrue(!older.contains("precision"), older);
        assertEquals(c, RunSpec.GSON.fromJson(older, Pretrain.Config.class), "specs without it are float32");
        var e = assertThrows(IllegalArgumentException.class, () -> RunSpec.GSON.fromJson(
                json.replace("\"bfloat16\"", "\"fp8\""), Pretrain.Config.class));
        assertEquals("RunSpec: train.precision must be \"float32\" or \"bfloat16\", got \"fp8\"", e.getMessage());
        for (Precision p : Precision.values()) { // the spec's name, the --dtype name and Gson's are one
            assertEquals("\"" + p.id() + "\"", RunSpec.GSON.toJson(p));
            assertEquals(p, Precision.ofId(p.id()));
        }
        assertEquals(null, Precision.ofId("FLOAT32"));
    }
}
