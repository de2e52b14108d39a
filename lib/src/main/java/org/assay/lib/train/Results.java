package org.assay.lib.train;

/** The records the training client returns. */
public final class Results {
    private Results() {
    }

    /**
     * @param loss     the loss of this batch
     * @param logprobs (B·T) log-probability of each target token, row-major
     * @param tokens   tokens with non-zero weight
     * @param values   (B·T) the value head's output at each position before this update, or null for a model
     *                 without one
     */
    public record ForwardBackward(double loss, float[] logprobs, long tokens, float[] values) {
    }

    /**
     * @param step         optimizer steps taken so far (this one included)
     * @param learningRate the rate used
     * @param gradNorm     global L2 norm of the (averaged) gradients before clipping
     * @param clipped      whether they were rescaled to the clip norm
     * @param microBatches forwardBackward calls averaged into this step
     */
    public record OptimStep(long step, double learningRate, double gradNorm, boolean clipped, int microBatches) {
    }

    /**
     * @param loss        mean cross-entropy per token (weighted by the batches' weights), nats
     * @param bitsPerByte loss / ln 2 / bytes per token
     * @param tokens      tokens evaluated (those of weight > 0)
     */
    public record Evaluation(double loss, double bitsPerByte, long tokens) {
    }

    /**
     * The k most likely next tokens at each position, most likely first ({@code TrainingClient.computeTopLogprobs}).
     *
     * @param tokens   (rows × T × k) token ids, row-major
     * @param logprobs (rows × T × k) their log-probabilities
     */
    public record TopLogprobs(int rows, int width, int k, int[] tokens, float[] logprobs) {

        /** The ids as floats, for a batch extra of k values per position (exact below 2^24). */
        public float[] tokensAsFloats() {
            float[] f = new float[tokens.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = tokens[i];
            }
            return f;
        }
    }
}
