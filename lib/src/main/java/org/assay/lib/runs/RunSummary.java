package org.assay.lib.runs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A training run's {@code result.json}, written when its loop returns ({@link Metrics} keys).
 *
 * @param steps       optimizer steps taken
 * @param tokens      training tokens seen
 * @param flops       training FLOPs
 * @param loss        last training loss
 * @param valLoss     last validation loss
 * @param valBpb      last validation bits per byte
 * @param interrupted stopped before its last step (a checkpoint was written): not done
 * @param valLossBySource last validation loss of each source, for data of several sources; null otherwise
 */
public record RunSummary(long steps, long tokens, double flops, double loss, double valLoss, double valBpb,
                         boolean interrupted, Map<String, Double> valLossBySource) {
    public static final String FILE = "result.json";
    private static final String INTERRUPTED = Metrics.key(RunSummary.class, "interrupted");

    /** The summary in {@code runDir}, or null when there is none, it is unreadable, or it lacks the interrupted flag. */
    public static RunSummary read(Path runDir) {
        Path file = runDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            Map<String, Object> m = RunDir.GSON.fromJson(Files.readString(file), RunDir.MAP);
            return m == null || !(m.get(INTERRUPTED) instanceof Boolean) ? null : Metrics.fromMap(RunSummary.class, m);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A run whose summary says it ran to its last step. */
    public static boolean isDone(Path runDir) {
        RunSummary s = read(runDir);
        return s != null && !s.interrupted();
    }
}
