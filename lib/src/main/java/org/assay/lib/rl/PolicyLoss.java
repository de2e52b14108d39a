package org.assay.lib.rl;

import ai.djl.ndarray.NDArray;
import org.assay.lib.model.Gpt;
import org.assay.lib.train.LossFn;

/**
 * Policy-gradient losses as Tinker names them, for {@code TrainingClient.forwardBackward(..., loss, extra)} with the
 * completion tokens weighted 1 (prompt tokens 0) and these per-token inputs:
 * {@code "advantages"} (each sample's advantage on each of its tokens), {@code "sampling_logprobs"} (log-probabilities
 * of the tokens under the policy that sampled them) and, for {@link #withKlPenalty}, {@code "reference_logprobs"}.
 * The ratio is {@code exp(log π − log π_sampling)}.
 * <ul>
 *   <li>{@link #importanceSampling}: {@code −ratio·A}, the REINFORCE gradient corrected for off-policy samples;</li>
 *   <li>{@link #ppo}: {@code −min(ratio·A, clip(ratio, 1−ε_low, 1+ε_high)·A)} (Schulman et al. 2017; separate low
 *   and high ε as in DAPO, Yu et al. 2025).</li>
 * </ul>
 * How the per-token terms are averaged ({@link Normalization}) is what separates GRPO, Dr. GRPO and DAPO.
 * Built from tensor operations only, never {@code mul(Number)} (see {@link Gpt#scale}).
 */
public final class PolicyLoss {
    private PolicyLoss() {
    }

    /** How per-token terms become one number. */
    public enum Normalization {
        /** GRPO: each sequence's mean over its tokens, then the mean over sequences (long answers count less). */
        SEQUENCE,
        /** DAPO: the mean over all tokens of the batch (every token counts the same). */
        TOKEN,
        /** Dr. GRPO: the sum over tokens divided by a constant, rows × row width (no length bias). */
        CONSTANT
    }

    public static final String ADVANTAGES = "advantages";
    public static final String SAMPLING_LOGPROBS = "sampling_logprobs";
    public static final String REFERENCE_LOGPROBS = "reference_logprobs";
    /** Extra for {@link #valueLoss}: the critic's value targets (GAE's returns). */
    public static final String RETURNS = "returns";
    /** Extra for {@link #valueLoss}: the critic's values when the rollouts were collected. */
    public static final String OLD_VALUES = "old_values";

    public static LossFn importanceSampling(Normalization normalization) {
        return in -> {
            NDArray ratio = in.logprobs().sub(in.extra(SAMPLING_LOGPROBS)).exp();
            return average(ratio.mul(in.extra(ADVANTAGES)), in.weights(), normalization).neg();
        };
    }

    public static LossFn ppo(double epsLow, double epsHigh, Normalization normalization) {
        if (!(epsLow > 0 && epsLow < 1) || !(epsHigh > 0)) {
            throw new IllegalArgumentException("PolicyLoss.ppo: epsLow must be in (0, 1) and epsHigh > 0, got epsLow="
                    + epsLow + ", epsHigh=" + epsHigh);
        }
        return in -> {
            NDArray adv = in.extra(ADVANTAGES);
            NDArray ratio = in.logprobs().sub(in.extra(SAMPLING_LOGPROBS)).exp();
            NDArray clipped = ratio.clip(1 - epsLow, 1 + epsHigh);
            NDArray objective = ratio.mul(adv).minimum(clipped.mul(adv));
            return average(objective, in.weights(), normalization).neg();
        };
    }

    /** {@code base + β·KL(π ‖ π_ref)} with the k3 estimator per token, averaged like the base loss (GRPO). */
    public static LossFn withKlPenalty(LossFn base, double beta, Normalization normalization) {
        if (!(beta >= 0)) {
            throw new IllegalArgumentException("PolicyLoss.withKlPenalty: beta must be >= 0, got " + beta);
        }
        return in -> {
            NDArray logR = in.extra(REFERENCE_LOGPROBS).sub(in.logprobs());
            NDArray k3 = logR.exp().sub(logR).sub(1);
            return base.loss(in).add(Gpt.scale(average(k3, in.weights(), normalization), beta));
        };
    }

    /**
     * {@code base − coef·H}, H estimated from the sampled tokens as the mean of {@code −log π} (an unbiased estimate
     * of the policy's entropy on its own samples); a positive coef keeps the policy from collapsing.
     */
    public static LossFn withEntropyBonus(LossFn base, double coef, Normalization normalization) {
        return in -> base.loss(in).sub(Gpt.scale(average(in.logprobs().neg(), in.weights(), normalization), coef));
    }

    /**
     * PPO's clipped value loss (the critic's, as in OpenAI's baselines and TRL): {@code ½·max((V − R)², (clip(V,
     * V_old − ε, V_old + ε) − R)²)} per token, averaged over the weighted tokens, V the model's values, R the returns
     * ({@link #RETURNS}), V_old the values at collection ({@link #OLD_VALUES}); {@code clipRange} 0 for no clipping.
     */
    public static LossFn valueLoss(double clipRange) {
        if (!(clipRange >= 0)) {
            throw new IllegalArgumentException("PolicyLoss.valueLoss: clipRange must be >= 0, got " + clipRange);
        }
        return in -> {
            NDArray v = in.values();
            NDArray returns = in.extra(RETURNS);
            NDArray loss = v.sub(returns).square();
            if (clipRange > 0) {
                NDArray old = in.extra(OLD_VALUES);
                NDArray clipped = v.minimum(old.add(clipRange)).maximum(old.sub(clipRange)).sub(returns).square();
                loss = loss.maximum(clipped);
            }
            return Gpt.scale(average(loss, in.weights(), Normalization.TOKEN), 0.5);
        };
    }

    /** {@code a + coef·b}: a policy loss and a value loss on one trunk. */
    public static LossFn plus(LossFn a, LossFn b, double coef) {
        return in -> a.loss(in).add(Gpt.scale(b.loss(in), coef));
    }

    static NDArray average(NDArray perToken, NDArray weights, Normalization normalization) {
        NDArray weighted = perToken.mul(weights);
        long rows = weights.getShape().get(0);
        long width = weights.getShape().get(1);
        return switch (normalization) {
            case TOKEN -> weighted.sum().div(weights.sum().clip(1e-12f, Float.MAX_VALUE));
            case CONSTANT -> Gpt.scale(weighted.sum(), 1.0 / (rows * width));
            case SEQUENCE -> {
                NDArray lengths = weights.sum(new int[] {1});
                long withTokens = Math.round(lengths.gt(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                        .sum().getFloat());
                if (withTokens == 0) {
                    throw new IllegalArgumentException("PolicyLoss: every weight is 0, so there is no token to learn"
                            + " from");
                }
                NDArray perSequence = weighted.sum(new int[] {1}).div(lengths.clip(1e-12f, Float.MAX_VALUE));
                yield Gpt.scale(perSequence.sum(), 1.0 / withTokens);
            }
        };
    }

    /**
     * The fraction of weighted tokens whose PPO term was clipped (the clipped side was the minimum): ratio above
     * 1+ε_high with a positive advantage, or below 1−ε_low with a negative one ({@link Clipping#total()}).
     */
    public static double clipFraction(float[] logprobs, float[] samplingLogprobs, float[] advantages, float[] weights,
                                      double epsLow, double epsHigh) {
        return clipping(logprobs, samplingLogprobs, advantages, weights, epsLow, epsHigh).total();
    }

    /**
     * Fractions of weighted tokens clipped on each side, as TRL logs them ({@code clip_ratio/low_mean},
     * {@code clip_ratio/high_mean}).
     *
     * @param low  ratio below 1−ε_low with a negative advantage (the update was held back from lowering it further)
     * @param high ratio above 1+ε_high with a positive advantage
     */
    public record Clipping(double low, double high) {
        /** Either side: TRL's {@code clip_ratio/region_mean}. */
        public double total() {
            return low + high;
        }
    }

    /** Each side's clip fraction ({@link Clipping}). */
    public static Clipping clipping(float[] logprobs, float[] samplingLogprobs, float[] advantages, float[] weights,
                                    double epsLow, double epsHigh) {
        String fn = "PolicyLoss.clipFraction";
        if (logprobs.length != samplingLogprobs.length || logprobs.length != advantages.length
                || logprobs.length != weights.length) {
            throw new IllegalArgumentException(fn + ": the arrays must have one length, got " + logprobs.length + ", "
                    + samplingLogprobs.length + ", " + advantages.length + " and " + weights.length);
        }
        int low = 0;
        int high = 0;
        int counted = 0;
        for (int i = 0; i < logprobs.length; i++) {
            if (weights[i] <= 0) {
                continue;
            }
            counted++;
            double ratio = Math.exp(logprobs[i] - samplingLogprobs[i]);
            if (advantages[i] > 0 && ratio > 1 + epsHigh) {
                high++;
            } else if (advantages[i] < 0 && ratio < 1 - epsLow) {
                low++;
            }
        }
        return counted == 0 ? new Clipping(0, 0) : new Clipping((double) low / counted, (double) high / counted);
    }
}
