package org.assay.lib.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.assay.evals.tasks.ReasoningSuites;
import org.assay.evals.tasks.ReasoningTask;
import org.assay.evals.tasks.ThinkingFormat;
import org.assay.lib.data.CharTokenizer;
import org.assay.lib.model.GptConfig;
import org.assay.lib.train.AdamW;
import org.assay.lib.train.TrainingClient;
import org.junit.jupiter.api.Test;

class VerifierModelTest {

    static final ThinkingFormat THINK = ThinkingFormat.defaults();

    @Test
    void aSolutionSplitsIntoItsStepsAndTheAnswer() {
        String c = "a\nb\n\nc\n</think>\nAnswer: 5";
        List<String> steps = VerifierModel.steps(THINK, c);
        assertEquals(List.of("a\n", "b\n\n", "c\n", "</think>\nAnswer: 5"), steps);
        assertEquals(List.of("\n\na\n", "b\n", "</think>\nAnswer: 5"), VerifierModel.steps(THINK,
                "\n\na\nb\n</think>\nAnswer: 5"), "leading blank lines join the first step");
        assertEquals(List.of("\n</think>\nAnswer: 5"), VerifierModel.steps(THINK, "\n</think>\nAnswer: 5"));
        assertEquals(List.of("a\n", "b"), VerifierModel.steps(THINK, "a\nb"), "never closed: no answer step");
    }

    /** The reference solution, and the same with step {@code k} replaced by a wrong one. */
    static String solution(ReasoningTask t, int wrongStep) {
        return solution(t, wrongStep, true);
    }

    /** ... and with a wrong answer unless {@code rightAnswer}. */
    static String solution(ReasoningTask t, int wrongStep, boolean rightAnswer) {
        List<String> trace = new ArrayList<>(t.trace());
        if (wrongStep >= 0) {
            trace.set(wrongStep, "9+9:x c7");
        }
        String answer = rightAnswer ? t.task().answer() : t.task().answer() + "1";
        return String.join("\n", trace) + "\n" + THINK.close() + "\n" + THINK.answer().write(answer);
    }

    @Test
    void processLabelsStopAtTheFirstWrongStepAndOutcomeLabelsTheAnswer() {
        ReasoningTask t = ReasoningSuites.addition(1, 3, 1).get(0);
        try (TrainingClient c = TrainingClient.create(GptConfig.tiny(64), 1)) {
            CharTokenizer chars = CharTokenizer.fit("0123456789+:c x\n<>/thinkAnswer?Wats" + THINK.prompt(t.task()));
            VerifierModel prm = VerifierModel.of(c, chars, THINK, VerifierModel.Supervision.PROCESS, 1, 2);
            VerifierModel orm = VerifierModel.of(c, chars, THINK, VerifierModel.Supervision.OUTCOME, 1, 2);
            assertArrayEquals(new boolean[] {true, true, true, true}, prm.label(t, solution(t, -1)).labels());
            assertArrayEquals(new boolean[] {true, false}, prm.label(t, solution(t, 1)).labels());
            String wrongAnswer = String.join("\n", t.trace()) + "\n" + THINK.close() + "\nAnswer: 1";
            assertArrayEquals(new boolean[] {true, true, true, false}, prm.label(t, wrongAnswer).labels());
            assertArrayEquals(new boolean[] {true}, orm.label(t, solution(t, -1)).labels());
            assertArrayEquals(new boolean[] {false}, orm.label(t, wrongAnswer).labels());
            assertEquals(THINK.prompt(t.task()), prm.label(t, wrongAnswer).prompt());
        }
    }

    @Test
    void stepCheckedRewardsEachLineForProcessSupervision() {
        ReasoningTask t = ReasoningSuites.addition(1, 3, 1).get(0);
        Env.Verifier v = Env.stepChecked(List.of(t), THINK);
        Env.Reward right = v.score(t.task(), solution(t, -1));
        assertEquals(1.0, right.reward());
        assertArrayEquals(new double[] {1, 1, 1, 1, 1}, right.stepRewards()); // 3 steps, "</think>", the answer
        Env.Reward wrong = v.score(t.task(), solution(t, 1));
        assertEquals(1.0, wrong.reward(), "the answer is still right: only a step is wrong");
        assertArrayEquals(new double[] {1, 0, 0, 1, 1}, wrong.stepRewards());
        assertTrue(THINK.verdict(t, solution(t, 1)).rightAnswerWrongStep());
        Env.Reward blank = v.score(t.task(), t.trace().get(0) + "\n\n" + "9");
        assertArrayEquals(new double[] {1, 0, 0}, blank.stepRewards(), "a blank line earns 0; '9' is a wrong step");
        assertEquals(0.0, blank.reward());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.score(
                new org.assay.evals.tasks.Task("other", "?", "1", "addition", 1), "x"));
        assertTrue(e.getMessage().contains("'other' is not one of the 1 step-checked tasks"), e.getMessage());
    }

    @Test
    void theLanguageModellingTermIsTheCrossEntropyOfTheRightSolutions() {
        ReasoningTask t = ReasoningSuites.addition(1, 2, 1).get(0);
        String right = solution(t, -1);
        String prompt = THINK.prompt(t.task());
        CharTokenizer chars = CharTokenizer.fit("+-x" + prompt + right + solution(t, 0, false));
        GptConfig config = GptConfig.tiny(chars.vocabSize()).withContextLength(64);
        int good = chars.encode("+")[0];
        int bad = chars.encode("-")[0];
        double[] losses = new double[2];
        double crossEntropy;
        try (TrainingClient probe = TrainingClient.create(config, 3)) {
            float[] lp = probe.computeLogprobs(chars.encode(prompt + right));
            int from = chars.encode(prompt).length;
            double sum = 0;
            for (int i = from; i < lp.length; i++) {
                sum -= lp[i];
            }
            crossEntropy = sum / (lp.length - from);
        }
        for (int k = 0; k < 2; k++) {
            try (TrainingClient c = TrainingClient.create(config, 3)) {
                VerifierModel m = VerifierModel.of(c, chars, THINK, VerifierModel.Supervision.PROCESS, good, bad)
                        .withLanguageModelling(k);
                losses[k] = m.trainStep(List.of(m.label(t, right), m.label(t, solution(t, 0, false))),
                        AdamW.defaults());
            }
        }
        assertEquals(crossEntropy, losses[1] - losses[0], 1e-4, "only the right solution's text is modelled");
        try (TrainingClient c = TrainingClient.create(config, 1)) {
            VerifierModel m = VerifierModel.of(c, chars, THINK, VerifierModel.Supervision.PROCESS, good, bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.withLanguageModelling(-1));
            assertTrue(e.getMessage().contains("coef must be finite and >= 0, got -1.0"), e.getMessage());
        }
    }

    @Test
    void verifiersLearnToTellRightSolutionsFromWrongOnes() {
        List<ReasoningTask> tasks = ReasoningSuites.addition(64, 2, 3);
        StringBuilder alphabet = new StringBuilder("+-x");
        tasks.forEach(t -> alphabet.append(THINK.prompt(t.task())).append(solution(t, 0)));
        CharTokenizer chars = CharTokenizer.fit(alphabet.toString());
        int good = chars.encode("+")[0];
        int bad = chars.encode("-")[0];
        GptConfig config = GptConfig.tiny(chars.vocabSize()).withContextLength(64).withWidth(32, 2).withLayers(2);
        for (VerifierModel.Supervision s : VerifierModel.Supervision.values()) {
            try (TrainingClient c = TrainingClient.create(config, 5)) {
                VerifierModel m = VerifierModel.of(c, chars, THINK, s, good, bad);
                List<VerifierModel.Example> examples = new ArrayList<>();
                for (int i = 0; i < 48; i++) {
                    ReasoningTask t = tasks.get(i);
                    examples.add(m.label(t, solution(t, -1)));
                    examples.add(m.label(t, solution(t, i % 2, false)));
                }
                for (int step = 0; step < 150; step++) {
                    m.trainStep(examples.subList(step * 16 % examples.size(), step * 16 % examples.size() + 16),
                            AdamW.defaults().withLearningRate(3e-3));
                }
                int ranked = 0;
                for (ReasoningTask t : tasks.subList(48, 64)) { // held out
                    String prompt = THINK.prompt(t.task());
                    double right = m.score(prompt, solution(t, -1), VerifierModel.Aggregate.PRODUCT);
                    double wrong = m.score(prompt, solution(t, 1, false), VerifierModel.Aggregate.MIN);
                    ranked += right > wrong ? 1 : 0;
                }
                assertTrue(ranked >= 14, s + ": ranked " + ranked + " of 16 held-out right solutions above wrong ones");
                double[] p = m.stepProbabilities(THINK.prompt(tasks.get(50).task()), solution(tasks.get(50), 1,
                        false));
                assertEquals(s == VerifierModel.Supervision.PROCESS ? 3 : 1, p.length);
                if (s == VerifierModel.Supervision.PROCESS) {
                    assertTrue(p[0] > 0.5 && p[1] < 0.5, "the wrong step is the one judged wrong: "
                            + java.util.Arrays.toString(p));
                }
            }
        }
    }
}
