package org.assay.lib.sample;

/**
 * One sampled continuation.
 *
 * @param tokens     the sampled tokens (not the prompt)
 * @param logprobs   log-probability of each sampled token under the model at temperature 1
 * @param stopReason STOP (a stop sequence ended it) or LENGTH (maxTokens reached)
 * @param thinkingTokens the tokens of its thinking segment, the end delimiter included (0 without a
 *                   {@link ThinkingBudget}); the answer is the rest
 */
public record Sample(int[] tokens, float[] logprobs, StopReason stopReason, int thinkingTokens) {

    /** Tokens after the thinking. */
    public int answerTokens() {
        return tokens.length - thinkingTokens;
    }
}
