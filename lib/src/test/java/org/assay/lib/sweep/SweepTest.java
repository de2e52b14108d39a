package org.assay.lib.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assay.lib.data.SyntheticLanguage;
import org.assay.lib.model.GptConfig;
import org.assay.lib.runs.Runs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;
import org.assay.lib.train.RunSpec;
import org.assay.lib.train.Trainer;
import org.assay.lib.train.TrainCommand;

class SweepTest {

    static final SyntheticLanguage.Config LANG = SyntheticLanguage.small(1).config();

    static RunSpec base(long steps) {
        return new RunSpec("base", GptConfig.tiny(LANG.alphabetSize()).withContextLength(16).withWidth(16, 2)
                .withLayers(1), RunSpec.Data.synthetic(LANG, 20_000, 7, 4, 16), RunSpec.training(steps, 1e-2, 42));
    }

    @Test
    void isoFlopRunsSpendTheirBudgetByTheModelsOwnAccounting() {
        RunSpec b = base(10);
        List<IsoFlop.Shape> shapes = List.of(new IsoFlop.Shape(1, 16, 2), new IsoFlop.Shape(2, 32, 2));
        IsoFlop.Plan plan = IsoFlop.plan(b, new double[] {1e9, 4e9}, shapes, 5);
        for (RunSpec r : plan.runs()) {
            double budget = r.name().startsWith("C1.00e09") ? 1e9 : 4e9;
            long expected = Math.round(budget / r.model().trainingFlopsPerToken() / (4 * 16));
            assertEquals(expected, r.train().steps(), r.name());
            assertEquals(budget, r.flops(), r.model().trainingFlopsPerToken() * 64, r.name()); // within one step
        }
        // the big shape at the small budget has fewer than 5 steps: listed as skipped, not silently dropped
        double bigFlopsPerStep = shapes.get(1).apply(b.model()).trainingFlopsPerToken() * 64;
        boolean bigSkipped = Math.round(1e9 / bigFlopsPerStep) < 5;
        assertEquals(bigSkipped ? 3 : 4, plan.runs().size());
        assertEquals(bigSkipped ? 1 : 0, plan.skipped().size());
        SweepSpec spec = SweepSpec.of("iso", b).withIsoFlop(new double[] {1e9, 4e9}, shapes, 5);
        assertEquals(plan.skipped(), spec.skipped(), "the sweep says what its plan left out");
        var e = assertThrows(IllegalArgumentException.class, () -> IsoFlop.plan(b, new double[] {-1}, shapes, 1));
        assertTrue(e.getMessage().contains("budgets must be finite and > 0, got -1.0 at index 0"), e.getMessage());
    }

    @Test
    void gridAndZipExpandAndSurviveJson(@TempDir Path dir) throws Exception {
        SweepSpec spec = SweepSpec.of("s", base(10)).withGrid("train.learningRate", 0.01, 0.003)
                .withZip("model.layers", 1, 2).withZip("model.dModel", 16, 32);
        List<RunSpec> runs = spec.expand();
        assertEquals(4, runs.size());
        assertEquals("s-learningRate=0.003-layers=2-dModel=32", runs.get(3).name());
        assertEquals(2, runs.get(3).model().layers());
        assertEquals(32, runs.get(3).model().dModel());
        assertEquals(0.003, runs.get(3).train().optimizer().learningRate());
        Path file = dir.resolve("spec.json");
        Files.writeString(file, spec.toJson());
        assertEquals(runs, SweepSpec.read(file).expand());

        var e = assertThrows(IllegalArgumentException.class, () -> SweepSpec.of("s", base(10))
                .withGrid("train.lr", 0.1).expand());
        assertTrue(e.getMessage().contains("axis 'train.lr' does not name a field"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SweepSpec.of("s", base(10))
                .withZip("model.layers", 1, 2).withZip("model.dModel", 16));
        assertTrue(e.getMessage().contains("zip lists must have one length, got 2 and 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SweepSpec.of("s", base(10))
                .withGrid("model.layers", 0).expand());
        assertTrue(e.getMessage().contains("layers"), e.getMessage());
    }

    @Test
    void localSweepRunsOnceSkipsFinishedRunsAndTabulatesResults(@TempDir Path out) {
        Sweep sweep = Sweep.of(SweepSpec.of("t", base(6)).withZip("model.layers", 1, 2), out);
        List<Executor.RunStatus> first = sweep.run(LocalExecutor.inProcess());
        assertEquals(List.of(Executor.State.SUCCEEDED, Executor.State.SUCCEEDED),
                first.stream().map(Executor.RunStatus::state).toList());
        List<Executor.RunStatus> again = sweep.run(LocalExecutor.inProcess());
        assertEquals(List.of(Executor.State.SKIPPED, Executor.State.SKIPPED),
                again.stream().map(Executor.RunStatus::state).toList());
        Table t = sweep.results();
        assertEquals(2, t.rowCount());
        for (int i = 0; i < 2; i++) {
            RunSpec r = sweep.runs().get(i);
            assertEquals(r.model().nonEmbeddingParameters(), t.doubleColumn("N").get(i));
            assertEquals(r.tokens(), t.doubleColumn("D").get(i));
            assertEquals(r.flops(), t.doubleColumn("C").get(i), 1e-6 * r.flops());
            assertTrue(t.doubleColumn("best_val_loss").get(i) <= t.doubleColumn("val_loss").get(i));
        }
        assertEquals(List.of("done", "done"), sweep.status().stringColumn("state").asList());
        Table seeds = Sweep.of(SweepSpec.of("u", base(3)).withGrid("train.learningRate", 0.01, 0.02), out).results();
        assertEquals(0, seeds.rowCount(), "no run of that sweep has finished");
        assertTrue(Files.isRegularFile(out.resolve(".sweep").resolve(sweep.runs().get(0).name() + ".json")));
    }

    @Test
    void anInterruptStopsAnInProcessSweepAfterTheRunInFlight(@TempDir Path out) throws Exception {
        Sweep sweep = Sweep.of(SweepSpec.of("i", base(4000)).withGrid("train.seed", 1, 2, 3), out);
        java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                sweep.run(LocalExecutor.inProcess());
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        Path first = out.resolve(sweep.runs().get(0).name()).resolve("metrics.jsonl");
        while (t.isAlive() && !(Files.isRegularFile(first) && Files.size(first) > 0)) {
            Thread.sleep(5);
        }
        long at = System.nanoTime();
        t.interrupt();
        t.join(10_000);
        assertFalse(t.isAlive());
        assertTrue((System.nanoTime() - at) / 1e9 < 5, "stopped within seconds (a step and a checkpoint)");
        assertTrue(thrown.get() instanceof java.util.concurrent.CancellationException, String.valueOf(thrown.get()));
        assertTrue(thrown.get().getMessage().contains("interrupted after 1 of 3 runs"), thrown.get().getMessage());
        assertFalse(Files.exists(out.resolve(sweep.runs().get(1).name())), "the next runs did not start");
        assertEquals("partial", sweep.status().stringColumn("state").get(0));
    }

    @Test
    void anInterruptedRunResumesToTheSameResultAsAnUninterruptedOne(@TempDir Path out) throws Exception {
        RunSpec spec = base(30).withTrain(RunSpec.training(30, 1e-2, 42).withEvaluation(0, 4)
                .withCheckpointEvery(5).withKeepCheckpoints(0));
        assertEquals(Trainer.Outcome.TRAINED, Trainer.run(spec.withName("straight"), out));

        RunSpec broken = spec.withName("broken");
        Thread worker = new Thread(() -> Trainer.run(broken, out));
        worker.start();
        Path checkpoints = out.resolve("broken").resolve("checkpoints");
        while (worker.isAlive() && !(Files.isDirectory(checkpoints) && Files.list(checkpoints).findAny().isPresent())) {
            Thread.sleep(5);
        }
        worker.interrupt(); // Pretrain stops after this step with a checkpoint, as a notebook's stop button does
        worker.join();
        if (!Trainer.isDone(out.resolve("broken"))) { // interrupted before the end, as intended
            assertEquals(Trainer.Outcome.RESUMED, Trainer.run(broken, out));
        }
        assertTrue(Trainer.isDone(out.resolve("broken")));
        Table a = Runs.metrics(out.resolve("straight"));
        Table b = Runs.metrics(out.resolve("broken"));
        assertEquals(a.doubleColumn("loss").asList(), b.doubleColumn("loss").asList());
        assertEquals(Trainer.Outcome.ALREADY_DONE, Trainer.run(broken, out));
    }

    @Test
    void aFailedRunIsReportedWithItsReasonAndCanBeRetriedAlone(@TempDir Path out) throws Exception {
        Path corpus = out.resolve("corpus.txt");
        RunSpec.Data text = RunSpec.Data.text(corpus, 4, 16);
        RunSpec needsFile = new RunSpec("needs-file", base(4).model(), text, RunSpec.training(4, 1e-2, 1));
        SweepSpec spec = SweepSpec.of("f", base(4)).withGrid("train.seed", 1, 2);
        Sweep sweep = Sweep.of(spec, out);
        List<Executor.RunStatus> s = sweep.run(LocalExecutor.inProcess());
        assertEquals(2, s.stream().filter(x -> x.state() == Executor.State.SUCCEEDED).count());
        assertEquals(List.of(1.0, 2.0), sweep.results().doubleColumn("seed").asList(), "the grid axis as a column");

        Sweep withText = Sweep.of(SweepSpec.of("g", needsFile), out);
        Executor.RunStatus failed = withText.run(LocalExecutor.inProcess()).get(0);
        assertEquals(Executor.State.FAILED, failed.state());
        assertTrue(failed.detail().contains("corpus.txt"), failed.detail());
        assertFalse(Trainer.isDone(out.resolve("g")));
        // the two runs of the other sweep are untouched
        assertTrue(Trainer.isDone(out.resolve(sweep.runs().get(0).name())));

        Files.writeString(corpus, "abcdefgh".repeat(2000)); // the cause fixed: the file now exists
        // the char tokenizer of this corpus has 8 symbols, as the model's vocabulary
        Executor.RunStatus retried = withText.retry("g", LocalExecutor.inProcess()).get(0);
        assertEquals(Executor.State.SUCCEEDED, retried.state(), retried.detail());
        var e = assertThrows(IllegalArgumentException.class, () -> withText.retry("nope", LocalExecutor.inProcess()));
        assertTrue(e.getMessage().contains("no run named 'nope'"), e.getMessage());
    }

    @Test
    void aFolderThatIsNotARunIsNeverDeleted(@TempDir Path out) throws Exception {
        Path precious = out.resolve("mine");
        Files.createDirectories(precious);
        Files.writeString(precious.resolve("notes.txt"), "keep me");
        var e = assertThrows(IllegalArgumentException.class, () -> Trainer.run(base(3).withName("mine"), out));
        assertTrue(e.getMessage().contains("is not a run directory"), e.getMessage());
        assertEquals("keep me", Files.readString(precious.resolve("notes.txt")));
    }

    @Test
    void slurmScriptAsksForTheSweepsResources(@TempDir Path out) {
        SweepSpec spec = SweepSpec.of("s", base(4)).withGrid("train.seed", 1, 2, 3)
                .withResources(new SweepSpec.Resources(4, "8G", 1, "00:20:00", "gpu"));
        String script = SlurmExecutor.of(2).script(spec.expand(), out, spec.resources());
        for (String line : List.of("#SBATCH --array=0-2%2", "#SBATCH --cpus-per-task=4", "#SBATCH --mem=8G",
                "#SBATCH --time=00:20:00", "#SBATCH --partition=gpu", "#SBATCH --gres=gpu:1",
                "org.assay.lib.train.TrainCommand", "\"${SPECS[$SLURM_ARRAY_TASK_ID]}\"")) {
            assertTrue(script.contains(line), line + " missing from:\n" + script);
        }
        assertEquals(3, script.lines().filter(l -> l.contains(".sweep/s-seed=")).count());
    }

    @Test
    void trainCommandExitStatus(@TempDir Path out) throws Exception {
        assertEquals(2, TrainCommand.run(new String[] {"--config"}));
        Path config = out.resolve("run.json");
        Files.writeString(config, "{\"name\": \"x\"}");
        assertEquals(1, TrainCommand.run(new String[] {"--config", config.toString(), "--out", out.toString()}));
        Files.writeString(config, base(3).withName("ok").toJson());
        assertEquals(0, TrainCommand.run(new String[] {"--config", config.toString(), "--out", out.toString()}));
        assertTrue(Trainer.isDone(out.resolve("ok")));
    }
}
