package org.assay.lib.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.assay.lib.train.RunSpec;
import org.assay.lib.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/**
 * A run directory written by the code before typed metrics, run locks and run.json (commit c0c36b7, by
 * {@code ./assay train --config run-c0c36b7.spec.json}) still loads, reads back through the metric records, counts as
 * done, resumes, and is guarded against a changed spec.
 */
class OldRunDirectoryTest {
    @TempDir
    Path out;

    private Path copy() throws Exception {
        Path from = Path.of("src/test/resources/fixtures/run-c0c36b7");
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path to = out.resolve("run-c0c36b7").resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        return out.resolve("run-c0c36b7");
    }

    private static RunSpec spec() {
        return RunSpec.read(Path.of("src/test/resources/fixtures/run-c0c36b7.spec.json"));
    }

    @Test
    void itsSpecInTheOlderFormReadsAsTheOneTrainingConfig() {
        var train = spec().train(); // {"learningRate": 0.01, "warmupFraction": 0.1, ...}, no optimizer, no accumulation
        assertEquals(org.assay.lib.train.AdamW.defaults().withLearningRate(0.01), train.optimizer());
        assertEquals(1, train.gradAccumulation());
        assertEquals(1, train.warmupSteps(), "the config.json of c0c36b7 says warmupSteps 1");
        assertEquals(spec(), RunSpec.fromJson(spec().toJsonTree(), "the current form"));
    }

    @Test
    void itLoadsAndReadsBackThroughTheRecords() throws Exception {
        Path run = copy();
        Table metrics = Runs.metrics(run);
        assertEquals(12, metrics.rowCount());
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        for (int i = 0; i < lines.size(); i++) {
            TrainingStep s = Metrics.fromMap(TrainingStep.class, RunDir.parseLine(lines.get(i)));
            assertEquals(i + 1, s.step());
            assertEquals(metrics.doubleColumn(TrainingStep.LOSS).get(i), s.loss());
            assertEquals(s.step() % 6 == 0, s.valLoss() != null, "evaluated every 6 steps");
        }
        RunSummary summary = RunSummary.read(run);
        assertEquals(12, summary.steps());
        assertEquals(metrics.doubleColumn(TrainingStep.LOSS).get(11), summary.loss());
        assertTrue(RunSummary.isDone(run));
        assertEquals(1, Runs.load(out).rowCount());
        assertTrue(Runs.open(run).toMimeBundle().get(org.assay.display.MimeBundle.TEXT).startsWith("run run-c0c36b7: loss "));
    }

    @Test
    void itIsDoneForItsOwnSpecAndRefusesAChangedOne() throws Exception {
        copy();
        assertEquals(Trainer.Outcome.ALREADY_DONE, Trainer.run(spec(), out));
        RunSpec faster = spec().withTrain(spec().train().withOptimizer(
                spec().train().optimizer().withLearningRate(0.05)));
        var e = assertThrows(IllegalArgumentException.class, () -> Trainer.run(faster, out));
        assertTrue(e.getMessage().contains("optimizer.learningRate: 0.01 -> 0.05"), e.getMessage());
    }

    @Test
    void itResumesFromItsCheckpointWithTheCurrentCode() throws Exception {
        Path run = copy();
        List<String> before = Files.readAllLines(run.resolve("metrics.jsonl"));
        Files.delete(run.resolve("result.json")); // as a kill after the last checkpoint would leave it
        assertEquals(Trainer.Outcome.RESUMED, Trainer.run(spec(), out));
        assertEquals(before, Files.readAllLines(run.resolve("metrics.jsonl")), "nothing retrained or lost");
        assertEquals(12, RunSummary.read(run).steps());
        assertTrue(RunSummary.isDone(run));
    }
}
