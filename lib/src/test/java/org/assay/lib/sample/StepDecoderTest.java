package org.assay.lib.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.assay.lib.model.Gpt;
import org.assay.lib.model.GptConfig;
import org.assay.lib.model.KvCache;
import org.junit.jupiter.api.Test;

/**
 * A prompt read once for its n rows (the cache's rows repeated for libtorch, branched by the Java decoder) gives
 * every row the logits of recomputing its whole sequence.
 */
class StepDecoderTest {

    @Test
    void promptsReadOnceGiveEachRowTheLogitsOfAFullRecomputation() {
        GptConfig c = GptConfig.tiny(37).withContextLength(16).withWidth(32, 4);
        int prompts = 2;
        int n = 3;
        int rows = prompts * n;
        int promptLength = 4;
        int width = promptLength + 5;
        int[] sequence = new int[rows * width];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < promptLength; t++) {
                sequence[r * width + t] = (r / n * 7 + t * 3) % 37; // the rows of one prompt alike
            }
        }
        try (Gpt model = Gpt.create(c, 5);
             StepDecoder full = new StepDecoder.Libtorch(model, null, rows, 1, false, false);
             StepDecoder repeated = new StepDecoder.Libtorch(model, new KvCache(model), rows, n, true, false);
             StepDecoder java = new StepDecoder.Java(model, new KvCache(model), rows, n, width - 1, 2)) {
            for (int len = promptLength; len < width; len++) {
                float[] expected = full.next(sequence, width, len);
                float[] libtorch = repeated.next(sequence, width, len);
                float[] branched = java.next(sequence, width, len);
                for (int i = 0; i < expected.length; i++) {
                    double tolerance = 2e-5 * Math.max(1, Math.abs(expected[i]));
                    assertEquals(expected[i], libtorch[i], tolerance, "libtorch, length " + len + ", logit " + i);
                    assertEquals(expected[i], branched[i], tolerance, "java, length " + len + ", logit " + i);
                }
                for (int r = 0; r < rows; r++) { // each row its own next token, so the rows of a prompt part
                    sequence[r * width + len] = (r * 5 + len) % 37;
                }
            }
        }
    }
}
