package org.assay.lib.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.assay.evals.Eval;
import org.assay.evals.tasks.ReasoningTask;
import org.assay.evals.tasks.Task;
import org.assay.evals.tasks.ThinkingFormat;
import org.assay.lib.data.Tokenizer;
import org.assay.lib.train.AdamW;
import org.assay.lib.train.LossFn;
import org.assay.lib.train.TokenBatch;
import org.assay.lib.train.TrainingClient;

/**
 * A learned verifier of step-by-step solutions, supervised either on the outcome or on each step (Lightman et al.
 * 2023, "Let's Verify Step by Step"):
 * <ul>
 *   <li>an <b>outcome reward model</b> (ORM; Cobbe et al. 2021's verifier) learns from the final answer alone whether
 *   a solution is right, read at its last token;</li>
 *   <li>a <b>process reward model</b> (PRM) learns whether each step is right, read at the last token of the step:
 *   every step before the first wrong one is labelled right, the first wrong one wrong, and nothing after it is
 *   labelled (as Lightman et al. label); the answer after the thinking is the last step.</li>
 * </ul>
 * Like {@link RewardModel}, the verifier is the language model itself: at a labelled position it reads
 * {@code r = log p(good) − log p(bad)} from the next-token distribution and is trained with the logistic loss on
 * {@code σ(r)}, so it needs no extra head. A solution's PRM score is the product of its steps' probabilities of being
 * right, or their minimum ({@link Aggregate}); its ORM score is the one probability.
 * A solution is split into steps as a {@link ThinkingFormat} writes it: each non-blank line of the thinking (with its
 * line break and any blank lines after it) is a step, and everything from the closing delimiter on is the last.
 *
 * <p>Two things notebook 11 found it needs at small scale: judge tokens that occur in no text (otherwise the starting
 * weights already hold an opinion between them, about the next character), and {@link #withLanguageModelling}, the
 * auxiliary language-modelling loss of Cobbe et al. 2021 — a verifier must learn the task it checks, and one
 * judgement per step is too little signal to learn it from.
 */
public final class VerifierModel {

    public enum Supervision { PROCESS, OUTCOME }

    /** How a PRM's per-step probabilities become one score (both from Lightman et al. 2023, §2.6). */
    public enum Aggregate { PRODUCT, MIN }

    /**
     * A solution split into steps, with its labels.
     *
     * @param prompt   the text before the solution
     * @param steps    the solution's steps; their concatenation is the solution
     * @param labels   whether each labelled step is right: PROCESS labels the steps up to the first wrong one (so may
     *                 be shorter than steps), OUTCOME has one label, for the whole solution
     */
    public record Example(String prompt, List<String> steps, boolean[] labels) {
        public Example {
            steps = List.copyOf(steps);
            labels = labels.clone();
            if (labels.length > steps.size()) {
                throw new IllegalArgumentException("VerifierModel.Example: at most one label per step (" + steps.size()
                        + "), got " + labels.length);
            }
        }
    }

    private static final String LABEL = "verifier_label";
    private static final String LM_WEIGHTS = "verifier_lm_weights";

    private final TrainingClient client;
    private final Tokenizer tokenizer;
    private final ThinkingFormat format;
    private final Supervision supervision;
    private final int good;
    private final int bad;
    private final double languageModelling;

    private VerifierModel(TrainingClient client, Tokenizer tokenizer, ThinkingFormat format, Supervision supervision,
                          int good, int bad, double languageModelling) {
        this.client = client;
        this.tokenizer = tokenizer;
        this.format = format;
        this.supervision = supervision;
        this.good = good;
        this.bad = bad;
        this.languageModelling = languageModelling;
    }

    /**
     * This verifier trained also to model the text of the right solutions in its batches, with weight {@code coef}
     * (Cobbe et al. 2021 train their verifiers with this auxiliary language-modelling objective): it learns the task
     * itself, which checking a step needs, from the same samples.
     */
    public VerifierModel withLanguageModelling(double coef) {
        if (!(coef >= 0) || !Double.isFinite(coef)) {
            throw new IllegalArgumentException("VerifierModel.withLanguageModelling: coef must be finite and >= 0, got "
                    + coef);
        }
        return new VerifierModel(client, tokenizer, format, supervision, good, bad, coef);
    }

    /**
     * A verifier on {@code client}'s weights (trained from here on), reading {@code log p(good) − log p(bad)} where it
     * judges; solutions are split into steps as {@code format} writes them.
     */
    public static VerifierModel of(TrainingClient client, Tokenizer tokenizer, ThinkingFormat format,
                                   Supervision supervision, int good, int bad) {
        if (client == null || tokenizer == null || format == null || supervision == null) {
            throw new IllegalArgumentException("VerifierModel.of: client, tokenizer, format and supervision must be"
                    + " set");
        }
        int v = client.config().vocabSize();
        if (good < 0 || good >= v || bad < 0 || bad >= v || good == bad) {
            throw new IllegalArgumentException("VerifierModel.of: good and bad must be two different token ids in [0, "
                    + v + "), got " + good + " and " + bad);
        }
        return new VerifierModel(client, tokenizer, format, supervision, good, bad, 0);
    }

    public Supervision supervision() {
        return supervision;
    }

    /** The steps of a solution (see the class comment); their concatenation is {@code completion}. */
    public List<String> steps(String completion) {
        return steps(format, completion);
    }

    static List<String> steps(ThinkingFormat format, String completion) {
        int close = completion.indexOf(format.close());
        String thinking = close < 0 ? completion : completion.substring(0, close);
        List<String> steps = new ArrayList<>();
        int start = 0;
        boolean content = false; // whether [start, at) holds a non-blank line
        for (int at = 0; at < thinking.length(); ) {
            int end = thinking.indexOf('\n', at);
            end = end < 0 ? thinking.length() : end + 1;
            if (!thinking.substring(at, end).isBlank()) {
                if (content) {
                    steps.add(thinking.substring(start, at));
                    start = at;
                }
                content = true;
            }
            at = end;
        }
        String rest = thinking.substring(start);
        if (content) {
            steps.add(rest);
        } else if (!rest.isEmpty() && close < 0) {
            steps.add(rest); // nothing but blank lines, never closed: one blank step
        }
        if (close >= 0) {
            steps.add((content ? "" : rest) + completion.substring(close)); // blank thinking joins the answer
        }
        return steps;
    }

    /**
     * A sampled solution of {@code task} with this verifier's labels, from the task's step checker: PROCESS labels
     * each step up to and including the first wrong one, and, when no thinking step was wrong, the answer (right
     * when it is the task's); OUTCOME labels the whole by its answer.
     */
    public Example label(ReasoningTask task, String completion) {
        String prompt = format.prompt(task.task());
        List<String> steps = steps(completion);
        ThinkingFormat.Verdict verdict = format.verdict(task, completion);
        if (supervision == Supervision.OUTCOME) {
            return new Example(prompt, steps, new boolean[] {verdict.correct()});
        }
        boolean closed = completion.contains(format.close());
        int thinkingSteps = closed ? steps.size() - 1 : steps.size();
        List<Boolean> labels = new ArrayList<>();
        for (int i = 0; i < thinkingSteps && !steps.get(i).isBlank(); i++) {
            boolean right = verdict.firstWrongStep() < 0 || i < verdict.firstWrongStep();
            labels.add(right);
            if (!right) {
                break;
            }
        }
        if (closed && labels.size() == thinkingSteps) {
            labels.add(verdict.correct());
        }
        boolean[] out = new boolean[labels.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = labels.get(i);
        }
        return new Example(prompt, steps, out);
    }

    /**
     * The logistic loss on {@code σ(log p(good) − log p(bad))} at the weighted positions, each labelled ±1 in the
     * extra {@code "verifier_label"}: {@code softplus(−label·r)}, averaged over the weighted positions.
     */
    public static LossFn logistic(int good, int bad) {
        return in -> {
            NDArray r = judge(in.distribution(), good, bad);
            NDArray loss = Preference.softplus(r.mul(in.extra(LABEL)).neg());
            return loss.mul(in.weights()).sum().div(in.weights().sum());
        };
    }

    /** {@code log p(good) − log p(bad)} at every position of a (B, T, V) log-softmax: (B, T). */
    private static NDArray judge(NDArray distribution, int good, int bad) {
        long[] shape = distribution.getShape().getShape();
        NDArray both = distribution.gather(distribution.getManager().create(new long[] {good, bad})
                .reshape(1, 1, 2).broadcast(shape[0], shape[1], 2), 2); // (B, T, 2)
        return both.get(":, :, 0").sub(both.get(":, :, 1"));
    }

    /** One optimizer step on a batch of labelled solutions; returns the mean loss over labelled steps. */
    public double trainStep(List<Example> batch, AdamW optimizer) {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("VerifierModel.trainStep: batch must not be empty");
        }
        List<Example> labelled = batch.stream().filter(e -> e.labels().length > 0).toList();
        if (labelled.isEmpty()) {
            throw new IllegalArgumentException("VerifierModel.trainStep: none of the " + batch.size()
                    + " examples has a label");
        }
        Rows rows = rows(labelled);
        int width = rows.batch().width();
        int[] inputs = rows.batch().inputs();
        float[] label = new float[inputs.length];
        float[] weights = new float[label.length];
        float[] lmWeights = new float[label.length];
        int[] targets = new int[inputs.length]; // next tokens, for the language-modelling term
        for (int i = 0; i < labelled.size(); i++) {
            Example e = labelled.get(i);
            boolean[] l = e.labels();
            int[] ends = rows.positions()[i];
            for (int s = 0; s < l.length; s++) {
                label[ends[s]] = l[s] ? 1 : -1;
                weights[ends[s]] = 1;
            }
            boolean right = l.length == (supervision == Supervision.OUTCOME ? 1 : e.steps().size());
            for (boolean x : l) {
                right &= x;
            }
            int rowEnd = ends.length == 0 ? rows.starts()[i] : ends[ends.length - 1];
            for (int at = i * width; at < rowEnd; at++) {
                targets[at] = inputs[at + 1];
                lmWeights[at] = right && at >= rows.starts()[i] - 1 ? 1 : 0;
            }
        }
        TokenBatch b = new TokenBatch(inputs, targets, weights, rows.batch().rows(),
                java.util.Map.of(LABEL, label, LM_WEIGHTS, lmWeights));
        LossFn loss = logistic(good, bad);
        if (languageModelling > 0) {
            LossFn verify = loss;
            double coef = languageModelling;
            loss = in -> {
                NDArray w = in.extra(LM_WEIGHTS);
                NDArray lm = in.logprobs().mul(w).sum().neg().div(w.sum().maximum(1f));
                return verify.loss(in).add(org.assay.lib.model.Gpt.scale(lm, coef));
            };
        }
        double value = client.forwardBackward(b, loss).loss();
        client.optimStep(optimizer);
        return value;
    }

    /**
     * The probability that each step is right (PROCESS: one per step; OUTCOME: one, for the whole), read at the step's
     * last token.
     */
    public double[] stepProbabilities(String prompt, String completion) {
        Example e = new Example(prompt, steps(completion), new boolean[0]);
        Rows rows = rows(List.of(e));
        TokenBatch b = rows.batch();
        float[] r;
        try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray logits = client.model().forward(client.model().tokens(b.inputs(), 1), null, null);
            r = judge(logits.logSoftmax(2), good, bad).toType(DataType.FLOAT32, false).toFloatArray();
        }
        int[] at = rows.positions()[0];
        int n = supervision == Supervision.PROCESS ? at.length : 1;
        double[] p = new double[n];
        for (int s = 0; s < n; s++) {
            int pos = supervision == Supervision.PROCESS ? at[s] : at[at.length - 1];
            p[s] = 1 / (1 + Math.exp(-r[pos]));
        }
        return p;
    }

    /** One score for a solution: the ORM's probability, or the PRM's steps' product or minimum. */
    public double score(String prompt, String completion, Aggregate aggregate) {
        double[] p = stepProbabilities(prompt, completion);
        if (p.length == 0) {
            return 0;
        }
        return aggregate == Aggregate.MIN ? Arrays.stream(p).min().orElseThrow()
                : Arrays.stream(p).reduce(1, (a, b) -> a * b);
    }

    /** The evaluation runner's scorer for best-of-n: {@link #score} under {@code prompt}. */
    public Eval.Scorer scorer(Function<Task, String> prompt, Aggregate aggregate) {
        return (task, completion) -> score(prompt.apply(task), completion.text(), aggregate);
    }

    /**
     * Solutions as one row each (prompt then steps, encoded step by step so step ends are token positions), for each
     * row the position of each step's last token (where the verifier judges it), and of the solution's first token.
     */
    private record Rows(TokenBatch batch, int[][] positions, int[] starts) {
    }

    private Rows rows(List<Example> examples) {
        List<int[]> sequences = new ArrayList<>();
        int[][] positions = new int[examples.size()][];
        int[] starts = new int[examples.size()];
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            List<int[]> parts = new ArrayList<>();
            parts.add(tokenizer.encode(e.prompt()));
            int length = parts.get(0).length;
            starts[i] = length;
            positions[i] = new int[e.steps().size()];
            for (int s = 0; s < e.steps().size(); s++) {
                int[] t = tokenizer.encode(e.steps().get(s));
                parts.add(t);
                length += t.length;
                positions[i][s] = length - 1;
            }
            int[] seq = new int[length];
            int at = 0;
            for (int[] p : parts) {
                System.arraycopy(p, 0, seq, at, p.length);
                at += p.length;
            }
            if (seq.length > client.config().contextLength()) {
                throw new IllegalArgumentException("VerifierModel: prompt and solution must fit the context ("
                        + client.config().contextLength() + " tokens), got " + seq.length + " at example " + i);
            }
            sequences.add(seq);
        }
        int width = sequences.stream().mapToInt(q -> q.length).max().orElse(1);
        int[] inputs = new int[examples.size() * width];
        for (int i = 0; i < sequences.size(); i++) {
            int[] q = sequences.get(i);
            System.arraycopy(q, 0, inputs, i * width, q.length);
            for (int s = 0; s < positions[i].length; s++) {
                positions[i][s] += i * width;
            }
            starts[i] += i * width;
        }
        // the verifier reads the distribution at each position, not a target: targets are the inputs themselves
        return new Rows(TokenBatch.of(inputs, inputs.clone(), examples.size()), positions, starts);
    }
}
