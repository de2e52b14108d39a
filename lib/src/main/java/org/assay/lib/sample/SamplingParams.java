package org.assay.lib.sample;

import java.util.List;
import org.assay.base.Checks;

/**
 * How to sample (Tinker's {@code SamplingParams}).
 *
 * @param temperature 0 for greedy decoding, else logits are divided by it
 * @param topP        nucleus sampling: keep the smallest set of tokens with probability ≥ topP (1 keeps all)
 * @param topK        keep the k most likely tokens (0 keeps all)
 * @param maxTokens   new tokens at most
 * @param stop        token sequences that end a sample (kept in its output)
 * @param seed        sample i draws from a stream made from (seed, i): the same seed gives the same samples
 * @param kvCache     reuse keys and values of earlier positions (true), or recompute the whole sequence each step
 * @param thinking    a thinking budget ({@link ThinkingBudget}), or null: no thinking segment
 */
public record SamplingParams(double temperature, double topP, int topK, int maxTokens, List<int[]> stop, long seed,
                             boolean kvCache, ThinkingBudget thinking) {

    public SamplingParams {
        require(temperature >= 0 && Double.isFinite(temperature), "temperature must be >= 0", temperature);
        require(topP > 0 && topP <= 1, "topP must be in (0, 1]", topP);
        require(topK >= 0, "topK must be >= 0 (0 keeps all tokens)", topK);
        require(maxTokens >= 1, "maxTokens must be >= 1", maxTokens);
        stop = stop == null ? List.of() : List.copyOf(stop);
        for (int[] s : stop) {
            require(s.length > 0, "stop sequences must not be empty", 0);
        }
        if (thinking != null && (long) thinking.maxThinkingTokens() + thinking.end().length >= maxTokens) {
            throw new IllegalArgumentException("SamplingParams: maxTokens must leave room for an answer after the"
                    + " thinking: thinking.maxThinkingTokens (" + thinking.maxThinkingTokens() + ") + the end"
                    + " delimiter (" + thinking.end().length + " tokens) must be < maxTokens, got maxTokens="
                    + maxTokens);
        }
    }

    private static void require(boolean ok, String constraint, double value) {
        Checks.require(ok, "SamplingParams", constraint, value);
    }

    /** Temperature 1, no truncation, 64 tokens, seed 0, with the KV cache. */
    public static SamplingParams defaults() {
        return new SamplingParams(1.0, 1.0, 0, 64, List.of(), 0, true, null);
    }

    public static SamplingParams greedy(int maxTokens) {
        return new SamplingParams(0, 1.0, 0, maxTokens, List.of(), 0, true, null);
    }

    public SamplingParams withTemperature(double t) {
        return new SamplingParams(t, topP, topK, maxTokens, stop, seed, kvCache, thinking);
    }

    public SamplingParams withTopP(double p) {
        return new SamplingParams(temperature, p, topK, maxTokens, stop, seed, kvCache, thinking);
    }

    public SamplingParams withTopK(int k) {
        return new SamplingParams(temperature, topP, k, maxTokens, stop, seed, kvCache, thinking);
    }

    public SamplingParams withMaxTokens(int n) {
        return new SamplingParams(temperature, topP, topK, n, stop, seed, kvCache, thinking);
    }

    public SamplingParams withStop(List<int[]> sequences) {
        return new SamplingParams(temperature, topP, topK, maxTokens, sequences, seed, kvCache, thinking);
    }

    public SamplingParams withSeed(long s) {
        return new SamplingParams(temperature, topP, topK, maxTokens, stop, s, kvCache, thinking);
    }

    public SamplingParams withKvCache(boolean on) {
        return new SamplingParams(temperature, topP, topK, maxTokens, stop, seed, on, thinking);
    }

    /** Sampling with a thinking budget (null: none); {@code maxTokens} caps the thinking and the answer together. */
    public SamplingParams withThinking(ThinkingBudget budget) {
        return new SamplingParams(temperature, topP, topK, maxTokens, stop, seed, kvCache, budget);
    }
}
