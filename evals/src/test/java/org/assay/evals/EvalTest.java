package org.assay.evals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assay.evals.tasks.AnswerFormat;
import org.assay.evals.tasks.Task;
import org.assay.evals.tasks.TaskSuites;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class EvalTest {

    private static final Pattern QUESTION = Pattern.compile("What is (-?\\d+) ([-+*]) (-?\\d+)\\?");

    /** A scripted sampler: answers arithmetic right with probability {@code p}, else off by one; logs its calls. */
    static final class FakeSampler implements Sampler {
        final double p;
        final List<String> calls = new ArrayList<>();

        FakeSampler(double p) {
            this.p = p;
        }

        @Override
        public List<Completion> sample(String prompt, int n, long seed) {
            calls.add(n + "@" + seed);
            Matcher m = QUESTION.matcher(prompt);
            assertTrue(m.find(), prompt);
            long a = Long.parseLong(m.group(1));
            long b = Long.parseLong(m.group(3));
            long truth = switch (m.group(2)) {
                case "+" -> a + b;
                case "-" -> a - b;
                default -> a * b;
            };
            SplittableRandom rng = new SplittableRandom(seed);
            List<Completion> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long said = rng.nextDouble() < p ? truth : truth + 1 + rng.nextInt(2);
                String text = "Let me add it up.\nAnswer: " + said + "\n";
                out.add(new Completion(text, prompt.length(), text.length(), -rng.nextDouble()));
            }
            return out;
        }
    }

    private static final List<Task> SUITE = TaskSuites.arithmetic(40, 2, 3);

    @Test
    void metricsAreTheEstimatorsAppliedToTheCounts() {
        EvalResult r = Eval.of(SUITE).withSamples(10).withSeed(5).withProgress(false).run(new FakeSampler(0.3));
        int[] c = r.correctCounts();
        int[] n = new int[c.length];
        Arrays.fill(n, 10);
        for (int k : new int[] {1, 3, 10}) {
            assertEquals(PassAtK.mean(n, c, k), r.passAtK(k).estimate(), 1e-12);
        }
        assertEquals(Arrays.stream(c).sum() / 400.0, r.accuracy().estimate(), 1e-12);
        assertTrue(r.accuracy().estimate() > 0.15 && r.accuracy().estimate() < 0.45, r.toString());
        // maj@n is one vote over all samples per item
        double votes = 0;
        Table t = r.table();
        for (int i = 0; i < SUITE.size(); i++) {
            List<String> answers = new ArrayList<>();
            for (int row = i * 10; row < (i + 1) * 10; row++) {
                answers.add(t.stringColumn("answer").get(row));
            }
            votes += MajorityVote.vote(answers, SUITE.get(i).answer());
        }
        assertEquals(votes / SUITE.size(), r.majAtK(10).estimate(), 1e-12);
        // coverage rises with k; the intervals contain the estimate
        assertTrue(r.passAtK(10).estimate() > r.passAtK(1).estimate());
        for (var iv : List.of(r.passAtK(1), r.majAtK(4), r.bestOfN(4))) {
            assertTrue(iv.lower() <= iv.estimate() && iv.estimate() <= iv.upper(), iv.toString());
        }
    }

    @Test
    void tableHoldsEverySampleWithItsCheck() {
        EvalResult r = Eval.of(SUITE).withSamples(4).withProgress(false).run(new FakeSampler(0.5));
        Table t = r.table();
        assertEquals(SUITE.size() * 4, t.rowCount());
        assertEquals(List.of("item", "template", "difficulty", "sample", "prompt_tokens", "tokens", "thinking_tokens",
                "expected", "answer", "correct", "score", "completion"), t.columnNames());
        for (int row = 0; row < t.rowCount(); row++) {
            boolean same = t.stringColumn("answer").get(row).equals(t.stringColumn("expected").get(row));
            assertEquals(same, t.booleanColumn("correct").get(row), "row " + row);
        }
        assertEquals(Arrays.stream(r.correctCounts()).sum(), t.booleanColumn("correct").countTrue());
    }

    @Test
    void samplesInBatchesWithSeedsFromSeedItemAndBatch() {
        FakeSampler s = new FakeSampler(0.5);
        EvalResult a = Eval.of(SUITE.subList(0, 3)).withSamples(8).withBatch(3).withSeed(7).withProgress(false).run(s);
        assertEquals(9, s.calls.size()); // 3 items × batches of 3, 3, 2
        assertEquals(List.of("3", "3", "2"), s.calls.subList(0, 3).stream().map(x -> x.split("@")[0]).toList());
        assertEquals(9, s.calls.stream().distinct().count(), "every batch gets its own seed");
        EvalResult again = Eval.of(SUITE.subList(0, 3)).withSamples(8).withBatch(3).withSeed(7).withProgress(false)
                .run(new FakeSampler(0.5));
        assertEquals(a.table().stringColumn("completion").asList(), again.table().stringColumn("completion").asList());
        EvalResult other = Eval.of(SUITE.subList(0, 3)).withSamples(8).withBatch(3).withSeed(8).withProgress(false)
                .run(new FakeSampler(0.5));
        assertNotEquals(a.table().stringColumn("completion").asList(),
                other.table().stringColumn("completion").asList());
    }

    @Test
    void bestOfNFollowsTheScorer() {
        // a scorer that knows the truth picks a right sample whenever one of the k has it: best-of-k = pass@k
        Eval.Scorer oracle = (task, c) -> AnswerFormat.ANSWER_LINE.isCorrect(task, c.text()) ? 1 : 0;
        EvalResult r = Eval.of(SUITE).withSamples(8).withScorer(oracle).withProgress(false).run(new FakeSampler(0.3));
        for (int k : new int[] {1, 2, 8}) {
            assertEquals(r.passAtK(k).estimate(), r.bestOfN(k).estimate(), 1e-12);
        }
        // an adversarial scorer never picks a right one when a wrong one is there
        EvalResult worst = Eval.of(SUITE).withSamples(8).withScorer((task, c) -> -oracle.score(task, c))
                .withProgress(false).run(new FakeSampler(0.3));
        assertTrue(worst.bestOfN(8).estimate() < worst.passAtK(1).estimate());
    }

    @Test
    void tokensAndCompute() {
        EvalResult r = Eval.of(SUITE).withSamples(3).withProgress(false).run(new FakeSampler(0.5));
        long generated = 0;
        long prompt = 0;
        double flops = 0;
        TokenCost cost = new TokenCost(1e6, 2, 64);
        for (int i = 0; i < r.items(); i++) {
            for (Sampler.Completion c : r.completions(i)) {
                generated += c.tokens();
                prompt += c.promptTokens();
                flops += cost.flops(c.promptTokens(), c.tokens());
            }
        }
        assertEquals(generated, r.generatedTokens());
        assertEquals(prompt, r.promptTokens());
        assertEquals(generated / (double) (SUITE.size() * 3), r.tokensPerSample(), 1e-12);
        assertEquals(flops / (SUITE.size() * 3), r.flopsPerSample(cost), 1e-6);
        Table s = r.summary(cost, 1, 3);
        assertEquals(6, s.rowCount());
        assertEquals(3 * r.flopsPerSample(cost), s.doubleColumn("flops_per_item").get(1), 1e-6);
        // the same rows without a cost: no FLOPs column; the columns are MetricRow's components
        assertEquals(List.of("metric", "k", "estimate", "lower", "upper", "tokens_per_item"),
                r.summary(1, 3).columnNames());
        MetricRow majAt3 = r.metricRows(null, 1, 3).get(3);
        assertEquals("maj@k", majAt3.metric());
        assertEquals(r.majAtK(3).estimate(), majAt3.estimate(), 1e-12);
        assertEquals(3 * r.tokensPerSample(), majAt3.tokensPerItem(), 1e-12);
        assertTrue(Double.isNaN(majAt3.flopsPerItem()));
    }

    @Test
    void drawsItsHeadlineAndEveryMetricAsHtmlAndText() {
        EvalResult r = Eval.of(SUITE).withName("arith").withSamples(4).withProgress(false).run(new FakeSampler(0.5));
        var bundle = r.toMimeBundle();
        String[] text = bundle.get("text/plain").split("\n");
        List<MetricRow> rows = r.metricRows(null);
        assertEquals(1 + rows.size(), text.length);
        assertTrue(text[0].startsWith("arith: " + SUITE.size() + " items x 4 samples, accuracy "), text[0]);
        MetricRow last = rows.get(rows.size() - 1);
        assertEquals(String.format(java.util.Locale.ROOT, "best-of-k  4  %.3f  [%.3f, %.3f]", last.estimate(),
                last.lower(), last.upper()), text[text.length - 1]);
        String html = bundle.get("text/html");
        assertTrue(html.startsWith("<div><b>arith</b>: " + SUITE.size() + " items × 4 samples"), html);
        assertEquals(rows.size() + 1, html.split("<tr>").length - 1, html);
    }

    @Test
    void neverAZeroWidthIntervalWhenAllWrongOrAllRight() {
        EvalResult wrong = Eval.of(SUITE).withSamples(2).withProgress(false).run(new FakeSampler(0));
        assertEquals(0, wrong.accuracy().estimate());
        assertTrue(wrong.accuracy().upper() > 0.05, wrong.accuracy().toString());
        EvalResult right = Eval.of(SUITE).withSamples(2).withProgress(false).run(new FakeSampler(1));
        assertEquals(1, right.accuracy().estimate());
        assertTrue(right.accuracy().lower() < 0.95, right.accuracy().toString());
    }

    @Test
    void rescoreReadsTheSameCompletionsAnotherWay() {
        EvalResult r = Eval.of(SUITE).withSamples(4).withProgress(false).run(new FakeSampler(0.5));
        // the completions end "Answer: X": the bare reader (last number) agrees, the boxed one finds nothing
        assertArrayEquals(r.correctCounts(), r.rescore(AnswerFormat.BARE).correctCounts());
        assertEquals(0, Arrays.stream(r.rescore(AnswerFormat.BOXED).correctCounts()).sum());
    }

    @Test
    void brittlenessComparesFormatsOnTheSameItems() {
        // right in \boxed{}, wrong after ####, as a model tuned on one format might be
        Sampler formatSensitive = (prompt, n, seed) -> {
            Matcher m = QUESTION.matcher(prompt);
            assertTrue(m.find());
            Task task = SUITE.stream().filter(t -> prompt.startsWith(t.prompt())).findFirst().orElseThrow();
            String text = prompt.contains("boxed") ? "\\boxed{" + task.answer() + "}" : "#### 0";
            return Stream.generate(() -> Sampler.Completion.ofText(prompt, text)).limit(n).toList();
        };
        Brittleness b = Eval.of(SUITE).withSamples(2).withProgress(false)
                .brittleness(formatSensitive, AnswerFormat.BOXED, AnswerFormat.HASHES);
        assertEquals("BOXED", b.best());
        assertEquals("HASHES", b.worst());
        long zeros = SUITE.stream().filter(t -> t.answer().equals("0")).count();
        assertEquals(1.0 - (double) zeros / SUITE.size(), b.spread(), 1e-12);
        assertTrue(b.bestVsWorst().pValue() < 0.01, b.bestVsWorst().toString());
        assertEquals(b.spread(), b.bestVsWorst().meanDifference(), 1e-12);
        assertEquals(2, b.table().rowCount());
        assertTrue(b.toMimeBundle().get("text/html").contains("spread 1.000"), b.toMimeBundle().get("text/plain"));
    }

    @Test
    void savesSamplesAndSummaryAtomically(@TempDir Path dir) throws Exception {
        EvalResult r = Eval.of(SUITE).withName("arith").withSamples(3).withOutput(dir).withProgress(false)
                .run(new FakeSampler(0.5));
        Path out = dir.resolve("arith");
        List<String> lines = Files.readAllLines(out.resolve("samples.jsonl"));
        assertEquals(SUITE.size() * 3, lines.size());
        var first = JsonParser.parseString(lines.get(0)).getAsJsonObject();
        assertEquals(SUITE.get(0).id(), first.get("item").getAsString());
        var summary = JsonParser.parseString(Files.readString(out.resolve("summary.json"))).getAsJsonObject();
        assertEquals(SUITE.size(), summary.get("items").getAsInt());
        var metrics = summary.getAsJsonArray("metrics");
        assertEquals(r.metricRows(null).size(), metrics.size());
        var passAt1 = metrics.get(0).getAsJsonObject();
        assertEquals(r.passAtK(1).estimate(), passAt1.get("estimate").getAsDouble(), 1e-12);
        assertEquals(List.of("metric", "k", "estimate", "lower", "upper", "tokens_per_item"),
                List.copyOf(passAt1.keySet()), "FLOPs are not measured without a TokenCost");
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("samples.jsonl", "summary.json"), files.map(p -> p.getFileName().toString()).sorted()
                    .toList(), "no temporary files left");
        }
    }

    @Test
    void badInputGetsClearErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> Eval.of(List.of()));
        assertTrue(e.getMessage().contains("Eval.of: suite must hold at least 1 task"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Eval.of(SUITE).withSamples(0));
        assertTrue(e.getMessage().contains("n must be >= 1, got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Eval.of(SUITE).withName("a b"));
        assertTrue(e.getMessage().contains("got 'a b'"), e.getMessage());
        EvalResult r = Eval.of(SUITE.subList(0, 2)).withSamples(4).withProgress(false).run(new FakeSampler(0.5));
        e = assertThrows(IllegalArgumentException.class, () -> r.passAtK(5));
        assertTrue(e.getMessage().contains("passAtK: k must be in [1, n=4], got 5"), e.getMessage());
        var s = assertThrows(IllegalStateException.class, () -> Eval.of(SUITE).withSamples(2).withProgress(false)
                .run((prompt, n, seed) -> List.of(Sampler.Completion.ofText(prompt, "1"))));
        assertTrue(s.getMessage().contains("returned 1 completions for 2 requested (item arithmetic-0)"),
                s.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Eval.of(SUITE)
                .brittleness(new FakeSampler(1), AnswerFormat.BARE));
        assertTrue(e.getMessage().contains("at least 2 formats, got 1"), e.getMessage());
        assertFalse(Eval.of(SUITE).promptFor(SUITE.get(0)).isEmpty());
    }
}
