package org.assay.lib.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.assay.base.Checks;
import org.assay.base.AtomicFiles;
import org.assay.display.Display;
import org.assay.display.Progress;
import org.assay.lib.engine.Torch;
import org.assay.lib.model.GptConfig;
import org.assay.lib.model.Precision;
import org.assay.lib.runs.RunDir;
import org.assay.lib.runs.RunLock;
import org.assay.lib.runs.Metrics;
import org.assay.lib.runs.RunSummary;
import org.assay.lib.runs.TrainingStep;
import org.assay.lib.viz.LiveChart;

/**
 * A ready pretraining loop for when the loop is not the point: AdamW with warmup and cosine (or
 * warmup-stable-decay) learning rates, gradient accumulation, periodic evaluation and checkpoints, every step's
 * metrics in the run directory, and in a notebook a progress bar and a live loss chart. An interrupt (the kernel's
 * stop button) ends it after the current step with a checkpoint written; {@link #resume} continues a run from its
 * latest checkpoint, bit-identically on CPU.
 *
 * <p>The loop it runs is the one a notebook can write from the primitives:
 * <pre>{@code
 * for (long step = 0; step < steps; step++) {
 *     for (int k = 0; k < accumulation; k++) client.forwardBackward(data.train(step * accumulation + k));
 *     client.optimStep(adam.withLearningRate(schedule.at(step)));
 * }
 * }</pre>
 */
public final class Pretrain {
    private Pretrain() {
    }

    /**
     * The one training configuration: what {@link #run} takes, and the {@code "train"} part of a {@link RunSpec} (so
     * of every sweep and Slurm task). The model is not part of it, as in Hugging Face, where the model's config and
     * the {@code TrainingArguments} are two objects.
     *
     * @param steps            optimizer steps
     * @param gradAccumulation micro-batches per optimizer step
     * @param optimizer        AdamW; its learning rate is the peak of the schedule
     * @param schedule         cosine (warmup then cosine to minLrRatio·peak), wsd (warmup-stable-decay, the last 20%
     *                         decaying) or constant
     * @param warmupFraction   linear warmup as a fraction of the steps (Hugging Face's {@code warmup_ratio}), so a
     *                         sweep over steps keeps it in proportion; {@link #warmupSteps} rounds it
     * @param minLrRatio       final learning rate as a fraction of the peak
     * @param evalEvery        evaluate every this many steps (and at the end); 0 only at the end
     * @param evalBatches      validation batches per evaluation
     * @param checkpointEvery  write a checkpoint every this many steps (and at the end); 0 only at the end
     * @param keepCheckpoints  how many of the newest checkpoints to keep, besides the one with the best validation loss
     *                         (older ones are deleted as new ones are written); 0 (or absent from a spec's JSON) keeps
     *                         all
     * @param seed             model initialisation and dropout
     * @param precision        of the matrix products: float32, or bfloat16 with float32 master weights ({@link
     *                         Precision}; {@code "precision": "bfloat16"} in a spec, float32 when absent)
     */
    public record Config(long steps, int gradAccumulation, AdamW optimizer, LrSchedule.Kind schedule,
                         double warmupFraction, double minLrRatio, int evalEvery, int evalBatches, int checkpointEvery,
                         int keepCheckpoints, long seed, Precision precision) {
        public Config {
            require(steps >= 1, "steps must be >= 1", String.valueOf(steps));
            require(gradAccumulation >= 1, "gradAccumulation must be >= 1", String.valueOf(gradAccumulation));
            require(optimizer != null, "optimizer must be set", "null");
            require(schedule != null, "schedule must be cosine, wsd or constant",
                    "null (a missing or misspelt \"schedule\")");
            require(warmupFraction >= 0 && warmupFraction <= 1, "warmupFraction must be in [0, 1]",
                    String.valueOf(warmupFraction));
            require(minLrRatio >= 0 && minLrRatio <= 1, "minLrRatio must be in [0, 1]", String.valueOf(minLrRatio));
            require(evalEvery >= 0 && evalBatches >= 1 && checkpointEvery >= 0,
                    "evalEvery and checkpointEvery must be >= 0 and evalBatches >= 1",
                    "evalEvery=" + evalEvery + ", evalBatches=" + evalBatches + ", checkpointEvery=" + checkpointEvery);
            require(keepCheckpoints >= 0, "keepCheckpoints must be >= 0 (0 keeps all)", String.valueOf(keepCheckpoints));
            require(precision != null, "precision must be FLOAT32 or BFLOAT16", "null");
        }

        private static void require(boolean ok, String constraint, String got) {
            Checks.require(ok, "Pretrain.Config", constraint, got);
        }

        /**
         * Cosine schedule with 5% warmup to a tenth of the peak, evaluation and checkpoints every 10% of the run, the
         * newest {@value #KEEP_CHECKPOINTS} checkpoints and the best kept, AdamW's defaults.
         */
        public static Config of(long steps) {
            int tenth = (int) Math.max(1, steps / 10);
            return new Config(steps, 1, AdamW.defaults(), LrSchedule.Kind.COSINE, 0.05, 0.1, tenth, 4, tenth,
                    KEEP_CHECKPOINTS, 0, Precision.FLOAT32);
        }

        /** The newest checkpoints {@link #of} keeps besides the best. */
        public static final int KEEP_CHECKPOINTS = 3;

        /** Warmup steps: {@code warmupFraction × steps}, rounded. */
        public long warmupSteps() {
            return Math.min(steps, Math.round(warmupFraction * steps));
        }

        public Config withKeepCheckpoints(int k) {
            return new Config(steps, gradAccumulation, optimizer, schedule, warmupFraction, minLrRatio, evalEvery,
                    evalBatches, checkpointEvery, k, seed, precision);
        }

        /**
         * This configuration for {@code n} steps. The warmup, a fraction, stays in proportion; the evaluation and
         * checkpoint intervals, in steps, stay as they are ({@link #of} sets them in proportion to the steps).
         */
        public Config withSteps(long n) {
            return new Config(n, gradAccumulation, optimizer, schedule, warmupFraction, minLrRatio, evalEvery,
                    evalBatches, checkpointEvery, keepCheckpoints, seed, precision);
        }

        public Config withOptimizer(AdamW a) {
            return new Config(steps, gradAccumulation, a, schedule, warmupFraction, minLrRatio, evalEvery,
                    evalBatches, checkpointEvery, keepCheckpoints, seed, precision);
        }

        public Config withSchedule(LrSchedule.Kind s, double warmup, double minRatio) {
            return new Config(steps, gradAccumulation, optimizer, s, warmup, minRatio, evalEvery, evalBatches,
                    checkpointEvery, keepCheckpoints, seed, precision);
        }

        public Config withGradAccumulation(int k) {
            return new Config(steps, k, optimizer, schedule, warmupFraction, minLrRatio, evalEvery, evalBatches,
                    checkpointEvery, keepCheckpoints, seed, precision);
        }

        public Config withEvaluation(int every, int batches) {
            return new Config(steps, gradAccumulation, optimizer, schedule, warmupFraction, minLrRatio, every,
                    batches, checkpointEvery, keepCheckpoints, seed, precision);
        }

        public Config withCheckpointEvery(int every) {
            return new Config(steps, gradAccumulation, optimizer, schedule, warmupFraction, minLrRatio, evalEvery,
                    evalBatches, every, keepCheckpoints, seed, precision);
        }

        /** Matrix products in bfloat16 with float32 master weights, or float32 ({@link Precision}). */
        public Config withPrecision(Precision p) {
            return new Config(steps, gradAccumulation, optimizer, schedule, warmupFraction, minLrRatio, evalEvery,
                    evalBatches, checkpointEvery, keepCheckpoints, seed, p);
        }

        public Config withSeed(long s) {
            return new Config(steps, gradAccumulation, optimizer, schedule, warmupFraction, minLrRatio, evalEvery,
                    evalBatches, checkpointEvery, keepCheckpoints, s, precision);
        }

        LrSchedule lrSchedule() {
            double peak = optimizer.learningRate();
            long warmup = warmupSteps();
            return switch (schedule) {
                case COSINE -> LrSchedule.warmupCosine(peak, warmup, steps, peak * minLrRatio);
                case WSD -> LrSchedule.warmupStableDecay(peak, warmup, steps, 0.2, peak * minLrRatio);
                case CONSTANT -> LrSchedule.constant(peak);
            };
        }
    }

    /**
     * @param runDir        where the run was written
     * @param steps         optimizer steps taken
     * @param tokens        training tokens seen
     * @param flops         training FLOPs ({@link GptConfig#trainingFlopsPerToken()} × tokens)
     * @param loss          last training loss
     * @param valLoss       last validation loss (nats/token)
     * @param valBpb        last validation bits per byte
     * @param interrupted   stopped early by an interrupt (a checkpoint was written)
     * @param seconds       wall time of this call
     * @param valLossBySource last validation loss of each source, for data of several sources; null otherwise
     */
    public record Result(Path runDir, long steps, long tokens, double flops, double loss, double valLoss,
                         double valBpb, boolean interrupted, double seconds, Map<String, Double> valLossBySource) {
        /** What {@code result.json} keeps of it. */
        public RunSummary summary() {
            return new RunSummary(steps, tokens, flops, loss, valLoss, valBpb, interrupted, valLossBySource);
        }
    }

    /** Trains {@code model} from scratch as a new run {@code runsRoot/name}. */
    public static Result run(GptConfig model, Config config, TokenBatches data, Path runsRoot, String name) {
        Checks.require(model != null, "Pretrain.run", "model must be set", "null");
        try (RunDir run = RunDir.create(runsRoot, name, configJson(model, config, data.rows()), config.seed());
             TrainingClient client = TrainingClient.create(model, config.seed())) {
            client.setPrecision(config.precision());
            return loop(model, config, data, run, client);
        }
    }

    /**
     * Continues the run in {@code runDir} from its newest readable checkpoint, with the same configuration and data. A
     * newer checkpoint that does not read back whole (a flipped byte, an empty {@code state.json}) is moved aside to
     * {@code checkpoints/corrupt-step-N}, said on stderr, and the one before it is used.
     */
    public static Result resume(Path runDir, GptConfig model, Config config, TokenBatches data) {
        Checks.require(model != null, "Pretrain.resume", "model must be set", "null");
        try (RunLock lock = RunLock.acquire("Pretrain.resume", runDir);
             TrainingClient client = TrainingClient.create(model, config.seed())) {
            client.setPrecision(config.precision());
            newestValidCheckpoint(runDir, client::loadState);
            try (RunDir run = RunDir.resume(runDir, client.step())) {
                return loop(model, config, data, run, client);
            }
        }
    }

    /**
     * What a run's {@code config.json} says: the model, this configuration (as {@code "pretrain"}), the batch rows, and
     * the model's parameter and FLOP counts. (Runs written before 2026-12-02 have the model inside {@code "pretrain"},
     * and {@code warmupSteps} instead of {@code warmupFraction}.)
     */
    public static Map<String, Object> configJson(GptConfig model, Config config, int rows) {
        Map<String, Object> stored = new LinkedHashMap<>();
        stored.put("model", model);
        stored.put("pretrain", config);
        stored.put("rows", rows);
        stored.put("parameters", model.parameters());
        stored.put("non_embedding_parameters", model.nonEmbeddingParameters());
        stored.put("flops_per_token", model.trainingFlopsPerToken());
        return stored;
    }

    /** The checkpoint of the highest step under {@code runDir/checkpoints}. */
    public static Path latestCheckpoint(Path runDir) {
        List<Path> all = checkpoints(runDir);
        if (all.isEmpty()) {
            throw noCheckpoint(runDir);
        }
        return all.get(0);
    }

    private static IllegalArgumentException noCheckpoint(Path runDir) {
        return new IllegalArgumentException("Pretrain.resume: " + runDir + " has no checkpoint to resume from");
    }

    /** Checkpoint folders {@code step-N} with a {@code state.json}, newest first. */
    static List<Path> checkpoints(Path runDir) {
        Path dir = runDir.resolve("checkpoints");
        try (Stream<Path> s = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            return s.filter(p -> p.getFileName().toString().matches("step-\\d+")
                            && Files.isRegularFile(p.resolve("state.json")))
                    .sorted(java.util.Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Pretrain.resume(" + runDir + "): " + e.getMessage(), e);
        }
    }

    /**
     * Reads the newest checkpoint that reads back whole, once, and hands it to {@code use}; corrupt newer ones are
     * moved aside. Called with the run locked.
     */
    static void newestValidCheckpoint(Path runDir, java.util.function.BiConsumer<Path, Checkpoint> use) {
        List<Path> all = checkpoints(runDir);
        if (all.isEmpty()) {
            throw noCheckpoint(runDir);
        }
        for (Path c : all) {
            Checkpoint read;
            try {
                read = Checkpoint.read(c);
            } catch (IllegalArgumentException | UncheckedIOException e) {
                Path aside = setAside(c);
                System.err.println("Pretrain.resume: checkpoint " + c.getFileName() + " of " + runDir
                        + " is unreadable (" + e.getMessage() + "); moved it to " + aside.getFileName()
                        + " and resuming from the one before it");
                continue;
            }
            use.accept(c, read);
            return;
        }
        throw new IllegalArgumentException("Pretrain.resume: " + runDir + " has no readable checkpoint: all "
                + all.size() + " were corrupt and were moved to checkpoints/corrupt-step-*");
    }

    private static Path setAside(Path checkpoint) {
        Path aside = checkpoint.resolveSibling("corrupt-" + checkpoint.getFileName());
        for (int k = 2; Files.exists(aside); k++) {
            aside = checkpoint.resolveSibling("corrupt-" + checkpoint.getFileName() + "-" + k);
        }
        try {
            Files.move(checkpoint, aside, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return aside;
        } catch (IOException e) {
            throw new UncheckedIOException("Pretrain.resume: cannot move the corrupt checkpoint " + checkpoint
                    + " aside: " + e.getMessage(), e);
        }
    }

    private static Result loop(GptConfig model, Config config, TokenBatches data, RunDir run,
                               TrainingClient client) {
        LrSchedule schedule = config.lrSchedule();
        double flopsPerToken = model.trainingFlopsPerToken();
        double peak = Torch.matmulPeakFlops();
        long start = System.nanoTime();
        long first = client.step();
        long tokensPerMicroBatch = data.train(0).tokens(); // rows × T, T being the data's window, not the model's
        long tokens = first * config.gradAccumulation() * tokensPerMicroBatch;
        // A resumed run starts from what it had logged, so a run killed between its final checkpoint and result.json
        // reports its real losses, not NaN.
        Map<Long, Double> valLossAt = new java.util.HashMap<>();
        Map<String, Object> logged = new LinkedHashMap<>();
        for (Map<String, Object> line : run.resumedLines()) {
            logged.putAll(line);
            TrainingStep t = Metrics.fromMap(TrainingStep.class, line);
            if (t.valLoss() != null) {
                valLossAt.put(t.step(), t.valLoss());
            }
        }
        TrainingStep lastLogged = Metrics.fromMap(TrainingStep.class, logged);
        double loss = lastLogged.loss();
        double valLoss = lastLogged.valLoss() == null ? Double.NaN : lastLogged.valLoss();
        double valBpb = lastLogged.valBpb() == null ? Double.NaN : lastLogged.valBpb();
        Map<String, Double> valLossBySource = lastLogged.valLossBySource();
        boolean interrupted = false;
        boolean live = Display.isInteractive();
        String title = run.dir().getFileName().toString();
        try (Progress bar = Progress.start("pretrain " + title, config.steps());
             LiveChart chart = live ? LiveChart.of(title, "tokens", "loss (nats/token)") : null) {
            bar.set(first);
            for (long step = first; step < config.steps(); step++) {
                if (Thread.interrupted()) { // cleared, so the final checkpoint's IO is not interrupted itself
                    interrupted = true;
                    break;
                }
                long t0 = System.nanoTime();
                double sum = 0;
                int t = 0;
                for (int k = 0; k < config.gradAccumulation(); k++) {
                    TokenBatch b = data.train(step * config.gradAccumulation() + k);
                    t = b.width();
                    sum += client.forwardBackward(b).loss();
                    tokens += b.tokens();
                }
                double lr = schedule.at(step);
                Results.OptimStep s = client.optimStep(config.optimizer().withLearningRate(lr));
                double seconds = (System.nanoTime() - t0) / 1e9;
                loss = sum / config.gradAccumulation();
                double tokensPerSec = (double) config.gradAccumulation() * data.rows() * t / seconds;
                TrainingStep m = new TrainingStep(s.step(), tokens, tokens * flopsPerToken, loss, lr, s.gradNorm(),
                        tokensPerSec, tokensPerSec * flopsPerToken / peak, (System.nanoTime() - start) / 1e9, null, null,
                        null);
                boolean last = s.step() == config.steps();
                if (last || (config.evalEvery() > 0 && s.step() % config.evalEvery() == 0)) {
                    Evaluated e = evaluate(client, data, config.evalBatches());
                    valLoss = e.loss();
                    valBpb = e.bitsPerByte();
                    valLossBySource = e.bySource();
                    valLossAt.put(s.step(), valLoss);
                    m = m.withEvaluation(valLoss, valBpb, valLossBySource);
                    if (chart != null) {
                        chart.add("validation", tokens, valLoss);
                    }
                }
                run.log(Metrics.toMap(m));
                if (chart != null) {
                    chart.add("train", tokens, loss);
                }
                bar.step();
                bar.postfix(String.format(Locale.ROOT, "loss=%.4f lr=%.2e", loss, lr));
                if (!last && config.checkpointEvery() > 0 && s.step() % config.checkpointEvery() == 0) {
                    checkpoint(client, run, config.keepCheckpoints(), valLossAt);
                }
            }
            checkpoint(client, run, config.keepCheckpoints(), valLossAt);
        }
        if (interrupted) {
            Thread.currentThread().interrupt(); // the caller (a notebook cell) still sees the interrupt
        }
        Result r = new Result(run.dir(), client.step(), tokens, tokens * flopsPerToken, loss, valLoss, valBpb,
                interrupted, (System.nanoTime() - start) / 1e9, valLossBySource);
        run.writeJson(RunSummary.FILE, Metrics.toMap(r.summary()));
        return r;
    }

    /** A validation loss, its bits per byte, and the loss of each source (null for data of one source). */
    private record Evaluated(double loss, double bitsPerByte, Map<String, Double> bySource) {
    }

    /**
     * The validation loss: of {@link TokenBatches#validation} for data of one source; for several, each source's loss
     * on its own held-out part and their average weighted by the target distribution ({@link TokenBatches.HeldOut}).
     */
    private static Evaluated evaluate(TrainingClient client, TokenBatches data, int batches) {
        List<TokenBatches.HeldOut> parts = data.heldOutBySource(batches);
        if (parts.isEmpty()) {
            Results.Evaluation e = client.evaluate(data.validation(batches), data.bytesPerToken());
            return new Evaluated(e.loss(), e.bitsPerByte(), null);
        }
        Map<String, Double> bySource = new LinkedHashMap<>();
        double loss = 0;
        for (TokenBatches.HeldOut part : parts) {
            double l = client.evaluate(part.batches(), data.bytesPerToken()).loss();
            bySource.put(part.source(), l);
            loss += part.weight() * l;
        }
        return new Evaluated(loss, loss / Math.log(2) / data.bytesPerToken(), bySource);
    }

    /**
     * Writes this step's checkpoint, then deletes all but the {@code keep} newest and the one with the lowest validation
     * loss measured at its step ({@code keep} 0: none are deleted).
     */
    private static void checkpoint(TrainingClient client, RunDir run, int keep, Map<Long, Double> valLossAt) {
        client.saveState(run.checkpoints().resolve(String.format(Locale.ROOT, "step-%08d", client.step())),
                Map.of("step", String.valueOf(client.step())));
        if (keep == 0) {
            return;
        }
        List<Path> newestFirst = checkpoints(run.dir());
        Path best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (Path c : newestFirst) {
            Double v = valLossAt.get(Long.parseLong(c.getFileName().toString().substring("step-".length())));
            if (v != null && v < bestLoss) {
                bestLoss = v;
                best = c;
            }
        }
        for (Path c : newestFirst.subList(Math.min(keep, newestFirst.size()), newestFirst.size())) {
            if (!c.equals(best)) {
                try {
                    AtomicFiles.deleteDirectory(c); // a kill midway leaves no checkpoint without its state.json
                } catch (IOException e) {
                    throw new UncheckedIOException("Pretrain: cannot delete the old checkpoint " + c + ": "
                            + e.getMessage(), e);
                }
            }
        }
    }
}
