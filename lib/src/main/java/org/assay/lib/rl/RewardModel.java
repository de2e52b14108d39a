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
import org.assay.lib.train.TokenBatch;

/**
 * A reward model trained on preference pairs with the Bradley–Terry loss {@code −log σ(r(chosen) − r(rejected))}
 * (Ouyang et al. 2022). The score is read from the language model itself, as the log-odds of two judge tokens after
 * the prompt and completion: {@code r(x) = log p(good | x) − log p(bad | x)} — a generative reward head that needs no
 * extra layer and, unlike a single log-probability, is unbounded both ways. Usable as the scorer of best-of-n
 * ({@link #scorer}) and as an RL reward.
 */
public final class RewardModel {
    private final TrainingClient client;
    private final Tokenizer tokenizer;
    private final int good;
    private final int bad;

    private RewardModel(TrainingClient client, Tokenizer tokenizer, int good, int bad) {
        this.client = client;
        this.tokenizer = tokenizer;
        this.good = good;
        this.bad = bad;
    }

    /** A reward model on {@code client}'s weights, reading {@code log p(good | x) − log p(bad | x)}. */
    public static RewardModel of(TrainingClient client, Tokenizer tokenizer, int good, int bad) {
        int v = client.config().vocabSize();
        if (good < 0 || good >= v || bad < 0 || bad >= v || good == bad) {
            throw new IllegalArgumentException("RewardModel.of: good and bad must be two different token ids in [0, "
                    + v + "), got " + good + " and " + bad);
        }
        return new RewardModel(client, tokenizer, good, bad);
    }

    /** A preference: for this prompt, {@code chosen} is better than {@code rejected}. */
    public record Pair(String prompt, String chosen, String rejected) {
    }

    /**
     * The Bradley–Terry loss on rows in fours — (chosen → good, chosen → bad, rejected → good, rejected → bad) — each
     * weighted only at its last position, so {@code r = log p(good) − log p(bad)} per completion.
     */
    public static LossFn bradleyTerry() {
        return in -> {
            long rows = in.weights().getShape().get(0);
            if (rows % 4 != 0) {
                throw new IllegalArgumentException("RewardModel.bradleyTerry: rows must come in fours (chosen and "
                        + "rejected, each read with the good and the bad judge token), got " + rows + " rows");
            }
            NDArray lp = in.logprobs().mul(in.weights()).sum(new int[] {1}).reshape(rows / 4, 4);
            NDArray chosen = lp.get(":, 0").sub(lp.get(":, 1"));
            NDArray rejected = lp.get(":, 2").sub(lp.get(":, 3"));
            NDArray loss = Preference.softplus(rejected.sub(chosen)); // −log σ(r_w − r_l)
            return Gpt.scale(loss.sum(), 1.0 / (rows / 4));
        };
    }

    /** One optimizer step on a batch of pairs; returns the mean loss. */
    public double trainStep(List<Pair> pairs, AdamW optimizer) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("RewardModel.trainStep: pairs must not be empty");
        }
        List<int[]> rows = new ArrayList<>();
        for (Pair p : pairs) {
            for (String completion : new String[] {p.chosen(), p.rejected()}) {
                rows.add(sequence(p.prompt(), completion, good));
                rows.add(sequence(p.prompt(), completion, bad));
            }
        }
        double loss = client.forwardBackward(judged(rows), bradleyTerry()).loss();
        client.optimStep(optimizer);
        return loss;
    }

    /** {@code r(x) = log p(good | prompt + completion) − log p(bad | prompt + completion)}. */
    public double score(String prompt, String completion) {
        TokenBatch b = judged(List.of(sequence(prompt, completion, good), sequence(prompt, completion, bad)));
        float[] lp = client.computeLogprobs(b);
        double[] r = new double[2];
        for (int i = 0; i < lp.length; i++) {
            r[i / b.width()] += b.weights()[i] * lp[i];
        }
        return r[0] - r[1];
    }

    /** Rows weighted only at the judge token's position (each sequence's last). */
    private static TokenBatch judged(List<int[]> rows) {
        return Preference.rows(rows, rows.stream().mapToInt(r -> r.length - 1).toArray());
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

    private int[] sequence(String prompt, String completion, int judge) {
        int[] p = tokenizer.encode(prompt);
        int[] c = tokenizer.encode(completion);
        int[] seq = Preference.concat(Preference.concat(p, c), new int[] {judge});
        if (seq.length < 2 || seq.length - 1 > client.config().contextLength()) {
            throw new IllegalArgumentException("RewardModel: prompt + completion + judge must fit the context ("
                    + client.config().contextLength() + "), got " + seq.length + " tokens");
        }
        return seq;
    }
}
