package org.assay.lib.sample;

/**
 * One sampled continuation.
 *
 * @param tokens     the sampled tokens (not the prompt)
 * @param logprobs   log-probability of each sampled token under the model at temperature 1
 * @param stopReason STOP (a stop sequence ended it) or LENGTH (maxTokens reached)
 */
public record Sample(int[] tokens, float[] logprobs, StopReason stopReason) {
}
