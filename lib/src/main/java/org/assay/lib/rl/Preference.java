package org.assay.lib.rl;

import ai.djl.ndarray.NDArray;
import org.assay.lib.data.Tokenizer;
import org.assay.lib.model.Gpt;
import org.assay.lib.train.LossFn;

import java.util.List;

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

    /** Rows (row-major, rows × width) with completion-only weights. */
    public record Batch(int[] inputs, int[] targets, float[] weights, int rows, int width) {
    }

    /** One row per (prompt, completion), padded with token 0 at weight 0. */
    public static Batch batch(Tokenizer tokenizer, List<String> prompts, List<String> completions) {
        String fn = "Preference.batch";
        if (prompts.size() != completions.size() || prompts.isEmpty()) {
            throw new IllegalArgumentException(fn + ": prompts and completions must be non-empty and of one length, "
                    + "got " + prompts.size() + " and " + completions.size());
        }
        int n = prompts.size();
        int[][] p = new int[n][];
        int[][] c = new int[n][];
        int width = 1;
        for (int i = 0; i < n; i++) {
            p[i] = tokenizer.encode(prompts.get(i));
            c[i] = tokenizer.encode(completions.get(i));
            if (p[i].length == 0 || c[i].length == 0) {
                throw new IllegalArgumentException(fn + ": prompt and completion must each encode to at least 1 token,"
                        + " got " + p[i].length + " and " + c[i].length + " at row " + i);
            }
            width = Math.max(width, p[i].length + c[i].length - 1);
        }
        int[] inputs = new int[n * width];
        int[] targets = new int[n * width];
        float[] weights = new float[n * width];
        for (int i = 0; i < n; i++) {
            int[] seq = new int[p[i].length + c[i].length];
            System.arraycopy(p[i], 0, seq, 0, p[i].length);
            System.arraycopy(c[i], 0, seq, p[i].length, c[i].length);
            for (int t = 0; t < seq.length - 1; t++) {
                inputs[i * width + t] = seq[t];
                targets[i * width + t] = seq[t + 1];
                weights[i * width + t] = t + 1 >= p[i].length ? 1f : 0f;
            }
        }
        return new Batch(inputs, targets, weights, n, width);
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
            // −log σ(m) = softplus(−m) = max(−m, 0) + log(1 + exp(−|m|)), stable for any m
            NDArray z = margin.neg();
            NDArray softplus = z.clip(0f, Float.MAX_VALUE).add(z.abs().neg().exp().add(1).log());
            return Gpt.scale(softplus.sum(), 1.0 / (rows / 2));
        };
    }
}
