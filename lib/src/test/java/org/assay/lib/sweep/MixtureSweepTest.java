package org.assay.lib.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assay.lib.data.SyntheticLanguage;
import org.assay.lib.data.TokenFile;
import org.assay.lib.model.GptConfig;
import org.assay.lib.runs.RunSummary;
import org.assay.lib.train.RunSpec;
import org.assay.lib.train.RunSpec.Data.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class MixtureSweepTest {

    static Source language(double weight, long seed) {
        return Source.synthetic(weight, new SyntheticLanguage.Config(8, 1, 0.5, seed), 6_000, seed + 100);
    }

    /** Three languages trained on, and a fourth held out only: the target a mixture is chosen for. */
    static RunSpec.Data data() {
        Map<String, Source> sources = new LinkedHashMap<>();
        sources.put("a", language(1, 1));
        sources.put("b", language(1, 2));
        sources.put("c", language(2, 3));
        sources.put("heldout", language(0, 4));
        return RunSpec.Data.mixture(sources, 4, 16);
    }

    static RunSpec base(RunSpec.Data data, long steps) {
        return new RunSpec("mix", GptConfig.tiny(8).withContextLength(16).withWidth(16, 2).withLayers(1), data,
                RunSpec.training(steps, 1e-2, 42));
    }

    static Map<String, Double> weights(RunSpec r) {
        return r.data().weights();
    }

    @Test
    void theSimplexGridCoversEveryMixtureOfTheTrainedSourcesAndKeepsHeldOutSourcesAtZero() {
        List<RunSpec> runs = SweepSpec.of("m", base(data(), 5)).withMixtureGrid(2).expand();
        assertEquals(6, runs.size(), "multiples of 1/2 over three sources: 3 corners + 3 midpoints");
        assertEquals("m-mix0", runs.get(0).name());
        for (RunSpec r : runs) {
            var s = r.data().sources();
            assertEquals(1.0, s.get("a").weight() + s.get("b").weight() + s.get("c").weight(), 1e-12, r.name());
            assertEquals(0.0, s.get("heldout").weight(), r.name());
        }
        assertEquals(Map.of("a", 1.0, "b", 0.0, "c", 0.0, "heldout", 0.0), weights(runs.get(0)));
        assertEquals(Map.of("a", 0.0, "b", 0.5, "c", 0.5, "heldout", 0.0), weights(runs.get(4)));
    }

    @Test
    void randomMixturesAreRegMixsDirichletDrawsAndReproducible(@TempDir Path dir) throws Exception {
        SweepSpec spec = SweepSpec.of("r", base(data(), 5)).withRandomMixtures(200, 1.0, 7);
        List<RunSpec> runs = spec.expand();
        assertEquals(200, runs.size());
        assertEquals("r-mix007", runs.get(7).name());
        double[] mean = new double[3];
        for (RunSpec r : runs) {
            var w = weights(r);
            assertEquals(1.0, w.get("a") + w.get("b") + w.get("c"), 1e-12);
            mean[0] += w.get("a") / 200;
            mean[2] += w.get("c") / 200;
        }
        // Dirichlet(1 x 3 x base) with base weights 1:1:2 has means 1/4 and 1/2; sd of a mean of 200 draws ~0.014
        assertEquals(0.25, mean[0], 0.05);
        assertEquals(0.5, mean[2], 0.06);
        Path file = dir.resolve("sweep.json");
        Files.writeString(file, spec.toJson());
        assertEquals(runs, SweepSpec.read(file).expand(), "same spec, same mixtures");
        assertTrue(!runs.equals(SweepSpec.of("r", base(data(), 5)).withRandomMixtures(200, 1.0, 8).expand()));
    }

    @Test
    void aMixtureSweepTabulatesWeightsAndALossPerSourceAndOnTheTarget(@TempDir Path out) {
        RunSpec.Data target = data().withTarget(Map.of("a", 0.25, "heldout", 0.75));
        Sweep sweep = Sweep.of(SweepSpec.of("t", base(target, 12)).withMixtureGrid(1), out);
        assertTrue(sweep.run(LocalExecutor.inProcess()).stream().allMatch(s -> s.state() == Executor.State.SUCCEEDED));
        Table t = sweep.results();
        assertEquals(3, t.rowCount());
        for (int i = 0; i < 3; i++) {
            double a = t.doubleColumn("val_loss_a").get(i);
            double heldout = t.doubleColumn("val_loss_heldout").get(i);
            assertTrue(a > 0 && heldout > 0 && t.doubleColumn("val_loss_b").get(i) > 0);
            assertEquals(0.25 * a + 0.75 * heldout, t.doubleColumn("val_loss").get(i), 1e-9,
                    "val_loss is the target's: Σ w_i · loss_i");
            assertEquals(0.0, t.doubleColumn("w_heldout").get(i));
        }
        assertEquals(1.0, t.doubleColumn("w_a").get(0));
        // the run trained on a alone has the lowest loss on a
        assertEquals(t.doubleColumn("val_loss_a").min(), t.doubleColumn("val_loss_a").get(0));
        RunSummary s = RunSummary.read(out.resolve("t-mix0"));
        assertEquals(List.of("a", "b", "c", "heldout"), List.copyOf(s.valLossBySource().keySet()));
    }

    @Test
    void tokenFilesTrainAsTheyAreAndIdsOutsideTheVocabularyAreRefused(@TempDir Path dir) throws Exception {
        int[] ids = new int[4000];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (i * 7) % 11;
        }
        Path file = dir.resolve("train.bin");
        TokenFile.write(file, ids);
        assertEquals(8000, Files.size(file));
        assertEquals(java.util.Arrays.toString(ids), java.util.Arrays.toString(TokenFile.read(file)));

        Map<String, Source> sources = new LinkedHashMap<>();
        sources.put("x", Source.tokens(1, file));
        sources.put("y", Source.tokens(1, file));
        GptConfig model = GptConfig.tiny(11).withContextLength(16).withWidth(16, 2).withLayers(1);
        RunSpec ok = new RunSpec("tok", model, RunSpec.Data.mixture(sources, 4, 16), RunSpec.training(3, 1e-2, 1));
        assertEquals(2, ((org.assay.lib.data.TokenDataset) ok.dataset()).sources().size());
        RunSpec small = ok.withModel(model.withVocabSize(10));
        var e = assertThrows(IllegalArgumentException.class, small::dataset);
        assertEquals("RunSpec.dataset: run 'tok': the token files hold id 10, not below model.vocabSize 10",
                e.getMessage());
        var none = assertThrows(IllegalStateException.class, () -> RunSpec.Data.tokens(file, 4, 16).tokenizer());
        assertTrue(none.getMessage().startsWith("RunSpec.Data.tokenizer: token files (kind 'tokens') hold ids made by"
                + " a tokenizer of their own"), none.getMessage());
    }

    @Test
    void badMixturesAreClearErrors(@TempDir Path dir) throws Exception {
        Path half = dir.resolve("half.bin");
        Files.write(half, new byte[] {1, 0, 2});
        var e = assertThrows(IllegalArgumentException.class, () -> TokenFile.read(half));
        assertEquals("TokenFile.read: " + half + " must hold 2 bytes per token (uint16, little-endian, nanoGPT's .bin),"
                + " got 3 bytes (truncated?)", e.getMessage());

        Map<String, Source> mixed = new LinkedHashMap<>();
        mixed.put("lang", language(1, 1));
        mixed.put("ids", Source.tokens(1, half));
        e = assertThrows(IllegalArgumentException.class, () -> RunSpec.Data.mixture(mixed, 4, 16));
        assertEquals("RunSpec.Data: a mixture's sources must be all text-like (synthetic, text; tokenized together) or"
                + " all token files (tokenized already), got {lang=synthetic, ids=tokens}", e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> data().withTarget(Map.of("d", 1.0)));
        assertEquals("RunSpec.Data: target names 'd', not a source; the sources are [a, b, c, heldout]",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> data().withWeights(Map.of("a", 0.0, "b", 0.0,
                "c", 0.0)));
        assertEquals("RunSpec.Data: at least one source must have weight > 0, got {a=0.0, b=0.0, c=0.0, heldout=0.0}",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RunSpec.Data.mixture(Map.of("a b", language(1, 1)),
                4, 16));
        assertTrue(e.getMessage().contains("a source's name must be letters, digits and . _ -"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> base(data(), 5).withModel(GptConfig.tiny(9)
                .withContextLength(16).withWidth(16, 2).withLayers(1)));
        assertEquals("RunSpec: model.vocabSize must equal the largest alphabetSize of the mixture's synthetic sources"
                + " (their alphabets share symbols), got 9 and 8", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SweepSpec.of("s", SweepTest.base(5))
                .withMixtureGrid(2));
        assertEquals("SweepSpec: a mixture axis needs base data of kind 'mixture', got 'synthetic'", e.getMessage());
        String json = base(data(), 5).toJson().replace("\"weight\": 2.0", "\"weight\": -2.0");
        e = assertThrows(IllegalArgumentException.class, () -> RunSpec.fromJson(
                com.google.gson.JsonParser.parseString(json), "spec.json"));
        assertEquals("RunSpec.fromJson: spec.json: RunSpec.Data.Source: weight must be >= 0 and finite, got -2.0",
                e.getMessage());
    }
}
