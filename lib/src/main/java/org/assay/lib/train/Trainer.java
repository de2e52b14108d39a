package org.assay.lib.train;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.assay.base.AtomicFiles;
import org.assay.base.FileTrees;
import org.assay.lib.runs.RunLock;
import org.assay.lib.runs.RunSummary;

/**
 * Runs one {@link RunSpec} into {@code out/<name>}, idempotently: a finished run (its {@code result.json} says it was
 * not interrupted) is skipped, an interrupted or crashed one resumes from its newest readable checkpoint, and one that
 * crashed before its first checkpoint starts again. Only that run's own folder is ever touched, and only while this
 * thread holds its {@link RunLock}.
 *
 * <p>The run remembers its spec in {@code run.json}: running a different spec on it is an error that names the fields
 * that differ (a changed learning rate or language seed would otherwise resume a different experiment). A finished run
 * with a constant learning rate can be extended to more steps with {@code extend}; with a schedule that depends on the
 * step count (cosine, wsd) the steps already taken would not be those of the longer run, so that is refused too.
 */
public final class Trainer {
    private Trainer() {
    }

    /** What became of a run. */
    public enum Outcome { TRAINED, RESUMED, ALREADY_DONE, INTERRUPTED }

    /** The spec a run directory remembers. */
    static final String SPEC_FILE = "run.json";

    public static Outcome run(RunSpec spec, Path out) {
        return run(spec, out, false);
    }

    /**
     * @param extend allow {@code spec} to have more steps than the run was made with (constant learning rate only)
     */
    public static Outcome run(RunSpec spec, Path out, boolean extend) {
        Path dir = out.resolve(spec.name());
        try (RunLock lock = RunLock.acquire("Trainer.run", dir)) {
            boolean extending = checkSameSpec(spec, dir, extend);
            if (!extending && isDone(dir)) {
                return Outcome.ALREADY_DONE;
            }
            var data = spec.dataset();
            if (!Pretrain.checkpoints(dir).isEmpty()) {
                writeSpec(spec, dir);
                if (extending) {
                    updateConfig(spec, dir);
                }
                Pretrain.Result r = Pretrain.resume(dir, spec.model(), spec.train(), data);
                return r.interrupted() ? Outcome.INTERRUPTED : Outcome.RESUMED;
            }
            if (!isEmpty(dir)) {
                if (!Files.isRegularFile(dir.resolve("config.json"))
                        && !Files.isRegularFile(dir.resolve("metrics.jsonl"))
                        && !Files.isRegularFile(dir.resolve(SPEC_FILE))) {
                    throw new IllegalArgumentException("Trainer.run: " + dir + " exists and is not a run directory (no "
                            + "config.json, metrics.jsonl or run.json); move it away or choose another output folder");
                }
                clearRun(dir); // a run that crashed before its first checkpoint: nothing to keep
            }
            writeSpec(spec, dir);
            Pretrain.Result r = Pretrain.run(spec.model(), spec.train(), data, out, spec.name());
            return r.interrupted() ? Outcome.INTERRUPTED : Outcome.TRAINED;
        }
    }

    /**
     * Compares {@code spec} with the one the run remembers ({@code run.json}; for runs written before it existed, the
     * training settings in {@code config.json}). Returns whether this call extends a finished run.
     */
    static boolean checkSameSpec(RunSpec spec, Path dir, boolean extend) {
        Map<String, String> stored = storedSpec(dir);
        if (stored == null) {
            return false;
        }
        boolean legacy = !stored.containsKey("name");
        Map<String, String> now = flatten(spec.toJsonTree());
        if (stored.containsKey(OLD_WARMUP)) { // config.json before 2026-12-02 counted warmup in steps
            now.remove("train.warmupFraction");
            now.put(OLD_WARMUP, String.valueOf(spec.train().warmupSteps()));
        }
        List<String> differ = new ArrayList<>();
        // a run written before run.json existed is compared on the settings its config.json has
        for (String key : legacy ? new java.util.TreeSet<>(stored.keySet()) : union(stored, now)) {
            if (!String.valueOf(stored.get(key)).equals(String.valueOf(now.get(key)))) {
                differ.add(key + ": " + stored.get(key) + " -> " + now.get(key));
            }
        }
        if (differ.isEmpty()) {
            return false;
        }
        boolean onlySteps = differ.size() == 1 && differ.get(0).startsWith(STEPS + ":");
        if (extend && onlySteps) {
            long before = Long.parseLong(stored.get(STEPS));
            if (spec.train().steps() < before) {
                throw new IllegalArgumentException("Trainer.run: --extend takes a run to more steps, not fewer: "
                        + dir + " has " + before + ", the spec " + spec.train().steps());
            }
            if (spec.train().schedule() != org.assay.lib.train.LrSchedule.Kind.CONSTANT) {
                throw new IllegalArgumentException("Trainer.run: cannot extend " + dir + " from " + before + " to "
                        + spec.train().steps() + " steps: its '" + spec.train().schedule() + "' learning-rate schedule"
                        + " depends on the step count, so the steps taken would not be those of the longer run;"
                        + " start a new run (or use schedule 'constant')");
            }
            return true;
        }
        throw new IllegalArgumentException("Trainer.run: run " + dir + " was made with a different spec; it differs in "
                + String.join(", ", differ) + ". Give the new spec another name"
                + (onlySteps ? ", or pass --extend to continue it to more steps" : "")
                + " (the run's own spec is in " + dir.resolve(stored.containsKey("name") ? SPEC_FILE : "config.json")
                + ")");
    }

    private static Map<String, String> storedSpec(Path dir) {
        try {
            Path spec = dir.resolve(SPEC_FILE);
            if (Files.isRegularFile(spec)) {
                return flatten(RunSpec.fromJson(JsonParser.parseString(Files.readString(spec)), spec.toString())
                        .toJsonTree());
            }
            Path config = dir.resolve("config.json");
            return Files.isRegularFile(config)
                    ? fromConfigJson(JsonParser.parseString(Files.readString(config)).getAsJsonObject()) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("Trainer.run: cannot read the spec of " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Trainer.run: the spec stored in " + dir + " is unreadable ("
                    + e.getMessage() + "); move the run away or restore its " + SPEC_FILE, e);
        }
    }

    /** The steps, as a spec's key (the one field {@code --extend} may change). */
    private static final String STEPS = "train.steps";

    /** How config.json before 2026-12-02 kept the warmup, as a spec's key. */
    private static final String OLD_WARMUP = "train.warmupSteps";

    /**
     * The model and training settings of a run without run.json (one written before run.json existed, or by
     * {@link Pretrain#run} itself), keyed as in a spec; null if its config.json has none. Before 2026-12-02 the model
     * was inside {@code "pretrain"}.
     */
    private static Map<String, String> fromConfigJson(JsonObject config) {
        if (!config.has("pretrain") || !config.get("pretrain").isJsonObject()) {
            return null;
        }
        JsonObject train = config.getAsJsonObject("pretrain").deepCopy();
        JsonElement model = config.has("model") ? config.get("model") : train.remove("model");
        Map<String, String> out = new TreeMap<>();
        if (model != null) {
            flatten("model", model, out);
        }
        flatten("train", train, out);
        return out;
    }

    /** An extended run's config.json says the new step count. */
    private static void updateConfig(RunSpec spec, Path dir) {
        AtomicFiles.writeString("Trainer.run", dir.resolve("config.json"), RunSpec.GSON.toJson(
                Pretrain.configJson(spec.model(), spec.train(), spec.data().rows())));
    }

    /** {@code {"train": {"steps": 3}}} as {@code train.steps -> 3}. */
    static Map<String, String> flatten(JsonElement json) {
        Map<String, String> out = new TreeMap<>();
        flatten("", json, out);
        return out;
    }

    private static void flatten(String prefix, JsonElement json, Map<String, String> out) {
        if (json.isJsonObject()) {
            for (Map.Entry<String, JsonElement> e : json.getAsJsonObject().entrySet()) {
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else {
            out.put(prefix, json.isJsonNull() ? "null" : json.isJsonPrimitive() && json.getAsJsonPrimitive().isNumber()
                    ? canonicalNumber(json.getAsBigDecimal()) : json.toString());
        }
    }

    private static String canonicalNumber(java.math.BigDecimal d) {
        return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }

    private static java.util.SortedSet<String> union(Map<String, String> a, Map<String, String> b) {
        java.util.SortedSet<String> keys = new java.util.TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        return keys;
    }

    private static void writeSpec(RunSpec spec, Path dir) {
        AtomicFiles.writeString("Trainer.run", dir.resolve(SPEC_FILE), spec.toJson() + "\n");
    }

    /** True when {@code dir/result.json} exists and records an uninterrupted run ({@link RunSummary#isDone}). */
    public static boolean isDone(Path dir) {
        return RunSummary.isDone(dir);
    }

    /**
     * Nothing in it but the lock and temporary files (a folder this call just made, or one a kill left before anything
     * was written).
     */
    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .allMatch(n -> n.equals(RunLock.FILE) || AtomicFiles.isTemporary(n));
        } catch (IOException e) {
            throw new UncheckedIOException("Trainer.run: cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Deletes what is in the run folder except its lock, which this thread holds. */
    private static void clearRun(Path dir) {
        try (Stream<Path> all = Files.list(dir)) {
            for (Path p : all.filter(p -> !p.getFileName().toString().equals(RunLock.FILE)).toList()) {
                FileTrees.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Trainer.run: cannot clear the crashed run " + dir + ": " + e.getMessage(),
                    e);
        }
    }
}
