package org.assay.lib.rl;

import org.assay.display.Display;
import org.assay.display.Progress;
import org.assay.evals.Eval;
import org.assay.evals.Proportion;
import org.assay.lib.data.Tokenizer;
import org.assay.lib.runs.Metrics;
import org.assay.lib.runs.RunDir;
import org.assay.lib.runs.RunLock;
import org.assay.lib.train.AdamW;
import org.assay.lib.train.LossFn;
import org.assay.lib.train.ModelSampler;
import org.assay.lib.train.Results;
import org.assay.lib.sample.SamplingParams;
import org.assay.lib.train.TokenBatch;
import org.assay.lib.train.TrainingClient;
import org.assay.lib.viz.LiveChart;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * GRPO-family reinforcement learning with a verifiable reward, on a {@link TrainingClient}: each step samples G
 * completions for each of P prompts, scores them, computes group-relative advantages, and takes {@code innerSteps}
 * optimizer steps on the batch with the PPO (or importance-sampling) loss, optionally with a k3 KL penalty to the
 * frozen starting policy and an entropy bonus. Every step's diagnostics — reward mean and std, accuracy, fractions of
 * groups all correct, all wrong and mixed, zero-variance groups, clip fraction, KL to the sampling and the reference
 * policy, entropy, response length, tokens and FLOPs spent, seconds in sampling, scoring and training — are returned
 * and, with a run directory, appended to its
 * {@code metrics.jsonl}.
 */
public final class Grpo implements AutoCloseable {

    /**
     * @param promptsPerStep P, prompts per step
     * @param groupSize      G, samples per prompt
     * @param sampling       how completions are sampled (its seed is replaced per step and group)
     * @param advantages     GRPO, Dr. GRPO or RLOO, dropping zero-variance groups or not
     * @param epsLow         PPO's lower clip ε (0 for the plain importance-sampling loss)
     * @param epsHigh        PPO's upper clip ε (DAPO's clip-higher: larger than epsLow)
     * @param normalization  sequence (GRPO), token (DAPO) or constant (Dr. GRPO)
     * @param klBeta         weight of the k3 KL penalty to the starting policy (0: none)
     * @param entropyCoef    weight of the entropy bonus (0: none)
     * @param innerSteps     optimizer steps per rollout batch (μ)
     * @param optimizer      AdamW
     * @param seed           rollouts
     * @param processDelimiter with process supervision, the text that ends each step of a completion: the
     *                       environment's per-step rewards ({@link Env.Reward#stepRewards()}) become per-step
     *                       advantages ({@link Advantages#process}); null for outcome rewards
     * @param klInReward     weight of the KL to the starting policy subtracted from each sample's reward (Ouyang et
     *                       al. 2022; Stiennon et al. 2020), 0 for none
     * @param maskTruncatedCompletions leave completions the token limit cut off out of the loss (TRL's
     *                       {@code mask_truncated_completions}); they still count in their group's baseline
     * @param checkpointEvery with a run directory, write a checkpoint every this many steps (and at the end or on an
     *                       interrupt); 0 only then
     */
    public record Config(int promptsPerStep, int groupSize, SamplingParams sampling, Advantages.Config advantages,
                         double epsLow, double epsHigh, PolicyLoss.Normalization normalization, double klBeta,
                         double entropyCoef, int innerSteps, AdamW optimizer, long seed, String processDelimiter,
                         double klInReward, boolean maskTruncatedCompletions, int checkpointEvery) {
        public Config {
            if (promptsPerStep < 1 || groupSize < 2 || innerSteps < 1) {
                throw new IllegalArgumentException("Grpo.Config: promptsPerStep must be >= 1, groupSize >= 2 and "
                        + "innerSteps >= 1, got " + promptsPerStep + ", " + groupSize + " and " + innerSteps);
            }
            if (epsLow < 0 || epsLow >= 1 || epsHigh < 0) {
                throw new IllegalArgumentException("Grpo.Config: epsLow must be in [0, 1) and epsHigh >= 0, got epsLow="
                        + epsLow + ", epsHigh=" + epsHigh);
            }
            if (klBeta < 0 || entropyCoef < 0) {
                throw new IllegalArgumentException("Grpo.Config: klBeta and entropyCoef must be >= 0, got " + klBeta
                        + " and " + entropyCoef);
            }
            if (!(klInReward >= 0)) {
                throw new IllegalArgumentException("Grpo.Config: klInReward must be >= 0, got " + klInReward);
            }
            if (checkpointEvery < 0) {
                throw new IllegalArgumentException("Grpo.Config: checkpointEvery must be >= 0, got " + checkpointEvery);
            }
            if (processDelimiter != null && processDelimiter.isEmpty()) {
                throw new IllegalArgumentException("Grpo.Config: processDelimiter must not be empty (null for outcome"
                        + " rewards)");
            }
        }

        /** 8 prompts × 8 samples, GRPO advantages, PPO with ε 0.2/0.28, sequence normalisation, no KL, lr 1e-3. */
        public static Config defaults() {
            return new Config(8, 8, SamplingParams.defaults().withMaxTokens(16), Advantages.Config.grpo(), 0.2, 0.28,
                    PolicyLoss.Normalization.SEQUENCE, 0, 0, 1, AdamW.defaults().withLearningRate(1e-3), 0, null, 0, false,
                    0);
        }

        /** P prompts per step, G samples per prompt. */
        public Config withGroups(int prompts, int samples) {
            return new Config(prompts, samples, sampling, advantages, epsLow, epsHigh, normalization, klBeta,
                    entropyCoef, innerSteps, optimizer, seed, processDelimiter, klInReward,
                    maskTruncatedCompletions, checkpointEvery);
        }

        public Config withSampling(SamplingParams p) {
            return new Config(promptsPerStep, groupSize, p, advantages, epsLow, epsHigh, normalization, klBeta,
                    entropyCoef, innerSteps, optimizer, seed, processDelimiter, klInReward,
                    maskTruncatedCompletions, checkpointEvery);
        }

        public Config withAdvantages(Advantages.Config a) {
            return new Config(promptsPerStep, groupSize, sampling, a, epsLow, epsHigh, normalization, klBeta,
                    entropyCoef, innerSteps, optimizer, seed, processDelimiter, klInReward,
                    maskTruncatedCompletions, checkpointEvery);
        }

        /** The clip range and the normalisation of the policy loss. */
        public Config withLoss(double low, double high, PolicyLoss.Normalization n) {
            return new Config(promptsPerStep, groupSize, sampling, advantages, low, high, n, klBeta, entropyCoef,
                    innerSteps, optimizer, seed, processDelimiter, klInReward,
                    maskTruncatedCompletions, checkpointEvery);
        }

        /** The k3 KL penalty to the starting policy in the loss. */
        public Config withKl(double beta) {
            return new Config(promptsPerStep, groupSize, sampling, advantages, epsLow, epsHigh, normalization, beta,
                    entropyCoef, innerSteps, optimizer, seed, processDelimiter, klInReward,
                    maskTruncatedCompletions, checkpointEvery);
        }

        public Config withEntropyBonus(double coef) {
            return new Config(promptsPerStep, groupSize, sampling, advantages, epsLow, epsHigh, normalization,
                    klBeta, coef, innerSteps, optimizer, seed, processDelimiter, klInReward,
                    maskTruncatedCompletions, checkpointEvery);
        }

        public Config withInnerSteps(int mu) {
            return new Config(promptsPerStep, groupSize, sampling, advantages, epsLow, epsHigh, normalization,
                    klBeta, entropyCoef, mu, optimizer, seed, processDelimiter, klInReward,
                    maskTruncatedCompletions, checkpointEvery);
        }

        public Config withOptimizer(AdamW a) {
            return new Config(promptsPerStep, groupSize, sampling, advantages, epsLow, epsHigh, normalization,
                    klBeta, entropyCoef, innerSteps, a, seed, processDelimiter, klInReward,
                    maskTruncatedCompletions, checkpointEvery);
        }

        public Config withSeed(long s) {
            return new Config(promptsPerStep, groupSize, sampling, advantages, epsLow, epsHigh, normalization,
                    klBeta, entropyCoef, innerSteps, optimizer, s, processDelimiter, klInReward,
                    maskTruncatedCompletions, checkpointEvery);
        }

        /** Process supervision: each step of a completion ends at {@code delimiter} (see the parameter). */
        public Config withProcessRewards(String delimiter) {
            return new Config(promptsPerStep, groupSize, sampling, advantages, epsLow, epsHigh, normalization,
                    klBeta, entropyCoef, innerSteps, optimizer, seed, delimiter, klInReward, maskTruncatedCompletions,
                    checkpointEvery);
        }

        /** The KL to the starting policy in the reward instead of the loss (see the parameter). */
        public Config withKlInReward(double beta) {
            return new Config(promptsPerStep, groupSize, sampling, advantages, epsLow, epsHigh, normalization,
                    klBeta, entropyCoef, innerSteps, optimizer, seed, processDelimiter, beta,
                    maskTruncatedCompletions, checkpointEvery);
        }

        /** TRL's {@code mask_truncated_completions} (see the parameter). */
        public Config withMaskTruncatedCompletions(boolean mask) {
            return new Config(promptsPerStep, groupSize, sampling, advantages, epsLow, epsHigh, normalization,
                    klBeta, entropyCoef, innerSteps, optimizer, seed, processDelimiter, klInReward, mask,
                    checkpointEvery);
        }

        /** A checkpoint every {@code steps} RL steps of a run with a directory (0: only at its end). */
        public Config withCheckpointEvery(int steps) {
            return new Config(promptsPerStep, groupSize, sampling, advantages, epsLow, epsHigh, normalization,
                    klBeta, entropyCoef, innerSteps, optimizer, seed, processDelimiter, klInReward,
                    maskTruncatedCompletions, steps);
        }

        LossFn loss() {
            LossFn base = epsLow == 0 && epsHigh == 0 ? PolicyLoss.importanceSampling(normalization)
                    : PolicyLoss.ppo(epsLow, epsHigh, normalization);
            if (klBeta > 0) {
                base = PolicyLoss.withKlPenalty(base, klBeta, normalization);
            }
            return entropyCoef > 0 ? PolicyLoss.withEntropyBonus(base, entropyCoef, normalization) : base;
        }
    }

    /**
     * One step's diagnostics; the keys written to metrics.jsonl are the names in snake case ({@link Metrics}), TRL's
     * and Tinker's where they have one.
     *
     * @param step              RL steps taken
     * @param reward            mean reward of the step's samples (the environment's, before any KL shaping)
     * @param rewardStd         their standard deviation
     * @param accuracy          fraction of samples the verifier marked correct
     * @param groupsAllCorrect  fraction of groups whose samples were all correct
     * @param groupsAllWrong    fraction of groups whose samples were all wrong
     * @param groupsMixed       fraction of groups with both
     * @param fracRewardZeroStd fraction of groups whose rewards were all equal (no advantage to learn from)
     * @param clipRatio         fraction of trained tokens whose ratio PPO clipped (last inner step), either side
     * @param clipRatioLow      of them, ratio below 1−ε_low with a negative advantage (TRL's clip_ratio/low_mean)
     * @param clipRatioHigh     ratio above 1+ε_high with a positive advantage (TRL's clip_ratio/high_mean)
     * @param klSampling        k3 KL of the trained policy to the sampling one, per token
     * @param kl                k3 KL of the trained policy to the reference (starting) one, per token
     * @param entropy           mean negative log-probability of the sampled tokens
     * @param completionLength  mean completion length in tokens
     * @param completionLengthMin shortest completion, tokens
     * @param completionLengthMax longest completion, tokens
     * @param truncatedFraction share of completions the token limit cut off (TRL's completions/clipped_ratio)
     * @param gradNorm          gradient norm before clipping of the last optimizer step (NaN when none was taken)
     * @param lr                learning rate of the optimizer steps
     * @param tokens            tokens sampled so far (prompts and completions)
     * @param flops             FLOPs spent so far (sampling, reference and training passes)
     * @param trained           whether this step updated the policy (false when every sample was dropped or masked)
     * @param samplingSeconds   seconds spent sampling
     * @param scoringSeconds    seconds spent in the verifier
     * @param trainingSeconds   seconds spent in the reference pass and the optimizer steps
     * @param evalAccuracy      accuracy of the periodic evaluation ({@link #withEval}) at this step, null when none ran
     * @param evalAccuracyLow   its interval's lower end, null when none ran
     * @param evalAccuracyHigh  its upper end
     */
    public record StepMetrics(long step, double reward, double rewardStd, double accuracy, double groupsAllCorrect,
                              double groupsAllWrong, double groupsMixed, double fracRewardZeroStd, double clipRatio,
                              double clipRatioLow, double clipRatioHigh, double klSampling, double kl, double entropy,
                              double completionLength, double completionLengthMin, double completionLengthMax,
                              double truncatedFraction, double gradNorm, double lr, long tokens, double flops,
                              boolean trained, double samplingSeconds, double scoringSeconds, double trainingSeconds,
                              Double evalAccuracy, Double evalAccuracyLow, Double evalAccuracyHigh) {
        /** The line written to metrics.jsonl. */
        public Map<String, Object> toMap() {
            return Metrics.toMap(this);
        }

        /** These metrics with an evaluation's accuracy and interval. */
        public StepMetrics withEvaluation(Proportion.Interval accuracy) {
            return new StepMetrics(step, reward, rewardStd, this.accuracy, groupsAllCorrect, groupsAllWrong,
                    groupsMixed, fracRewardZeroStd, clipRatio, clipRatioLow, clipRatioHigh, klSampling, kl, entropy,
                    completionLength, completionLengthMin, completionLengthMax, truncatedFraction, gradNorm, lr, tokens,
                    flops, trained, samplingSeconds, scoringSeconds, trainingSeconds, accuracy.estimate(),
                    accuracy.lower(), accuracy.upper());
        }
    }

    /**
     * A line of a run's {@code rollouts.jsonl}: one sample of one step, what researchers read when a run stalls.
     *
     * @param advantage the sample's advantage (for process rewards, its outcome advantage; its tokens' differ)
     * @param trained   whether it was in the loss (not dropped as a zero-variance group, not masked as truncated)
     */
    public record RolloutLine(long step, int group, String item, String prompt, String completion, double reward,
                              boolean correct, double advantage, int tokens, boolean truncated, boolean trained) {
    }

    /** The run's log of every sample. */
    public static final String ROLLOUTS = "rollouts.jsonl";
    private static final String REFERENCE = "reference";

    private final TrainingClient policy;
    private final TrainingClient reference;
    private final Tokenizer tokenizer;
    private final Env env;
    private final Config config;
    private final LossFn loss;
    private long step;
    private int cursor;
    private long tokens;
    private double flops;
    private Rollouts.Batch last;
    private double[] lastAdvantages;
    private boolean[] lastTrained;
    private final int[] stepDelimiter;
    private Eval eval;
    private int evalEvery;

    private Grpo(TrainingClient policy, Tokenizer tokenizer, Env env, Config config) {
        this.policy = policy;
        this.tokenizer = tokenizer;
        this.env = env;
        this.config = config;
        this.loss = config.loss();
        this.stepDelimiter = config.processDelimiter() == null ? null : tokenizer.encode(config.processDelimiter());
        if (stepDelimiter != null && stepDelimiter.length == 0) {
            throw new IllegalArgumentException("Grpo.of: processDelimiter '" + config.processDelimiter()
                    + "' must encode to at least 1 token");
        }
        this.reference = policy.copy(); // the frozen starting policy
    }

    /** RL on {@code policy} from its current weights, which become the reference. */
    public static Grpo of(TrainingClient policy, Tokenizer tokenizer, Env env, Config config) {
        return new Grpo(policy, tokenizer, env, config);
    }

    /**
     * Evaluates the policy with {@code eval} (sampling with the config's parameters) every {@code every} steps of
     * {@link #run} and at its end; the accuracy and its interval join that step's metrics.
     */
    public Grpo withEval(Eval eval, int every) {
        if (eval == null || every < 1) {
            throw new IllegalArgumentException("Grpo.withEval: eval must be set and every >= 1, got "
                    + (eval == null ? "null" : eval.name()) + " and " + every);
        }
        this.eval = eval;
        this.evalEvery = every;
        return this;
    }

    /** The last step's rollouts (prompt, completion, reward) for inspection. */
    public Rollouts.Batch lastRollouts() {
        return last;
    }

    /** RL steps taken. */
    public long steps() {
        return step;
    }

    /** One RL step: collect rollouts, compute advantages, train on them, report. */
    public StepMetrics step() {
        Rollouts.Batch batch = collect();
        Advantages.Result adv = Advantages.compute(config.klInReward() > 0 ? klShaped(batch, batch.rewards())
                : batch.rewards(), config.groupSize(), config.advantages());
        boolean[] trained = adv.kept().clone();
        if (config.maskTruncatedCompletions()) {
            boolean[] cut = batch.truncated();
            for (int i = 0; i < trained.length; i++) {
                trained[i] &= !cut[i];
            }
        }
        lastAdvantages = adv.advantages();
        lastTrained = trained;
        Rollouts.Rows kept = stepDelimiter == null ? batch.arrays(adv.advantages(), trained)
                : batch.arrays(processAdvantages(batch), trained);
        Training t = kept == null ? Training.NONE : train(kept.batch());
        step++;
        return metrics(batch, adv, t);
    }

    /** G completions of each of the step's P prompts, scored; their sampling FLOPs counted. */
    private Rollouts.Batch collect() {
        Rollouts.Batch batch = Rollouts.collect(policy, tokenizer, env, cursor, config.promptsPerStep(),
                config.groupSize(), config.sampling(), Rollouts.stepSeed(config.seed(), step));
        last = batch;
        cursor += config.promptsPerStep();
        long sampled = batch.promptTokens() + batch.completionTokens();
        tokens += sampled;
        flops += sampled * forwardFlopsPerToken();
        return batch;
    }

    private double forwardFlopsPerToken() {
        return policy.config().forwardFlopsPerToken();
    }

    /** What the optimizer steps on one rollout batch measured (NaN throughout when nothing was trained). */
    private record Training(boolean trained, PolicyLoss.Clipping clipping, double klSampling, double kl,
                            double entropy, double gradNorm, double seconds) {
        static final Training NONE = new Training(false, new PolicyLoss.Clipping(Double.NaN, Double.NaN), Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, 0);
    }

    /** The reference pass and {@code innerSteps} optimizer steps on the kept rows. */
    private Training train(TokenBatch a) {
        long start = System.nanoTime();
        float[] ref = referenceLogprobs(a);
        flops += a.rows() * (double) a.width() * forwardFlopsPerToken();
        a = a.withExtra(PolicyLoss.REFERENCE_LOGPROBS, ref);
        Results.ForwardBackward fb = null;
        double gradNorm = Double.NaN;
        for (int k = 0; k < config.innerSteps(); k++) {
            fb = policy.forwardBackward(a, loss);
            gradNorm = policy.optimStep(config.optimizer()).gradNorm();
            flops += a.rows() * (double) a.width() * policy.config().trainingFlopsPerToken();
        }
        float[] logp = fb.logprobs();
        float[] sampling = a.extra(PolicyLoss.SAMPLING_LOGPROBS);
        PolicyLoss.Clipping clipping = PolicyLoss.clipping(logp, sampling, a.extra(PolicyLoss.ADVANTAGES),
                a.weights(), config.epsLow(), config.epsHigh());
        double sum = 0;
        double count = 0;
        for (int i = 0; i < logp.length; i++) {
            if (a.weights()[i] > 0) {
                sum -= logp[i];
                count++;
            }
        }
        return new Training(true, clipping, Kl.k3(logp, sampling, a.weights()), Kl.k3(logp, ref, a.weights()),
                sum / count, gradNorm, (System.nanoTime() - start) / 1e9);
    }

    private StepMetrics metrics(Rollouts.Batch batch, Advantages.Result adv, Training t) {
        boolean[] correct = batch.correct();
        int shortest = Integer.MAX_VALUE;
        int longest = 0;
        int cut = 0;
        for (Rollouts.Rollout s : batch.samples()) {
            shortest = Math.min(shortest, s.completion().length);
            longest = Math.max(longest, s.completion().length);
            cut += s.truncated() ? 1 : 0;
        }
        int n = batch.samples().size();
        Advantages.GroupOutcomes outcomes = Advantages.GroupOutcomes.of(correct, config.groupSize());
        return new StepMetrics(step, batch.meanReward(), batch.rewardStd(), batch.accuracy(), outcomes.allCorrect(),
                outcomes.allWrong(), outcomes.mixed(), adv.zeroVarianceFraction(), t.clipping().total(),
                t.clipping().low(), t.clipping().high(), t.klSampling(), t.kl(), t.entropy(),
                (double) batch.completionTokens() / n, shortest, longest, (double) cut / n, t.gradNorm(),
                config.optimizer().learningRate(), tokens, flops, t.trained(), batch.samplingSeconds(),
                batch.scoringSeconds(), t.seconds(), null, null, null);
    }

    private double[] klShaped(Rollouts.Batch batch, double[] rewards) {
        Rollouts.Rows rows = batch.allRows();
        TokenBatch a = rows.batch();
        float[] ref = referenceLogprobs(a);
        double[] out = rewards.clone();
        for (int r = 0; r < a.rows(); r++) {
            double kl = 0;
            for (int t = 0; t < a.width(); t++) {
                int i = r * a.width() + t;
                if (a.weights()[i] > 0) {
                    kl += a.extra(PolicyLoss.SAMPLING_LOGPROBS)[i] - ref[i];
                }
            }
            out[rows.sampleIndex().get(r)] -= config.klInReward() * kl;
        }
        return out;
    }

    private float[][] processAdvantages(Rollouts.Batch batch) {
        List<Rollouts.Rollout> samples = batch.samples();
        double[][] stepRewards = new double[samples.size()][];
        int[][] ends = new int[samples.size()][];
        for (int i = 0; i < samples.size(); i++) {
            Rollouts.Rollout s = samples.get(i);
            stepRewards[i] = s.reward().stepRewards();
            ends[i] = stepEnds(s.completion(), stepDelimiter);
            if (ends[i].length != stepRewards[i].length) {
                throw new IllegalArgumentException("Grpo: sample " + i + " ('" + s.text().replace("\n", "\\n")
                        + "') has " + ends[i].length + " steps but its reward has " + stepRewards[i].length
                        + " step rewards");
            }
        }
        double[][] perStep = Advantages.process(stepRewards, config.groupSize());
        float[][] perToken = new float[samples.size()][];
        for (int i = 0; i < samples.size(); i++) {
            perToken[i] = Advantages.perToken(perStep[i], ends[i], samples.get(i).completion().length);
        }
        return perToken;
    }

    /** Token positions (exclusive) where each step ends: after each delimiter, and at the end if text follows. */
    static int[] stepEnds(int[] tokens, int[] delimiter) {
        List<Integer> ends = new ArrayList<>();
        int last = 0;
        for (int t = 0; t + delimiter.length <= tokens.length; t++) {
            if (java.util.Arrays.equals(tokens, t, t + delimiter.length, delimiter, 0, delimiter.length)) {
                ends.add(t + delimiter.length);
                last = t + delimiter.length;
                t += delimiter.length - 1;
            }
        }
        if (last < tokens.length) {
            ends.add(tokens.length);
        }
        return ends.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Log-probabilities of each row's tokens under the frozen reference, aligned with the training arrays. */
    private float[] referenceLogprobs(TokenBatch a) {
        float[] ref = reference.computeLogprobs(a); // one batched forward pass
        for (int i = 0; i < ref.length; i++) {
            if (a.weights()[i] <= 0) {
                ref[i] = 0f; // prompt and padding: never read, kept finite
            }
        }
        return ref;
    }

    /**
     * Runs until {@code steps} RL steps have been taken, with a progress bar and, in a notebook, a live chart of
     * reward and accuracy. With a runs folder, a new run directory {@code runsRoot/name} gets every step's metrics
     * ({@code metrics.jsonl}), every sample ({@link #ROLLOUTS}), the starting policy ({@code reference/}) and
     * checkpoints ({@link Config#checkpointEvery}, the end, an interrupt), from which {@link #resume} continues it.
     */
    public List<StepMetrics> run(int steps, Path runsRoot, String name) {
        if (runsRoot == null) {
            return loop(steps, null);
        }
        try (RunDir run = RunDir.create(runsRoot, name, storedConfig(), config.seed())) {
            reference.saveWeights(run.dir().resolve(REFERENCE));
            return loop(steps, run);
        }
    }

    /**
     * Continues the run in {@code runDir} from its newest readable checkpoint until {@code steps} RL steps have been
     * taken: the policy (weights and optimizer state), the reference and the position in the problems are restored,
     * so on CPU the continued run's metrics equal those of a run never stopped. This object must be built as the run
     * was (same policy configuration, tokenizer, environment and config); its policy's weights are replaced.
     */
    public List<StepMetrics> resume(Path runDir, int steps) {
        if (step != 0) {
            throw new IllegalStateException("Grpo.resume: this Grpo has taken " + step + " steps already; resume with a"
                    + " new one");
        }
        try (RunLock lock = RunLock.acquire("Grpo.resume", runDir)) {
            Map<String, String> state = policy.loadNewestState(runDir);
            String missing = java.util.stream.Stream.of("grpo_step", "cursor", "tokens", "flops")
                    .filter(k -> !state.containsKey(k)).findFirst().orElse(null);
            if (missing != null) {
                throw new IllegalArgumentException("Grpo.resume: the newest checkpoint of " + runDir + " has no '"
                        + missing + "': it is not a GRPO run's");
            }
            return resumed(runDir, state, steps);
        }
    }

    private List<StepMetrics> resumed(Path runDir, Map<String, String> state, int steps) {
        try (RunDir run = RunDir.resume(runDir, Long.parseLong(state.get("grpo_step")))) {
            reference.loadState(run.dir().resolve(REFERENCE));
            step = Long.parseLong(state.get("grpo_step"));
            cursor = Integer.parseInt(state.get("cursor"));
            tokens = Long.parseLong(state.get("tokens"));
            flops = Double.parseDouble(state.get("flops"));
            return loop(steps, run);
        }
    }

    private Map<String, Object> storedConfig() {
        Map<String, Object> stored = new LinkedHashMap<>();
        stored.put("grpo", config);
        stored.put("env", env.name());
        stored.put("model", policy.config());
        return stored;
    }

    private List<StepMetrics> loop(int steps, RunDir run) {
        List<StepMetrics> out = new ArrayList<>();
        boolean interrupted = false;
        try (Progress bar = Progress.start("grpo", steps);
             LiveChart chart = Display.isInteractive() ? LiveChart.of("GRPO: " + env.name(), "step", "reward") : null) {
            bar.set(step);
            while (step < steps) {
                if (Thread.interrupted()) { // cleared, so the checkpoint's IO is not interrupted itself
                    interrupted = true;
                    break;
                }
                StepMetrics m = step();
                if (eval != null && (step % evalEvery == 0 || step == steps)) {
                    m = m.withEvaluation(eval.run(ModelSampler.of(policy, tokenizer, config.sampling())).accuracy());
                }
                out.add(m);
                if (run != null) {
                    run.log(m.toMap());
                    logRollouts(run);
                    if (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0 && step < steps) {
                        checkpoint(run);
                    }
                }
                if (chart != null) {
                    chart.add("reward", m.step(), m.reward());
                    chart.add("accuracy", m.step(), m.accuracy());
                }
                bar.step();
                bar.postfix(String.format(Locale.ROOT, "reward=%.3f acc=%.2f", m.reward(), m.accuracy()));
            }
            if (run != null) {
                checkpoint(run);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt(); // the caller (a notebook cell) still sees the interrupt
        }
        return out;
    }

    private void logRollouts(RunDir run) {
        List<Rollouts.Rollout> samples = last.samples();
        for (int i = 0; i < samples.size(); i++) {
            Rollouts.Rollout s = samples.get(i);
            run.log(ROLLOUTS, Metrics.toMap(new RolloutLine(step, s.group(), s.task().id(), s.task().prompt(),
                    s.text(), s.reward().reward(), s.reward().correct(), lastAdvantages[i], s.completion().length,
                    s.truncated(), lastTrained[i])));
        }
    }

    /** The policy's state and the loop's position, as checkpoints/step-N (N the RL step). */
    private void checkpoint(RunDir run) {
        Map<String, String> state = new LinkedHashMap<>();
        state.put("grpo_step", String.valueOf(step));
        state.put("cursor", String.valueOf(cursor));
        state.put("tokens", String.valueOf(tokens));
        state.put("flops", Double.toString(flops));
        policy.saveState(run.checkpoints().resolve(String.format(Locale.ROOT, "step-%08d", step)), state);
    }

    @Override
    public void close() {
        reference.close();
    }
}
