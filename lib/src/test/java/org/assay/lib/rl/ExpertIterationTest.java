package org.assay.lib.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.assay.evals.tasks.Task;
import org.assay.lib.sample.SamplingParams;
import org.assay.lib.train.AdamW;
import org.assay.lib.train.TrainingClient;
import org.junit.jupiter.api.Test;

class ExpertIterationTest {

    static ExpertIteration.Config config(long seed) {
        return ExpertIteration.Config.defaults().withProblems(4, 8).withSampling(SamplingParams.defaults()
                .withMaxTokens(3)).withFineTuning(10, 8).withOptimizer(AdamW.defaults().withLearningRate(1e-2))
                .withSeed(seed);
    }

    static List<ExpertIteration.IterationMetrics> run(long seed, Env env, ExpertIteration.Config config, int n) {
        List<ExpertIteration.IterationMetrics> m = new ArrayList<>();
        try (TrainingClient policy = GrpoTest.tiny(seed)) {
            ExpertIteration loop = ExpertIteration.of(policy, GrpoTest.CHARS, env, config);
            for (int i = 0; i < n; i++) {
                m.add(loop.iteration());
            }
        }
        return m;
    }

    @Test
    void fineTuningOnItsOwnCorrectSamplesTeachesTheModelTheReward() {
        for (long seed = 1; seed <= 2; seed++) {
            var m = run(seed, GrpoTest.FIRST_A, config(seed), 5);
            assertTrue(m.get(0).accuracy() < 0.5 && m.get(4).accuracy() > 0.8, "seed " + seed + ": " + m);
            assertTrue(m.get(0).kept() > 0 && m.get(0).kept() <= 4 * 8, m.get(0).toString());
            assertEquals(0, m.get(0).rationalized(), "no hint, no rationalisation");
        }
        assertEquals(run(3, GrpoTest.FIRST_A, config(3), 2), run(3, GrpoTest.FIRST_A, config(3), 2), "same seed");
    }

    @Test
    void withAHintUnsolvedProblemsAreRationalisedAndTrainedUnderTheirOwnPrompt() {
        // the answer is a letter the prompt does not give: only chance solves a problem, and the hint gives it away
        Env guess = Env.of("guess", IntStream.range(0, 8).mapToObj(i -> new Task("g" + i, "?", "abcd".substring(i % 4,
                i % 4 + 1), "guess", 0)).toList(), Task::prompt, (task, completion) -> Env.Reward.of(
                completion.startsWith(task.answer()) ? 1 : 0, completion.startsWith(task.answer())));
        var hinted = config(4).withProblems(8, 2).withHint(t -> t.answer() + "?");
        var m = run(4, guess, hinted, 3);
        assertTrue(m.stream().mapToInt(ExpertIteration.IterationMetrics::rationalized).sum() > 0, m.toString());
        assertTrue(m.stream().allMatch(x -> x.solved() <= 1 && x.kept() >= x.rationalized()), m.toString());
        var e = assertThrows(IllegalArgumentException.class, () -> ExpertIteration.Config.defaults().withProblems(4, 1));
        assertTrue(e.getMessage().startsWith("ExpertIteration.Config: samples must be >= 2"), e.getMessage());
    }
}
