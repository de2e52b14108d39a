package org.assay.lib.sweep;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.assay.lib.train.Pretrain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Runs one {@link RunSpec} into {@code out/<name>}, idempotently: a finished run (its {@code result.json} says it was
 * not interrupted) is skipped, an interrupted or crashed one resumes from its latest checkpoint, and one that
 * crashed before its first checkpoint starts again. Only that run's own folder is ever touched.
 */
public final class Trainer {
    private Trainer() {
    }

    /** What became of a run. */
    public enum Outcome { TRAINED, RESUMED, ALREADY_DONE }

    public static Outcome run(RunSpec spec, Path out) {
        Path dir = out.resolve(spec.name());
        if (isDone(dir)) {
            return Outcome.ALREADY_DONE;
        }
        var data = spec.data().dataset();
        if (hasCheckpoint(dir)) {
            Pretrain.resume(dir, spec.pretrain(), data);
            return Outcome.RESUMED;
        }
        if (Files.exists(dir)) {
            if (!Files.isRegularFile(dir.resolve("config.json")) && !Files.isRegularFile(dir.resolve("metrics.jsonl"))) {
                throw new IllegalArgumentException("Trainer.run: " + dir + " exists and is not a run directory (no "
                        + "config.json or metrics.jsonl); move it away or choose another output folder");
            }
            deleteRun(dir); // a run that crashed before its first checkpoint: nothing to keep
        }
        Pretrain.run(spec.pretrain(), data, out, spec.name());
        return Outcome.TRAINED;
    }

    /** True when {@code dir/result.json} exists and records an uninterrupted run. */
    public static boolean isDone(Path dir) {
        Path result = dir.resolve("result.json");
        if (!Files.isRegularFile(result)) {
            return false;
        }
        try {
            JsonObject r = JsonParser.parseString(Files.readString(result)).getAsJsonObject();
            return r.has("interrupted") && !r.get("interrupted").getAsBoolean();
        } catch (IOException | RuntimeException e) {
            return false; // unreadable: not done
        }
    }

    static boolean hasCheckpoint(Path dir) {
        try {
            Pretrain.latestCheckpoint(dir);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void deleteRun(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Trainer.run: cannot clear the crashed run " + dir + ": " + e.getMessage(),
                    e);
        }
    }
}
