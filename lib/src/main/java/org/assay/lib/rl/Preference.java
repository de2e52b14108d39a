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
 *   sequence log-probabilities summed over completion tokens.</li>
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
        if (!(beta > 0)) {
            throw new IllegalArgumentException("Preference.dpo: beta must be > 0, got " + beta);
        }
        return in -> {
            long rows = in.weights().getShape().get(0);
            if (rows % 2 != 0) {
                throw new IllegalArgumentException("Preference.dpo: rows must come in (chosen, rejected) pairs, got "
                        + rows + " rows");
            }
            NDArray policy = in.logprobs().mul(in.weights()).sum(new int[] {1});
            NDArray ref = in.extra(PolicyLoss.REFERENCE_LOGPROBS).mul(in.weights()).sum(new int[] {1});
            NDArray pairs = policy.sub(ref).reshape(rows / 2, 2);
            NDArray margin = Gpt.scale(pairs.get(":, 0").sub(pairs.get(":, 1")), beta);
            return Gpt.scale(softplus(margin.neg()).sum(), 1.0 / (rows / 2)); // −log σ(m) = softplus(−m)
        };
    }
}
