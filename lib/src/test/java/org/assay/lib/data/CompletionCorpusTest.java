package org.assay.lib.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.assay.lib.model.GptConfig;
import org.assay.lib.sweep.LocalExecutor;
import org.assay.lib.sweep.Sweep;
import org.assay.lib.sweep.SweepSpec;
import org.assay.lib.train.Pretrain;
import org.assay.lib.train.RunSpec;
import org.assay.lib.train.TokenBatch;
import org.assay.lib.train.TokenBatches;
import org.assay.lib.train.TrainingClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class CompletionCorpusTest {

    @TempDir
    Path dir;

    /** Prompts in lower case, completions in upper case: a token's case says which part it came from. */
    private static List<CompletionCorpus.Example> examples(int n, long seed) {
        Random rng = new Random(seed);
        List<CompletionCorpus.Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String word = "";
            for (int k = 0; k < 2 + rng.nextInt(4); k++) {
                word += (char) ('a' + rng.nextInt(6));
            }
            out.add(new CompletionCorpus.Example(word + "=", word.toUpperCase() + "."));
        }
        return out;
    }

    @Test
    void writesAndReadsJsonLinesKeepingEveryCharacter() {
        Path file = dir.resolve("pairs.jsonl");
        List<CompletionCorpus.Example> written = List.of(new CompletionCorpus.Example("Q: \"1+1\"\n", "A: 2 ✓\n\n"),
                new CompletionCorpus.Example("", "only a completion"));
        CompletionCorpus.write(file, written);
        CompletionCorpus read = CompletionCorpus.read(file);
        assertEquals(written, read.examples());
        assertEquals("Q: \"1+1\"\nA: 2 ✓\n\nonly a completion", read.text());
    }

    @Test
    void aBadLineIsAnErrorNamingTheFileTheLineAndTheProblem() throws IOException {
        String[][] cases = {
            {"{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"prompt\": \"a\"\n", "line 2: not JSON"},
            {"{\"prompt\": \"a\", \"completion\": \"b\"}\n\n{\"prompt\": \"a\"}\n", "line 3: \"completion\" must be a"
                    + " string, got none"},
            {"{\"prompt\": 7, \"completion\": \"b\"}\n", "line 1: \"prompt\" must be a string, got 7"},
            {"[\"a\", \"b\"]\n", "line 1: must be a JSON object"},
            {"{\"prompt\": \"a\", \"completion\": \"\"}\n", "line 1: \"completion\" is empty"},
            {"\n\n", "has no examples"},
        };
        for (String[] c : cases) {
            Path file = dir.resolve("bad.jsonl");
            Files.writeString(file, c[0], StandardCharsets.UTF_8);
            var e = assertThrows(IllegalArgumentException.class, () -> CompletionCorpus.read(file));
            assertTrue(e.getMessage().startsWith("CompletionCorpus.read: " + file), e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), e.getMessage() + " should say " + c[1]);
        }
        var missing = assertThrows(IllegalArgumentException.class,
                () -> CompletionCorpus.read(dir.resolve("none.jsonl")));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
    }

    @Test
    void eachRowIsOneExampleAtPositionZeroWeightedOnItsCompletion() {
        CompletionCorpus corpus = new CompletionCorpus(dir, examples(400, 1));
        CharTokenizer chars = CharTokenizer.fit(corpus.text());
        TokenBatches data = corpus.dataset(chars, 4, 24, 0.1, 3);
        List<TokenBatch> batches = new ArrayList<>(data.validation(4));
        assertEquals(4, batches.size());
        for (long i = 0; i < 20; i++) {
            batches.add(data.train(i));
        }
        java.util.Set<String> rowsSeen = new java.util.HashSet<>();
        for (TokenBatch b : batches) {
            for (int r = 0; r < b.rows(); r++) {
                int t = b.width();
                String in = chars.decode(java.util.Arrays.copyOfRange(b.inputs(), r * t, (r + 1) * t));
                String out = chars.decode(java.util.Arrays.copyOfRange(b.targets(), r * t, (r + 1) * t));
                var m = java.util.regex.Pattern.compile("^([a-f]+)=([A-F]+)").matcher(in);
                assertTrue(m.find() && m.group(1).toUpperCase().equals(m.group(2)), "row starts '" + in + "'");
                int end = out.indexOf('.'); // the completion's last token; the prompt has no '.'
                assertEquals(m.group(1).length() + m.group(2).length(), end, "row '" + in + "'");
                for (int j = 0; j < t; j++) {
                    float expected = j <= end && (Character.isUpperCase(out.charAt(j)) || j == end) ? 1f : 0f;
                    assertEquals(expected, b.weights()[r * t + j], "row '" + in + "' position " + j);
                    if (j < end) {
                        assertEquals(b.targets()[r * t + j], b.inputs()[r * t + j + 1]);
                    }
                }
                rowsSeen.add(in);
            }
        }
        assertTrue(rowsSeen.size() > 40, "rows are drawn across the examples: " + rowsSeen.size());
        assertEquals(batches.get(0).inputs()[0], data.validation(1).get(0).inputs()[0], "validation is fixed");
    }

    @Test
    void anExampleLongerThanTheContextIsAnErrorNamingIt() {
        CompletionCorpus corpus = new CompletionCorpus(dir.resolve("c.jsonl"), List.of(
                new CompletionCorpus.Example("ab=", "AB."), new CompletionCorpus.Example("abcdef=", "ABCDEF.")));
        var e = assertThrows(IllegalArgumentException.class,
                () -> corpus.dataset(CharTokenizer.fit(corpus.text()), 1, 8, 0.5, 0));
        assertTrue(e.getMessage().startsWith("CompletionCorpus.dataset: example 2 of " + dir.resolve("c.jsonl")
                + " (prompt 'abcdef=') is 14 tokens, more than contextLength + 1 = 9"), e.getMessage());
    }

    @Test
    void evaluationScoresTheWeightedPositionsOnly() {
        CompletionCorpus corpus = new CompletionCorpus(dir, examples(200, 2));
        CharTokenizer chars = CharTokenizer.fit(corpus.text());
        TokenBatch b = corpus.dataset(chars, 2, 16, 0.1, 0).train(0);
        try (TrainingClient client = TrainingClient.create(GptConfig.tiny(chars.vocabSize()).withContextLength(16)
                .withLayers(1), 7)) {
            float[] lp = client.computeLogprobs(b);
            double sum = 0;
            int n = 0;
            for (int i = 0; i < lp.length; i++) {
                if (b.weights()[i] > 0) {
                    sum -= lp[i];
                    n++;
                }
            }
            var e = client.evaluate(List.of(b), 1.0);
            assertEquals(n, e.tokens());
            assertEquals(sum / n, e.loss(), 1e-5);
        }
    }

    @Test
    void aSweepTrainsOnACompletionsFileAndItsTableScoresTheModelsItSaved() {
        Path file = dir.resolve("train.jsonl");
        CompletionCorpus.write(file, examples(3000, 3));
        RunSpec.Data data = RunSpec.Data.completions(file, 8, 32, 0.1, 0);
        CharTokenizer chars = data.tokenizer();
        RunSpec base = new RunSpec("base", GptConfig.tiny(chars.vocabSize()).withContextLength(32).withLayers(1),
                data, RunSpec.training(300, 1e-2, 42));
        RunSpec back = RunSpec.GSON.fromJson(RunSpec.GSON.toJson(base), RunSpec.class);
        assertEquals(base, back);
        Sweep sweep = Sweep.of(SweepSpec.of("completions", base).withGrid("model.dModel", 16, 32),
                dir.resolve("runs"));
        sweep.run(LocalExecutor.inProcess());
        Table results = sweep.results();
        assertEquals(2, results.rowCount());
        TokenBatches held = data.dataset();
        for (RunSpec run : sweep.runs()) {
            double tabulated = results.where(results.stringColumn("run").isEqualTo(run.name()))
                    .doubleColumn("val_loss").get(0);
            // an untrained model's loss is about ln V; the completion's alphabet and its stop are easy to learn
            assertTrue(tabulated < Math.log(chars.vocabSize()) - 0.75, run.name() + ": completion-only validation"
                    + " loss " + tabulated + ", ln V = " + Math.log(chars.vocabSize()));
            try (TrainingClient client = TrainingClient.create(run.model(), 42)) {
                client.loadState(Pretrain.latestCheckpoint(dir.resolve("runs").resolve(run.name())));
                assertEquals(tabulated, client.evaluate(held.validation(8), 1.0).loss(), 1e-4, run.name()
                        + ": the saved model scores what the runs table says");
            }
        }
    }
}
