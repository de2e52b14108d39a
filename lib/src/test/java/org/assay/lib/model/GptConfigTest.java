package org.assay.lib.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GptConfigTest {

    @Test
    void smallConfigMatchesAHandCount() {
        GptConfig c = GptConfig.small(256); // V=256, T=128, L=4, d=128, GELU, LayerNorm, learned positions, tied
        // per block: 2 LayerNorms 2·2·128 = 512; qkv 128·384 = 49,152; proj 128·128 = 16,384; MLP 2·128·512 = 131,072
        long block = 512 + 49_152 + 16_384 + 131_072;
        assertEquals(4 * block + 256, c.nonEmbeddingParameters()); // + final LayerNorm
        assertEquals(256 * 128 + 128 * 128, c.embeddingParameters()); // tokens + positions
        assertEquals(837_888, c.parameters());
        // 6·(N + V·d) + 12·L·T·d
        assertEquals(788_736 + 256 * 128, c.parametersPerToken());
        assertEquals(6.0 * (788_736 + 256 * 128) + 12.0 * 4 * 128 * 128, c.trainingFlopsPerToken());
    }

    @Test
    void llamaStyleBlockMatchesAHandCount() {
        GptConfig c = GptConfig.llamaStyle(100, 2, 64, 4).withContextLength(32); // kvHeads 2, hd 16, SwiGLU hidden 176
        assertEquals(176, c.mlpHidden()); // ceil(8·64/3) = 171 → 176
        long block = 64 + 64L * (4 + 2 * 2) * 16 + 64L * 64 + 64 + 3L * 64 * 176;
        assertEquals(2 * block + 64, c.nonEmbeddingParameters());
        assertEquals(100L * 64, c.embeddingParameters()); // RoPE: no position matrix
    }

    @Test
    void expertsCountTotalAndActiveParameters() {
        GptConfig c = GptConfig.tiny(50).withExperts(4, 1);
        long mlp = 2L * 64 * 256;
        long dense = GptConfig.tiny(50).nonEmbeddingParameters();
        assertEquals(dense + 2 * (3 * mlp + 64L * 4), c.nonEmbeddingParameters());
        assertEquals(dense + 2 * (64L * 4), c.activeNonEmbeddingParameters());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "100|64|2|64|5|5|GptConfig: heads must divide dModel, got dModel=64, heads=5",
        "100|64|2|64|4|3|GptConfig: kvHeads must divide heads, got heads=4, kvHeads=3",
        "1|64|2|64|4|4|GptConfig: vocabSize must be >= 2, got vocabSize=1",
        "100|0|2|64|4|4|GptConfig: contextLength must be >= 1, got contextLength=0"})
    void badConfigsNameTheConstraintAndValues(int v, int t, int l, int d, int h, int kv, String message) {
        var e = assertThrows(IllegalArgumentException.class, () -> new GptConfig(v, t, l, d, h, kv, GptConfig.Mlp.GELU,
                GptConfig.Norm.LAYER_NORM, GptConfig.Positions.LEARNED, true, 0, 0, 0));
        assertEquals(message, e.getMessage());
    }

    @Test
    void otherConstraints() {
        assertEquals("GptConfig: dropout must be in [0, 1), got dropout=1.0",
                assertThrows(IllegalArgumentException.class, () -> GptConfig.tiny(10).withDropout(1)).getMessage());
        assertEquals("GptConfig: expertsPerToken must be in [1, experts] with experts, 0 without, got experts=4,"
                + " expertsPerToken=5",
                assertThrows(IllegalArgumentException.class, () -> GptConfig.tiny(10).withExperts(4, 5)).getMessage());
        assertEquals("GptConfig: RoPE needs an even head dimension, got dModel/heads=3",
                assertThrows(IllegalArgumentException.class, () -> GptConfig.tiny(10).withWidth(12, 4)
                        .withPositions(GptConfig.Positions.ROPE)).getMessage());
    }
}
