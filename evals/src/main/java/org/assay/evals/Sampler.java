package org.assay.evals;

import java.util.List;

/**
 * Anything that turns a prompt into completions: a trained model (the training library's {@code ModelSampler}),
 * an API client, or a scripted fake in a test. {@link Eval} asks for {@code n} completions of one prompt at a time.
 */
@FunctionalInterface
public interface Sampler {

    /**
     * {@code n} completions of {@code prompt}. The same seed must give the same completions, so an evaluation
     * reruns identically.
     */
    List<Completion> sample(String prompt, int n, long seed);

    /**
     * One completion.
     *
     * @param text           the generated text only (not the prompt)
     * @param promptTokens   tokens the prompt took (the input side of the cost)
     * @param tokens         tokens generated, the thinking included (so the cost of an answer, {@link TokenCost#flops},
     *                       counts its thinking)
     * @param logprob        sum of the completion's tokens' log-probabilities under the sampling policy (NaN if
     *                       unknown; tokens a thinking budget forced included); a default score for best-of-n
     * @param thinkingTokens tokens of the thinking segment, its end delimiter included (0 when there is none); the
     *                       answer is the rest
     */
    record Completion(String text, int promptTokens, int tokens, double logprob, int thinkingTokens) {
        public Completion {
            if (text == null) {
                throw new IllegalArgumentException("Completion: text must not be null");
            }
            if (promptTokens < 0 || tokens < 0 || thinkingTokens < 0 || thinkingTokens > tokens) {
                throw new IllegalArgumentException("Completion: token counts must be >= 0 and thinkingTokens <= tokens,"
                        + " got promptTokens=" + promptTokens + ", tokens=" + tokens + ", thinkingTokens="
                        + thinkingTokens);
            }
        }

        /** A completion without a thinking segment. */
        public Completion(String text, int promptTokens, int tokens, double logprob) {
            this(text, promptTokens, tokens, logprob, 0);
        }

        /** Tokens after the thinking. */
        public int answerTokens() {
            return tokens - thinkingTokens;
        }

        /** A completion whose cost is counted in characters (for samplers without a tokenizer). */
        public static Completion ofText(String prompt, String text) {
            return new Completion(text, prompt.length(), text.length(), Double.NaN);
        }
    }
}
