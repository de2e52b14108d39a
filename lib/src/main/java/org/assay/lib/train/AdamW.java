package org.assay.lib.train;

import org.assay.base.Checks;

/**
 * AdamW (Loshchilov &amp; Hutter 2019) for one optimizer step, as Tinker's {@code AdamParams}: passed to every
 * {@code optimStep}, so a schedule is just a different learning rate per call. Weight decay applies to matrices only
 * (embeddings and linear weights), not to norm gains and biases, as nanoGPT does.
 *
 * @param learningRate this step's learning rate
 * @param beta1        first-moment decay
 * @param beta2        second-moment decay
 * @param eps          added to the root of the second moment
 * @param weightDecay  decoupled decay, multiplied by the learning rate
 * @param gradClipNorm rescale the gradients when their global L2 norm exceeds this; 0 disables clipping
 */
public record AdamW(double learningRate, double beta1, double beta2, double eps, double weightDecay,
                    double gradClipNorm) {

    public AdamW {
        require(learningRate >= 0 && Double.isFinite(learningRate), "learningRate must be >= 0 and finite",
                learningRate);
        require(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1)", beta1);
        require(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1)", beta2);
        require(eps > 0, "eps must be > 0", eps);
        require(weightDecay >= 0, "weightDecay must be >= 0", weightDecay);
        require(gradClipNorm >= 0, "gradClipNorm must be >= 0 (0 disables clipping)", gradClipNorm);
    }

    private static void require(boolean ok, String constraint, double value) {
        Checks.require(ok, "AdamW", constraint, value);
    }

    /** nanoGPT's: learning rate 1e-3, betas (0.9, 0.95), eps 1e-8, weight decay 0.1, clip at norm 1. */
    public static AdamW defaults() {
        return new AdamW(1e-3, 0.9, 0.95, 1e-8, 0.1, 1.0);
    }

    public AdamW withLearningRate(double lr) {
        return new AdamW(lr, beta1, beta2, eps, weightDecay, gradClipNorm);
    }

    public AdamW withWeightDecay(double wd) {
        return new AdamW(learningRate, beta1, beta2, eps, wd, gradClipNorm);
    }

    public AdamW withGradClipNorm(double clip) {
        return new AdamW(learningRate, beta1, beta2, eps, weightDecay, clip);
    }

    public AdamW withBetas(double b1, double b2) {
        return new AdamW(learningRate, b1, b2, eps, weightDecay, gradClipNorm);
    }
}
