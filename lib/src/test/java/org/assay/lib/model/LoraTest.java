package org.assay.lib.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDScope;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.assay.lib.train.AdamW;
import org.assay.lib.train.TrainingClient;
import org.junit.jupiter.api.Test;

class LoraTest {

    static final GptConfig CONFIG = GptConfig.tiny(11).withContextLength(8).withWidth(16, 2).withLayers(2);
    static final Set<String> TARGETS = Set.of("attn.qkv", "attn.proj", "mlp.fc", "mlp.proj");

    static float[] logits(Gpt model, int[] ids) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return model.forward(model.tokens(ids, 2), null, null).toFloatArray();
        }
    }

    @Test
    void adaptersStartAsTheIdentityTrainAloneAndComeOffCleanly() {
        SplittableRandom rng = new SplittableRandom(3);
        int[] in = rng.ints(16, 0, 11).toArray();
        int[] out = rng.ints(16, 0, 11).toArray();
        try (TrainingClient client = TrainingClient.create(CONFIG, 5)) {
            Gpt model = client.model();
            float[] base = logits(model, in);
            Map<String, float[]> baseWeights = model.snapshot();
            model.addLora(4, 8, TARGETS, 1);
            assertTrue(model.hasLora());
            assertArrayEquals(base, logits(model, in), "B starts at zero: the adapted model is the base model");
            assertEquals(CONFIG.parameters(), model.parameterCount(), "adapters are counted apart");
            assertEquals(2 * 4 * 2, model.trainableParameters().size(), "A and B for 4 targets in 2 layers");

            double first = Double.NaN;
            double last = Double.NaN;
            for (int i = 0; i < 30; i++) {
                last = client.forwardBackward(in, out, 2).loss();
                first = i == 0 ? last : first;
                client.optimStep(AdamW.defaults().withLearningRate(1e-2));
            }
            assertTrue(last < first - 0.2, "the adapters learn: " + first + " -> " + last);
            Map<String, float[]> after = model.snapshot();
            baseWeights.forEach((name, w) -> assertArrayEquals(w, after.get(name), "frozen: " + name));
            assertFalse(Arrays.equals(new float[after.get("h.0.attn.qkv.lora_B").length],
                    after.get("h.0.attn.qkv.lora_B")), "B moved");

            model.removeLora();
            assertFalse(model.hasLora());
            assertArrayEquals(base, logits(model, in), "without its adapters the model is the base again");
            assertEquals(model.parameters().size(), model.trainableParameters().size());
        }
    }

    @Test
    void badAdaptersGetClearErrors() {
        try (Gpt model = Gpt.create(CONFIG, 1)) {
            var e = assertThrows(IllegalArgumentException.class, () -> model.addLora(0, 8, TARGETS, 1));
            assertTrue(e.getMessage().contains("rank must be >= 1 and alpha > 0, got rank=0"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> model.addLora(2, 4, Set.of("attn.q"), 1));
            assertTrue(e.getMessage().contains("match no weight"), e.getMessage());
            model.addLora(2, 4, TARGETS, 1);
            var s = assertThrows(IllegalStateException.class, () -> model.addLora(2, 4, TARGETS, 1));
            assertTrue(s.getMessage().contains("already has adapters"), s.getMessage());
        }
    }
}
