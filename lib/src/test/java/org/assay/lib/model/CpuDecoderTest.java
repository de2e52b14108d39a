package org.assay.lib.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDScope;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CpuDecoderTest {

    static Stream<GptConfig> variants() {
        return GptTest.variants();
    }

    /** Two rows: after a 4-token prompt each step's logits equal a full forward's at that position. */
    @ParameterizedTest
    @MethodSource("variants")
    void stepsGiveTheLogitsOfAFullForward(GptConfig c) {
        try (Gpt model = Gpt.create(c, 7)) {
            sharpenAttention(model);
            assertDecodesLikeAFullForward(model);
        }
    }

    /**
     * At initialisation (N(0, 0.02)) attention is near uniform and hides mistakes in keys; scale q and k up. Biases
     * start at zero and would hide a bias left out; give them values.
     */
    static void sharpenAttention(Gpt model) {
        model.parameters().forEach((name, w) -> {
            if (name.endsWith(".bias") && !name.contains(".ln")) {
                float[] values = w.toFloatArray();
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (0.3 * Math.sin(1.7 * i + name.length()));
                }
                w.set(values);
            }
            if (name.endsWith("attn.qkv")) {
                float[] values = w.toFloatArray();
                for (int i = 0; i < values.length; i++) {
                    values[i] *= 12;
                }
                w.set(values);
            }
        });
    }

    /**
     * Rows split into groups on threads give the numbers of one group, exactly: each row is computed alone, whether
     * the products take it with another row (rows 0 and 1 of one group, 1 and 2 of two) or on its own.
     */
    @ParameterizedTest
    @MethodSource("variants")
    void threadsDoNotChangeTheNumbers(GptConfig c) {
        int[] prompt = {3, 1, 4, 1, 5, 9, 2, 6, 5};
        try (Gpt model = Gpt.create(c, 7); NDScope scope = new NDScope(); KvCache cache = new KvCache(model)) {
            scope.suppressNotUsedWarning();
            sharpenAttention(model);
            model.forward(model.tokens(prompt, 3), cache, null);
            CpuDecoder one = CpuDecoder.continuing(model, cache, 3, 8, 1);
            CpuDecoder three = CpuDecoder.continuing(model, cache, 3, 8, 3);
            CpuDecoder two = CpuDecoder.continuing(model, cache, 3, 8, 2);
            for (int[] tokens : new int[][] {{7, 8, 9}, {1, 2, 3}, {0, 0, 36}}) {
                float[] expected = one.step(tokens);
                org.junit.jupiter.api.Assertions.assertArrayEquals(expected, three.step(tokens));
                org.junit.jupiter.api.Assertions.assertArrayEquals(expected, two.step(tokens));
            }
            assertThrows(IllegalArgumentException.class, () -> CpuDecoder.continuing(model, cache, 3, 8, 0));
        }
    }

    /**
     * A decoder branching each of 2 cached rows into 3 gives the logits of one reading the 6 rows, prompts repeated;
     * split over threads (even where a group boundary cuts a prompt's rows), the same bits; closed, it refuses to step.
     */
    @ParameterizedTest
    @MethodSource("variants")
    void branchingGivesTheLogitsOfReadingEveryRow(GptConfig c) {
        int[] prompt = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3};
        int[] repeated = new int[prompt.length * 3];
        for (int r = 0; r < 6; r++) {
            System.arraycopy(prompt, r / 3 * 5, repeated, r * 5, 5);
        }
        try (Gpt model = Gpt.create(c, 7); NDScope scope = new NDScope(); KvCache cache = new KvCache(model);
             KvCache all = new KvCache(model)) {
            scope.suppressNotUsedWarning();
            sharpenAttention(model);
            model.forward(model.tokens(prompt, 2), cache, null);
            model.forward(model.tokens(repeated, 6), all, null);
            CpuDecoder branching = CpuDecoder.branching(model, cache, 3, 9, 1);
            CpuDecoder twoThreads = CpuDecoder.branching(model, cache, 3, 9, 2);
            CpuDecoder fourThreads = CpuDecoder.branching(model, cache, 3, 9, 4); // groups cut a prompt's rows
            CpuDecoder unshared = CpuDecoder.continuing(model, all, 6, 9, 1);
            for (int[] tokens : new int[][] {{7, 8, 9, 1, 2, 3}, {1, 2, 3, 4, 5, 6}, {0, 0, 36, 36, 0, 1}}) {
                float[] got = branching.step(tokens);
                org.junit.jupiter.api.Assertions.assertArrayEquals(got, twoThreads.step(tokens));
                org.junit.jupiter.api.Assertions.assertArrayEquals(got, fourThreads.step(tokens));
                float[] expected = unshared.step(tokens);
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], got[i], 1e-5 * Math.max(1, Math.abs(expected[i])), "logit " + i);
                }
            }
            branching.close();
            IllegalStateException closed = assertThrows(IllegalStateException.class,
                    () -> branching.step(new int[6]));
            assertEquals("CpuDecoder.step: the decoder is closed", closed.getMessage());
            IllegalArgumentException n = assertThrows(IllegalArgumentException.class,
                    () -> CpuDecoder.branching(model, cache, 0, 9, 1));
            assertEquals("CpuDecoder.branching: samplesPerRow must be >= 1, got 0", n.getMessage());
        }
    }

    @Test
    void expAndTheActivationsMatchTheirDoublePrecisionDefinitions() {
        assertEquals(1f, CpuDecoder.exp(0f));
        for (int i = -87_000; i <= 20_000; i += 7) {
            float x = i / 1000f;
            double expected = Math.exp(x);
            // float's spacing is 6e-8 to 1.2e-7 of a number
            assertEquals(expected, CpuDecoder.exp(x), 1e-7 * expected, "exp(" + x + ")");
            double silu = x / (1 + Math.exp(-x));
            assertEquals(silu, CpuDecoder.silu(x), 2e-7 * Math.max(1, Math.abs(silu)), "silu(" + x + ")");
            double tanhGelu = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            assertEquals(tanhGelu, CpuDecoder.geluTanh(x), 3e-7 * Math.max(1, Math.abs(tanhGelu)),
                    "geluTanh(" + x + ")");
        }
        assertEquals(CpuDecoder.exp(-87f), CpuDecoder.exp(-1000f)); // clamped where float's range ends
        assertEquals(CpuDecoder.exp(88f), CpuDecoder.exp(1000f));
        assertEquals(0f, CpuDecoder.silu(-1000f), 1e-30);
        assertEquals(1000f, CpuDecoder.silu(1000f));
    }

    @Test
    void loraAdaptersAreFoldedIntoTheWeights() {
        GptConfig c = GptTest.variants().findFirst().orElseThrow();
        try (Gpt model = Gpt.create(c, 7)) {
            sharpenAttention(model);
            model.addLora(2, 4.0, Set.of("attn.qkv", "attn.proj", "mlp.fc", "mlp.proj"), 3);
            // B starts at zero; give it values so the adapters change the outputs
            model.parameters().forEach((name, w) -> {
                if (name.endsWith(Gpt.LORA + "B")) {
                    float[] b = new float[Math.toIntExact(w.getShape().size())];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = 0.05f * (float) Math.sin(i + 1);
                    }
                    w.set(b);
                }
            });
            assertDecodesLikeAFullForward(model);
        }
    }

    static void assertDecodesLikeAFullForward(Gpt model) {
        GptConfig c = model.config();
        int v = c.vocabSize();
        int[] seqs = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, /* row 2 */ 2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4, 5};
        int len = seqs.length / 2;
        try (NDScope scope = new NDScope(); KvCache cache = new KvCache(model)) {
            scope.suppressNotUsedWarning();
            float[] full = model.forward(model.tokens(seqs, 2), null, null).toFloatArray(); // (2, len, V)
            int[] prompt = new int[8];
            System.arraycopy(seqs, 0, prompt, 0, 4);
            System.arraycopy(seqs, len, prompt, 4, 4);
            model.forward(model.tokens(prompt, 2), cache, null);
            CpuDecoder decoder = CpuDecoder.continuing(model, cache, 2, len, 2); // a row per thread
            for (int p = 4; p < len; p++) {
                float[] step = decoder.step(new int[] {seqs[p], seqs[len + p]});
                for (int r = 0; r < 2; r++) {
                    for (int i = 0; i < v; i++) {
                        float expected = full[(r * len + p) * v + i];
                        assertEquals(expected, step[r * v + i], 2e-5 * Math.max(1, Math.abs(expected)),
                                "row " + r + ", position " + p + ", logit " + i);
                    }
                }
            }
            assertEquals(len, decoder.length());
            IllegalStateException full2 = assertThrows(IllegalStateException.class, () -> decoder.step(new int[2]));
            assertTrue(full2.getMessage().contains("CpuDecoder.step"), full2.getMessage());
        }
    }

    @Test
    void erfMatchesKnownValues() {
        double[][] known = {{0, 0}, {0.1, 0.1124629160182849}, {0.5, 0.5204998778130465}, {1, 0.8427007929497149},
                {2, 0.9953222650189527}, {3.5, 0.9999992569016276}, {-1, -0.8427007929497149}, {4, 0.9999999845827421},
                {9, 1}, {-30, -1}};
        for (double[] k : known) {
            assertEquals(k[1], CpuDecoder.erf((float) k[0]), 4.5e-7, "erf(" + k[0] + ")");
        }
        // against erf's series (exact to double precision for |x| <= 3) on a dense grid
        for (int i = -3000; i <= 3000; i++) {
            double x = i / 1000.0;
            double term = x;
            double series = x;
            for (int n = 1; n < 200; n++) {
                term *= -x * x / n;
                series += term / (2 * n + 1);
            }
            series *= 2 / Math.sqrt(Math.PI);
            assertEquals(series, CpuDecoder.erf((float) x), 4.5e-7 + 1e-7 * Math.abs(x), "erf(" + x + ")");
        }
        assertEquals(0, CpuDecoder.gelu(0f), 0);
        assertEquals(0.8413447460685429, CpuDecoder.gelu(1f), 3e-7); // Φ(1)
    }

    @Test
    void badInputIsAClearError() {
        GptConfig c = GptTest.variants().findFirst().orElseThrow();
        try (Gpt model = Gpt.create(c, 7); NDScope scope = new NDScope(); KvCache cache = new KvCache(model)) {
            scope.suppressNotUsedWarning();
            model.forward(model.tokens(new int[] {1, 2, 3}, 1), cache, null);
            IllegalArgumentException capacity = assertThrows(IllegalArgumentException.class,
                    () -> CpuDecoder.continuing(model, cache, 1, c.contextLength() + 1));
            assertTrue(capacity.getMessage().contains("capacity"), capacity.getMessage());
            IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
                    () -> CpuDecoder.continuing(model, cache, 2, 8));
            assertEquals("CpuDecoder.continuing: the cache must hold the prompt of each of the 2 rows, got 3 positions"
                    + " of 1 rows", rows.getMessage());
            try (KvCache empty = new KvCache(model)) {
                assertThrows(IllegalArgumentException.class, () -> CpuDecoder.continuing(model, empty, 1, 8));
            }
            CpuDecoder decoder = CpuDecoder.continuing(model, cache, 1, 8);
            IllegalArgumentException token = assertThrows(IllegalArgumentException.class,
                    () -> decoder.step(new int[] {c.vocabSize()}));
            assertTrue(token.getMessage().contains("token ids must be in [0, " + c.vocabSize() + ")"),
                    token.getMessage());
            assertThrows(IllegalArgumentException.class, () -> decoder.step(new int[] {1, 2}));
            assertEquals(3, decoder.length());
        }
    }
}
