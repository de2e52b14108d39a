package org.assay.lib.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.assay.lib.engine.Torch;
import org.junit.jupiter.api.Test;

/**
 * Tensors that autograd keeps for the backward pass must not live in Java memory that the garbage collector can free
 * between forward and backward (DJL's {@code mul(Number)} wraps the number in a tensor over a direct buffer and closes
 * it at once). A collection forced between the two passes, with the freed memory overwritten, must not change a
 * single gradient.
 */
class GptMemoryTest {

    @Test
    void gradientsDoNotDependOnGarbageCollectionBetweenForwardAndBackward() throws Exception {
        GptConfig config = GptConfig.tiny(17).withContextLength(16).withWidth(32, 4);
        Map<String, float[]> quiet = gradients(config, false);
        Map<String, float[]> collected = gradients(config, true);
        for (String name : quiet.keySet()) {
            assertArrayEquals(quiet.get(name), collected.get(name), "gradient of " + name);
        }
    }

    private static Map<String, float[]> gradients(GptConfig config, boolean collectGarbage) throws Exception {
        SplittableRandom rng = new SplittableRandom(3);
        int[] ids = rng.ints(4 * 16, 0, 17).toArray();
        Map<String, float[]> grads = new LinkedHashMap<>();
        try (Gpt model = Gpt.create(config, 5); NDScope scope = new NDScope();
             GradientCollector collector = Torch.engine().newGradientCollector()) {
            scope.suppressNotUsedWarning();
            NDArray loss = model.forward(model.tokens(ids, 4), null, null).logSoftmax(2).mean().neg();
            if (collectGarbage) {
                List<ByteBuffer> junk = new ArrayList<>();
                for (int round = 0; round < 5; round++) {
                    System.gc();
                    Thread.sleep(20); // the cleaner thread frees direct buffers
                    for (int i = 0; i < 20_000; i++) { // reuse the freed memory with other values
                        ByteBuffer b = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
                        b.putFloat(0, 1e6f).putFloat(4, 1e6f).putFloat(8, 1e6f).putFloat(12, 1e6f);
                        junk.add(b);
                    }
                }
                junk.clear();
            }
            collector.backward(loss);
            model.parameters().forEach((name, p) -> grads.put(name, p.getGradient().toFloatArray()));
        }
        return grads;
    }
}
