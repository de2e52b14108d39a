package org.assay.lib.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.assay.lib.train.AdamW;
import org.assay.lib.train.Results;
import org.assay.lib.train.TokenBatch;
import org.assay.lib.train.TrainingClient;
import org.junit.jupiter.api.Test;

class DistillationTest {

    private static final int[] INPUTS = {4, 0, 1, 2, 4, 3, 0, 0};
    private static final int[] TARGETS = {0, 1, 2, 3, 3, 0, 0, 1};
    private static final float[] WEIGHTS = {0, 1, 1, 1, 0, 1, 1, 0};

    private static TokenBatch batch() {
        return TokenBatch.of(INPUTS, TARGETS, WEIGHTS, 2);
    }

    /** log-softmax of one position's logits, in float64. */
    private static double[] logSoftmax(float[] logits, int position, int v) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < v; j++) {
            max = Math.max(max, logits[position * v + j]);
        }
        double sum = 0;
        for (int j = 0; j < v; j++) {
            sum += Math.exp(logits[position * v + j] - max);
        }
        double[] out = new double[v];
        for (int j = 0; j < v; j++) {
            out[j] = logits[position * v + j] - max - Math.log(sum);
        }
        return out;
    }

    /** The teacher's and the student's log-softmax at every position, from their logits (an independent path). */
    private static double[][][] both(TrainingClient teacher, TrainingClient student) {
        int v = student.config().vocabSize();
        double[][][] out = new double[2][INPUTS.length][];
        for (int r = 0; r < 2; r++) {
            int[] row = java.util.Arrays.copyOfRange(INPUTS, r * 4, r * 4 + 4);
            float[] lt = teacher.logits(row);
            float[] ls = student.logits(row);
            for (int t = 0; t < 4; t++) {
                out[0][r * 4 + t] = logSoftmax(lt, t, v);
                out[1][r * 4 + t] = logSoftmax(ls, t, v);
            }
        }
        return out;
    }

    @Test
    void topLogprobsAreTheMostLikelyTokensInOrder() {
        try (TrainingClient m = GrpoTest.tiny(1)) {
            int v = m.config().vocabSize();
            Results.TopLogprobs top = m.computeTopLogprobs(batch(), 2);
            assertEquals(INPUTS.length * 2, top.tokens().length);
            double[][][] lp = both(m, m);
            float[] target = m.computeLogprobs(batch());
            for (int i = 0; i < INPUTS.length; i++) {
                double[] p = lp[0][i];
                Integer[] order = java.util.stream.IntStream.range(0, v).boxed()
                        .sorted((a, b) -> Double.compare(p[b], p[a])).toArray(Integer[]::new);
                assertEquals(order[0], top.tokens()[2 * i]);
                assertEquals(order[1], top.tokens()[2 * i + 1]);
                assertEquals(p[order[0]], top.logprobs()[2 * i], 1e-5);
                assertEquals(p[TARGETS[i]], target[i], 1e-5);
            }
            Results.TopLogprobs whole = m.computeTopLogprobs(batch(), v);
            double mass = 0;
            for (int j = 0; j < v; j++) {
                mass += Math.exp(whole.logprobs()[j]);
            }
            assertEquals(1.0, mass, 1e-5);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.computeTopLogprobs(batch(), v + 1));
            assertTrue(e.getMessage().contains("k must be in [1, vocabSize=" + v + "], got " + (v + 1)),
                    e.getMessage());
        }
    }

    @Test
    void forwardAndReverseKlEqualTheirDefinitions() {
        try (TrainingClient teacher = GrpoTest.tiny(2); TrainingClient student = GrpoTest.tiny(3)) {
            int v = student.config().vocabSize();
            double[][][] lp = both(teacher, student);
            double forward = 0;
            double reverse = 0;
            double topTwo = 0;
            double weights = 0;
            for (int i = 0; i < INPUTS.length; i++) {
                double[] t = lp[0][i];
                double[] s = lp[1][i];
                double f = 0;
                double r = 0;
                for (int j = 0; j < v; j++) {
                    f += Math.exp(t[j]) * (t[j] - s[j]);
                    r += Math.exp(s[j]) * (s[j] - t[j]);
                }
                Integer[] order = java.util.stream.IntStream.range(0, v).boxed()
                        .sorted((a, b) -> Double.compare(t[b], t[a])).toArray(Integer[]::new);
                double norm = Math.log(Math.exp(t[order[0]]) + Math.exp(t[order[1]]));
                double k2 = 0;
                for (int j = 0; j < 2; j++) {
                    double q = t[order[j]] - norm;
                    k2 += Math.exp(q) * (q - s[order[j]]);
                }
                forward += WEIGHTS[i] * f;
                reverse += WEIGHTS[i] * r;
                topTwo += WEIGHTS[i] * k2;
                weights += WEIGHTS[i];
            }
            TokenBatch whole = Distillation.withTeacher(batch(), teacher, v);
            assertEquals(forward / weights, student.forwardBackward(whole, Distillation.forwardKl(false)).loss(), 1e-5);
            assertEquals(forward / weights, student.forwardBackward(whole, Distillation.forwardKl(true)).loss(), 1e-5,
                    "over the whole vocabulary renormalising changes nothing");
            assertEquals(reverse / weights, student.forwardBackward(whole, Distillation.reverseKl()).loss(), 1e-5);
            TokenBatch two = Distillation.withTeacher(batch(), teacher, 2);
            assertEquals(topTwo / weights, student.forwardBackward(two, Distillation.forwardKl(true)).loss(), 1e-5);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> student.forwardBackward(two, Distillation.reverseKl()));
            assertTrue(e.getMessage().contains("k = vocabSize " + v) && e.getMessage().contains("got k=2"),
                    e.getMessage());
            student.optimStep(AdamW.defaults()); // the pending gradients of the calls above
        }
    }

    @Test
    void minimisingTheForwardKlBringsTheStudentToTheTeacher() {
        try (TrainingClient teacher = GrpoTest.tiny(2); TrainingClient student = GrpoTest.tiny(3)) {
            TokenBatch b = Distillation.withTeacher(batch(), teacher, teacher.config().vocabSize());
            double first = Double.NaN;
            double last = Double.NaN;
            for (int i = 0; i < 150; i++) {
                last = student.forwardBackward(b, Distillation.forwardKl(false)).loss();
                first = i == 0 ? last : first;
                student.optimStep(AdamW.defaults().withLearningRate(1e-2));
            }
            assertTrue(first > 1e-3 && last < first / 10, "KL " + first + " -> " + last);
        }
    }

    /** A teacher that has learned FIRST_A (GRPO), and the student's accuracy on it before and after each recipe. */
    @Test
    void eachRecipeTeachesTheStudentWhatTheTeacherKnows() {
        try (TrainingClient teacher = GrpoTest.tiny(1)) {
            try (Grpo g = Grpo.of(teacher, GrpoTest.CHARS, GrpoTest.FIRST_A, GrpoTest.config(1))) {
                g.run(25, null, null);
            }
            for (Distillation.Recipe recipe : Distillation.Recipe.values()) {
                try (TrainingClient student = GrpoTest.tiny(5)) {
                    Distillation d = Distillation.of(student, teacher, GrpoTest.CHARS, GrpoTest.FIRST_A,
                            Distillation.Config.defaults().withRecipe(recipe).withGroups(4, 8)
                                    .withSampling(GrpoTest.config(1).sampling())
                                    .withOptimizer(AdamW.defaults().withLearningRate(1e-2)).withSeed(3))
                            .withCorpus(t -> "a");
                    double before = accuracy(student);
                    List<Distillation.StepMetrics> m = d.run(30);
                    double after = accuracy(student);
                    assertTrue(before < 0.5 && after > 0.8, recipe + ": accuracy " + before + " -> " + after);
                    Distillation.StepMetrics end = m.get(29);
                    assertEquals(30, end.step());
                    assertTrue(end.studentFlops() > 0 && end.teacherFlops() > 0 && end.trainedTokens() > 0,
                            end.toString());
                    assertEquals(recipe == Distillation.Recipe.ON_POLICY, Double.isFinite(end.reverseKl()),
                            end.toString());
                    if (recipe == Distillation.Recipe.ON_POLICY) {
                        assertTrue(m.get(0).reverseKl() > end.reverseKl(), m.get(0) + " -> " + end);
                    }
                }
            }
        }
    }

    /** Greedy-free estimate: the student's share of samples the verifier accepts, 64 samples. */
    private static double accuracy(TrainingClient student) {
        Rollouts.Batch b = Rollouts.collect(student, GrpoTest.CHARS, GrpoTest.FIRST_A, 0, 8, 8,
                GrpoTest.config(1).sampling(), 12345);
        int right = 0;
        for (boolean c : b.correct()) {
            right += c ? 1 : 0;
        }
        return right / 64.0;
    }

    @Test
    void badInputIsRefusedWithTheValue() {
        try (TrainingClient a = GrpoTest.tiny(1); TrainingClient b = GrpoTest.tiny(2);
             TrainingClient wide = TrainingClient.create(a.config().withVocabSize(a.config().vocabSize() + 1), 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Distillation.of(a, wide,
                    GrpoTest.CHARS, GrpoTest.FIRST_A, Distillation.Config.defaults()));
            assertTrue(e.getMessage().contains("share a vocabulary"), e.getMessage());
            Distillation logits = Distillation.of(a, b, GrpoTest.CHARS, GrpoTest.FIRST_A,
                    Distillation.Config.defaults().withRecipe(Distillation.Recipe.LOGITS));
            IllegalStateException s = assertThrows(IllegalStateException.class, logits::step);
            assertTrue(s.getMessage().contains("withCorpus"), s.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> batch().withExtra("x", new float[5]));
            assertTrue(e.getMessage().contains("extra 'x'") && e.getMessage().contains("got 5"), e.getMessage());
            assertArrayEquals(new float[INPUTS.length * 3], batch().withExtra("x", new float[INPUTS.length * 3])
                    .extra("x"));
        }
    }
}
