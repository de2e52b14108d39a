package org.assay.lib.rl;

import org.assay.evals.tasks.Task;
import org.assay.lib.data.Tokenizer;
import org.assay.lib.sample.SamplingParams;
import org.assay.lib.sample.StopReason;
import org.assay.lib.train.TrainingClient;
import tech.tablesaw.api.Table;
import org.assay.evals.RecordRows;

import java.util.ArrayList;
import java.util.List;
import org.assay.lib.train.TokenBatch;

/**
 * Rollouts: G samples per prompt from the policy (batched, with the KV cache and the log-probabilities of the sampled
 * tokens), scored by the environment, kept for inspection ({@link Batch#table()}) and turned into training arrays.
 */
public final class Rollouts {
    private Rollouts() {
    }

    /**
     * One sampled completion.
     *
     * @param group      index of its group (its prompt) in the batch
     * @param logprobs   log-probability of each completion token under the sampling policy
     * @param stopReason STOP, or LENGTH when the token limit cut the completion off (truncated)
     */
    public record Rollout(Task task, int group, int[] prompt, int[] completion, float[] logprobs, String text,
                         Env.Reward reward, StopReason stopReason) {

        public boolean truncated() {
            return stopReason == StopReason.LENGTH;
        }
    }

    /** A row of {@link Batch#table()}: its columns are these components, in snake case. */
    public record RolloutRow(String item, int group, String prompt, String completion, int tokens, double reward,
                             boolean correct) {
    }

    /**
     * A batch of groups, G consecutive samples per prompt.
     *
     * @param samplingSeconds time spent sampling (prompt prefill and decoding)
     * @param scoringSeconds  time spent in the verifier
     */
    public record Batch(List<Rollout> samples, int groupSize, double samplingSeconds, double scoringSeconds) {

        public double[] rewards() {
            return samples.stream().mapToDouble(s -> s.reward().reward()).toArray();
        }

        public boolean[] correct() {
            boolean[] c = new boolean[samples.size()];
            for (int i = 0; i < c.length; i++) {
                c[i] = samples.get(i).reward().correct();
            }
            return c;
        }

        /** Mean reward of the samples. */
        public double meanReward() {
            return java.util.Arrays.stream(rewards()).average().orElse(Double.NaN);
        }

        /** Standard deviation of the samples' rewards (population). */
        public double rewardStd() {
            double mean = meanReward();
            return Math.sqrt(java.util.Arrays.stream(rewards()).map(r -> (r - mean) * (r - mean)).average()
                    .orElse(Double.NaN));
        }

        /** Fraction of the samples the verifier marked correct. */
        public double accuracy() {
            return (double) samples.stream().filter(s -> s.reward().correct()).count() / samples.size();
        }

        /** Whether each sample was cut off by the token limit. */
        public boolean[] truncated() {
            boolean[] t = new boolean[samples.size()];
            for (int i = 0; i < t.length; i++) {
                t[i] = samples.get(i).truncated();
            }
            return t;
        }

        public long completionTokens() {
            return samples.stream().mapToLong(s -> s.completion().length).sum();
        }

        public long promptTokens() {
            return samples.stream().mapToLong(s -> s.prompt().length).sum();
        }

        /** Prompt, completion, reward and correctness of every sample: what researchers read when a run stalls. */
        public Table table() {
            return RecordRows.table("rollouts", RolloutRow.class, samples.stream().map(s -> new RolloutRow(
                    s.task().id(), s.group(), s.task().prompt(), s.text(), s.completion().length, s.reward().reward(),
                    s.reward().correct())).toList());
        }

        /**
         * Every sample as {@code forwardBackward} arrays, advantages 0 (for a pass that scores the samples, or a loss
         * that brings its own per-token inputs: PPO's, distillation's).
         */
        public Rows allRows() {
            boolean[] all = new boolean[samples.size()];
            java.util.Arrays.fill(all, true);
            return arrays(new double[samples.size()], all);
        }

        /**
         * The kept samples as {@code forwardBackward} arrays, one row each, padded to the longest: a row holds the
         * prompt and completion shifted by one; weights are 1 where the target is a completion token.
         */
        public Rows arrays(double[] advantages, boolean[] kept) {
            if (advantages.length != samples.size()) {
                throw new IllegalArgumentException("Rollouts.Batch.arrays: advantages must have one entry per sample ("
                        + samples.size() + "), got " + advantages.length);
            }
            float[][] perToken = new float[samples.size()][];
            for (int i = 0; i < perToken.length; i++) {
                perToken[i] = new float[samples.get(i).completion().length];
                java.util.Arrays.fill(perToken[i], (float) advantages[i]);
            }
            return arrays(perToken, kept);
        }

        /** As {@link #arrays(double[], boolean[])} with an advantage per completion token (process supervision). */
        public Rows arrays(float[][] advantages, boolean[] kept) {
            if (advantages.length != samples.size() || kept.length != samples.size()) {
                throw new IllegalArgumentException("Rollouts.Batch.arrays: advantages and kept must have one entry per "
                        + "sample (" + samples.size() + "), got " + advantages.length + " and " + kept.length);
            }
            List<Integer> rows = new ArrayList<>();
            List<int[]> sequences = new ArrayList<>();
            for (int i = 0; i < samples.size(); i++) {
                if (kept[i]) {
                    if (advantages[i].length != samples.get(i).completion().length) {
                        throw new IllegalArgumentException("Rollouts.Batch.arrays: sample " + i + " has "
                                + samples.get(i).completion().length + " completion tokens but "
                                + advantages[i].length + " advantages");
                    }
                    rows.add(i);
                    sequences.add(Preference.concat(samples.get(i).prompt(), samples.get(i).completion()));
                }
            }
            if (rows.isEmpty()) {
                return null;
            }
            int n = rows.size();
            TokenBatch b = Preference.rows(sequences,
                    rows.stream().mapToInt(i -> samples.get(i).prompt().length).toArray());
            int width = b.width();
            float[] adv = new float[n * width];
            float[] sampling = new float[n * width];
            for (int r = 0; r < n; r++) {
                Rollout s = samples.get(rows.get(r));
                int p = s.prompt().length;
                for (int t = p - 1; t < p + s.completion().length - 1; t++) { // targets that are completion tokens
                    adv[r * width + t] = advantages[rows.get(r)][t + 1 - p];
                    sampling[r * width + t] = s.logprobs()[t + 1 - p];
                }
            }
            return new Rows(b.withExtra(PolicyLoss.ADVANTAGES, adv).withExtra(PolicyLoss.SAMPLING_LOGPROBS, sampling),
                    rows);
        }
    }

    /**
     * The kept samples as a training batch, one row each, with the extras {@link PolicyLoss#ADVANTAGES} and
     * {@link PolicyLoss#SAMPLING_LOGPROBS}.
     *
     * @param sampleIndex for each row, the sample of the batch it came from
     */
    public record Rows(TokenBatch batch, List<Integer> sampleIndex) {
    }

    /**
     * The sampling seed of step {@code step} of a loop seeded with {@code seed}: what every RL and post-training loop
     * passes to {@link #collect}, so a loop's rollouts are a function of its seed and its step alone.
     */
    public static long stepSeed(long seed, long step) {
        return seed * 7919 + step;
    }

    /**
     * Samples {@code groupSize} completions (1 for PPO, 2 or more for group-relative methods) for each of {@code prompts} problems of the environment, starting at
     * problem {@code from} (cycling), seeded per group from {@code seed}.
     */
    public static Batch collect(TrainingClient policy, Tokenizer tokenizer, Env env, int from, int prompts,
                                int groupSize, SamplingParams params, long seed) {
        if (prompts < 1 || groupSize < 1) {
            throw new IllegalArgumentException("Rollouts.collect: prompts and groupSize must be >= 1, got prompts="
                    + prompts + ", groupSize=" + groupSize);
        }
        Task[] tasks = new Task[prompts];
        int[][] encoded = new int[prompts][];
        for (int g = 0; g < prompts; g++) {
            tasks[g] = env.problems().get(Math.floorMod(from + g, env.problems().size()));
            encoded[g] = tokenizer.encode(env.prompt().apply(tasks[g]));
        }
        // prompts of one length are decoded together in one batch (fewer, larger steps); group g keeps its own seed
        java.util.Map<Integer, List<Integer>> byLength = new java.util.TreeMap<>();
        for (int g = 0; g < prompts; g++) {
            byLength.computeIfAbsent(encoded[g].length, k -> new ArrayList<>()).add(g);
        }
        List<List<org.assay.lib.sample.Sample>> got = new ArrayList<>(java.util.Collections.nCopies(prompts, null));
        long t0 = System.nanoTime();
        for (List<Integer> groups : byLength.values()) {
            List<int[]> same = groups.stream().map(g -> encoded[g]).toList();
            long[] seeds = groups.stream().mapToLong(g -> seed * 1_000_003L + g).toArray();
            List<List<org.assay.lib.sample.Sample>> part = policy.sample(same, seeds, params, groupSize);
            for (int k = 0; k < groups.size(); k++) {
                got.set(groups.get(k), part.get(k));
            }
        }
        long sampling = System.nanoTime() - t0;
        long t1 = System.nanoTime();
        List<Rollout> samples = new ArrayList<>(prompts * groupSize);
        for (int g = 0; g < prompts; g++) {
            for (org.assay.lib.sample.Sample s : got.get(g)) {
                String text = tokenizer.decode(s.tokens());
                samples.add(new Rollout(tasks[g], g, encoded[g], s.tokens(), s.logprobs(), text,
                        env.verifier().score(tasks[g], text), s.stopReason()));
            }
        }
        long scoring = System.nanoTime() - t1;
        return new Batch(List.copyOf(samples), groupSize, sampling / 1e9, scoring / 1e9);
    }
}
