package org.assay.lib.sweep;

import java.nio.file.Path;
import java.util.List;
import org.assay.lib.train.RunSpec;
import org.assay.lib.train.Trainer;

/** Runs a sweep's pending runs somewhere: in this JVM or subprocesses ({@link LocalExecutor}), or Slurm. */
public interface Executor {

    /**
     * Runs each spec into {@code out/<name>} (each spec's JSON is already in {@code out/.sweep/<name>.json}) and
     * reports how each ended; a run that fails does not stop the others.
     */
    List<RunStatus> execute(List<RunSpec> runs, Path out, SweepSpec.Resources resources);

    /**
     * How a run ended.
     *
     * @param name     the run
     * @param state    SUCCEEDED (trained or resumed now), SKIPPED (already finished), FAILED
     * @param seconds  wall time, including process start where there is one
     * @param detail   the reason or the tail of the run's log when it failed; empty otherwise
     */
    record RunStatus(String name, State state, double seconds, String detail) {
        /** How a run that {@link Trainer#run} ended with {@code outcome} is reported. */
        static RunStatus of(String name, Trainer.Outcome outcome, double seconds) {
            return switch (outcome) {
                case ALREADY_DONE -> new RunStatus(name, State.SKIPPED, seconds, "");
                case INTERRUPTED -> new RunStatus(name, State.FAILED, seconds, STOPPED);
                case TRAINED, RESUMED -> new RunStatus(name, State.SUCCEEDED, seconds, "");
            };
        }
    }

    /** The detail of a run stopped with a checkpoint before its last step. */
    String STOPPED = "stopped with a checkpoint (rerun the sweep to resume)";

    enum State { SUCCEEDED, SKIPPED, FAILED }
}
