package org.assay.lib.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.assay.evals.tasks.Task;
import org.assay.lib.data.Tokenizer;
import org.assay.lib.runs.Metrics;
import org.assay.lib.sample.SamplingParams;
import org.assay.lib.train.AdamW;
import org.assay.lib.train.LossFn;
import org.assay.lib.train.Results;
import org.assay.lib.train.TokenBatch;
import org.assay.lib.train.TrainingClient;

/**
 * Distilling a teacher into a student of the same vocabulary, three ways:
 * <ul>
 *   <li>{@link Recipe#LOGITS}: on a fixed corpus, the student matches the teacher's next-token distribution at every
 *   position (Hinton et al. 2015) — the forward KL over the teacher's top k tokens ({@link #forwardKl});</li>
 *   <li>{@link Recipe#SEQUENCE}: the teacher samples completions and the student is fine-tuned on them (sequence-level
 *   knowledge distillation, Kim &amp; Rush 2016): off-policy, the student never sees its own mistakes;</li>
 *   <li>{@link Recipe#ON_POLICY}: the student samples, the teacher scores each sampled token, and the per-token reverse
 *   KL {@code log π_teacher − log π_student} is the advantage of an importance-sampling policy-gradient step (Agarwal
 *   et al. 2024, GKD; the on-policy distillation of Tinker's cookbook): dense, on-policy supervision.</li>
 * </ul>
 * Each step reports the student's training FLOPs and the teacher's, so the recipes compare at equal compute. The
 * losses are also usable alone with {@code forwardBackward}: {@link #withTeacher} puts a teacher's top-k on a batch.
 * <pre>{@code
 * var d = Distillation.of(student, teacher, chars, env, Distillation.Config.defaults()
 *         .withRecipe(Distillation.Recipe.ON_POLICY));
 * for (int i = 0; i < 100; i++) d.step();        // loss, reverse KL per token, FLOPs
 * }</pre>
 */
public final class Distillation {

    public enum Recipe { LOGITS, SEQUENCE, ON_POLICY }

    /** Extra of a batch: the teacher's top k token ids at each position, as floats, (B, T, k). */
    public static final String TEACHER_TOKENS = "teacher_tokens";
    /** Extra of a batch: their log-probabilities under the teacher, (B, T, k). */
    public static final String TEACHER_LOGPROBS = "teacher_logprobs";

    /**
     * @param recipe           LOGITS, SEQUENCE or ON_POLICY
     * @param promptsPerStep   problems per step (the environment's, cycling)
     * @param samplesPerPrompt completions sampled per problem (SEQUENCE: the teacher's; ON_POLICY: the student's);
     *                         LOGITS trains on each problem's corpus text once per step
     * @param sampling         how completions are sampled
     * @param topK             LOGITS: the teacher tokens matched per position, 0 for the whole vocabulary
     * @param optimizer        the student's AdamW
     * @param seed             sampling seeds
     */
    public record Config(Recipe recipe, int promptsPerStep, int samplesPerPrompt, SamplingParams sampling, int topK,
                         AdamW optimizer, long seed) {
        public Config {
            if (recipe == null || sampling == null || optimizer == null) {
                throw new IllegalArgumentException("Distillation.Config: recipe, sampling and optimizer must be set");
            }
            if (promptsPerStep < 1 || samplesPerPrompt < 1 || topK < 0) {
                throw new IllegalArgumentException("Distillation.Config: promptsPerStep and samplesPerPrompt must be"
                        + " >= 1 and topK >= 0, got " + promptsPerStep + ", " + samplesPerPrompt + " and " + topK);
            }
        }

        /** On-policy, 8 problems × 4 samples of up to 16 tokens, the whole vocabulary for LOGITS, AdamW at 1e-3. */
        public static Config defaults() {
            return new Config(Recipe.ON_POLICY, 8, 4, SamplingParams.defaults().withMaxTokens(16), 0,
                    AdamW.defaults().withLearningRate(1e-3), 0);
        }

        public Config withRecipe(Recipe r) {
            return new Config(r, promptsPerStep, samplesPerPrompt, sampling, topK, optimizer, seed);
        }

        public Config withGroups(int prompts, int samples) {
            return new Config(recipe, prompts, samples, sampling, topK, optimizer, seed);
        }

        public Config withSampling(SamplingParams p) {
            return new Config(recipe, promptsPerStep, samplesPerPrompt, p, topK, optimizer, seed);
        }

        public Config withTopK(int k) {
            return new Config(recipe, promptsPerStep, samplesPerPrompt, sampling, k, optimizer, seed);
        }

        public Config withOptimizer(AdamW a) {
            return new Config(recipe, promptsPerStep, samplesPerPrompt, sampling, topK, a, seed);
        }

        public Config withSeed(long s) {
            return new Config(recipe, promptsPerStep, samplesPerPrompt, sampling, topK, optimizer, s);
        }
    }

    /**
     * One step.
     *
     * @param step          steps taken
     * @param loss          the training loss (LOGITS: forward KL per token; SEQUENCE: cross-entropy; ON_POLICY: the
     *                      policy-gradient surrogate)
     * @param reverseKl     ON_POLICY: the mean of {@code log π_student − log π_teacher} over the student's sampled
     *                      tokens, an estimate of the reverse KL per token; NaN for the other recipes
     * @param accuracy      fraction of this step's samples the verifier marked correct (the teacher's for SEQUENCE,
     *                      the student's for ON_POLICY; NaN for LOGITS, which samples nothing)
     * @param trainedTokens tokens the student was trained on so far (weight > 0)
     * @param studentFlops  the student's FLOPs so far: its training passes and its sampling
     * @param teacherFlops  the teacher's FLOPs so far: its scoring passes and its sampling
     * @param seconds       wall time of this step
     */
    public record StepMetrics(long step, double loss, double reverseKl, double accuracy, long trainedTokens,
                              double studentFlops, double teacherFlops, double seconds) {
        /** Both models' FLOPs. */
        public double flops() {
            return studentFlops + teacherFlops;
        }

        public Map<String, Object> toMap() {
            return Metrics.toMap(this);
        }
    }

    private final TrainingClient student;
    private final TrainingClient teacher;
    private final Tokenizer tokenizer;
    private final Env env;
    private final Config config;
    private Function<Task, String> corpus;
    private long step;
    private int cursor;
    private long trainedTokens;
    private double studentFlops;
    private double teacherFlops;

    private Distillation(TrainingClient student, TrainingClient teacher, Tokenizer tokenizer, Env env,
                         Config config) {
        this.student = student;
        this.teacher = teacher;
        this.tokenizer = tokenizer;
        this.env = env;
        this.config = config;
    }

    /** Distils {@code teacher} (left unchanged) into {@code student}, which must share its vocabulary. */
    public static Distillation of(TrainingClient student, TrainingClient teacher, Tokenizer tokenizer, Env env,
                                  Config config) {
        if (student == null || teacher == null || tokenizer == null || env == null || config == null) {
            throw new IllegalArgumentException("Distillation.of: student, teacher, tokenizer, env and config must be"
                    + " set");
        }
        if (student == teacher) {
            throw new IllegalArgumentException("Distillation.of: the student and the teacher must be two clients");
        }
        int vs = student.config().vocabSize();
        int vt = teacher.config().vocabSize();
        if (vs != vt) {
            throw new IllegalArgumentException("Distillation.of: the student and the teacher must share a vocabulary,"
                    + " got vocabSize " + vs + " and " + vt);
        }
        if (config.topK() > vs) {
            throw new IllegalArgumentException("Distillation.of: topK must be at most vocabSize " + vs + ", got "
                    + config.topK());
        }
        return new Distillation(student, teacher, tokenizer, env, config);
    }

    /**
     * LOGITS's fixed corpus: each problem's prompt followed by {@code completion} of it (a reference solution, the
     * text supervised fine-tuning would use).
     */
    public Distillation withCorpus(Function<Task, String> completion) {
        if (completion == null) {
            throw new IllegalArgumentException("Distillation.withCorpus: completion must not be null");
        }
        this.corpus = completion;
        return this;
    }

    /** One step of the configured recipe. */
    public StepMetrics step() {
        long t0 = System.nanoTime();
        Step s = switch (config.recipe()) {
            case LOGITS -> logitStep();
            case SEQUENCE -> sequenceStep();
            case ON_POLICY -> onPolicyStep();
        };
        student.optimStep(config.optimizer());
        step++;
        return new StepMetrics(step, s.loss(), s.reverseKl(), s.accuracy(), trainedTokens, studentFlops, teacherFlops,
                (System.nanoTime() - t0) / 1e9);
    }

    /** {@code steps} steps. */
    public List<StepMetrics> run(int steps) {
        List<StepMetrics> out = new ArrayList<>();
        for (int i = 0; i < steps && !Thread.currentThread().isInterrupted(); i++) {
            out.add(step());
        }
        return out;
    }

    private record Step(double loss, double reverseKl, double accuracy) {
    }

    private Step logitStep() {
        if (corpus == null) {
            throw new IllegalStateException("Distillation.step: the LOGITS recipe needs a corpus; call withCorpus");
        }
        List<int[]> sequences = new ArrayList<>();
        int[] promptLengths = new int[config.promptsPerStep()];
        for (int g = 0; g < config.promptsPerStep(); g++) {
            Task task = env.problems().get(Math.floorMod(cursor + g, env.problems().size()));
            int[] prompt = tokenizer.encode(env.prompt().apply(task));
            promptLengths[g] = prompt.length;
            sequences.add(Preference.concat(prompt, tokenizer.encode(corpus.apply(task))));
        }
        cursor += config.promptsPerStep();
        TokenBatch b = Preference.rows(sequences, promptLengths);
        int k = config.topK() == 0 ? student.config().vocabSize() : config.topK();
        b = withTeacher(b, teacher, k);
        teacherFlops += forwardFlops(teacher, b.tokens());
        return new Step(train(b, forwardKl(config.topK() > 0)), Double.NaN, Double.NaN);
    }

    private Step sequenceStep() {
        Rollouts.Batch batch = collect(teacher);
        teacherFlops += forwardFlops(teacher, batch.promptTokens() + batch.completionTokens());
        return new Step(train(batch.allRows().batch(), LossFn.crossEntropy()), Double.NaN, batch.accuracy());
    }

    private Step onPolicyStep() {
        Rollouts.Batch batch = collect(student);
        studentFlops += forwardFlops(student, batch.promptTokens() + batch.completionTokens());
        TokenBatch b = batch.allRows().batch();
        float[] teacherLogp = teacher.computeLogprobs(b);
        teacherFlops += forwardFlops(teacher, b.tokens());
        float[] sampling = b.extra(PolicyLoss.SAMPLING_LOGPROBS);
        float[] advantages = new float[b.tokens()];
        double gap = 0;
        long counted = 0;
        for (int i = 0; i < advantages.length; i++) {
            if (b.weights()[i] > 0) {
                advantages[i] = teacherLogp[i] - sampling[i]; // −(log π_student − log π_teacher) on the sampled token
                gap -= advantages[i];
                counted++;
            }
        }
        b = b.withExtra(PolicyLoss.ADVANTAGES, advantages);
        return new Step(train(b, PolicyLoss.importanceSampling(PolicyLoss.Normalization.TOKEN)), gap / counted,
                batch.accuracy());
    }

    private Rollouts.Batch collect(TrainingClient sampler) {
        Rollouts.Batch batch = Rollouts.collect(sampler, tokenizer, env, cursor, config.promptsPerStep(),
                config.samplesPerPrompt(), config.sampling(), Rollouts.stepSeed(config.seed(), step));
        cursor += config.promptsPerStep();
        return batch;
    }

    private double train(TokenBatch b, LossFn loss) {
        Results.ForwardBackward fb = student.forwardBackward(b, loss);
        trainedTokens += fb.tokens();
        studentFlops += b.tokens() * (double) student.config().trainingFlopsPerToken();
        return fb.loss();
    }

    private static double forwardFlops(TrainingClient model, long tokens) {
        return tokens * model.config().forwardFlopsPerToken();
    }

    /** {@code batch} with the teacher's {@code k} most likely tokens and their log-probabilities at each position. */
    public static TokenBatch withTeacher(TokenBatch batch, TrainingClient teacher, int k) {
        Results.TopLogprobs top = teacher.computeTopLogprobs(batch, k);
        return batch.withExtra(TEACHER_TOKENS, top.tokensAsFloats()).withExtra(TEACHER_LOGPROBS, top.logprobs());
    }

    /**
     * The forward KL {@code Σ_v p_T(v)·(log p_T(v) − log p_S(v))} per position over the teacher's tokens in
     * {@link #TEACHER_TOKENS}, averaged over weighted positions. With the whole vocabulary it is the exact KL(teacher ‖
     * student); over a top k, {@code renormalise} rescales the teacher's k probabilities to sum to 1 (the usual top-k
     * distillation loss) rather than leave the mass outside them out.
     */
    public static LossFn forwardKl(boolean renormalise) {
        return in -> {
            NDArray teacherLogp = in.extra(TEACHER_LOGPROBS);                                  // (B, T, k)
            if (renormalise) {
                teacherLogp = teacherLogp.logSoftmax(2);
            }
            NDArray studentLogp = in.distribution().gather(teacherTokens(in), 2);              // (B, T, k)
            NDArray kl = teacherLogp.exp().mul(teacherLogp.sub(studentLogp)).sum(new int[] {2}); // (B, T)
            return weightedMean(kl, in.weights());
        };
    }

    /**
     * The reverse KL {@code Σ_v p_S(v)·(log p_S(v) − log p_T(v))} per position, averaged over weighted positions: mode
     * seeking, where the forward KL is mass covering. Needs the teacher's whole distribution ({@link #withTeacher}
     * with k = vocabSize).
     */
    public static LossFn reverseKl() {
        return in -> {
            NDArray teacherLogp = in.extra(TEACHER_LOGPROBS);                                  // (B, T, V)
            long k = teacherLogp.getShape().get(2);
            long v = in.distribution().getShape().get(2);
            if (k != v) {
                throw new IllegalArgumentException("Distillation.reverseKl: needs the teacher's whole distribution"
                        + " (k = vocabSize " + v + " values per position), got k=" + k);
            }
            NDArray studentLogp = in.distribution().gather(teacherTokens(in), 2);              // (B, T, V)
            NDArray kl = studentLogp.exp().mul(studentLogp.sub(teacherLogp)).sum(new int[] {2});
            return weightedMean(kl, in.weights());
        };
    }

    private static NDArray teacherTokens(LossFn.Inputs in) {
        NDArray ids = in.extra(TEACHER_TOKENS);
        if (ids.getShape().dimension() != 3 || !ids.getShape().equals(in.extra(TEACHER_LOGPROBS).getShape())) {
            throw new IllegalArgumentException("Distillation: the extras " + TEACHER_TOKENS + " and " + TEACHER_LOGPROBS
                    + " must both be (B, T, k), got " + ids.getShape() + " and " + in.extra(TEACHER_LOGPROBS).getShape());
        }
        return ids.toType(DataType.INT64, false);
    }

    private static NDArray weightedMean(NDArray perToken, NDArray weights) {
        return perToken.mul(weights).sum().div(weights.sum());
    }
}
