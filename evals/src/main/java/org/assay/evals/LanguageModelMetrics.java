package org.assay.evals;

/** Loss, perplexity and bits per byte: the last is comparable across tokenizers. */
public final class LanguageModelMetrics {
    private LanguageModelMetrics() {
    }

    /** exp(mean loss in nats per token). */
    public static double perplexity(double meanLossNatsPerToken) {
        if (!(meanLossNatsPerToken >= 0) || Double.isInfinite(meanLossNatsPerToken)) {
            throw new IllegalArgumentException("perplexity: mean loss must be >= 0 and finite, got " + meanLossNatsPerToken);
        }
        return Math.exp(meanLossNatsPerToken);
    }

    /**
     * Bits per byte: total loss over the text (mean nats per token × tokens) in bits, divided by the text's UTF-8
     * bytes (as in Gao et al. 2020, The Pile, §5).
     */
    public static double bitsPerByte(double meanLossNatsPerToken, long tokens, long bytes) {
        if (!(meanLossNatsPerToken >= 0) || Double.isInfinite(meanLossNatsPerToken)) {
            throw new IllegalArgumentException("bitsPerByte: mean loss must be >= 0 and finite, got "
                    + meanLossNatsPerToken);
        }
        if (tokens < 1 || bytes < 1) {
            throw new IllegalArgumentException("bitsPerByte: tokens and bytes must be >= 1, got tokens=" + tokens
                    + ", bytes=" + bytes);
        }
        return meanLossNatsPerToken * tokens / Math.log(2) / bytes;
    }
}
