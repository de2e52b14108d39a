package org.assay.lib.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.assay.lib.model.GptConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.assay.lib.sample.Sample;
import org.assay.lib.sample.SamplingParams;
import org.assay.lib.sample.StopReason;

class TrainingClientTest {

    private static final GptConfig TINY = GptConfig.tiny(13).withContextLength(8).withWidth(16, 2).withLayers(1);

    /** rows × T random tokens, and their next-token targets. */
    private static int[][] batch(int rows, int t, int vocab, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] in = new int[rows * t];
        int[] out = new int[rows * t];
        for (int r = 0; r < rows; r++) {
            int[] seq = rng.ints(t + 1, 0, vocab).toArray();
            System.arraycopy(seq, 0, in, r * t, t);
            System.arraycopy(seq, 1, out, r * t, t);
        }
        return new int[][] {in, out};
    }

    @Test
    void promptsSampledTogetherDrawWhatEachDrawsAlone() {
        try (TrainingClient client = TrainingClient.create(TINY, 4)) {
            SamplingParams p = SamplingParams.defaults().withMaxTokens(4);
            List<int[]> prompts = List.of(new int[] {1, 2, 3}, new int[] {4, 5, 6}, new int[] {7, 8, 9});
            long[] seeds = {11, 12, 13};
            List<List<Sample>> together = client.sample(prompts, seeds, p, 3);
            for (int g = 0; g < 3; g++) {
                List<Sample> alone = client.sample(prompts.get(g), p.withSeed(seeds[g]), 3);
                for (int j = 0; j < 3; j++) {
                    assertArrayEquals(alone.get(j).tokens(), together.get(g).get(j).tokens(), "prompt " + g);
                    assertArrayEquals(alone.get(j).logprobs(), together.get(g).get(j).logprobs(), 1e-4f);
                }
            }
            var e = assertThrows(IllegalArgumentException.class, () -> client.sample(
                    List.of(new int[] {1, 2}, new int[] {3}), new long[] {1, 2}, p, 1));
            assertTrue(e.getMessage().contains("one length, got 2 and 1 (prompt 1)"), e.getMessage());
        }
    }

    @Test
    void batchedLogprobsEqualThoseOfEachSequence() {
        int[][] b = batch(3, 6, TINY.vocabSize(), 9);
        try (TrainingClient client = TrainingClient.create(TINY, 2)) {
            float[] batched = client.computeLogprobs(TokenBatch.of(b[0], b[1], 3));
            for (int r = 0; r < 3; r++) {
                int[] seq = new int[7];
                System.arraycopy(b[0], r * 6, seq, 0, 6);
                seq[6] = b[1][r * 6 + 5];
                float[] one = client.computeLogprobs(seq);
                for (int t = 0; t < 6; t++) {
                    assertEquals(one[t + 1], batched[r * 6 + t], 1e-5, "row " + r + " position " + t);
                }
            }
            var e = assertThrows(IllegalArgumentException.class,
                    () -> client.computeLogprobs(TokenBatch.of(new int[5], new int[5], 2)));
            assertEquals("TokenBatch: inputs must be a non-empty multiple of rows (rows × T), got 5 tokens for rows=2",
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> client.computeLogprobs(TokenBatch.of(new int[9], new int[9], 1)));
            assertEquals("computeLogprobs: sequences of 9 tokens exceed contextLength 8", e.getMessage());
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        GptConfig c = TINY.withMlp(GptConfig.Mlp.SWIGLU).withNorm(GptConfig.Norm.RMS_NORM)
                .withPositions(GptConfig.Positions.ROPE).withKvHeads(1);
        int[][] b = batch(2, 6, c.vocabSize(), 3);
        try (TrainingClient client = TrainingClient.create(c, 11)) {
            double loss = client.forwardBackward(b[0], b[1], 2).loss();
            Map<String, float[]> grads = new LinkedHashMap<>();
            client.model().parameters().forEach((name, p) -> grads.put(name, p.getGradient().toFloatArray()));
            Map<String, float[]> weights = client.model().snapshot();
            SplittableRandom rng = new SplittableRandom(5);
            // One random direction per parameter tensor: a wrong gradient in any one of them fails its own check.
            for (String name : weights.keySet()) {
                float[] w = weights.get(name);
                float[] u = new float[w.length];
                double directional = 0;
                for (int i = 0; i < u.length; i++) {
                    u[i] = (float) rng.nextGaussian();
                    directional += u[i] * grads.get(name)[i];
                }
                double h = 1e-2 / Math.sqrt(u.length);
                double up = lossWith(client, weights, name, u, h, b);
                double down = lossWith(client, weights, name, u, -h, b);
                double numeric = (up - down) / (2 * h);
                assertEquals(numeric, directional, 2e-2 * Math.max(1e-2, Math.abs(numeric)), name);
            }
            client.model().restore(weights);
            assertTrue(loss > 0);
        }
    }

    private static double lossWith(TrainingClient client, Map<String, float[]> weights, String name, float[] u,
                                   double h, int[][] b) {
        Map<String, float[]> moved = new LinkedHashMap<>(weights);
        float[] w = weights.get(name).clone();
        for (int i = 0; i < w.length; i++) {
            w[i] += (float) (h * u[i]);
        }
        moved.put(name, w);
        client.model().restore(moved);
        return client.evaluate(List.of(TokenBatch.of(b[0], b[1], 2)), 1).loss();
    }

    @Test
    void optimStepIsTorchsAdamWWithClippingAndAveragedMicroBatches() {
        int[][] b1 = batch(2, 8, TINY.vocabSize(), 1);
        int[][] b2 = batch(2, 8, TINY.vocabSize(), 2);
        AdamW adam = new AdamW(0.01, 0.9, 0.95, 1e-8, 0.1, 0.5);
        try (TrainingClient client = TrainingClient.create(TINY, 3)) {
            Map<String, float[]> w0 = client.model().snapshot();
            client.forwardBackward(b1[0], b1[1], 2);
            client.forwardBackward(b2[0], b2[1], 2);
            Map<String, float[]> g = new LinkedHashMap<>();
            client.model().parameters().forEach((name, p) -> g.put(name, p.getGradient().toFloatArray()));
            var step = client.optimStep(adam);
            assertEquals(2, step.microBatches());
            // the naive update, in double precision
            double sq = 0;
            for (float[] x : g.values()) {
                for (float v : x) {
                    sq += (v / 2.0) * (v / 2.0);
                }
            }
            double norm = Math.sqrt(sq);
            assertEquals(norm, step.gradNorm(), 1e-4 * norm);
            assertTrue(step.clipped(), "norm " + norm + " should exceed the clip of 0.5");
            double scale = 0.5 / (norm + 1e-6);
            Map<String, float[]> w1 = client.model().snapshot();
            for (String name : w0.keySet()) {
                boolean decays = client.model().parameters().get(name).getShape().dimension() >= 2;
                for (int i = 0; i < w0.get(name).length; i++) {
                    double grad = g.get(name)[i] / 2.0 * scale;
                    double m = 0.1 * grad / (1 - 0.9);
                    double v = 0.05 * grad * grad / (1 - 0.95);
                    double w = w0.get(name)[i] * (1 - (decays ? 0.01 * 0.1 : 0)) - 0.01 * m / (Math.sqrt(v) + 1e-8);
                    assertEquals(w, w1.get(name)[i], 1e-5, name + "[" + i + "]");
                }
            }
            // gradients were zeroed
            for (NDArray p : client.model().parameters().values()) {
                assertEquals(0f, p.getGradient().abs().sum().getFloat());
            }
        }
    }

    @Test
    void aTinyModelOverfitsOneBatch() {
        int[][] b = batch(4, 8, TINY.vocabSize(), 9);
        try (TrainingClient client = TrainingClient.create(TINY.withLayers(2).withWidth(32, 4), 0)) {
            double first = client.forwardBackward(b[0], b[1], 4).loss();
            client.optimStep(AdamW.defaults().withLearningRate(1e-2).withWeightDecay(0));
            double last = first;
            for (int i = 0; i < 300; i++) {
                last = client.forwardBackward(b[0], b[1], 4).loss();
                client.optimStep(AdamW.defaults().withLearningRate(1e-2).withWeightDecay(0));
            }
            assertTrue(first > 2.0, "starts near ln 13 = 2.56, got " + first);
            assertTrue(last < 0.05, "memorises 32 tokens, got loss " + last);
        }
    }

    private static List<Double> curve(GptConfig c, long seed, int steps) {
        List<Double> losses = new ArrayList<>();
        try (TrainingClient client = TrainingClient.create(c, seed)) {
            for (int i = 0; i < steps; i++) {
                int[][] b = batch(2, 8, c.vocabSize(), i);
                losses.add(client.forwardBackward(b[0], b[1], 2).loss());
                client.optimStep(AdamW.defaults());
            }
        }
        return losses;
    }

    @Test
    void sameSeedGivesAnIdenticalLossCurve() {
        GptConfig c = TINY.withDropout(0.1);
        assertEquals(curve(c, 4, 6), curve(c, 4, 6));
        assertNotEquals(curve(c, 4, 6), curve(c, 5, 6));
    }

    @Test
    void resumingFromSavedStateContinuesBitIdentically(@TempDir Path dir) {
        GptConfig c = TINY.withDropout(0.1);
        List<Double> straight = curve(c, 8, 8);
        List<Double> resumed = new ArrayList<>();
        try (TrainingClient first = TrainingClient.create(c, 8)) {
            for (int i = 0; i < 4; i++) {
                int[][] b = batch(2, 8, c.vocabSize(), i);
                resumed.add(first.forwardBackward(b[0], b[1], 2).loss());
                first.optimStep(AdamW.defaults());
            }
            first.saveState(dir.resolve("ckpt"), Map.of("data", "{\"step\":4}"));
        }
        try (TrainingClient second = TrainingClient.create(c, 8)) {
            Map<String, String> extra = second.loadState(dir.resolve("ckpt"));
            assertEquals("{\"step\":4}", extra.get("data"));
            assertEquals(4, second.step());
            for (int i = 4; i < 8; i++) {
                int[][] b = batch(2, 8, c.vocabSize(), i);
                resumed.add(second.forwardBackward(b[0], b[1], 2).loss());
                second.optimStep(AdamW.defaults());
            }
        }
        assertEquals(straight, resumed);
    }

    @Test
    void aCorruptCheckpointIsDetectedAndAnOverwriteIsAtomic(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("ckpt");
        try (TrainingClient client = TrainingClient.create(TINY, 1)) {
            client.saveWeights(ckpt);
            client.saveWeights(ckpt); // replacing an existing checkpoint
            try (var files = Files.list(dir)) {
                assertEquals(List.of("ckpt"), files.map(p -> p.getFileName().toString()).toList(), "no temp left");
            }
            Path weights = ckpt.resolve("weights.bin");
            byte[] bytes = Files.readAllBytes(weights);
            bytes[bytes.length / 2] ^= 1;
            Files.write(weights, bytes);
            var e = assertThrows(IllegalArgumentException.class, () -> client.loadState(ckpt));
            assertTrue(e.getMessage().contains("weights.bin is corrupt (checksum mismatch)"), e.getMessage());
            Files.write(weights, java.util.Arrays.copyOf(bytes, 100));
            e = assertThrows(IllegalArgumentException.class, () -> client.loadState(ckpt));
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("corrupt"), e.getMessage());
        }
        try (TrainingClient other = TrainingClient.create(TINY.withLayers(2), 1)) {
            other.saveWeights(dir.resolve("two"));
        }
        try (TrainingClient client = TrainingClient.create(TINY, 1)) {
            var e = assertThrows(IllegalArgumentException.class, () -> client.loadState(dir.resolve("two")));
            assertTrue(e.getMessage().contains("configuration"), e.getMessage());
        }
    }

    @Test
    void kvCacheSamplingMatchesFullRecomputationAndTheModelsLogprobs() {
        GptConfig c = TINY.withContextLength(24);
        try (TrainingClient client = TrainingClient.create(c, 2)) {
            int[] prompt = {1, 2, 3};
            SamplingParams p = SamplingParams.defaults().withMaxTokens(12).withSeed(7);
            var cached = client.sample(prompt, p, 3);
            var full = client.sample(prompt, p.withKvCache(false), 3);
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(full.get(i).tokens(), cached.get(i).tokens());
                assertArrayEquals(full.get(i).logprobs(), cached.get(i).logprobs(), 1e-5f);
                int[] seq = new int[prompt.length + 12];
                System.arraycopy(prompt, 0, seq, 0, 3);
                System.arraycopy(cached.get(i).tokens(), 0, seq, 3, 12);
                float[] lp = client.computeLogprobs(seq);
                for (int j = 0; j < 12; j++) {
                    assertEquals(lp[3 + j], cached.get(i).logprobs()[j], 1e-5, "token " + j);
                }
            }
            // same seed, same samples; another seed, other samples
            assertArrayEquals(cached.get(0).tokens(), client.sample(prompt, p, 3).get(0).tokens());
            assertNotEquals(java.util.Arrays.toString(cached.get(0).tokens()),
                    java.util.Arrays.toString(client.sample(prompt, p.withSeed(8), 3).get(0).tokens()));
        }
    }

    @Test
    void samplingStopsAtStopSequencesAndRefusesContextOverflow() {
        try (TrainingClient client = TrainingClient.create(TINY, 2)) {
            var greedy = client.sample(new int[] {1}, SamplingParams.greedy(6), 1).get(0);
            assertEquals(StopReason.LENGTH, greedy.stopReason());
            int[] stop = {greedy.tokens()[0]};
            var stopped = client.sample(new int[] {1}, SamplingParams.greedy(6).withStop(List.of(stop)), 1).get(0);
            assertEquals(StopReason.STOP, stopped.stopReason());
            assertArrayEquals(stop, stopped.tokens());
            var e = assertThrows(IllegalArgumentException.class,
                    () -> client.sample(new int[] {1, 2, 3}, SamplingParams.greedy(6), 1));
            assertEquals("sample: the prompt (3 tokens) + maxTokens (6) exceeds contextLength 8", e.getMessage());
        }
    }

    @Test
    void badBatchesAreClearErrors() {
        try (TrainingClient client = TrainingClient.create(TINY, 2)) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> client.forwardBackward(new int[] {1, 2, 3}, new int[] {1, 2}, 1));
            assertEquals("TokenBatch: targets must have one entry per input token (3), got 2", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> client.forwardBackward(new int[9], new int[9], 1));
            assertEquals("forwardBackward: sequences of 9 tokens exceed contextLength 8", e.getMessage());
            var s = assertThrows(IllegalStateException.class, () -> client.optimStep(AdamW.defaults()));
            assertEquals("optimStep: no gradients; call forwardBackward first", s.getMessage());
        }
    }
}
