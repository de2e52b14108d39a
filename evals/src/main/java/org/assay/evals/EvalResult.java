package org.assay.evals;

import org.assay.display.MimeBundle;
import org.assay.display.Renderable;
import org.assay.evals.tasks.AnswerFormat;
import org.assay.evals.tasks.ResponseFormat;
import org.assay.evals.tasks.Task;
import tech.tablesaw.api.Table;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * What {@link Eval#run} returns: every completion with its extracted answer, correctness and score, and the metrics
 * computed from them. Intervals are percentile bootstraps over items (seeded), so they reflect how many items were
 * evaluated, not only how many samples.
 */
public final class EvalResult implements Renderable {
    private static final int MAJORITY_DRAWS = 200;

    private final String name;
    private final List<Task> tasks;
    private final ResponseFormat format;
    private final List<List<Sampler.Completion>> completions;
    private final List<double[]> scores;
    private final double confidence;
    private final int resamples;
    private final long seed;
    private final String[][] answers;
    private final boolean[][] correct;
    private final int samples;

    EvalResult(String name, List<Task> tasks, ResponseFormat format, List<List<Sampler.Completion>> completions,
               List<double[]> scores, double confidence, int resamples, long seed) {
        this.name = name;
        this.tasks = tasks;
        this.format = format;
        this.completions = completions;
        this.scores = scores;
        this.confidence = confidence;
        this.resamples = resamples;
        this.seed = seed;
        this.samples = completions.get(0).size();
        this.answers = new String[tasks.size()][samples];
        this.correct = new boolean[tasks.size()][samples];
        for (int i = 0; i < tasks.size(); i++) {
            for (int j = 0; j < samples; j++) {
                String text = completions.get(i).get(j).text();
                answers[i][j] = format.extract(text);
                correct[i][j] = format.isCorrect(tasks.get(i), text);
            }
        }
    }

    /** The same completions read with another format's extraction: answer-extraction brittleness, no resampling. */
    public EvalResult rescore(ResponseFormat other) {
        return new EvalResult(name + "-read-" + other.name().toLowerCase(), tasks, other, completions, scores,
                confidence, resamples, seed);
    }

    public String name() {
        return name;
    }

    public ResponseFormat format() {
        return format;
    }

    public int items() {
        return tasks.size();
    }

    /** Completions per item (n). */
    public int samples() {
        return samples;
    }

    public List<Task> tasks() {
        return tasks;
    }

    public List<Sampler.Completion> completions(int item) {
        return completions.get(item);
    }

    /** Correct completions per item (c). */
    public int[] correctCounts() {
        int[] c = new int[tasks.size()];
        for (int i = 0; i < c.length; i++) {
            for (boolean ok : correct[i]) {
                c[i] += ok ? 1 : 0;
            }
        }
        return c;
    }

    /** Per-item fraction correct, the unit the paired and brittleness comparisons use. */
    public double[] itemAccuracy() {
        int[] c = correctCounts();
        return Arrays.stream(c).mapToDouble(x -> (double) x / samples).toArray();
    }

    /** Accuracy of a single sample (pass@1), with its interval. */
    public Proportion.Interval accuracy() {
        return passAtK(1);
    }

    /** The unbiased pass@k averaged over items, with a bootstrap interval over items. */
    public Proportion.Interval passAtK(int k) {
        return interval(passAtKByItem(k));
    }

    /** pass@k of each item, for paired comparisons and custom resampling. */
    public double[] passAtKByItem(int k) {
        int[] c = correctCounts();
        return perItem("passAtK", k, i -> PassAtK.estimate(samples, c[i], k));
    }

    /**
     * maj@k: the most frequent extracted answer of k samples, averaged over items (exact at k = n; otherwise the mean
     * over 200 seeded k-subsets). Ties count 1/t for the correct answer among t tied ones.
     */
    public Proportion.Interval majAtK(int k) {
        return interval(majAtKByItem(k));
    }

    /** maj@k of each item. */
    public double[] majAtKByItem(int k) {
        return perItem("majAtK", k, i -> MajorityVote.majAtK(Arrays.asList(answers[i]),
                AnswerFormat.normalise(tasks.get(i).answer()), k, MAJORITY_DRAWS, seed + 31L * i));
    }

    /** Best-of-k under the evaluation's scorer, exact over k-subsets ({@link BestOfN}). */
    public Proportion.Interval bestOfN(int k) {
        return interval(bestOfNByItem(k));
    }

    /** Best-of-k of each item. */
    public double[] bestOfNByItem(int k) {
        return perItem("bestOfN", k, i -> BestOfN.estimate(scores.get(i), correct[i], k));
    }

    private double[] perItem(String fn, int k, java.util.function.IntToDoubleFunction metric) {
        checkK(fn, k);
        double[] v = new double[tasks.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = metric.applyAsDouble(i);
        }
        return v;
    }

    /** Mean generated tokens per completion. */
    public double tokensPerSample() {
        return (double) generatedTokens() / ((long) tasks.size() * samples);
    }

    public long generatedTokens() {
        return (long) sumOverCompletions(c -> c.tokens());
    }

    /** Tokens of thinking segments, all completions together (a part of {@link #generatedTokens}). */
    public long thinkingTokens() {
        return (long) sumOverCompletions(c -> c.thinkingTokens());
    }

    /** Mean thinking tokens per completion. */
    public double thinkingTokensPerSample() {
        return (double) thinkingTokens() / ((long) tasks.size() * samples);
    }

    public long promptTokens() {
        return (long) sumOverCompletions(c -> c.promptTokens());
    }

    /** Mean inference FLOPs of one completion (its prompt and its tokens, each processed once with a KV cache). */
    public double flopsPerSample(TokenCost cost) {
        return sumOverCompletions(c -> cost.flops(c.promptTokens(), c.tokens())) / ((long) tasks.size() * samples);
    }

    private double sumOverCompletions(java.util.function.ToDoubleFunction<Sampler.Completion> f) {
        double sum = 0;
        for (List<Sampler.Completion> item : completions) {
            for (Sampler.Completion c : item) {
                sum += f.applyAsDouble(c);
            }
        }
        return sum;
    }

    /** 1, 2, 4, … up to n, and n. */
    public int[] defaultKs() {
        TreeSet<Integer> ks = new TreeSet<>();
        for (int k = 1; k <= samples; k *= 2) {
            ks.add(k);
        }
        ks.add(samples);
        return ks.stream().mapToInt(Integer::intValue).toArray();
    }

    /** One row per (metric, k): pass@k, maj@k and best-of-k with intervals, and the tokens k samples cost per item. */
    public Table summary(int... ks) {
        return summary(null, ks);
    }

    /** {@link #summary(int...)} with a FLOPs column: the inference compute of k samples per item. */
    public Table summary(TokenCost cost, int... ks) {
        Table t = RecordRows.table(name + " (" + tasks.size() + " items × " + samples + " samples, "
                + Math.round(confidence * 100) + "% intervals)", MetricRow.class, metricRows(cost, ks));
        return cost == null ? t.removeColumns(MetricRow.FLOPS_COLUMN) : t;
    }

    /**
     * The rows of {@link #summary(TokenCost, int...)}: pass@k, maj@k and best-of-k at each k (1, 2, 4, …, n when none
     * is given); the FLOPs NaN when {@code cost} is null.
     */
    public List<MetricRow> metricRows(TokenCost cost, int... ks) {
        double perSampleFlops = cost == null ? Double.NaN : flopsPerSample(cost);
        List<MetricRow> rows = new ArrayList<>();
        for (String m : List.of("pass@k", "maj@k", "best-of-k")) {
            for (int k : ks.length == 0 ? defaultKs() : ks) {
                Proportion.Interval iv = switch (m) {
                    case "pass@k" -> passAtK(k);
                    case "maj@k" -> majAtK(k);
                    default -> bestOfN(k);
                };
                rows.add(new MetricRow(m, k, iv, k * tokensPerSample(), k * perSampleFlops));
            }
        }
        return rows;
    }

    double confidence() {
        return confidence;
    }

    int resamples() {
        return resamples;
    }

    long seed() {
        return seed;
    }

    /** Every completion, item by item. */
    public List<SampleRow> rows() {
        List<SampleRow> rows = new ArrayList<>(tasks.size() * samples);
        for (int i = 0; i < tasks.size(); i++) {
            Task task = tasks.get(i);
            for (int j = 0; j < samples; j++) {
                Sampler.Completion c = completions.get(i).get(j);
                rows.add(new SampleRow(task.id(), task.template(), task.difficulty(), j, c.promptTokens(), c.tokens(),
                        c.thinkingTokens(), task.answer(), answers[i][j], correct[i][j], scores.get(i)[j], c.text()));
            }
        }
        return rows;
    }

    /** Every completion, one {@link SampleRow} each: its columns are the record's components. */
    public Table table() {
        return RecordRows.table(name, SampleRow.class, rows());
    }

    /**
     * Writes {@code samples.jsonl} (one line per completion) and {@code summary.json} into the folder, each to a
     * temporary file first and then renamed, so a crash leaves either the old file or the new one.
     */
    public void save(Path dir) {
        EvalFiles.save(this, dir);
    }

    @Override
    public MimeBundle toMimeBundle() {
        return EvalView.bundle(this);
    }

    @Override
    public String toString() {
        Proportion.Interval acc = accuracy();
        return String.format(Locale.ROOT, "EvalResult[%s: %d items x %d samples, accuracy %.3f [%.3f, %.3f]]", name,
                tasks.size(), samples, acc.estimate(), acc.lower(), acc.upper());
    }

    /**
     * Percentile bootstrap over items. When every item has the same value (all right or all wrong, typically) the
     * bootstrap collapses to a point; then the Wilson interval over items is given instead, never zero width.
     */
    private Proportion.Interval interval(double[] perItem) {
        Proportion.Interval b = Resampling.bootstrap(perItem, Resampling::mean, resamples, seed, confidence);
        if (b.upper() > b.lower()) {
            return b;
        }
        int successes = (int) Math.round(b.estimate() * perItem.length);
        Proportion.Interval w = Proportion.wilson(successes, perItem.length, confidence);
        return new Proportion.Interval(b.estimate(), Math.min(w.lower(), b.estimate()),
                Math.max(w.upper(), b.estimate()), confidence);
    }

    private void checkK(String fn, int k) {
        if (k < 1 || k > samples) {
            throw new IllegalArgumentException(fn + ": k must be in [1, n=" + samples + "], got " + k);
        }
    }
}
