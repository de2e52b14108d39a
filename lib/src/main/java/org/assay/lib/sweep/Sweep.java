package org.assay.lib.sweep;

import org.assay.display.MimeBundle;
import org.assay.display.Renderable;
import org.assay.lib.data.DataFiles;
import org.assay.lib.runs.Runs;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.assay.base.HtmlText;
import org.assay.lib.runs.RunSummary;
import org.assay.lib.runs.TrainingStep;
import org.assay.lib.train.RunSpec;
import org.assay.lib.train.Trainer;

/**
 * A sweep over a folder: {@code out/sweep.json}, {@code out/.sweep/<run>.json} (what each task runs), one run
 * directory per run, {@code out/logs/}. Running it again skips finished runs and resumes interrupted ones; a single
 * failed run can be retried alone.
 * <pre>{@code
 * var sweep = Sweep.of(spec, Path.of("runs/isoflop"));
 * sweep.run(LocalExecutor.subprocesses(2));
 * Table t = sweep.results();            // run, N, D, C, final and best validation loss, tokens/s, ...
 * }</pre>
 */
public final class Sweep implements Renderable {
    private final SweepSpec spec;
    private final Path out;
    private final List<RunSpec> runs;

    private Sweep(SweepSpec spec, Path out) {
        this.spec = spec;
        this.out = out;
        this.runs = spec.expand();
    }

    public static Sweep of(SweepSpec spec, Path out) {
        Objects.requireNonNull(spec, "Sweep.of: spec must not be null");
        Objects.requireNonNull(out, "Sweep.of: out must not be null");
        return new Sweep(spec, out);
    }

    public SweepSpec spec() {
        return spec;
    }

    public Path out() {
        return out;
    }

    public List<RunSpec> runs() {
        return runs;
    }

    /** IsoFLOP points left out of {@link #runs} for training fewer than the axis's minimum steps, with the reason. */
    public List<String> skipped() {
        return spec.skipped();
    }

    private void sayWhatIsSkipped() {
        List<String> skipped = skipped();
        if (!skipped.isEmpty()) {
            System.err.println("sweep " + spec.name() + ": " + skipped.size() + " IsoFLOP point(s) not run: "
                    + String.join("; ", skipped));
        }
    }

    /** Runs every run that is not finished yet. */
    public List<Executor.RunStatus> run(Executor executor) {
        writeSpecs();
        sayWhatIsSkipped();
        return executor.execute(runs, out, spec.resources());
    }

    /** Runs one run again (after a failure), alone. */
    public List<Executor.RunStatus> retry(String name, Executor executor) {
        RunSpec r = runs.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("Sweep.retry: no run named '" + name + "' in sweep '" + spec.name()
                        + "'; the runs are " + runs.stream().map(RunSpec::name).toList()));
        writeSpecs();
        return executor.execute(List.of(r), out, spec.resources());
    }

    static Path specFile(Path out, String name) {
        return out.resolve(".sweep").resolve(name + ".json");
    }

    private void writeSpecs() {
        try {
            Files.createDirectories(out.resolve(".sweep"));
        } catch (IOException e) {
            throw new UncheckedIOException("Sweep.run: cannot create " + out.resolve(".sweep") + ": " + e.getMessage(),
                    e);
        }
        DataFiles.writeAtomically("Sweep.run", out.resolve("sweep.json"), spec.toJson() + "\n");
        for (RunSpec r : runs) {
            DataFiles.writeAtomically("Sweep.run", specFile(out, r.name()), r.toJson() + "\n");
        }
    }

    /** One row per run: name, state (done, partial, not started), steps done of steps planned. */
    public Table status() {
        StringColumn name = StringColumn.create("run");
        StringColumn state = StringColumn.create("state");
        IntColumn done = IntColumn.create("steps_done");
        IntColumn planned = IntColumn.create("steps");
        for (RunSpec r : runs) {
            Path dir = out.resolve(r.name());
            name.append(r.name());
            planned.append((int) r.train().steps());
            if (Trainer.isDone(dir)) {
                state.append("done");
                done.append((int) r.train().steps());
            } else if (Files.isRegularFile(dir.resolve("metrics.jsonl"))) {
                Table m = Runs.metrics(dir);
                state.append("partial");
                done.append(m.rowCount() == 0 ? 0 : (int) m.doubleColumn(TrainingStep.STEP).max());
            } else {
                state.append("not started");
                done.append(0);
            }
        }
        return Table.create(spec.name() + " status", name, state, done, planned);
    }

    /**
     * One row per finished run: run, layers, d_model, N (non-embedding parameters), parameters (all, as Chinchilla
     * counts them), D (training tokens), C (training
     * FLOPs by the model's accounting), budget (the IsoFLOP budget it was planned for, NaN otherwise), final and best
     * validation loss, final training loss, median tokens/s, one column per grid or zip axis, and for mixture data a
     * weight and a validation loss per source ({@code w_<source>}, {@code val_loss_<source>}) — ready for the scaling
     * module.
     */
    public Table results() {
        StringColumn name = StringColumn.create("run");
        IntColumn layers = IntColumn.create("layers");
        IntColumn width = IntColumn.create("d_model");
        DoubleColumn n = DoubleColumn.create("N");
        DoubleColumn total = DoubleColumn.create("parameters");
        DoubleColumn d = DoubleColumn.create("D");
        DoubleColumn c = DoubleColumn.create("C");
        DoubleColumn finalVal = DoubleColumn.create(TrainingStep.VAL_LOSS);
        DoubleColumn bestVal = DoubleColumn.create("best_" + TrainingStep.VAL_LOSS);
        DoubleColumn trainLoss = DoubleColumn.create(TrainingStep.LOSS);
        DoubleColumn speed = DoubleColumn.create(TrainingStep.TOKENS_PER_SEC);
        DoubleColumn budget = DoubleColumn.create("budget");
        for (RunSpec r : runs) {
            Path dir = out.resolve(r.name());
            if (!Trainer.isDone(dir)) {
                continue;
            }
            Table m = Runs.metrics(dir);
            DoubleColumn val = m.doubleColumn(TrainingStep.VAL_LOSS);
            name.append(r.name());
            layers.append(r.model().layers());
            width.append(r.model().dModel());
            n.append(r.model().nonEmbeddingParameters());
            total.append(r.model().parameters());
            d.append(m.doubleColumn(TrainingStep.TOKENS).get(m.rowCount() - 1));
            c.append(m.doubleColumn(TrainingStep.FLOPS).get(m.rowCount() - 1));
            finalVal.append(val.removeMissing().get(val.removeMissing().size() - 1));
            bestVal.append(val.removeMissing().min());
            trainLoss.append(m.doubleColumn(TrainingStep.LOSS).get(m.rowCount() - 1));
            speed.append(m.doubleColumn(TrainingStep.TOKENS_PER_SEC).median());
            budget.append(budgetOf(r));
        }
        Table t = Table.create(spec.name(), name, layers, width, n, total, d, c, budget, finalVal, bestVal, trainLoss,
                speed);
        addAxisColumns(t);
        addMixtureColumns(t);
        return t;
    }

    /** Prefix of a mixture's weight columns ({@code w_<source>}: the source's normalised training weight). */
    public static final String WEIGHT = "w_";

    /**
     * For mixture data: per source, its normalised training weight ({@code w_<source>}) and its final validation loss
     * ({@code val_loss_<source>}); {@code val_loss} is then the loss on the target mixture ({@link RunSpec.Data}).
     */
    private void addMixtureColumns(Table t) {
        if (spec.base().data().kind() != RunSpec.Data.Kind.MIXTURE) {
            return;
        }
        Map<String, DoubleColumn> weights = new LinkedHashMap<>();
        Map<String, DoubleColumn> losses = new LinkedHashMap<>();
        for (String source : spec.base().data().sources().keySet()) {
            weights.put(source, DoubleColumn.create(WEIGHT + source));
            losses.put(source, DoubleColumn.create(TrainingStep.VAL_LOSS + "_" + source));
        }
        Map<String, RunSpec> byName = new HashMap<>();
        runs.forEach(r -> byName.put(r.name(), r));
        for (String run : t.stringColumn("run")) {
            Map<String, Double> w = byName.get(run).data().weights();
            RunSummary summary = RunSummary.read(out.resolve(run));
            Map<String, Double> l = summary == null || summary.valLossBySource() == null ? Map.of()
                    : summary.valLossBySource();
            weights.forEach((source, column) -> column.append(w.get(source)));
            losses.forEach((source, column) -> column.append(l.getOrDefault(source, Double.NaN)));
        }
        weights.keySet().forEach(source -> t.addColumns(weights.get(source), losses.get(source)));
    }

    /** One column per grid or zip key (its last path segment), with each finished run's value. */
    private void addAxisColumns(Table t) {
        List<String> keys = new java.util.ArrayList<>(spec.grid().keySet());
        keys.addAll(spec.zip().keySet());
        for (String key : keys) {
            String column = key.substring(key.lastIndexOf('.') + 1);
            if (t.columnNames().contains(column)) {
                continue; // layers, d_model ... already there
            }
            List<com.google.gson.JsonElement> values = new java.util.ArrayList<>();
            for (RunSpec r : runs) {
                if (t.stringColumn("run").contains(r.name())) {
                    com.google.gson.JsonElement v = r.toJsonTree();
                    for (String part : key.split("\\.")) {
                        v = v.getAsJsonObject().get(part);
                    }
                    values.add(v);
                }
            }
            boolean numeric = values.stream().allMatch(v -> v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber());
            if (numeric) {
                t.addColumns(DoubleColumn.create(column, values.stream().mapToDouble(v -> v.getAsDouble())));
            } else {
                t.addColumns(StringColumn.create(column, values.stream().map(v -> v.isJsonPrimitive()
                        ? v.getAsString() : v.toString()).toList()));
            }
        }
    }

    /** The IsoFLOP budget a run was planned for (the nearest in log scale), or NaN outside an IsoFLOP sweep. */
    private double budgetOf(RunSpec r) {
        if (spec.isoFlop() == null) {
            return Double.NaN;
        }
        double best = Double.NaN;
        for (double b : spec.isoFlop().budgets()) {
            if (Double.isNaN(best) || Math.abs(Math.log(r.flops() / b)) < Math.abs(Math.log(r.flops() / best))) {
                best = b;
            }
        }
        return best;
    }

    @Override
    public MimeBundle toMimeBundle() {
        Table s = status();
        long finished = s.stringColumn("state").isEqualTo("done").size();
        String head = "sweep " + spec.name() + ": " + runs.size() + " runs, " + finished + " done, in " + out;
        return MimeBundle.html("<div><b>" + head + "</b></div>" + HtmlText.escape(s.printAll())
                .lines().map(l -> l + "<br>").reduce("<pre>", String::concat) + "</pre>", head);
    }
}
