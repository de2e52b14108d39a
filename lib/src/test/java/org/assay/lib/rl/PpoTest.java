package org.assay.lib.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.assay.lib.engine.Torch;
import org.assay.lib.train.AdamW;
import org.assay.lib.train.LossFn;
import org.assay.lib.train.TrainingClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PpoTest {

    /** GAE in its sum form, A_t = Σ_l (γλ)^l δ_{t+l} (Schulman et al. 2016, eq. 16), beside the recursion. */
    @ParameterizedTest
    @CsvSource({"0.9, 0.8", "1.0, 1.0", "1.0, 0.0", "0.5, 0.95"})
    void gaeEqualsItsSumForm(double gamma, double lambda) {
        float[] weights = {0, 1, 1, 1, 0, 0, 1, 1};
        float[] rewards = {9, 0.1f, -0.2f, 1.0f, 9, 9, -0.05f, 0.5f};  // unweighted positions must not count
        float[] values = {9, 0.5f, 0.4f, 0.3f, 9, 9, 0.2f, -0.1f};
        Advantages.Gae g = Advantages.gae(rewards, values, weights, 2, gamma, lambda);
        int[][] actions = {{1, 2, 3}, {6, 7}};
        for (int[] row : actions) {
            for (int a = 0; a < row.length; a++) {
                double sum = 0;
                for (int l = 0; a + l < row.length; l++) {
                    int i = row[a + l];
                    double next = a + l + 1 < row.length ? values[row[a + l + 1]] : 0;
                    double delta = rewards[i] + gamma * next - values[i];
                    sum += Math.pow(gamma * lambda, l) * delta;
                }
                assertEquals(sum, g.advantages()[row[a]], 1e-6, "position " + row[a]);
                assertEquals(sum + values[row[a]], g.returns()[row[a]], 1e-6);
            }
        }
        for (int i : new int[] {0, 4, 5}) {
            assertEquals(0f, g.advantages()[i]);
        }
        if (gamma == 1 && lambda == 1) { // Monte Carlo: the rewards to go minus the value
            assertEquals(0.1 - 0.2 + 1.0 - 0.5, g.advantages()[1], 1e-6);
        }
    }

    @Test
    void whiteningCentresAndScalesTheWeightedPositionsOnly() {
        float[] w = {1, 0, 1, 1};
        float[] out = Advantages.whiten(new float[] {1, 100, 2, 3}, w);
        assertArrayEquals(new float[] {-1, 0, 0, 1}, out, 1e-6f); // mean 2, sample std 1
    }

    @Test
    void theValueLossIsHalfTheLargerOfTheClippedAndUnclippedSquares() {
        // V = 1.0, 0.0; R = 0.0, 1.0; V_old = 0.8, 0.5; ε = 0.1 → clipped V = 0.9, 0.4
        // token 0: max(1.00, 0.81) = 1.00; token 1: max(1.00, 0.36) = 1.00 → ½·mean = 0.5
        // with V = 0.5, 0.9 (moved past the clip, towards R): clipped V = 0.7, 0.6; token 0 max(0.25, 0.49) = 0.49;
        // token 1 max(0.01, 0.16) = 0.16 → ½·mean = 0.1625; unclipped ½·(0.25 + 0.01)/2 = 0.065
        try (NDManager m = Torch.engine().newBaseManager()) {
            Shape s = new Shape(1, 2);
            Map<String, ai.djl.ndarray.NDArray> extra = Map.of(PolicyLoss.RETURNS, m.create(new float[] {0, 1}, s),
                    PolicyLoss.OLD_VALUES, m.create(new float[] {0.8f, 0.5f}, s));
            LossFn.Inputs in = new LossFn.Inputs(m.zeros(s), m.ones(s), extra, null, m.create(new float[] {1, 0}, s));
            assertEquals(0.5, PolicyLoss.valueLoss(0.1).loss(in).getFloat(), 1e-6);
            in = new LossFn.Inputs(m.zeros(s), m.ones(s), extra, null, m.create(new float[] {0.5f, 0.9f}, s));
            assertEquals(0.1625, PolicyLoss.valueLoss(0.1).loss(in).getFloat(), 1e-6);
            assertEquals(0.065, PolicyLoss.valueLoss(0).loss(in).getFloat(), 1e-6);
            LossFn.Inputs none = new LossFn.Inputs(m.zeros(s), m.ones(s), extra);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PolicyLoss.valueLoss(0.1).loss(none));
            assertTrue(e.getMessage().contains("value head"), e.getMessage());
        }
    }

    static Ppo.Config config(long seed, boolean shared) {
        return Ppo.Config.defaults().withGroups(16, 2).withSampling(GrpoTest.config(seed).sampling())
                .withOptimizer(AdamW.defaults().withLearningRate(1e-2)).withSharedCritic(shared).withSeed(seed);
    }

    @ParameterizedTest
    @CsvSource({"false", "true"})
    void ppoWithACriticLearnsATriviallyLearnableReward(boolean shared) {
        try (TrainingClient policy = GrpoTest.tiny(1); Ppo ppo = Ppo.of(policy, GrpoTest.CHARS, GrpoTest.FIRST_A,
                config(1, shared))) {
            List<Ppo.StepMetrics> m = ppo.run(25);
            double first = m.subList(0, 3).stream().mapToDouble(Ppo.StepMetrics::reward).average().orElseThrow();
            double last = m.subList(22, 25).stream().mapToDouble(Ppo.StepMetrics::reward).average().orElseThrow();
            assertTrue(first < 0.5 && last > 0.8, (shared ? "shared" : "separate") + " critic: reward " + first
                    + " -> " + last);
            double firstValueLoss = m.subList(0, 3).stream().mapToDouble(Ppo.StepMetrics::valueLoss).average()
                    .orElseThrow();
            double lastValueLoss = m.subList(22, 25).stream().mapToDouble(Ppo.StepMetrics::valueLoss).average()
                    .orElseThrow();
            assertTrue(lastValueLoss < firstValueLoss, "the critic learns: value loss " + firstValueLoss + " -> "
                    + lastValueLoss);
            Ppo.StepMetrics end = m.get(24);
            assertTrue(end.kl() > 0 && end.nonScoreReward() < 0, end.toString());
            assertTrue(end.approxKl() >= 0 && end.clipFraction() >= 0 && end.clipFraction() <= 1, end.toString());
            assertTrue(Double.isFinite(end.explainedVariance()), end.toString());
            assertEquals(shared, ppo.critic() == policy);
            assertEquals(shared, policy.model().hasValueHead());
        }
    }

    @Test
    void theSameSeedGivesTheSameNumbers() {
        List<Map<String, Object>> a;
        try (TrainingClient policy = GrpoTest.tiny(2); Ppo ppo = Ppo.of(policy, GrpoTest.CHARS, GrpoTest.FIRST_A,
                config(2, false))) {
            a = withoutTimes(ppo.run(3));
        }
        try (TrainingClient policy = GrpoTest.tiny(2); Ppo ppo = Ppo.of(policy, GrpoTest.CHARS, GrpoTest.FIRST_A,
                config(2, false))) {
            assertEquals(a, withoutTimes(ppo.run(3)));
        }
    }

    private static List<Map<String, Object>> withoutTimes(List<Ppo.StepMetrics> m) {
        return m.stream().map(x -> {
            Map<String, Object> map = new java.util.LinkedHashMap<>(x.toMap());
            map.keySet().removeIf(k -> k.endsWith("_seconds"));
            return map;
        }).toList();
    }

    @Test
    void aValueHeadIsCountedApartCheckpointedAndLeavesTheLogitsAlone(@org.junit.jupiter.api.io.TempDir
                                                                       java.nio.file.Path dir) {
        try (TrainingClient c = GrpoTest.tiny(3)) {
            org.assay.lib.train.TokenBatch b = org.assay.lib.train.TokenBatch.of(new int[] {0, 1, 2, 3}, new int[] {1,
                    2, 3, 4}, 2);
            float[] before = c.computeLogprobs(b);
            IllegalStateException none = assertThrows(IllegalStateException.class, () -> c.computeValues(b));
            assertTrue(none.getMessage().contains("addValueHead"), none.getMessage());
            c.model().addValueHead(1);
            assertArrayEquals(before, c.computeLogprobs(b));
            assertEquals(c.config().parameters(), c.model().parameterCount());
            float[] values = c.computeValues(b);
            assertEquals(4, values.length);
            org.assay.lib.train.Results.ForwardBackward fb = c.forwardBackward(b.withExtra(PolicyLoss.RETURNS,
                    new float[] {1, 1, 1, 1}), PolicyLoss.valueLoss(0));
            assertArrayEquals(values, fb.values(), 1e-6f);
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> c.forwardBackward(
                    b, PolicyLoss.valueLoss(0)));
            assertTrue(missing.getMessage().contains("returns"), missing.getMessage());
            c.optimStep(AdamW.defaults());
            c.saveState(dir, Map.of());
            try (TrainingClient back = GrpoTest.tiny(4)) {
                back.model().addValueHead(9);
                back.loadState(dir);
                assertArrayEquals(c.computeValues(b), back.computeValues(b));
            }
        }
    }

    @Test
    void badSettingsAreRefusedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ppo.Config.defaults().withGae(1.5, 0.9));
        assertTrue(e.getMessage().contains("gamma and lambda must be in [0, 1], got 1.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Ppo.Config.defaults().withClipping(0, 0.2));
        assertTrue(e.getMessage().contains("clipRange must be in (0, 1)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Advantages.gae(new float[3], new float[2],
                new float[3], 1, 1, 1));
        assertTrue(e.getMessage().contains("got 3, 2 and 3"), e.getMessage());
    }
}
