package org.assay.lib.sample;

import java.util.Arrays;
import org.assay.base.Checks;

/**
 * Budget forcing at sampling time (Muennighoff et al. 2025, "s1: Simple test-time scaling"). A completion starts
 * inside its thinking (the prompt ends with the opening delimiter, as reasoning models' chat templates do) and the
 * thinking ends with the {@code end} delimiter; then the answer follows.
 * <ul>
 *   <li>At most {@code maxThinkingTokens}: when a row has thought that many tokens, the end delimiter is forced and
 *   the answer is generated.</li>
 *   <li>At least {@code minThinkingTokens}: while a row has thought fewer, a draw of the end delimiter's first token is
 *   replaced by the {@code continuation} (s1's "Wait"), up to {@code maxContinuations} times; after that an early end
 *   stands. With a delimiter of one token (a tokenizer's special token, as in s1) this is exactly s1's suppression;
 *   with a longer one it acts on its first token, which should then not occur inside the thinking otherwise.</li>
 * </ul>
 * Forced tokens are fed to the model like drawn ones, and their log-probabilities are the model's (so they are in a
 * sample's log-probabilities, its score for best-of-n and an RL loss's ratios like any other token). Stop sequences
 * end a sample only in its answer: the whole sequence must lie after the end delimiter.
 *
 * @param end               the end-of-thinking delimiter's tokens (at least one)
 * @param maxThinkingTokens thinking tokens at most before the end is forced: tokens written in the thinking until the
 *                          end delimiter is complete, so the first tokens of a longer delimiter the model writes
 *                          itself count; ≥ 0
 * @param minThinkingTokens thinking tokens below which an early end is replaced by the continuation; ≤ the maximum
 * @param continuation      what replaces an early end (s1: "Wait"); at least one token when a minimum is set
 * @param maxContinuations  how many times per sample an early end is replaced; ≥ 0
 */
public record ThinkingBudget(int[] end, int maxThinkingTokens, int minThinkingTokens, int[] continuation,
                             int maxContinuations) {

    public ThinkingBudget {
        if (end == null || end.length == 0) {
            throw new IllegalArgumentException("ThinkingBudget: end must hold at least 1 token (the end-of-thinking"
                    + " delimiter), got none");
        }
        require(maxThinkingTokens >= 0, "maxThinkingTokens must be >= 0", maxThinkingTokens);
        require(minThinkingTokens >= 0, "minThinkingTokens must be >= 0", minThinkingTokens);
        require(minThinkingTokens <= maxThinkingTokens, "minThinkingTokens must be <= maxThinkingTokens ("
                + maxThinkingTokens + ")", minThinkingTokens);
        require(maxContinuations >= 0, "maxContinuations must be >= 0", maxContinuations);
        continuation = continuation == null ? new int[0] : continuation.clone();
        if (minThinkingTokens > 0 && maxContinuations > 0 && continuation.length == 0) {
            throw new IllegalArgumentException("ThinkingBudget: continuation must hold at least 1 token when"
                    + " minThinkingTokens (" + minThinkingTokens + ") is set, got none");
        }
        end = end.clone();
    }

    private static void require(boolean ok, String constraint, double value) {
        Checks.require(ok, "ThinkingBudget", constraint, value);
    }

    /** At most {@code maxThinkingTokens}, no minimum. */
    public static ThinkingBudget atMost(int[] end, int maxThinkingTokens) {
        return new ThinkingBudget(end, maxThinkingTokens, 0, new int[0], 0);
    }

    public ThinkingBudget withMaxThinkingTokens(int n) {
        return new ThinkingBudget(end, n, minThinkingTokens, continuation, maxContinuations);
    }

    /** An early end before {@code n} thinking tokens is replaced by {@code with}, up to {@code times} times. */
    public ThinkingBudget withMinimum(int n, int[] with, int times) {
        return new ThinkingBudget(end, maxThinkingTokens, n, with, times);
    }

    @Override
    public int[] end() {
        return end.clone();
    }

    @Override
    public int[] continuation() {
        return continuation.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ThinkingBudget b && Arrays.equals(end, b.end) && maxThinkingTokens == b.maxThinkingTokens
                && minThinkingTokens == b.minThinkingTokens && Arrays.equals(continuation, b.continuation)
                && maxContinuations == b.maxContinuations;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(end) + 17 * Arrays.hashCode(continuation) + maxThinkingTokens
                + 7 * minThinkingTokens + 3 * maxContinuations;
    }

    @Override
    public String toString() {
        return "ThinkingBudget[end=" + Arrays.toString(end) + ", maxThinkingTokens=" + maxThinkingTokens
                + ", minThinkingTokens=" + minThinkingTokens + ", continuation=" + Arrays.toString(continuation)
                + ", maxContinuations=" + maxContinuations + "]";
    }
}
