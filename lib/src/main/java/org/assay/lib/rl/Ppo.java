package org.assay.lib.rl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.assay.display.Progress;
import org.assay.lib.data.Tokenizer;
import org.assay.lib.runs.Metrics;
import org.assay.lib.sample.SamplingParams;
import org.assay.lib.train.AdamW;
import org.assay.lib.train.LossFn;
import org.assay.lib.train.Results;
import org.assay.lib.train.TokenBatch;
import org.assay.lib.train.TrainingClient;

/**
 * PPO with a critic (Schulman et al. 2017), the recipe of InstructGPT (Ouyang et al. 2022) and of TRL's
 * {@code PPOTrainer}: each step samples completions, scores them, gives every token the reward {@code −β·(log π −
 * log π_ref)} and the last token also the environment's reward, estimates advantages with GAE(γ, λ) against a learned
 * value function, whitens them, and takes {@code epochs} clipped policy-gradient steps and clipped value-regression
 * steps. The value function is a scalar head ({@code Gpt.addValueHead}) on the policy's own trunk (one loss,
 * {@code policy + vfCoef·value}) or on a separate critic, a copy of the starting policy (InstructGPT's layout). Reports
 * what TRL logs for PPO: policy and value loss, clip fractions, approximate KL, explained variance, entropy, the KL
 * to the reference and the non-score reward.
 */
public final class Ppo implements AutoCloseable {

    /**
     * @param promptsPerStep   problems per step (the environment's, cycling)
     * @param samplesPerPrompt completions per problem (1 in the classic recipe; no group baseline is used)
     * @param sampling         how completions are sampled
     * @param gamma            GAE's discount γ (1: the reward at the end counts fully at every token)
     * @param lambda           GAE's λ (1: Monte-Carlo returns; 0: one-step TD)
     * @param clipRange        the policy ratio's clip ε
     * @param clipRangeValue   the value clip ε around the values at collection (0: unclipped)
     * @param vfCoef           weight of the value loss on a shared trunk
     * @param klCoef           β of the per-token KL penalty to the starting policy in the reward
     * @param whitenAdvantages shift and scale the batch's advantages to mean 0, std 1
     * @param epochs           optimizer steps on each rollout batch (PPO epochs, full batch)
     * @param sharedCritic     the value head on the policy's trunk (true) or on a separate critic (false)
     * @param optimizer        AdamW of the policy, and of the critic
     * @param seed             rollouts and the value head's initialisation
     */
    public record Config(int promptsPerStep, int samplesPerPrompt, SamplingParams sampling, double gamma,
                         double lambda, double clipRange, double clipRangeValue, double vfCoef, double klCoef,
                         boolean whitenAdvantages, int epochs, boolean sharedCritic, AdamW optimizer, long seed) {
        public Config {
            if (promptsPerStep < 1 || samplesPerPrompt < 1 || epochs < 1) {
                throw new IllegalArgumentException("Ppo.Config: promptsPerStep, samplesPerPrompt and epochs must be >="
                        + " 1, got " + promptsPerStep + ", " + samplesPerPrompt + " and " + epochs);
            }
            if (!(gamma >= 0 && gamma <= 1) || !(lambda >= 0 && lambda <= 1)) {
                throw new IllegalArgumentException("Ppo.Config: gamma and lambda must be in [0, 1], got " + gamma
                        + " and " + lambda);
            }
            if (!(clipRange > 0 && clipRange < 1) || !(clipRangeValue >= 0) || !(vfCoef >= 0) || !(klCoef >= 0)) {
                throw new IllegalArgumentException("Ppo.Config: clipRange must be in (0, 1) and clipRangeValue, vfCoef"
                        + " and klCoef >= 0, got " + clipRange + ", " + clipRangeValue + ", " + vfCoef + " and "
                        + klCoef);
            }
            if (sampling == null || optimizer == null) {
                throw new IllegalArgumentException("Ppo.Config: sampling and optimizer must be set");
            }
        }

        /**
         * 16 prompts × 1 sample of up to 16 tokens, γ 1, λ 0.95, ε 0.2 for the policy and the value, vfCoef 0.1,
         * β 0.05, whitened advantages, 4 epochs, a separate critic, AdamW at 1e-3 (TRL's PPO defaults where it has
         * them).
         */
        public static Config defaults() {
            return new Config(16, 1, SamplingParams.defaults().withMaxTokens(16), 1.0, 0.95, 0.2, 0.2, 0.1, 0.05,
                    true, 4, false, AdamW.defaults().withLearningRate(1e-3), 0);
        }

        public Config withGroups(int prompts, int samples) {
            return new Config(prompts, samples, sampling, gamma, lambda, clipRange, clipRangeValue, vfCoef, klCoef,
                    whitenAdvantages, epochs, sharedCritic, optimizer, seed);
        }

        public Config withSampling(SamplingParams p) {
            return new Config(promptsPerStep, samplesPerPrompt, p, gamma, lambda, clipRange, clipRangeValue, vfCoef,
                    klCoef, whitenAdvantages, epochs, sharedCritic, optimizer, seed);
        }

        public Config withGae(double g, double l) {
            return new Config(promptsPerStep, samplesPerPrompt, sampling, g, l, clipRange, clipRangeValue, vfCoef,
                    klCoef, whitenAdvantages, epochs, sharedCritic, optimizer, seed);
        }

        /** The policy's and the value's clip ε. */
        public Config withClipping(double policy, double value) {
            return new Config(promptsPerStep, samplesPerPrompt, sampling, gamma, lambda, policy, value, vfCoef,
                    klCoef, whitenAdvantages, epochs, sharedCritic, optimizer, seed);
        }

        public Config withValueCoef(double coef) {
            return new Config(promptsPerStep, samplesPerPrompt, sampling, gamma, lambda, clipRange, clipRangeValue,
                    coef, klCoef, whitenAdvantages, epochs, sharedCritic, optimizer, seed);
        }

        public Config withKl(double beta) {
            return new Config(promptsPerStep, samplesPerPrompt, sampling, gamma, lambda, clipRange, clipRangeValue,
                    vfCoef, beta, whitenAdvantages, epochs, sharedCritic, optimizer, seed);
        }

        public Config withWhitening(boolean whiten) {
            return new Config(promptsPerStep, samplesPerPrompt, sampling, gamma, lambda, clipRange, clipRangeValue,
                    vfCoef, klCoef, whiten, epochs, sharedCritic, optimizer, seed);
        }

        public Config withEpochs(int n) {
            return new Config(promptsPerStep, samplesPerPrompt, sampling, gamma, lambda, clipRange, clipRangeValue,
                    vfCoef, klCoef, whitenAdvantages, n, sharedCritic, optimizer, seed);
        }

        public Config withSharedCritic(boolean shared) {
            return new Config(promptsPerStep, samplesPerPrompt, sampling, gamma, lambda, clipRange, clipRangeValue,
                    vfCoef, klCoef, whitenAdvantages, epochs, shared, optimizer, seed);
        }

        public Config withOptimizer(AdamW a) {
            return new Config(promptsPerStep, samplesPerPrompt, sampling, gamma, lambda, clipRange, clipRangeValue,
                    vfCoef, klCoef, whitenAdvantages, epochs, sharedCritic, a, seed);
        }

        public Config withSeed(long s) {
            return new Config(promptsPerStep, samplesPerPrompt, sampling, gamma, lambda, clipRange, clipRangeValue,
                    vfCoef, klCoef, whitenAdvantages, epochs, sharedCritic, optimizer, s);
        }
    }

    /**
     * One step's diagnostics, named as TRL's PPO logs them where it has a name (in snake case in metrics).
     *
     * @param reward            mean environment reward of the step's samples (the score, before the KL penalty)
     * @param rewardStd         its standard deviation
     * @param accuracy          fraction the verifier marked correct
     * @param nonScoreReward    mean per-sample sum of the KL penalty {@code −β·(log π − log π_ref)}
     * @param kl                mean per-sample sum of {@code log π − log π_ref} over the sampled tokens
     * @param policyLoss        the clipped surrogate loss of the last epoch, before its update
     * @param valueLoss         the clipped value loss of the last epoch, before its update
     * @param clipFraction      fraction of tokens whose policy ratio was clipped (last epoch)
     * @param valueClipFraction fraction of tokens whose clipped value term was the larger (last epoch)
     * @param approxKl          {@code ½·mean((log π − log π_old)²)} at the last epoch: how far the epochs moved
     * @param explainedVariance {@code 1 − Var(R − V)/Var(R)} of the returns by the values at collection
     * @param entropy           mean negative log-probability of the sampled tokens (last epoch)
     * @param valueMean         mean value at collection over the sampled tokens
     * @param returnsMean       mean GAE return over the sampled tokens
     * @param completionLength  mean completion length, tokens
     * @param tokens            tokens sampled so far
     * @param flops             FLOPs so far (sampling, reference and critic passes, training of policy and critic)
     * @param samplingSeconds   seconds sampling and scoring
     * @param trainingSeconds   seconds in the reference and value passes and the optimizer steps
     */
    public record StepMetrics(long step, double reward, double rewardStd, double accuracy, double nonScoreReward,
                              double kl, double policyLoss, double valueLoss, double clipFraction,
                              double valueClipFraction, double approxKl, double explainedVariance, double entropy,
                              double valueMean, double returnsMean, double completionLength, long tokens,
                              double flops, double samplingSeconds, double trainingSeconds) {
        public Map<String, Object> toMap() {
            return Metrics.toMap(this);
        }
    }

    private final TrainingClient policy;
    private final TrainingClient reference;
    private final TrainingClient critic; // the policy itself when the critic is shared
    private final Tokenizer tokenizer;
    private final Env env;
    private final Config config;
    private long step;
    private int cursor;
    private long tokens;
    private double flops;
    private Rollouts.Batch last;

    private Ppo(TrainingClient policy, Tokenizer tokenizer, Env env, Config config) {
        this.policy = policy;
        this.tokenizer = tokenizer;
        this.env = env;
        this.config = config;
        this.reference = policy.copy();
        if (config.sharedCritic()) {
            if (!policy.model().hasValueHead()) {
                policy.model().addValueHead(config.seed());
            }
            this.critic = policy;
        } else {
            this.critic = policy.copy();
            critic.model().addValueHead(config.seed());
        }
    }

    /**
     * PPO on {@code policy} from its current weights, which become the reference; with a shared critic the policy
     * gains a value head (kept after {@link #close}), otherwise the critic is a copy of it with one.
     */
    public static Ppo of(TrainingClient policy, Tokenizer tokenizer, Env env, Config config) {
        if (policy == null || tokenizer == null || env == null || config == null) {
            throw new IllegalArgumentException("Ppo.of: policy, tokenizer, env and config must be set");
        }
        return new Ppo(policy, tokenizer, env, config);
    }

    /** The last step's rollouts. */
    public Rollouts.Batch lastRollouts() {
        return last;
    }

    /** The value function's client: the policy with a shared critic, the separate critic otherwise. */
    public TrainingClient critic() {
        return critic;
    }

    /** One PPO step: collect, reward per token, GAE, {@code epochs} updates of the policy and the value function. */
    public StepMetrics step() {
        Rollouts.Batch batch = Rollouts.collect(policy, tokenizer, env, cursor, config.promptsPerStep(),
                config.samplesPerPrompt(), config.sampling(), Rollouts.stepSeed(config.seed(), step));
        last = batch;
        cursor += config.promptsPerStep();
        long sampled = batch.promptTokens() + batch.completionTokens();
        tokens += sampled;
        flops += sampled * forwardFlops(policy);
        long t0 = System.nanoTime();
        Rollouts.Rows rows = batch.allRows();
        TokenBatch b = rows.batch();
        float[] w = b.weights();
        float[] sampling = b.extra(PolicyLoss.SAMPLING_LOGPROBS);
        float[] ref = reference.computeLogprobs(b);
        float[] oldValues = critic.computeValues(b);
        double positions = b.tokens();
        flops += positions * (forwardFlops(reference) + forwardFlops(critic));

        // per-token rewards: the KL penalty everywhere, the environment's reward on each sample's last token
        float[] rewards = new float[b.tokens()];
        double[] scores = batch.rewards();
        double klSum = 0;
        int width = b.width();
        for (int r = 0; r < b.rows(); r++) {
            int lastToken = -1;
            for (int t = 0; t < width; t++) {
                int i = r * width + t;
                if (w[i] > 0) {
                    double kl = sampling[i] - ref[i];
                    klSum += kl;
                    rewards[i] = (float) (-config.klCoef() * kl);
                    lastToken = i;
                }
            }
            rewards[lastToken] += (float) scores[rows.sampleIndex().get(r)];
        }
        Advantages.Gae gae = Advantages.gae(rewards, oldValues, w, b.rows(), config.gamma(), config.lambda());
        float[] adv = config.whitenAdvantages() ? Advantages.whiten(gae.advantages(), w) : gae.advantages();
        b = b.withExtra(PolicyLoss.ADVANTAGES, adv).withExtra(PolicyLoss.RETURNS, gae.returns())
                .withExtra(PolicyLoss.OLD_VALUES, oldValues);

        LossFn policyLoss = PolicyLoss.ppo(config.clipRange(), config.clipRange(), PolicyLoss.Normalization.TOKEN);
        LossFn valueLoss = PolicyLoss.valueLoss(config.clipRangeValue());
        float[] logp = null;
        float[] values = null;
        for (int e = 0; e < config.epochs(); e++) {
            if (config.sharedCritic()) {
                Results.ForwardBackward fb = policy.forwardBackward(b, PolicyLoss.plus(policyLoss, valueLoss,
                        config.vfCoef()));
                policy.optimStep(config.optimizer());
                logp = fb.logprobs();
                values = fb.values();
                flops += positions * policy.config().trainingFlopsPerToken();
            } else {
                logp = policy.forwardBackward(b, policyLoss).logprobs();
                policy.optimStep(config.optimizer());
                values = critic.forwardBackward(b, valueLoss).values();
                critic.optimStep(config.optimizer());
                flops += positions * (policy.config().trainingFlopsPerToken()
                        + critic.config().trainingFlopsPerToken());
            }
        }
        step++;
        return metrics(batch, b, logp, values, klSum, (System.nanoTime() - t0) / 1e9);
    }

    private StepMetrics metrics(Rollouts.Batch batch, TokenBatch b, float[] logp, float[] values, double klSum,
                                double trainingSeconds) {
        float[] w = b.weights();
        float[] sampling = b.extra(PolicyLoss.SAMPLING_LOGPROBS);
        float[] adv = b.extra(PolicyLoss.ADVANTAGES);
        float[] returns = b.extra(PolicyLoss.RETURNS);
        float[] old = b.extra(PolicyLoss.OLD_VALUES);
        double eps = config.clipRange();
        double epsV = config.clipRangeValue();
        double count = 0;
        double surrogate = 0;
        double vLoss = 0;
        double vClipped = 0;
        double approxKl = 0;
        double entropy = 0;
        double valueSum = 0;
        double returnSum = 0;
        for (int i = 0; i < w.length; i++) {
            if (w[i] <= 0) {
                continue;
            }
            count++;
            double ratio = Math.exp(logp[i] - sampling[i]);
            surrogate -= Math.min(ratio * adv[i], Math.max(Math.min(ratio, 1 + eps), 1 - eps) * adv[i]);
            double plain = (values[i] - returns[i]) * (values[i] - returns[i]);
            double clippedValue = epsV > 0 ? Math.max(Math.min(values[i], old[i] + epsV), old[i] - epsV) : values[i];
            double clipped = (clippedValue - returns[i]) * (clippedValue - returns[i]);
            vLoss += 0.5 * Math.max(plain, clipped);
            vClipped += clipped > plain ? 1 : 0;
            approxKl += 0.5 * (logp[i] - sampling[i]) * (logp[i] - sampling[i]);
            entropy -= logp[i];
            valueSum += old[i];
            returnSum += returns[i];
        }
        double meanReturn = returnSum / count;
        double varReturns = 0;
        double varResidual = 0;
        double meanResidual = (returnSum - valueSum) / count;
        for (int i = 0; i < w.length; i++) {
            if (w[i] > 0) {
                varReturns += (returns[i] - meanReturn) * (returns[i] - meanReturn);
                double res = returns[i] - old[i] - meanResidual;
                varResidual += res * res;
            }
        }
        int n = batch.samples().size();
        return new StepMetrics(step, batch.meanReward(), batch.rewardStd(), batch.accuracy(),
                -config.klCoef() * klSum / n, klSum / n, surrogate / count, vLoss / count,
                PolicyLoss.clipFraction(logp, sampling, adv, w, eps, eps), vClipped / count, approxKl / count,
                varReturns > 0 ? 1 - varResidual / varReturns : Double.NaN, entropy / count, valueSum / count,
                meanReturn, (double) batch.completionTokens() / n, tokens, flops, batch.samplingSeconds()
                + batch.scoringSeconds(), trainingSeconds);
    }

    private static double forwardFlops(TrainingClient model) {
        return model.config().forwardFlopsPerToken();
    }

    /** {@code steps} steps with a progress bar. */
    public List<StepMetrics> run(int steps) {
        List<StepMetrics> out = new ArrayList<>();
        try (Progress bar = Progress.start("ppo", steps)) {
            for (int i = 0; i < steps && !Thread.currentThread().isInterrupted(); i++) {
                StepMetrics m = step();
                out.add(m);
                bar.step();
                bar.postfix(String.format(Locale.ROOT, "reward=%.3f ev=%.2f", m.reward(), m.explainedVariance()));
            }
        }
        return out;
    }

    @Override
    public void close() {
        reference.close();
        if (critic != policy) {
            critic.close();
        }
    }
}
