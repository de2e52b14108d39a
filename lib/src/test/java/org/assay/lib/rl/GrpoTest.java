package org.assay.lib.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.assay.evals.tasks.Task;
import org.assay.lib.data.CharTokenizer;
import org.assay.lib.model.GptConfig;
import org.assay.lib.runs.Runs;
import org.assay.lib.train.AdamW;
import org.assay.lib.sample.SamplingParams;
import org.assay.lib.train.TrainingClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrpoTest {

    static final CharTokenizer CHARS = CharTokenizer.fit("abcd?");
    /** Trivially learnable: reward 1 when the completion starts with 'a' (an untrained model does that 1 time in 5). */
    static final Env FIRST_A = Env.of("first-a", IntStream.range(0, 8).mapToObj(i -> new Task("q" + i, "?", "a",
                    "first-a", 0)).toList(), Task::prompt,
            (task, completion) -> Env.Reward.of(completion.startsWith("a") ? 1 : 0, completion.startsWith("a")));

    static Grpo.Config config(long seed) {
        return Grpo.Config.defaults().withGroups(4, 8).withSampling(SamplingParams.defaults().withMaxTokens(3))
                .withOptimizer(AdamW.defaults().withLearningRate(1e-2)).withSeed(seed);
    }

    static TrainingClient tiny(long seed) {
        return TrainingClient.create(GptConfig.tiny(CHARS.vocabSize()).withContextLength(8).withWidth(16, 2)
                .withLayers(1), seed);
    }

    @Test
    void aTinyGrpoRunLearnsATriviallyLearnableRewardForEverySeed() {
        for (long seed = 1; seed <= 3; seed++) {
            try (TrainingClient policy = tiny(seed); Grpo grpo = Grpo.of(policy, CHARS, FIRST_A, config(seed))) {
                List<Grpo.StepMetrics> m = grpo.run(25, null, null);
                double first = m.subList(0, 3).stream().mapToDouble(Grpo.StepMetrics::reward).average().orElseThrow();
                double lastThree = m.subList(22, 25).stream().mapToDouble(Grpo.StepMetrics::reward).average()
                        .orElseThrow();
                assertTrue(first < 0.5 && lastThree > 0.8, "seed " + seed + ": reward " + first + " -> " + lastThree);
                Grpo.StepMetrics end = m.get(24);
                assertTrue(end.kl() > 0, "the policy moved away from the reference");
                assertEquals(1.0, end.groupsAllCorrect() + end.groupsAllWrong() + end.groupsMixed(), 1e-12, end.toString());
            }
        }
    }

    @Test
    void diagnosticsGoToTheRunDirectoryAndTheSameSeedRepeats(@TempDir Path runs) {
        List<Grpo.StepMetrics> a;
        try (TrainingClient policy = tiny(7); Grpo grpo = Grpo.of(policy, CHARS, FIRST_A, config(7).withKl(0.05)
                .withInnerSteps(2))) {
            a = grpo.run(4, runs, "grpo");
            assertEquals(32, grpo.lastRollouts().table().rowCount());
        }
        try (TrainingClient policy = tiny(7); Grpo grpo = Grpo.of(policy, CHARS, FIRST_A, config(7).withKl(0.05)
                .withInnerSteps(2))) {
            assertEquals(withoutTimes(a), withoutTimes(grpo.run(4, null, null)));
        }
        var metrics = Runs.metrics(runs.resolve("grpo"));
        assertEquals(4, metrics.rowCount());
        for (String column : List.of("reward", "reward_std", "accuracy", "groups_all_correct", "groups_all_wrong",
                "groups_mixed", "frac_reward_zero_std", "clip_ratio", "clip_ratio_low", "clip_ratio_high", "kl_sampling",
                "kl", "entropy", "completion_length", "completion_length_min", "completion_length_max",
                "truncated_fraction", "grad_norm", "lr", "tokens", "flops", "sampling_seconds", "scoring_seconds",
                "training_seconds")) {
            assertTrue(metrics.columnNames().contains(column), column + " missing: " + metrics.columnNames());
        }
        assertTrue(Files.isRegularFile(runs.resolve("grpo").resolve("config.json")));
        // with two optimizer steps per batch the second sees a moved policy: ratios differ from 1
        assertTrue(a.get(3).klSampling() > 0, a.get(3).toString());
    }

    @Test
    void aStoppedRunResumesToTheSameNumbersAndKeepsEverySampleOnce(@TempDir Path runs) throws Exception {
        Grpo.Config c = config(3).withKl(0.05).withCheckpointEvery(2);
        List<Grpo.StepMetrics> whole;
        try (TrainingClient policy = tiny(3); Grpo grpo = Grpo.of(policy, CHARS, FIRST_A, c)) {
            whole = grpo.run(6, runs, "whole");
        }
        List<Grpo.StepMetrics> resumed = new java.util.ArrayList<>();
        try (TrainingClient policy = tiny(3); Grpo grpo = Grpo.of(policy, CHARS, FIRST_A, c)) {
            resumed.addAll(grpo.run(3, runs, "stopped")); // ends with a checkpoint at step 3
        }
        Path stopped = runs.resolve("stopped");
        // as if killed after logging step 4 but before its checkpoint: step 4's lines are cut on resume
        try (TrainingClient policy = tiny(3); Grpo grpo = Grpo.of(policy, CHARS, FIRST_A, c)) {
            grpo.resume(stopped, 4);
        }
        Files.walk(stopped.resolve("checkpoints")).sorted(java.util.Comparator.reverseOrder())
                .filter(p -> p.toString().contains("step-00000004")).forEach(p -> p.toFile().delete());
        try (TrainingClient other = tiny(99); Grpo grpo = Grpo.of(other, CHARS, FIRST_A, c)) {
            resumed.addAll(grpo.resume(stopped, 6)); // a differently initialised policy: its weights are replaced
        }
        assertEquals(withoutTimes(whole), withoutTimes(resumed));
        assertEquals(6, Runs.metrics(stopped).rowCount(), "step 4's first line was cut, so the file reads as one run");
        List<String> rollouts = Files.readAllLines(stopped.resolve(Grpo.ROLLOUTS));
        assertEquals(6 * 32, rollouts.size(), "each step's 32 samples once");
        assertEquals(Files.readAllLines(runs.resolve("whole").resolve(Grpo.ROLLOUTS)), rollouts);
        Map<?, ?> first = new com.google.gson.Gson().fromJson(rollouts.get(0), Map.class);
        for (String key : List.of("step", "group", "item", "prompt", "completion", "reward", "correct", "advantage",
                "tokens", "truncated", "trained")) {
            assertTrue(first.containsKey(key), key + " missing from " + first);
        }
        try (TrainingClient policy = tiny(3); Grpo grpo = Grpo.of(policy, CHARS, FIRST_A, c)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> grpo.run(2, runs,
                    "stopped"));
            assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        }
    }

    @Test
    void periodicEvaluationJoinsItsSteps(@TempDir Path runs) {
        org.assay.evals.Eval eval = org.assay.evals.Eval.of(FIRST_A.problems()).withFormat(
                new org.assay.evals.tasks.ResponseFormat() {
                    @Override
                    public String name() {
                        return "FIRST_CHARACTER";
                    }

                    @Override
                    public String prompt(Task task) {
                        return task.prompt();
                    }

                    @Override
                    public String extract(String completion) {
                        return completion.isEmpty() ? null : completion.substring(0, 1);
                    }
                }).withPrompt(Task::prompt).withSamples(2).withProgress(false);
        try (TrainingClient policy = tiny(4); Grpo grpo = Grpo.of(policy, CHARS, FIRST_A, config(4))
                .withEval(eval, 2)) {
            List<Grpo.StepMetrics> m = grpo.run(5, runs, "eval");
            assertEquals(List.of(false, true, false, true, true), m.stream().map(x -> x.evalAccuracy() != null)
                    .toList(), "steps 2, 4 and the last");
            Grpo.StepMetrics e = m.get(4);
            assertTrue(e.evalAccuracyLow() <= e.evalAccuracy() && e.evalAccuracy() <= e.evalAccuracyHigh(),
                    e.toString());
        }
        var metrics = Runs.metrics(runs.resolve("eval"));
        assertTrue(metrics.columnNames().contains("eval_accuracy"), metrics.columnNames().toString());
    }

    @Test
    void truncatedCompletionsAreMaskedWhenAskedAndCounted() {
        // with one token allowed and no stop, every completion is cut off
        Grpo.Config c = config(5).withSampling(SamplingParams.defaults().withMaxTokens(1));
        try (TrainingClient policy = tiny(5); Grpo grpo = Grpo.of(policy, CHARS, FIRST_A, c)) {
            Grpo.StepMetrics m = grpo.step();
            assertEquals(1.0, m.truncatedFraction());
            assertEquals(1.0, m.completionLengthMin());
            assertEquals(1.0, m.completionLengthMax());
            assertTrue(m.trained());
        }
        try (TrainingClient policy = tiny(5); Grpo grpo = Grpo.of(policy, CHARS, FIRST_A,
                c.withMaskTruncatedCompletions(true))) {
            Grpo.StepMetrics m = grpo.step();
            assertFalse(m.trained(), "every completion was truncated, so none is in the loss: " + m);
        }
        try (TrainingClient policy = tiny(5); Grpo grpo = Grpo.of(policy, CHARS, FIRST_A, config(5).withSampling(
                SamplingParams.defaults().withMaxTokens(3).withStop(List.of(CHARS.encode("?")))))) {
            Grpo.StepMetrics m = grpo.step();
            long cut = grpo.lastRollouts().samples().stream().filter(Rollouts.Rollout::truncated).count();
            assertEquals(cut / 32.0, m.truncatedFraction(), 1e-12);
            assertTrue(m.completionLengthMin() <= m.completionLength() && m.completionLength()
                    <= m.completionLengthMax(), m.toString());
        }
    }

    /** Everything but the seconds, which vary from run to run. */
    static List<Map<String, Object>> withoutTimes(List<Grpo.StepMetrics> m) {
        return m.stream().map(x -> {
            Map<String, Object> map = new java.util.LinkedHashMap<>(x.toMap());
            map.keySet().removeIf(k -> k.endsWith("_seconds"));
            return map;
        }).toList();
    }

    @Test
    void zeroVarianceGroupsAreDroppedWhenAsked() {
        Env alwaysRight = Env.of("always", FIRST_A.problems(), Task::prompt, (t, c) -> Env.Reward.of(1, true));
        try (TrainingClient policy = tiny(1); Grpo grpo = Grpo.of(policy, CHARS, alwaysRight, config(1)
                .withAdvantages(Advantages.Config.grpo().withDropZeroVariance(true)))) {
            Grpo.StepMetrics m = grpo.step();
            assertEquals(1.0, m.fracRewardZeroStd());
            assertEquals(1.0, m.groupsAllCorrect());
            assertFalse(m.trained(), "nothing to learn from: no update");
        }
    }

    @Test
    void processRewardsTeachEachStep() {
        // steps end at '?'; a step earns 1 when it starts with 'a'
        Env.Verifier perStep = (task, completion) -> {
            List<String> steps = new java.util.ArrayList<>();
            int start = 0;
            for (int i = 0; i < completion.length(); i++) {
                if (completion.charAt(i) == '?') {
                    steps.add(completion.substring(start, i + 1));
                    start = i + 1;
                }
            }
            if (start < completion.length()) {
                steps.add(completion.substring(start));
            }
            double[] r = steps.stream().mapToDouble(x -> x.startsWith("a") ? 1 : 0).toArray();
            double mean = java.util.Arrays.stream(r).average().orElse(0);
            return new Env.Reward(mean, mean == 1, r);
        };
        Env env = Env.of("steps", FIRST_A.problems(), Task::prompt, perStep);
        try (TrainingClient policy = tiny(2); Grpo grpo = Grpo.of(policy, CHARS, env, config(2)
                .withSampling(SamplingParams.defaults().withMaxTokens(4)).withProcessRewards("?"))) {
            List<Grpo.StepMetrics> m = grpo.run(30, null, null);
            double first = m.subList(0, 3).stream().mapToDouble(Grpo.StepMetrics::reward).average().orElseThrow();
            double last = m.subList(27, 30).stream().mapToDouble(Grpo.StepMetrics::reward).average().orElseThrow();
            assertTrue(first < 0.5 && last > 0.7, "mean step reward " + first + " -> " + last);
        }
        assertArrayEquals(new int[] {2, 4, 5}, Grpo.stepEnds(new int[] {0, 4, 1, 4, 2}, new int[] {4}));
        assertArrayEquals(new int[] {2, 4}, Grpo.stepEnds(new int[] {0, 4, 1, 4}, new int[] {4}));
        assertArrayEquals(new int[] {3}, Grpo.stepEnds(new int[] {0, 1, 2}, new int[] {4}));
    }

    @Test
    void aLengthPenaltySubtractsPerTokenAndKeepsTheVerdict() {
        Env.Verifier penalised = FIRST_A.verifier().withLengthPenalty(0.1, s -> CHARS.encode(s).length);
        Task t = FIRST_A.problems().get(0);
        Env.Reward right = penalised.score(t, "abc"), wrong = penalised.score(t, "b");
        assertEquals(1 - 0.3, right.reward(), 1e-12);
        assertTrue(right.correct());
        assertEquals(-0.1, wrong.reward(), 1e-12);
        assertFalse(wrong.correct());
        var e = assertThrows(IllegalArgumentException.class,
                () -> FIRST_A.verifier().withLengthPenalty(-1, String::length));
        assertTrue(e.getMessage().contains("withLengthPenalty: perToken must be finite and >= 0, got -1.0"),
                e.getMessage());
    }

    @Test
    void badConfigsGetClearErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> Grpo.Config.defaults().withGroups(4, 1));
        assertTrue(e.getMessage().contains("groupSize >= 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Grpo.Config.defaults().withLoss(1.5, 0.2,
                PolicyLoss.Normalization.TOKEN));
        assertTrue(e.getMessage().contains("epsLow must be in [0, 1) and epsHigh >= 0, got epsLow=1.5"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Env.of("x", List.of(), Task::prompt,
                (t, c) -> Env.Reward.of(0, false)));
        assertTrue(e.getMessage().contains("problems must hold at least 1 task"), e.getMessage());
    }
}
