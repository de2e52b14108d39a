package org.assay.lib.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.assay.lib.sample.SamplingParams;
import org.assay.lib.train.AdamW;
import org.assay.lib.train.TrainingClient;
import org.junit.jupiter.api.Test;

class OnlineDpoTest {

    static OnlineDpo.Config config(long seed) {
        return OnlineDpo.Config.defaults().withGroups(4, 8).withSampling(SamplingParams.defaults().withMaxTokens(3))
                .withBeta(0.5).withOptimizer(AdamW.defaults().withLearningRate(1e-2)).withSeed(seed);
    }

    static List<OnlineDpo.StepMetrics> run(long seed, OnlineDpo.Config config, int steps) {
        List<OnlineDpo.StepMetrics> m = new ArrayList<>();
        try (TrainingClient policy = GrpoTest.tiny(seed); OnlineDpo dpo = OnlineDpo.of(policy, GrpoTest.CHARS,
                GrpoTest.FIRST_A, config)) {
            for (int s = 0; s < steps; s++) {
                m.add(dpo.step());
            }
            assertEquals(32, dpo.lastRollouts().samples().size());
        }
        return m;
    }

    @Test
    void pairsOfTheCurrentPolicysBestAndWorstSamplesTeachItTheReward() {
        for (long seed = 1; seed <= 2; seed++) {
            List<OnlineDpo.StepMetrics> m = run(seed, config(seed), 25);
            double first = m.subList(0, 3).stream().mapToDouble(OnlineDpo.StepMetrics::reward).average().orElseThrow();
            double last = m.subList(22, 25).stream().mapToDouble(OnlineDpo.StepMetrics::reward).average().orElseThrow();
            assertTrue(first < 0.5 && last > 0.8, "seed " + seed + ": reward " + first + " -> " + last);
            OnlineDpo.StepMetrics early = m.get(0);
            assertTrue(early.pairs() > 0 && early.pairs() <= 4, early.toString());
            assertEquals(0.0, early.rewardsChosen(), 1e-6, "at the first step the policy is the reference");
            assertEquals(early.rewardsChosen() - early.rewardsRejected(), early.rewardsMargins(), 1e-9);
            OnlineDpo.StepMetrics trained = m.stream().filter(x -> x.pairs() > 0).reduce((a, b) -> b).orElseThrow();
            assertTrue(trained.rewardsMargins() > 0, "chosen completions gained on rejected ones: " + trained);
        }
    }

    @Test
    void theSameSeedGivesTheSameStepsAndIpoTrainsToo() {
        assertEquals(run(5, config(5), 3), run(5, config(5), 3));
        List<OnlineDpo.StepMetrics> ipo = run(3, config(3).withLoss(Preference.ipo(0.05)), 25);  // a margin target of 10 nats
        double last = ipo.subList(22, 25).stream().mapToDouble(OnlineDpo.StepMetrics::reward).average().orElseThrow();
        assertTrue(last > 0.8, "IPO: reward " + last);
        assertTrue(ipo.get(0).toMap().containsKey("rewards_accuracies"), ipo.get(0).toMap().toString());
        var e = assertThrows(IllegalArgumentException.class, () -> OnlineDpo.Config.defaults().withGroups(4, 1));
        assertEquals("OnlineDpo.Config: promptsPerStep must be >= 1 and groupSize >= 2, got 4 and 1", e.getMessage());
    }
}
