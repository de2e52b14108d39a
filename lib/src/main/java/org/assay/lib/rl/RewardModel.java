package org.assay.lib.rl;

import ai.djl.ndarray.NDArray;
import org.assay.evals.Eval;
import org.assay.lib.data.Tokenizer;
import org.assay.lib.model.Gpt;
import org.assay.lib.train.AdamW;
import org.assay.lib.train.LossFn;
import org.assay.lib.train.TrainingClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A reward model trained on preference pairs with the Bradley–Terry loss {@code −log σ(r(chosen) − r(rejected))}
 * (Ouyang et al. 2022). The score is read from the language model itself: {@code r(x) = log p(judge | x)}, the
 * log-probability that a designated judge token follows the prompt and completion — a generative reward head that
 * needs no extra layer. Usable as the scorer of best-of-n ({@link #scorer}) and as an RL reward.
 */
public final class RewardModel {
    private final TrainingClient client;
    private final Tokenizer tokenizer;
    private final int judge;

    private RewardModel(TrainingClient client, Tokenizer tokenizer, int judge) {
        this.client = client;
        this.tokenizer = tokenizer;
        this.judge = judge;
    }

    /** A reward model on {@code client}'s weights, reading {@code log p(judge | x)}; judge a token of the vocabulary. */
    public static RewardModel of(TrainingClient client, Tokenizer tokenizer, int judge) {
        if (judge < 0 || judge >= client.config().vocabSize()) {
            throw new IllegalArgumentException("RewardModel.of: judge must be a token id in [0, "
                    + client.config().vocabSize() + "), got " + judge);
        }
        return new RewardModel(client, tokenizer, judge);
    }

    /** A preference: for this prompt, {@code chosen} is better than {@code rejected}. */
    public record Pair(String prompt, String chosen, String rejected) {
    }

    /** The Bradley–Terry loss on rows in (chosen, rejected) pairs, each weighted only at its last position. */
    public static LossFn bradleyTerry() {
        return in -> {
            long rows = in.weights().getShape().get(0);
            if (rows % 2 != 0) {
                throw new IllegalArgumentException("RewardModel.bradleyTerry: rows must come in (chosen, rejected) "
                        + "pairs, got " + rows + " rows");
            }
            NDArray r = in.logprobs().mul(in.weights()).sum(new int[] {1}).reshape(rows / 2, 2);
            NDArray z = r.get(":, 1").sub(r.get(":, 0")); // −(r_w − r_l)
            NDArray softplus = z.clip(0f, Float.MAX_VALUE).add(z.abs().neg().exp().add(1).log());
            return Gpt.scale(softplus.sum(), 1.0 / (rows / 2));
        };
    }

    /** One optimizer step on a batch of pairs; returns the mean loss. */
    public double trainStep(List<Pair> pairs, AdamW optimizer) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("RewardModel.trainStep: pairs must not be empty");
        }
        List<int[]> rows = new ArrayList<>();
        for (Pair p : pairs) {
            rows.add(sequence(p.prompt(), p.chosen()));
            rows.add(sequence(p.prompt(), p.rejected()));
        }
        int width = rows.stream().mapToInt(r -> r.length - 1).max().orElseThrow();
        int n = rows.size();
        int[] inputs = new int[n * width];
        int[] targets = new int[n * width];
        float[] weights = new float[n * width];
        for (int i = 0; i < n; i++) {
            int[] seq = rows.get(i);
            for (int t = 0; t < seq.length - 1; t++) {
                inputs[i * width + t] = seq[t];
                targets[i * width + t] = seq[t + 1];
            }
            weights[i * width + seq.length - 2] = 1f; // the judge token's position
        }
        double loss = client.forwardBackward(inputs, targets, weights, n, bradleyTerry(), Map.of()).loss();
        client.optimStep(optimizer);
        return loss;
    }

    /** {@code r(x) = log p(judge | prompt + completion)}. */
    public double score(String prompt, String completion) {
        int[] seq = sequence(prompt, completion);
        return client.computeLogprobs(seq)[seq.length - 1];
    }

    /** Fraction of pairs the model orders correctly. */
    public double accuracy(List<Pair> pairs) {
        long right = pairs.stream().filter(p -> score(p.prompt(), p.chosen()) > score(p.prompt(), p.rejected()))
                .count();
        return (double) right / pairs.size();
    }

    /** The evaluation runner's scorer: best-of-n under this reward model. */
    public Eval.Scorer scorer(java.util.function.Function<org.assay.evals.tasks.Task, String> prompt) {
        return (task, completion) -> score(prompt.apply(task), completion.text());
    }

    private int[] sequence(String prompt, String completion) {
        int[] p = tokenizer.encode(prompt);
        int[] c = tokenizer.encode(completion);
        int[] seq = new int[p.length + c.length + 1];
        System.arraycopy(p, 0, seq, 0, p.length);
        System.arraycopy(c, 0, seq, p.length, c.length);
        seq[seq.length - 1] = judge;
        if (seq.length < 2 || seq.length - 1 > client.config().contextLength()) {
            throw new IllegalArgumentException("RewardModel: prompt + completion + judge must fit the context ("
                    + client.config().contextLength() + "), got " + seq.length + " tokens");
        }
        return seq;
    }
}
