package org.assay.lib.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.assay.lib.data.CharTokenizer;
import org.assay.lib.engine.Torch;
import org.assay.lib.model.GptConfig;
import org.assay.lib.train.AdamW;
import org.assay.lib.train.LossFn;
import org.assay.lib.train.TokenBatch;
import org.assay.lib.train.TrainingClient;
import org.junit.jupiter.api.Test;

class PreferenceTest {

    @Test
    void sftBatchesMaskThePrompt() {
        CharTokenizer chars = CharTokenizer.fit("ab=12");
        TokenBatch b = Preference.batch(chars, List.of("a=", "ab="), List.of("1", "12"));
        assertEquals(2, b.rows());
        assertEquals(4, b.width()); // "ab=12" → 4 input positions
        // row 0: "a=1": inputs a,= targets =,1; only the target '1' is weighted
        assertArrayEquals(new float[] {0, 1, 0, 0}, java.util.Arrays.copyOfRange(b.weights(), 0, 4));
        assertArrayEquals(new float[] {0, 0, 1, 1}, java.util.Arrays.copyOfRange(b.weights(), 4, 8));
        var e = assertThrows(IllegalArgumentException.class, () -> Preference.batch(chars, List.of("a"), List.of()));
        assertTrue(e.getMessage().contains("one length, got 1 and 0"), e.getMessage());
    }

    @Test
    void dpoLossByHand() {
        // pair: chosen logprobs (−1, −2) vs reference (−1.5, −2); rejected (−3) vs reference (−2.5); β = 0.5
        float[] logp = {-1f, -2f, -3f, 0f};
        float[] ref = {-1.5f, -2f, -2.5f, 0f};
        float[] w = {1f, 1f, 1f, 0f};
        double margin = 0.5 * ((-3.0 - -3.5) - (-3.0 - -2.5));
        double expected = Math.log1p(Math.exp(-margin));
        try (NDManager m = Torch.engine().newBaseManager()) {
            Shape s = new Shape(2, 2);
            LossFn.Inputs in = new LossFn.Inputs(m.create(logp, s), m.create(w, s),
                    Map.of(PolicyLoss.REFERENCE_LOGPROBS, m.create(ref, s)));
            assertEquals(expected, Preference.dpo(0.5).loss(in).getFloat(), 1e-6);
            // at π = π_ref the loss is log 2
            LossFn.Inputs same = new LossFn.Inputs(m.create(ref, s), m.create(w, s),
                    Map.of(PolicyLoss.REFERENCE_LOGPROBS, m.create(ref, s)));
            assertEquals(Math.log(2), Preference.dpo(0.5).loss(same).getFloat(), 1e-6);
        }
        assertThrows(IllegalArgumentException.class, () -> Preference.dpo(0));
    }

    @Test
    void conservativeDpoAndIpoByHand() {
        // as above: chosen (−1, −2) vs reference (−1.5, −2), rejected (−3) vs (−2.5)
        float[] logp = {-1f, -2f, -3f, 0f};
        float[] ref = {-1.5f, -2f, -2.5f, 0f};
        float[] w = {1f, 1f, 1f, 0f};
        double h = (-3.0 - -3.5) - (-3.0 - -2.5);               // margin of summed log-ratios: 1.0
        double m = 0.5 * h;
        double smoothed = 0.9 * Math.log1p(Math.exp(-m)) + 0.1 * Math.log1p(Math.exp(m));
        double hMean = ((-1.0 - -1.5) + 0) / 2 - (-3.0 - -2.5); // IPO averages over completion tokens: 0.75
        try (NDManager mgr = Torch.engine().newBaseManager()) {
            Shape s = new Shape(2, 2);
            LossFn.Inputs in = new LossFn.Inputs(mgr.create(logp, s), mgr.create(w, s),
                    Map.of(PolicyLoss.REFERENCE_LOGPROBS, mgr.create(ref, s)));
            assertEquals(smoothed, Preference.conservativeDpo(0.5, 0.1).loss(in).getFloat(), 1e-6);
            assertEquals(Preference.dpo(0.5).loss(in).getFloat(), Preference.conservativeDpo(0.5, 0).loss(in).getFloat());
            assertEquals(Math.pow(hMean - 1 / (2 * 0.5), 2), Preference.ipo(0.5).loss(in).getFloat(), 1e-6);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Preference.conservativeDpo(0.1, 0.5));
        assertEquals("Preference.conservativeDpo: labelSmoothing must be in [0, 0.5), got 0.5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Preference.ipo(-1));
        assertEquals("Preference.ipo: tau must be > 0, got -1.0", e.getMessage());
    }

    @Test
    void dpoMetricsAreTrlsByHand() {
        // two pairs of one-token completions at position 1 of width-2 rows
        float[] w = {0, 1, 0, 1, 0, 1, 0, 1};
        float[] ref = {0, -1, 0, -2, 0, -1, 0, -1};
        float[] policy = {0, -0.5f, 0, -3, 0, -1.5f, 0, -0.5f};
        TokenBatch b = TokenBatch.of(new int[8], new int[8], w, 4).withExtra(PolicyLoss.REFERENCE_LOGPROBS, ref);
        var m = Preference.dpoMetrics(b, policy, 0.1);
        // rewards: pair 0 chosen 0.1·0.5, rejected 0.1·(−1); pair 1 chosen 0.1·(−0.5), rejected 0.1·0.5
        assertEquals((0.05 - 0.05) / 2, m.rewardsChosen(), 1e-9);
        assertEquals((-0.1 + 0.05) / 2, m.rewardsRejected(), 1e-9);
        assertEquals(m.rewardsChosen() - m.rewardsRejected(), m.rewardsMargins(), 1e-12);
        assertEquals(0.5, m.rewardsAccuracies(), "pair 0 ranks right, pair 1 wrong");
        assertEquals((-0.5 - 1.5) / 2, m.logpsChosen(), 1e-9);
        assertEquals((-3 - 0.5) / 2, m.logpsRejected(), 1e-9);
        assertEquals("rewards_chosen", org.assay.lib.runs.Metrics.key(Preference.DpoMetrics.class, "rewardsChosen"));
        var e = assertThrows(IllegalArgumentException.class, () -> Preference.dpoMetrics(
                TokenBatch.of(new int[8], new int[8], w, 4), policy, 0.1));
        assertTrue(e.getMessage().startsWith("Preference.dpoMetrics: the batch has no 'reference_logprobs'"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Preference.dpoMetrics(b, new float[3], 0.1));
        assertEquals("Preference.dpoMetrics: logprobs must have rows × width = 8 values, one per target token, got 3",
                e.getMessage());
    }

    @Test
    void dpoTrainingPrefersTheChosenCompletion() {
        CharTokenizer chars = CharTokenizer.fit("q=xy");
        TokenBatch b = Preference.batch(chars, List.of("q=", "q="), List.of("x", "y"));
        try (TrainingClient policy = TrainingClient.create(GptConfig.tiny(chars.vocabSize()).withContextLength(4)
                .withWidth(16, 2).withLayers(1), 3)) {
            float[] ref = new float[b.inputs().length];
            float[] start = policy.computeLogprobs(chars.encode("q=x"));
            float[] startY = policy.computeLogprobs(chars.encode("q=y"));
            ref[1] = start[2];
            ref[b.width() + 1] = startY[2];
            for (int i = 0; i < 20; i++) {
                policy.forwardBackward(b.withExtra(PolicyLoss.REFERENCE_LOGPROBS, ref), Preference.dpo(0.5));
                policy.optimStep(AdamW.defaults().withLearningRate(1e-2));
            }
            double gap = policy.computeLogprobs(chars.encode("q=x"))[2] - policy.computeLogprobs(chars.encode("q=y"))[2];
            assertTrue(gap > (start[2] - startY[2]) + 1, "log p(x) − log p(y) grew by more than 1 nat: " + gap);
        }
    }
}
