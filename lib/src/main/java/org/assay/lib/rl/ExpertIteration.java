package org.assay.lib.rl;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.assay.evals.tasks.Task;
import org.assay.lib.data.Tokenizer;
import org.assay.lib.runs.Metrics;
import org.assay.lib.sample.SamplingParams;
import org.assay.lib.train.AdamW;
import org.assay.lib.train.LossFn;
import org.assay.lib.train.TokenBatch;
import org.assay.lib.train.TrainingClient;

/**
 * Learning from the model's own successes — rejection-sampling fine-tuning and expert iteration (Yuan et al. 2023;
 * Anthony et al. 2017), with STaR's rationalisation as an option (Zelikman et al. 2022): each iteration samples K
 * completions of each of P problems, keeps the distinct ones the verifier marks correct, and fine-tunes on them
 * (cross-entropy on the completion tokens). With a {@code hint}, a problem none of whose samples was right is sampled
 * again with the hint in its prompt (STaR gives the answer), and what comes out right is trained on under the original
 * prompt, without the hint. The loop, visible:
 * <pre>{@code
 * var star = ExpertIteration.of(client, chars, env, ExpertIteration.Config.defaults().withHint(t -> ...));
 * for (int i = 0; i < 5; i++) display(star.iteration());       // accuracy of the samples, kept, rationalised, loss
 * }</pre>
 */
public final class ExpertIteration {

    /**
     * @param problemsPerIteration P, problems sampled per iteration (the environment's, cycling)
     * @param samples              K, completions per problem
     * @param sampling             how the policy samples
     * @param sftSteps             optimizer steps of fine-tuning per iteration
     * @param rows                 examples per fine-tuning step
     * @param optimizer            the fine-tuning optimizer's settings
     * @param hint                 STaR's rationalisation prompt for a problem (e.g. its question with the answer), or
     *                             null for plain rejection sampling
     * @param seed                 the sampling seed and the order of the kept examples
     */
    public record Config(int problemsPerIteration, int samples, SamplingParams sampling, int sftSteps, int rows,
                         AdamW optimizer, Function<Task, String> hint, long seed) {
        public Config {
            if (problemsPerIteration < 1 || samples < 2 || sftSteps < 1 || rows < 1) {
                throw new IllegalArgumentException("ExpertIteration.Config: samples must be >= 2 and"
                        + " problemsPerIteration, sftSteps and rows >= 1, got samples=" + samples + ", problems="
                        + problemsPerIteration + ", sftSteps=" + sftSteps + ", rows=" + rows);
            }
            if (sampling == null || optimizer == null) {
                throw new IllegalArgumentException("ExpertIteration.Config: sampling and optimizer must be set");
            }
        }

        /** 16 problems × 8 samples, 20 fine-tuning steps of 16 examples, AdamW at 1e-3, no hint. */
        public static Config defaults() {
            return new Config(16, 8, SamplingParams.defaults().withMaxTokens(16), 20, 16,
                    AdamW.defaults().withLearningRate(1e-3), null, 0);
        }

        public Config withProblems(int problems, int k) {
            return new Config(problems, k, sampling, sftSteps, rows, optimizer, hint, seed);
        }

        public Config withSampling(SamplingParams p) {
            return new Config(problemsPerIteration, samples, p, sftSteps, rows, optimizer, hint, seed);
        }

        public Config withFineTuning(int steps, int batchRows) {
            return new Config(problemsPerIteration, samples, sampling, steps, batchRows, optimizer, hint, seed);
        }

        public Config withOptimizer(AdamW o) {
            return new Config(problemsPerIteration, samples, sampling, sftSteps, rows, o, hint, seed);
        }

        /** STaR's rationalisation: unsolved problems are sampled again with this prompt. */
        public Config withHint(Function<Task, String> h) {
            return new Config(problemsPerIteration, samples, sampling, sftSteps, rows, optimizer, h, seed);
        }

        public Config withSeed(long s) {
            return new Config(problemsPerIteration, samples, sampling, sftSteps, rows, optimizer, hint, s);
        }
    }

    /**
     * One iteration, as a line of metrics.
     *
     * @param iteration    iterations taken, this one included
     * @param accuracy     share of the sampled completions that were correct (before fine-tuning)
     * @param solved       share of the problems with at least one correct sample
     * @param kept         distinct correct completions trained on, rationalised ones included
     * @param rationalized of those, the ones found with the hint
     * @param loss         the fine-tuning loss of its last step (NaN when nothing was kept)
     */
    public record IterationMetrics(long iteration, double accuracy, double solved, int kept, int rationalized,
                                   double loss) {
        /** The line written to metrics.jsonl. */
        public Map<String, Object> toMap() {
            return Metrics.toMap(this);
        }
    }

    private final TrainingClient policy;
    private final Tokenizer tokenizer;
    private final Env env;
    private final Config config;
    private long iteration;
    private int cursor;

    private ExpertIteration(TrainingClient policy, Tokenizer tokenizer, Env env, Config config) {
        this.policy = policy;
        this.tokenizer = tokenizer;
        this.env = env;
        this.config = config;
    }

    public static ExpertIteration of(TrainingClient policy, Tokenizer tokenizer, Env env, Config config) {
        return new ExpertIteration(policy, tokenizer, env, config);
    }

    /** Sample, keep what is right (rationalising the rest when a hint is given), fine-tune, report. */
    public IterationMetrics iteration() {
        long seed = Rollouts.stepSeed(config.seed(), iteration);
        Rollouts.Batch batch = Rollouts.collect(policy, tokenizer, env, cursor, config.problemsPerIteration(),
                config.samples(), config.sampling(), seed);
        cursor += config.problemsPerIteration();
        iteration++;
        Set<String> seen = new LinkedHashSet<>();
        List<int[]> sequences = new ArrayList<>();
        List<Integer> completionFrom = new ArrayList<>();
        List<Task> unsolved = new ArrayList<>();
        int right = 0;
        int k = config.samples();
        for (int start = 0; start < batch.samples().size(); start += k) {
            boolean any = false;
            for (Rollouts.Rollout r : batch.samples().subList(start, start + k)) {
                if (r.reward().correct()) {
                    right++;
                    any = true;
                    keep(r.prompt(), r, seen, sequences, completionFrom);
                }
            }
            if (!any) {
                unsolved.add(batch.samples().get(start).task());
            }
        }
        int problems = batch.samples().size() / k;
        int direct = sequences.size();
        if (config.hint() != null && !unsolved.isEmpty()) {
            Env hinted = Env.of(env.name() + "-hinted", unsolved, config.hint(), env.verifier());
            Rollouts.Batch again = Rollouts.collect(policy, tokenizer, hinted, 0, unsolved.size(), k,
                    config.sampling(), seed ^ 0x5DEECE66DL);
            for (Rollouts.Rollout r : again.samples()) {
                if (r.reward().correct()) { // trained on under the problem's own prompt, without the hint
                    keep(tokenizer.encode(env.prompt().apply(r.task())), r, seen, sequences, completionFrom);
                }
            }
        }
        double loss = sequences.isEmpty() ? Double.NaN : fineTune(sequences, completionFrom);
        return new IterationMetrics(iteration, (double) right / batch.samples().size(),
                (double) (problems - unsolved.size()) / problems, sequences.size(), sequences.size() - direct, loss);
    }

    private static void keep(int[] prompt, Rollouts.Rollout r, Set<String> seen, List<int[]> sequences,
                             List<Integer> completionFrom) {
        if (seen.add(r.task().id() + "\u0000" + r.text())) {
            sequences.add(Preference.concat(prompt, r.completion()));
            completionFrom.add(prompt.length);
        }
    }

    /** {@code sftSteps} steps over the kept examples in a seeded order, {@code rows} a step; the last step's loss. */
    private double fineTune(List<int[]> sequences, List<Integer> completionFrom) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < sequences.size(); i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, new java.util.Random(config.seed() * 31 + iteration));
        double loss = Double.NaN;
        int at = 0;
        for (int step = 0; step < config.sftSteps(); step++) {
            List<int[]> rows = new ArrayList<>();
            int[] from = new int[Math.min(config.rows(), order.size())];
            for (int r = 0; r < from.length; r++) {
                int i = order.get(at++ % order.size());
                rows.add(sequences.get(i));
                from[r] = completionFrom.get(i);
            }
            TokenBatch b = Preference.rows(rows, from);
            loss = policy.forwardBackward(b, LossFn.crossEntropy()).loss();
            policy.optimStep(config.optimizer());
        }
        return loss;
    }
}
