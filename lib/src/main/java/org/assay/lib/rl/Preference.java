package org.assay.lib.rl;

import ai.djl.ndarray.NDArray;
import org.assay.lib.data.Tokenizer;
import org.assay.lib.model.Gpt;
import org.assay.lib.train.LossFn;

import java.util.ArrayList;
import java.util.List;
import org.assay.lib.train.TokenBatch;

/**
 * Supervised fine-tuning on completions and Direct Preference Optimization (Rafailov et al. 2023) as batches and losses
 * for {@code TrainingClient.forwardBackward}.
 * <ul>
 *   <li>{@link #batch}: prompt + completion rows, weights 1 on completion tokens only (the prompt is masked), padded;
 *   with {@link LossFn#crossEntropy()} it is SFT.</li>
 *   <li>{@link #dpo}: rows in (chosen, rejected) pairs; with {@code "reference_logprobs"} per token from the frozen
 *   reference, {@code −log σ(β[(log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l))])} averaged over pairs,
 *   sequence log-probabilities summed over completion tokens; {@link #conservativeDpo} (label smoothing) and
 *   {@link #ipo} are TRL's other loss types, and {@link #dpoMetrics} what TRL logs per step.</li>
 * </ul>
 */
public final class Preference {
    private Preference() {
    }

    /** One row per (prompt, completion), padded with token 0 at weight 0; weights are 1 on completion tokens only. */
    public static TokenBatch batch(Tokenizer tokenizer, List<String> prompts, List<String> completions) {
        String fn = "Preference.batch";
        if (prompts.size() != completions.size() || prompts.isEmpty()) {
            throw new IllegalArgumentException(fn + ": prompts and completions must be non-empty and of one length, "
                    + "got " + prompts.size() + " and " + completions.size());
        }
        List<int[]> sequences = new ArrayList<>(prompts.size());
        int[] completionFrom = new int[prompts.size()];
        for (int i = 0; i < prompts.size(); i++) {
            int[] p = tokenizer.encode(prompts.get(i));
            int[] c = tokenizer.encode(completions.get(i));
            if (p.length == 0 || c.length == 0) {
                throw new IllegalArgumentException(fn + ": prompt and completion must each encode to at least 1 token,"
                        + " got " + p.length + " and " + c.length + " at row " + i);
            }
            sequences.add(concat(p, c));
            completionFrom[i] = p.length;
        }
        return rows(sequences, completionFrom);
    }

    /**
     * Sequences as {@code forwardBackward} rows, padded with token 0 to the longest: inputs are each sequence but its
     * last token, targets each but its first, and the weight is 1 where the target's index in its sequence is at
     * least {@code weightedFrom[i]} (the completion; for a judge token, the last position only).
     */
    static TokenBatch rows(List<int[]> sequences, int[] weightedFrom) {
        int n = sequences.size();
        int width = Math.max(1, sequences.stream().mapToInt(q -> q.length - 1).max().orElse(1));
        int[] inputs = new int[n * width];
        int[] targets = new int[n * width];
        float[] weights = new float[n * width];
        for (int i = 0; i < n; i++) {
            int[] seq = sequences.get(i);
            for (int t = 0; t < seq.length - 1; t++) {
                inputs[i * width + t] = seq[t];
                targets[i * width + t] = seq[t + 1];
                weights[i * width + t] = t + 1 >= weightedFrom[i] ? 1f : 0f;
            }
        }
        return TokenBatch.of(inputs, targets, weights, n);
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** {@code −log σ(−z) = softplus(z) = max(z, 0) + log(1 + exp(−|z|))}, stable for any z; tensor operations only. */
    static NDArray softplus(NDArray z) {
        return z.clip(0f, Float.MAX_VALUE).add(z.abs().neg().exp().add(1).log());
    }

    /** The DPO loss; rows 2i and 2i+1 are pair i's chosen and rejected completions. */
    public static LossFn dpo(double beta) {
        return conservativeDpo(beta, 0);
    }

    /**
     * Label-smoothed ("conservative") DPO (Mitchell 2023; TRL's {@code label_smoothing}): the preference labels are
     * taken to be flipped with probability ε, {@code −(1 − ε)·log σ(β·h) − ε·log σ(−β·h)} with h the log-ratio margin
     * of {@link #dpo}; ε = 0 is DPO. Rows 2i and 2i+1 are pair i's chosen and rejected completions.
     *
     * @param beta           β &gt; 0, the strength of the implicit KL penalty
     * @param labelSmoothing ε in [0, 0.5)
     */
    public static LossFn conservativeDpo(double beta, double labelSmoothing) {
        if (!(beta > 0)) {
            throw new IllegalArgumentException("Preference.dpo: beta must be > 0, got " + beta);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) {
            throw new IllegalArgumentException("Preference.conservativeDpo: labelSmoothing must be in [0, 0.5), got "
                    + labelSmoothing);
        }
        return in -> {
            NDArray margin = Gpt.scale(margins(in, "Preference.dpo", false), beta);
            NDArray loss = softplus(margin.neg()); // −log σ(m) = softplus(−m)
            if (labelSmoothing > 0) {
                loss = Gpt.scale(loss, 1 - labelSmoothing).add(Gpt.scale(softplus(margin), labelSmoothing));
            }
            return Gpt.scale(loss.sum(), 1.0 / margin.getShape().get(0));
        };
    }

    /**
     * IPO (Azar et al. 2023, "A General Theoretical Paradigm to Understand Learning from Human Preferences", eq. 17):
     * {@code (h − 1/(2τ))²} with h the margin of log-ratios, each sequence's log-probability averaged over its
     * completion tokens as TRL does for IPO; it regresses the margin to a target instead of pushing it to infinity, so it
     * does not overfit deterministic preferences. Rows 2i and 2i+1 are pair i's chosen and rejected completions.
     *
     * @param tau τ &gt; 0 (TRL's {@code beta} for {@code loss_type="ipo"})
     */
    public static LossFn ipo(double tau) {
        if (!(tau > 0)) {
            throw new IllegalArgumentException("Preference.ipo: tau must be > 0, got " + tau);
        }
        return in -> {
            NDArray gap = margins(in, "Preference.ipo", true).sub(1 / (2 * tau));
            return Gpt.scale(gap.mul(gap).sum(), 1.0 / gap.getShape().get(0));
        };
    }

    /**
     * Per pair, (log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l)), each sequence's log-probability summed
     * over its completion tokens ({@code mean}: averaged over them).
     */
    private static NDArray margins(LossFn.Inputs in, String fn, boolean mean) {
        long rows = in.weights().getShape().get(0);
        if (rows % 2 != 0) {
            throw new IllegalArgumentException(fn + ": rows must come in (chosen, rejected) pairs, got " + rows
                    + " rows");
        }
        NDArray ratio = in.logprobs().sub(in.extra(PolicyLoss.REFERENCE_LOGPROBS)).mul(in.weights())
                .sum(new int[] {1});
        if (mean) {
            ratio = ratio.div(in.weights().sum(new int[] {1}).clip(1e-9f, Float.MAX_VALUE));
        }
        NDArray pairs = ratio.reshape(rows / 2, 2);
        return pairs.get(":, 0").sub(pairs.get(":, 1"));
    }

    /**
     * What TRL's DPOTrainer logs at each step, from a batch of (chosen, rejected) pairs and the policy's per-token
     * log-probabilities of it (those {@code forwardBackward} returns, before the step's update). Rewards are DPO's
     * implicit ones, β·(log π(y) − log π_ref(y)), sequence log-probabilities summed over completion tokens; each is a
     * mean over pairs.
     *
     * @param rewardsChosen    β·log-ratio of the chosen completions ({@code rewards/chosen})
     * @param rewardsRejected  the same for the rejected ones ({@code rewards/rejected})
     * @param rewardsMargins   chosen minus rejected ({@code rewards/margins})
     * @param rewardsAccuracies share of pairs whose chosen reward is the larger ({@code rewards/accuracies})
     * @param logpsChosen      log π of the chosen completions ({@code logps/chosen})
     * @param logpsRejected    log π of the rejected ones ({@code logps/rejected})
     */
    public record DpoMetrics(double rewardsChosen, double rewardsRejected, double rewardsMargins,
                             double rewardsAccuracies, double logpsChosen, double logpsRejected) {
    }

    /**
     * {@link DpoMetrics} of a DPO batch.
     *
     * @param batch    rows in (chosen, rejected) pairs, with {@link PolicyLoss#REFERENCE_LOGPROBS}
     * @param logprobs the policy's log-probability of each target token, (B·T) row-major, as
     *                 {@code forwardBackward(...).logprobs()} gives them
     * @param beta     the β the rewards are scaled by
     */
    public static DpoMetrics dpoMetrics(TokenBatch batch, float[] logprobs, double beta) {
        String fn = "Preference.dpoMetrics";
        int rows = batch.rows();
        int width = batch.width();
        if (rows % 2 != 0 || rows == 0) {
            throw new IllegalArgumentException(fn + ": rows must come in (chosen, rejected) pairs, got " + rows);
        }
        if (logprobs.length != rows * width) {
            throw new IllegalArgumentException(fn + ": logprobs must have rows × width = " + rows * width
                    + " values, one per target token, got " + logprobs.length);
        }
        float[] ref = batch.extras().get(PolicyLoss.REFERENCE_LOGPROBS);
        if (ref == null) {
            throw new IllegalArgumentException(fn + ": the batch has no '" + PolicyLoss.REFERENCE_LOGPROBS
                    + "'; given: " + batch.extras().keySet());
        }
        float[] w = batch.weights();
        double[] policy = new double[rows];
        double[] reward = new double[rows];
        for (int r = 0; r < rows; r++) {
            for (int t = r * width; t < (r + 1) * width; t++) {
                policy[r] += w[t] * logprobs[t];
                reward[r] += w[t] * (logprobs[t] - ref[t]);
            }
            reward[r] *= beta;
        }
        int pairs = rows / 2;
        double chosen = 0;
        double rejected = 0;
        double accurate = 0;
        double logpsChosen = 0;
        double logpsRejected = 0;
        for (int i = 0; i < pairs; i++) {
            chosen += reward[2 * i] / pairs;
            rejected += reward[2 * i + 1] / pairs;
            accurate += reward[2 * i] > reward[2 * i + 1] ? 1.0 / pairs : 0;
            logpsChosen += policy[2 * i] / pairs;
            logpsRejected += policy[2 * i + 1] / pairs;
        }
        return new DpoMetrics(chosen, rejected, chosen - rejected, accurate, logpsChosen, logpsRejected);
    }
}
