package org.assay.lib.rl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assay.lib.data.Tokenizer;
import org.assay.lib.runs.Metrics;
import org.assay.lib.sample.SamplingParams;
import org.assay.lib.train.AdamW;
import org.assay.lib.train.LossFn;
import org.assay.lib.train.Results;
import org.assay.lib.train.TokenBatch;
import org.assay.lib.train.TrainingClient;

/**
 * Online (iterative) DPO: at each step the current policy samples G completions of each of P prompts, the verifier
 * scores them, each group's best and worst completion become a (chosen, rejected) pair when their rewards differ, and
 * one DPO step is taken on the pairs against the frozen starting policy as reference (Guo et al. 2024, "Direct
 * Language Model Alignment from Online AI Feedback"; Xiong et al. 2024's iterative DPO; TRL's OnlineDPOTrainer with a
 * verifier for its judge). The loop, visible:
 * <pre>{@code
 * try (var dpo = OnlineDpo.of(client, chars, env, OnlineDpo.Config.defaults())) {
 *     for (int s = 0; s < 50; s++) display(dpo.step());      // reward, pairs, rewards/chosen ... per step
 * }
 * }</pre>
 */
public final class OnlineDpo implements AutoCloseable {

    /**
     * @param promptsPerStep P, prompts sampled per step
     * @param groupSize      G, completions per prompt (the pair is the group's best and worst)
     * @param sampling       how the policy samples
     * @param beta           β of the implicit reward, for the loss and {@link Preference.DpoMetrics}
     * @param loss           the preference loss ({@link Preference#dpo}, {@link Preference#conservativeDpo},
     *                       {@link Preference#ipo})
     * @param optimizer      the optimizer step's settings
     * @param seed           the sampling seed
     */
    public record Config(int promptsPerStep, int groupSize, SamplingParams sampling, double beta, LossFn loss,
                         AdamW optimizer, long seed) {
        public Config {
            if (promptsPerStep < 1 || groupSize < 2) {
                throw new IllegalArgumentException("OnlineDpo.Config: promptsPerStep must be >= 1 and groupSize >= 2,"
                        + " got " + promptsPerStep + " and " + groupSize);
            }
            if (!(beta > 0) || loss == null || sampling == null || optimizer == null) {
                throw new IllegalArgumentException("OnlineDpo.Config: beta must be > 0 and sampling, loss and"
                        + " optimizer set, got beta=" + beta);
            }
        }

        /** 8 prompts × 4 samples, DPO at β = 0.1, AdamW at 1e-3. */
        public static Config defaults() {
            return new Config(8, 4, SamplingParams.defaults().withMaxTokens(16), 0.1, Preference.dpo(0.1),
                    AdamW.defaults().withLearningRate(1e-3), 0);
        }

        public Config withGroups(int prompts, int samples) {
            return new Config(prompts, samples, sampling, beta, loss, optimizer, seed);
        }

        public Config withSampling(SamplingParams p) {
            return new Config(promptsPerStep, groupSize, p, beta, loss, optimizer, seed);
        }

        /** DPO's sigmoid loss at this β. */
        public Config withBeta(double b) {
            return new Config(promptsPerStep, groupSize, sampling, b, Preference.dpo(b), optimizer, seed);
        }

        /** Another preference loss (IPO, label-smoothed DPO); β still scales the logged rewards. */
        public Config withLoss(LossFn l) {
            return new Config(promptsPerStep, groupSize, sampling, beta, l, optimizer, seed);
        }

        public Config withOptimizer(AdamW o) {
            return new Config(promptsPerStep, groupSize, sampling, beta, loss, o, seed);
        }

        public Config withSeed(long s) {
            return new Config(promptsPerStep, groupSize, sampling, beta, loss, optimizer, s);
        }
    }

    /**
     * One step, as a line of metrics: the sampled completions' mean reward and accuracy, the pairs made, and what TRL
     * logs for DPO on them (NaN when no group had two different rewards and nothing was trained).
     *
     * @param step     steps taken, this one included
     * @param reward   mean reward of the sampled completions
     * @param accuracy share of them the verifier marked correct
     * @param pairs    (chosen, rejected) pairs trained on
     * @param loss     the preference loss of the pairs
     */
    public record StepMetrics(long step, double reward, double accuracy, int pairs, double loss,
                              double rewardsChosen, double rewardsRejected, double rewardsMargins,
                              double rewardsAccuracies, double logpsChosen, double logpsRejected, double gradNorm) {
        /** The line written to metrics.jsonl. */
        public Map<String, Object> toMap() {
            return Metrics.toMap(this);
        }
    }

    private final TrainingClient policy;
    private final TrainingClient reference;
    private final Tokenizer tokenizer;
    private final Env env;
    private final Config config;
    private long step;
    private int cursor;
    private Rollouts.Batch last;

    private OnlineDpo(TrainingClient policy, Tokenizer tokenizer, Env env, Config config) {
        this.policy = policy;
        this.tokenizer = tokenizer;
        this.env = env;
        this.config = config;
        this.reference = policy.copy(); // the frozen starting policy
    }

    /** Online DPO on {@code policy} from its current weights, which become the reference. */
    public static OnlineDpo of(TrainingClient policy, Tokenizer tokenizer, Env env, Config config) {
        return new OnlineDpo(policy, tokenizer, env, config);
    }

    /** The last step's samples (prompt, completion, reward) for inspection. */
    public Rollouts.Batch lastRollouts() {
        return last;
    }

    /** Sample, pair each group's best and worst, take one DPO step, report. */
    public StepMetrics step() {
        Rollouts.Batch batch = Rollouts.collect(policy, tokenizer, env, cursor, config.promptsPerStep(),
                config.groupSize(), config.sampling(), Rollouts.stepSeed(config.seed(), step));
        last = batch;
        cursor += config.promptsPerStep();
        step++;
        double[] rewards = batch.rewards();
        double meanReward = batch.meanReward();
        double accuracy = batch.accuracy();
        List<int[]> sequences = new ArrayList<>();
        List<Integer> completionFrom = new ArrayList<>();
        int g = config.groupSize();
        for (int start = 0; start < rewards.length; start += g) {
            int best = start;
            int worst = start;
            for (int i = start; i < start + g; i++) {
                best = rewards[i] > rewards[best] ? i : best;
                worst = rewards[i] < rewards[worst] ? i : worst;
            }
            if (rewards[best] > rewards[worst]) {
                for (int i : new int[] {best, worst}) {
                    Rollouts.Rollout r = batch.samples().get(i);
                    sequences.add(Preference.concat(r.prompt(), r.completion()));
                    completionFrom.add(r.prompt().length);
                }
            }
        }
        int pairs = sequences.size() / 2;
        if (pairs == 0) {
            double nan = Double.NaN;
            return new StepMetrics(step, meanReward, accuracy, 0, nan, nan, nan, nan, nan, nan, nan, nan);
        }
        TokenBatch b = Preference.rows(sequences, completionFrom.stream().mapToInt(Integer::intValue).toArray());
        b = b.withExtra(PolicyLoss.REFERENCE_LOGPROBS, reference.computeLogprobs(b));
        Results.ForwardBackward fb = policy.forwardBackward(b, config.loss());
        double gradNorm = policy.optimStep(config.optimizer()).gradNorm();
        Preference.DpoMetrics m = Preference.dpoMetrics(b, fb.logprobs(), config.beta());
        return new StepMetrics(step, meanReward, accuracy, pairs, fb.loss(), m.rewardsChosen(), m.rewardsRejected(),
                m.rewardsMargins(), m.rewardsAccuracies(), m.logpsChosen(), m.logpsRejected(), gradNorm);
    }

    @Override
    public void close() {
        reference.close();
    }
}
