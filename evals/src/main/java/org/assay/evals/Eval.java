package org.assay.evals;

import org.assay.display.Progress;
import org.assay.evals.tasks.AnswerFormat;
import org.assay.evals.tasks.ResponseFormat;
import org.assay.evals.tasks.Task;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The evaluation runner: samples {@code n} completions per item from any {@link Sampler} (in batches), extracts and
 * checks each answer, scores it, and returns an {@link EvalResult} with the per-sample table and the metrics with
 * intervals (pass@k, maj@k, best-of-k, tokens and compute). Immutable: each {@code with} returns a copy.
 * <pre>{@code
 * EvalResult r = Eval.of(TaskSuites.arithmetic(100, 2, 7)).withSamples(16).withSeed(1).run(sampler);
 * r.passAtK(8); r.summary(1, 4, 16); r.table();
 * }</pre>
 * Sample seeds are derived from (seed, item, batch), so a rerun with the same seed and sampler is identical, and
 * changing the batch size changes which seeds are used but not the distribution.
 */
public final class Eval {

    /** Scores a completion for best-of-k: a reward model, a verifier's confidence, a likelihood. Higher is better. */
    @FunctionalInterface
    public interface Scorer {
        double score(Task task, Sampler.Completion completion);

        /** The sampling policy's mean log-probability per generated token (0 when the sampler gives none). */
        static Scorer meanLogprob() {
            return (task, c) -> Double.isNaN(c.logprob()) || c.tokens() == 0 ? 0 : c.logprob() / c.tokens();
        }
    }

    private final String name;
    private final List<Task> suite;
    private final ResponseFormat format;
    private final Function<Task, String> prompt;
    private final int samples;
    private final int batch;
    private final long seed;
    private final Scorer scorer;
    private final double confidence;
    private final int resamples;
    private final Path output;
    private final boolean progress;

    private Eval(String name, List<Task> suite, ResponseFormat format, Function<Task, String> prompt, int samples,
                 int batch, long seed, Scorer scorer, double confidence, int resamples, Path output,
                 boolean progress) {
        this.name = name;
        this.suite = suite;
        this.format = format;
        this.prompt = prompt;
        this.samples = samples;
        this.batch = batch;
        this.seed = seed;
        this.scorer = scorer;
        this.confidence = confidence;
        this.resamples = resamples;
        this.output = output;
        this.progress = progress;
    }

    /**
     * An evaluation of the suite: 1 sample per item, answers asked for and read in {@link AnswerFormat#ANSWER_LINE},
     * batches of 16, seed 0, best-of-k by mean log-probability, 95% intervals from 1,000 bootstrap resamples.
     */
    public static Eval of(List<Task> suite) {
        Objects.requireNonNull(suite, "Eval.of: suite must not be null");
        if (suite.isEmpty()) {
            throw new IllegalArgumentException("Eval.of: suite must hold at least 1 task, got an empty list");
        }
        for (int i = 0; i < suite.size(); i++) {
            if (suite.get(i) == null) {
                throw new IllegalArgumentException("Eval.of: suite must not contain null, got null at index " + i);
            }
        }
        return new Eval("eval", List.copyOf(suite), AnswerFormat.ANSWER_LINE, null, 1, 16, 0, Scorer.meanLogprob(),
                0.95, 1000, null, true);
    }

    /** Shorthand for {@code Eval.of(suite).withSamples(n).run(sampler)}. */
    public static EvalResult run(Sampler sampler, List<Task> suite, int n) {
        return of(suite).withSamples(n).run(sampler);
    }

    public Eval withName(String n) {
        if (n == null || n.isBlank() || !n.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("Eval.withName: name must be letters, digits, '.', '_' or '-', got '"
                    + n + "'");
        }
        return new Eval(n, suite, format, prompt, samples, batch, seed, scorer, confidence, resamples, output,
                progress);
    }

    /** How the prompt asks for the answer and how it is read back. */
    public Eval withFormat(ResponseFormat f) {
        Objects.requireNonNull(f, "Eval.withFormat: format must not be null");
        return new Eval(name, suite, f, prompt, samples, batch, seed, scorer, confidence, resamples, output, progress);
    }

    /**
     * Writes prompts another way (a compact template for a small model, few-shot examples); answers are still read
     * with the format. Null restores the format's own prompt.
     */
    public Eval withPrompt(Function<Task, String> p) {
        return new Eval(name, suite, format, p, samples, batch, seed, scorer, confidence, resamples, output, progress);
    }

    /** Completions per item (the n of pass@k). */
    public Eval withSamples(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("Eval.withSamples: n must be >= 1, got " + n);
        }
        return new Eval(name, suite, format, prompt, n, batch, seed, scorer, confidence, resamples, output, progress);
    }

    /** Completions requested from the sampler at once. */
    public Eval withBatch(int b) {
        if (b < 1) {
            throw new IllegalArgumentException("Eval.withBatch: batch must be >= 1, got " + b);
        }
        return new Eval(name, suite, format, prompt, samples, b, seed, scorer, confidence, resamples, output, progress);
    }

    public Eval withSeed(long s) {
        return new Eval(name, suite, format, prompt, samples, batch, s, scorer, confidence, resamples, output,
                progress);
    }

    public Eval withScorer(Scorer s) {
        Objects.requireNonNull(s, "Eval.withScorer: scorer must not be null");
        return new Eval(name, suite, format, prompt, samples, batch, seed, s, confidence, resamples, output, progress);
    }

    /** Confidence level of the intervals and bootstrap resamples for them. */
    public Eval withIntervals(double level, int bootstrapResamples) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("Eval.withIntervals: level must be in (0, 1), got " + level);
        }
        if (bootstrapResamples < 1) {
            throw new IllegalArgumentException("Eval.withIntervals: bootstrapResamples must be >= 1, got "
                    + bootstrapResamples);
        }
        return new Eval(name, suite, format, prompt, samples, batch, seed, scorer, level, bootstrapResamples, output,
                progress);
    }

    /** Saves the result there ({@code <dir>/<name>/samples.jsonl} and {@code summary.json}) when the run ends. */
    public Eval withOutput(Path dir) {
        return new Eval(name, suite, format, prompt, samples, batch, seed, scorer, confidence, resamples, dir,
                progress);
    }

    public Eval withProgress(boolean show) {
        return new Eval(name, suite, format, prompt, samples, batch, seed, scorer, confidence, resamples, output,
                show);
    }

    public String name() {
        return name;
    }

    public List<Task> suite() {
        return suite;
    }

    public ResponseFormat format() {
        return format;
    }

    public int samples() {
        return samples;
    }

    /** The prompt this evaluation shows the sampler for a task. */
    public String promptFor(Task task) {
        return prompt == null ? format.prompt(task) : prompt.apply(task);
    }

    public EvalResult run(Sampler sampler) {
        Objects.requireNonNull(sampler, "Eval.run: sampler must not be null");
        List<List<Sampler.Completion>> completions = new ArrayList<>(suite.size());
        List<double[]> scores = new ArrayList<>(suite.size());
        Progress bar = progress ? Progress.start(name, (long) suite.size() * samples) : null;
        try {
            for (int item = 0; item < suite.size(); item++) {
                if (Thread.currentThread().isInterrupted()) { // a notebook's stop button; the flag stays set
                    throw new java.util.concurrent.CancellationException("Eval.run: interrupted after " + item
                            + " of " + suite.size() + " items");
                }
                Task task = suite.get(item);
                String text = promptFor(task);
                List<Sampler.Completion> got = new ArrayList<>(samples);
                for (int b = 0; got.size() < samples; b++) {
                    int want = Math.min(batch, samples - got.size());
                    List<Sampler.Completion> part = sampler.sample(text, want, seedFor(item, b));
                    if (part == null || part.size() != want) {
                        throw new IllegalStateException("Eval.run: the sampler returned "
                                + (part == null ? "null" : part.size() + " completions") + " for " + want
                                + " requested (item " + task.id() + ")");
                    }
                    for (Sampler.Completion c : part) {
                        if (c == null) {
                            throw new IllegalStateException("Eval.run: the sampler returned a null completion (item "
                                    + task.id() + ")");
                        }
                    }
                    got.addAll(part);
                    if (bar != null) {
                        bar.advance(want);
                    }
                }
                double[] s = new double[samples];
                for (int j = 0; j < samples; j++) {
                    s[j] = scorer.score(task, got.get(j));
                    if (Double.isNaN(s[j])) {
                        throw new IllegalStateException("Eval.run: the scorer returned NaN for item " + task.id()
                                + ", sample " + j);
                    }
                }
                completions.add(got);
                scores.add(s);
            }
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
        EvalResult result = new EvalResult(name, suite, format, completions, scores, confidence, resamples, seed);
        if (output != null) {
            result.save(output.resolve(name));
        }
        return result;
    }

    /**
     * Format brittleness: the same items evaluated once per format (prompted and read in that format; a prompt set
     * with {@link #withPrompt} is kept, so then only the reading differs), with the spread of accuracy across
     * formats. {@link EvalResult#rescore} measures the reading alone without sampling again.
     */
    public Brittleness brittleness(Sampler sampler, ResponseFormat... formats) {
        if (formats.length < 2) {
            throw new IllegalArgumentException("Eval.brittleness: formats must name at least 2 formats, got "
                    + formats.length);
        }
        Map<String, EvalResult> byFormat = new LinkedHashMap<>();
        for (ResponseFormat f : formats) {
            if (byFormat.containsKey(f.name())) {
                throw new IllegalArgumentException("Eval.brittleness: formats must be distinct, got " + f + " twice");
            }
            byFormat.put(f.name(), withFormat(f).withName(name + "-" + f.name().toLowerCase()).run(sampler));
        }
        return Brittleness.of(byFormat);
    }

    private long seedFor(int item, int batchIndex) {
        long h = seed * 0x9E3779B97F4A7C15L + item;
        h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L + batchIndex;
        return h ^ (h >>> 29);
    }
}
