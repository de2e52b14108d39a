package org.assay.lib.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.assay.lib.data.CharTokenizer;
import org.assay.lib.engine.Torch;
import org.assay.lib.model.GptConfig;
import org.assay.lib.train.AdamW;
import org.assay.lib.train.LossFn;
import org.assay.lib.train.TrainingClient;
import org.junit.jupiter.api.Test;

class RewardModelTest {

    static final CharTokenizer CHARS = CharTokenizer.fit("ab>+-");

    /** Pairs where the completion with more a's is preferred (a gold reward the model must discover). */
    static List<RewardModel.Pair> pairs(int count, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<RewardModel.Pair> out = new ArrayList<>();
        while (out.size() < count) {
            String x = random(rng);
            String y = random(rng);
            long ax = x.chars().filter(c -> c == 'a').count();
            long ay = y.chars().filter(c -> c == 'a').count();
            if (ax != ay) {
                out.add(ax > ay ? new RewardModel.Pair(">", x, y) : new RewardModel.Pair(">", y, x));
            }
        }
        return out;
    }

    static String random(SplittableRandom rng) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            s.append(rng.nextBoolean() ? 'a' : 'b');
        }
        return s.toString();
    }

    @Test
    void bradleyTerryLossByHand() {
        try (NDManager m = Torch.engine().newBaseManager()) {
            // one pair: r_w = −1 − (−2) = 1, r_l = −3 − (−0.5) = −2.5; loss = log(1 + e^{−3.5})
            Shape s = new Shape(4, 2);
            LossFn.Inputs in = new LossFn.Inputs(m.create(new float[] {-9f, -1f, -9f, -2f, -9f, -3f, -9f, -0.5f}, s),
                    m.create(new float[] {0f, 1f, 0f, 1f, 0f, 1f, 0f, 1f}, s), Map.of());
            assertEquals(Math.log1p(Math.exp(-3.5)), RewardModel.bradleyTerry().loss(in).getFloat(), 1e-6);
        }
    }

    @Test
    void aRewardModelLearnsTheGoldPreferenceAndGeneralises() {
        try (TrainingClient client = TrainingClient.create(GptConfig.tiny(CHARS.vocabSize()).withContextLength(16)
                .withWidth(32, 4).withLayers(1), 5)) {
            RewardModel rm = RewardModel.of(client, CHARS, CHARS.encode("+")[0], CHARS.encode("-")[0]);
            List<RewardModel.Pair> train = pairs(64, 1);
            List<RewardModel.Pair> heldOut = pairs(100, 2);
            double before = rm.accuracy(heldOut);
            for (int step = 0; step < 60; step++) {
                rm.trainStep(train.subList((step % 4) * 16, (step % 4) * 16 + 16),
                        AdamW.defaults().withLearningRate(3e-3));
            }
            double after = rm.accuracy(heldOut);
            assertTrue(after > 0.85 && after > before, "held-out pair accuracy " + before + " -> " + after);
            assertTrue(rm.score(">", "aaaaaa") > rm.score(">", "bbbbbb"));
        }
        var e = assertThrows(IllegalArgumentException.class, () -> {
            try (TrainingClient c = TrainingClient.create(GptConfig.tiny(4).withContextLength(8).withWidth(16, 2)
                    .withLayers(1), 1)) {
                RewardModel.of(c, CHARS, 9, 1);
            }
        });
        assertTrue(e.getMessage().contains("two different token ids in [0, 4), got 9 and 1"), e.getMessage());
    }
}
