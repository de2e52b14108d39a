package org.assay.lib.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class GptTest {

    static Stream<GptConfig> variants() {
        GptConfig base = GptConfig.tiny(37).withContextLength(16).withWidth(32, 4);
        return Stream.of(base,
                base.withMlp(GptConfig.Mlp.SWIGLU).withNorm(GptConfig.Norm.RMS_NORM)
                        .withPositions(GptConfig.Positions.ROPE).withKvHeads(2),
                base.withTiedEmbeddings(false).withKvHeads(1),
                base.withExperts(3, 2),
                // GPT-2's pieces: biases everywhere, GELU's tanh form, its epsilon
                base.withMlp(GptConfig.Mlp.GELU_TANH).withBiases(true, true, true).withNormEps(1e-6),
                // Qwen2's: biases on q, k and v only, a large RoPE base, an explicit MLP width
                base.withMlp(GptConfig.Mlp.SWIGLU).withNorm(GptConfig.Norm.RMS_NORM)
                        .withPositions(GptConfig.Positions.ROPE).withKvHeads(2).withBiases(true, false, false)
                        .withRopeTheta(1e6).withMlpHidden(48).withTiedEmbeddings(false));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void liveParametersMatchTheConfigCountAndForwardHasTheRightShape(GptConfig c) {
        try (Gpt model = Gpt.create(c, 1); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            assertEquals(c.parameters(), model.parameterCount());
            NDArray logits = model.forward(model.tokens(new int[] {1, 2, 3, 4, 5, 6}, 2), null, null);
            assertEquals(new ai.djl.ndarray.types.Shape(2, 3, 37), logits.getShape());
            for (float x : logits.toFloatArray()) {
                assertTrue(Float.isFinite(x));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void cachedForwardGivesTheLogitsOfAFullForward(GptConfig c) {
        int[] seq = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3};
        try (Gpt model = Gpt.create(c, 7); NDScope scope = new NDScope(); KvCache cache = new KvCache(model)) {
            scope.suppressNotUsedWarning();
            float[] full = model.forward(model.tokens(seq, 1), null, null).toFloatArray();
            int v = c.vocabSize();
            // the prompt's 4 tokens at once, then one at a time
            float[] first = model.forward(model.tokens(java.util.Arrays.copyOf(seq, 4), 1), cache, null).toFloatArray();
            for (int i = 0; i < 4 * v; i++) {
                assertEquals(full[i], first[i], 1e-5, "prompt logit " + i);
            }
            for (int p = 4; p < seq.length; p++) {
                float[] step = model.forward(model.tokens(new int[] {seq[p]}, 1), cache, null).toFloatArray();
                for (int i = 0; i < v; i++) {
                    assertEquals(full[p * v + i], step[i], 1e-5, "position " + p + " logit " + i);
                }
            }
            assertEquals(seq.length, cache.length());
        }
    }

    @Test
    void sameSeedSameWeightsDifferentSeedDifferentWeights() {
        GptConfig c = GptConfig.tiny(20);
        try (Gpt a = Gpt.create(c, 5); Gpt b = Gpt.create(c, 5); Gpt other = Gpt.create(c, 6)) {
            assertArrayEquals(a.snapshot().get("h.0.attn.qkv"), b.snapshot().get("h.0.attn.qkv"));
            assertTrue(a.snapshot().get("wte")[0] != other.snapshot().get("wte")[0]);
        }
    }

    @Test
    void tooManyPositionsAndBadTokensAreClearErrors() {
        GptConfig c = GptConfig.tiny(20).withContextLength(4);
        try (Gpt model = Gpt.create(c, 1); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            var e = assertThrows(IllegalArgumentException.class,
                    () -> model.forward(model.tokens(new int[] {1, 2, 3, 4, 5}, 1), null, null));
            assertEquals("Gpt.forward: 5 positions exceed contextLength 4 (0 cached + 5 new)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> model.tokens(new int[] {1, 20}, 1));
            assertEquals("Gpt.tokens: token ids must be in [0, 20), got 20 at position 1", e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("kvCacheConfigs")
    void theKvCacheHoldsWhatTheFormulaSays(GptConfig c) {
        try (Gpt model = Gpt.create(c, 1); KvCache cache = new KvCache(model); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            model.forward(model.tokens(new int[] {1, 2, 3, 4, 5, 6}, 2), cache, null);  // 2 rows of 3
            model.forward(model.tokens(new int[] {7, 8}, 2), cache, null);              // and one more each
            assertEquals(4, cache.length());
            assertEquals(2L * c.layers() * c.kvHeads() * c.headDim() * 4, c.kvCacheBytesPerToken());
            assertEquals(c.kvCacheBytesPerToken() * 2 * 4, cache.bytes(), "rows × positions × bytes per token");
        }
    }

    static Stream<GptConfig> kvCacheConfigs() {
        return Stream.of(GptConfig.tiny(20), GptConfig.tiny(20).withWidth(64, 8).withKvHeads(2).withLayers(3));
    }
}
