package org.assay.lib.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.assay.lib.data.CharTokenizer;
import org.assay.lib.model.GptConfig;
import org.assay.lib.train.ModelSampler;
import org.assay.lib.train.TrainingClient;
import org.junit.jupiter.api.Test;

/** Budget forcing (s1) on a random model, greedy, so what it would write without the budget is known. */
class ThinkingBudgetTest {
    private static final GptConfig MODEL = GptConfig.tiny(32).withContextLength(64).withWidth(32, 2).withLayers(2);
    private static final int[] PROMPT = {3, 1, 4, 1, 5};
    private static final SamplingParams GREEDY = SamplingParams.greedy(40);

    /** Tokens greedy decoding never writes in its first {@code n}: a delimiter the model would not write itself. */
    private static int unused(int[] tokens, int n, int skip) {
        Set<Integer> seen = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            seen.add(tokens[i]);
        }
        for (int t = 0; t < MODEL.vocabSize(); t++) {
            if (!seen.contains(t) && skip-- == 0) {
                return t;
            }
        }
        throw new AssertionError("every token occurs");
    }

    @Test
    void atTheMaximumTheEndIsForcedAndTheAnswerFollows() {
        try (TrainingClient client = TrainingClient.create(MODEL, 5)) {
            int[] free = client.sample(PROMPT, GREEDY, 1).get(0).tokens();
            assertEquals(0, client.sample(PROMPT, GREEDY, 1).get(0).thinkingTokens(), "no budget, no thinking");
            int[] end = {unused(free, 40, 0), unused(free, 40, 1)};
            for (int max : new int[] {0, 1, 7, 20}) {
                Sample s = client.sample(PROMPT, GREEDY.withThinking(ThinkingBudget.atMost(end, max)), 1).get(0);
                int[] t = s.tokens();
                assertArrayEquals(Arrays.copyOf(free, max), Arrays.copyOf(t, max), "the thinking is the model's own");
                assertArrayEquals(end, Arrays.copyOfRange(t, max, max + 2), "then the forced end, at max=" + max);
                assertEquals(max + 2, s.thinkingTokens());
                assertEquals(40 - max - 2, s.answerTokens());
                assertEquals(40, t.length);
            }
        }
    }

    @Test
    void anEndTheModelHasBegunAtTheMaximumIsFinishedNotWrittenAgain() {
        try (TrainingClient client = TrainingClient.create(MODEL, 5)) {
            int[] free = client.sample(PROMPT, GREEDY, 1).get(0).tokens();
            int p = 0;
            while (free[p] == free[p + 1]) {
                p++;
            }
            int[] end = {free[p], free[p + 1], unused(free, 40, 0)}; // the model writes the end's first two itself
            for (int max : new int[] {p + 1, p + 2}) {
                Sample s = client.sample(PROMPT, GREEDY.withThinking(ThinkingBudget.atMost(end, max)), 1).get(0);
                assertArrayEquals(Arrays.copyOf(free, max), Arrays.copyOf(s.tokens(), max), "its own thinking");
                assertArrayEquals(end, Arrays.copyOfRange(s.tokens(), p, p + 3), "the end begun at " + p
                        + " finished, at max=" + max + ": " + Arrays.toString(free) + " -> "
                        + Arrays.toString(s.tokens()));
                assertEquals(p + 3, s.thinkingTokens());
            }
        }
        assertEquals(2, Sampling.prefixAtEnd(new int[] {4, 1, 2}, 3, new int[] {1, 2, 3}));
        assertEquals(2, Sampling.prefixAtEnd(new int[] {1, 1}, 2, new int[] {1, 1, 3}), "the longest begun");
        assertEquals(1, Sampling.prefixAtEnd(new int[] {1, 1}, 2, new int[] {1, 2, 3}));
        assertEquals(0, Sampling.prefixAtEnd(new int[] {1, 2, 3}, 3, new int[] {1, 2, 3}), "a whole end is not begun");
        assertEquals(0, Sampling.prefixAtEnd(new int[] {5}, 1, new int[] {1, 2}));
    }

    @Test
    void belowTheMinimumAnEarlyEndIsReplacedByTheContinuation() {
        try (TrainingClient client = TrainingClient.create(MODEL, 5)) {
            int[] free = client.sample(PROMPT, GREEDY, 1).get(0).tokens();
            int p = firstNew(free, 2);   // the model writes this token first at p: an early end after p tokens
            int end = free[p];
            int wait = unused(free, 40, 0);
            ThinkingBudget budget = ThinkingBudget.atMost(new int[] {end}, 30).withMinimum(p + 5,
                    new int[] {wait, wait}, 1);
            Sample s = client.sample(PROMPT, GREEDY.withThinking(budget), 1).get(0);
            assertArrayEquals(Arrays.copyOf(free, p), Arrays.copyOf(s.tokens(), p));
            assertArrayEquals(new int[] {wait, wait}, Arrays.copyOfRange(s.tokens(), p, p + 2), "the continuation");
            // with no continuation left, the next early end stands (or the maximum ends it)
            int at = indexOf(s.tokens(), end, p + 2);
            assertTrue(at >= p + 2 && at <= 30, Arrays.toString(s.tokens()));
            assertEquals(at + 1, s.thinkingTokens());
            // without a minimum the model's own end stands at once
            Sample plain = client.sample(PROMPT, GREEDY.withThinking(ThinkingBudget.atMost(new int[] {end}, 30)), 1)
                    .get(0);
            assertEquals(p + 1, plain.thinkingTokens());
            assertArrayEquals(free, plain.tokens(), "nothing forced: the free greedy output");
        }
    }

    /** The first position at or after {@code from} whose token does not occur before it. */
    private static int firstNew(int[] xs, int from) {
        for (int i = from; i < xs.length; i++) {
            if (indexOf(xs, xs[i], 0) == i) {
                return i;
            }
        }
        throw new AssertionError("no new token after " + from + " in " + Arrays.toString(xs));
    }

    @Test
    void stopSequencesEndOnlyTheAnswer() {
        try (TrainingClient client = TrainingClient.create(MODEL, 5)) {
            int[] free = client.sample(PROMPT, GREEDY, 1).get(0).tokens();
            SamplingParams p = SamplingParams.defaults().withMaxTokens(40).withSeed(11)
                    .withThinking(ThinkingBudget.atMost(new int[] {unused(free, 40, 0)}, 12));
            Sample whole = client.sample(PROMPT, p, 1).get(0);
            int[] u = whole.tokens();
            int t = whole.thinkingTokens();
            int j = 0;    // a token in the thinking that occurs again in the answer, where it stops the sample
            while (j < t - 1 && indexOf(u, u[j], t) < 0) {
                j++;
            }
            assertTrue(j < t - 1, "no thinking token occurs in the answer: " + Arrays.toString(u) + ", " + t);
            int answerStop = indexOf(u, u[j], t);
            Sample s = client.sample(PROMPT, p.withStop(List.of(new int[] {u[j]})), 1).get(0);
            assertEquals(t, s.thinkingTokens(), "the stop token in the thinking did not end it");
            assertArrayEquals(Arrays.copyOf(u, answerStop + 1), s.tokens());
            assertEquals(StopReason.STOP, s.stopReason());
        }
    }

    @Test
    void aStopSequenceMustLieWhollyInTheAnswer() {
        try (TrainingClient client = TrainingClient.create(MODEL, 5)) {
            int[] free = client.sample(PROMPT, GREEDY, 1).get(0).tokens();
            int end = unused(free, 40, 0);
            SamplingParams p = SamplingParams.defaults().withMaxTokens(40).withSeed(11)
                    .withThinking(ThinkingBudget.atMost(new int[] {end}, 6));
            Sample whole = client.sample(PROMPT, p, 1).get(0);
            int[] u = whole.tokens();
            int t = whole.thinkingTokens();
            assertEquals(end, u[t - 1]);
            // the end delimiter and the answer's first token: a stop sequence that straddles the boundary
            Sample s = client.sample(PROMPT, p.withStop(List.of(new int[] {end, u[t]})), 1).get(0);
            assertTrue(s.tokens().length > t + 1, "stopped by the delimiter and the answer's first token: "
                    + Arrays.toString(s.tokens()));
            assertArrayEquals(Arrays.copyOf(u, s.tokens().length), s.tokens());
        }
    }

    @Test
    void forcedTokensReachTheCacheAsDrawnOnesDo() {
        try (TrainingClient client = TrainingClient.create(MODEL, 5)) {
            int[] free = client.sample(PROMPT, GREEDY, 1).get(0).tokens();
            int[] end = {unused(free, 40, 0), unused(free, 40, 1)};
            SamplingParams p = GREEDY.withThinking(ThinkingBudget.atMost(end, 9));
            Sample cached = client.sample(PROMPT, p, 1).get(0);
            Sample recomputed = client.sample(PROMPT, p.withKvCache(false), 1).get(0);
            assertArrayEquals(recomputed.tokens(), cached.tokens());
            assertArrayEquals(recomputed.logprobs(), cached.logprobs(), 1e-4f);
            // rows of one batch keep their own budgets' state
            List<Sample> four = client.sample(PROMPT, p.withTemperature(1).withSeed(3), 4);
            for (Sample s : four) {
                assertTrue(s.thinkingTokens() <= 11, "at most 9 thinking tokens and the 2 of the end");
            }
        }
    }

    private static int indexOf(int[] xs, int x, int from) {
        for (int i = from; i < xs.length; i++) {
            if (xs[i] == x) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void badBudgetsGetClearErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> ThinkingBudget.atMost(new int[] {1}, -1));
        assertTrue(e.getMessage().contains("ThinkingBudget: maxThinkingTokens must be >= 0, got -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ThinkingBudget.atMost(new int[0], 5));
        assertTrue(e.getMessage().contains("end must hold at least 1 token"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ThinkingBudget.atMost(new int[] {1}, 5)
                .withMinimum(6, new int[] {2}, 1));
        assertTrue(e.getMessage().contains("minThinkingTokens must be <= maxThinkingTokens (5), got 6"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ThinkingBudget.atMost(new int[] {1}, 5)
                .withMinimum(3, new int[0], 1));
        assertTrue(e.getMessage().contains("continuation must hold at least 1 token"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SamplingParams.greedy(10)
                .withThinking(ThinkingBudget.atMost(new int[] {1, 2}, 8)));
        assertTrue(e.getMessage().contains("maxThinkingTokens (8) + the end delimiter (2 tokens) must be < maxTokens,"
                + " got maxTokens=10"), e.getMessage());
        try (TrainingClient client = TrainingClient.create(MODEL, 5)) {
            SamplingParams p = SamplingParams.greedy(62).withThinking(ThinkingBudget.atMost(new int[] {1}, 50));
            e = assertThrows(IllegalArgumentException.class, () -> client.sample(PROMPT, p, 1));
            assertTrue(e.getMessage().contains("the prompt (5 tokens) + maxTokens (62: a thinking budget of 50 tokens"
                    + " and the answer) exceeds contextLength 64"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> client.sample(PROMPT, SamplingParams.greedy(20)
                    .withThinking(ThinkingBudget.atMost(new int[] {999}, 5)), 1));
            assertTrue(e.getMessage().contains("sample: thinking.end token 999 must be in [0, 32)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> client.sample(PROMPT, SamplingParams.greedy(20)
                    .withStop(List.of(new int[] {-1})), 1));
            assertTrue(e.getMessage().contains("sample: a stop sequence token -1 must be in [0, 32)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> SamplingParams.greedy(20)
                    .withThinking(ThinkingBudget.atMost(new int[] {1}, Integer.MAX_VALUE)));
            assertTrue(e.getMessage().contains("must be < maxTokens"), e.getMessage());
            CharTokenizer chars = CharTokenizer.fit("abc </think>");
            ModelSampler sampler = ModelSampler.of(client, chars, SamplingParams.greedy(20));
            e = assertThrows(IllegalArgumentException.class, () -> sampler.withThinking("<end>", 5));
            assertTrue(e.getMessage().contains("ModelSampler.withThinking: end '<end>'"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> sampler.withThinking("", 5));
            assertTrue(e.getMessage().contains("end must encode to tokens that decode back to it"), e.getMessage());
            var s = assertThrows(IllegalStateException.class, () -> sampler.withMinimumThinking(3, "a", 1));
            assertTrue(s.getMessage().contains("set a budget first"), s.getMessage());
            assertEquals(ThinkingBudget.atMost(chars.encode("</think>"), 5),
                    sampler.withThinking("</think>", 5).params().thinking());
        }
    }
}
