package org.assay.lib.sweep;

import org.assay.display.Progress;
import org.assay.lib.data.DataFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.assay.lib.train.RunSpec;
import org.assay.lib.train.Trainer;
import org.assay.lib.train.TrainCommand;

/**
 * Runs a sweep as one Slurm job array ({@code sbatch --array}), one task per pending run, each task running
 * {@code TrainCommand} (what {@code ./assay train} runs) into the shared run folder with the sweep's resources. State
 * is followed with {@code squeue} (pending or running) and each run's own {@code result.json} (finished), so no
 * accounting database is needed; a task that leaves the queue without a finished run failed, and its log tail is
 * reported. The folder, the Java and the classpath must be visible at the same paths on the compute nodes (a shared
 * file system), as on most clusters.
 */
public final class SlurmExecutor implements Executor {
    private final int parallel;
    private final boolean dryRun;
    private final long pollMillis;

    private SlurmExecutor(int parallel, boolean dryRun, long pollMillis) {
        this.parallel = parallel;
        this.dryRun = dryRun;
        this.pollMillis = pollMillis;
    }

    /** At most {@code parallel} tasks at once (the array's {@code %} limit); 0 for the cluster's own limit. */
    public static SlurmExecutor of(int parallel) {
        if (parallel < 0) {
            throw new IllegalArgumentException("SlurmExecutor.of: parallel must be >= 0 (0: no limit), got "
                    + parallel);
        }
        return new SlurmExecutor(parallel, false, 2000);
    }

    /** Prints the batch script instead of submitting it. */
    public SlurmExecutor dryRun() {
        return new SlurmExecutor(parallel, true, pollMillis);
    }

    /** The batch script for these runs. */
    public String script(List<RunSpec> runs, Path out, SweepSpec.Resources r) {
        Path abs = out.toAbsolutePath();
        List<String> cmd = LocalExecutor.trainCommand(Path.of("SPEC"), abs);
        StringBuilder s = new StringBuilder("#!/bin/bash\n");
        s.append("#SBATCH --job-name=assay-").append(abs.getFileName()).append('\n');
        s.append("#SBATCH --array=0-").append(runs.size() - 1).append(parallel > 0 ? "%" + parallel : "")
                .append('\n');
        s.append("#SBATCH --cpus-per-task=").append(r.cpus()).append('\n');
        if (r.memory() != null) {
            s.append("#SBATCH --mem=").append(r.memory()).append('\n');
        }
        if (r.time() != null) {
            s.append("#SBATCH --time=").append(r.time()).append('\n');
        }
        if (r.partition() != null) {
            s.append("#SBATCH --partition=").append(r.partition()).append('\n');
        }
        if (r.gpus() > 0) {
            s.append("#SBATCH --gres=gpu:").append(r.gpus()).append('\n');
        }
        s.append("#SBATCH --output=").append(abs.resolve("logs")).append("/%x-%A_%a.log\n");
        s.append("set -euo pipefail\n");
        s.append("SPECS=(\n");
        for (RunSpec run : runs) {
            s.append("  ").append(quote(Sweep.specFile(abs, run.name()).toString())).append('\n');
        }
        s.append(")\n");
        s.append("export ASSAY_THREADS=\"${SLURM_CPUS_PER_TASK:-").append(r.cpus()).append("}\"\n");
        org.assay.lib.engine.LaunchEnv.SETTINGS.forEach((k, v) -> s.append("export ").append(k).append("=\"${")
                .append(k).append(":-").append(v).append("}\"\n")); // malloc, libgomp settings for libtorch (LaunchEnv)
        if (r.gpus() == 0) {
            s.append("export ASSAY_DEVICE=cpu\n");
        }
        s.append("echo \"assay: task $SLURM_ARRAY_TASK_ID on $(hostname): ${SPECS[$SLURM_ARRAY_TASK_ID]}\"\n");
        s.append("exec");
        for (String part : cmd) {
            s.append(' ').append(part.equals(Path.of("SPEC").toAbsolutePath().toString())
                    ? "\"${SPECS[$SLURM_ARRAY_TASK_ID]}\"" : quote(part));
        }
        return s.append('\n').toString();
    }

    @Override
    public List<RunStatus> execute(List<RunSpec> runs, Path out, SweepSpec.Resources resources) {
        List<RunStatus> statuses = new ArrayList<>();
        List<RunSpec> pending = new ArrayList<>();
        for (RunSpec r : runs) {
            if (Trainer.isDone(out.resolve(r.name()))) {
                statuses.add(new RunStatus(r.name(), State.SKIPPED, 0, ""));
            } else {
                pending.add(r);
            }
        }
        if (pending.isEmpty()) {
            return statuses;
        }
        String script = script(pending, out, resources);
        if (dryRun) {
            System.out.print(script);
            return statuses;
        }
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(out.resolve("logs"));
            Path file = out.resolve(".sweep").resolve(String.format(Locale.ROOT, "submit-%d.sbatch",
                    System.currentTimeMillis()));
            DataFiles.writeAtomically("SlurmExecutor", file, script);
            String job = command(List.of("sbatch", "--parsable", file.toAbsolutePath().toString())).strip();
            String jobId = job.contains(";") ? job.substring(0, job.indexOf(';')) : job; // "id;cluster"
            if (!jobId.matches("\\d+")) {
                throw new IllegalStateException("SlurmExecutor: sbatch answered '" + job + "', not a job id");
            }
            try (Progress bar = Progress.start("slurm job " + jobId, pending.size())) {
                Set<Integer> finished = new HashSet<>();
                while (true) {
                    Set<Integer> queued = queuedTasks(jobId);
                    for (int i = 0; i < pending.size(); i++) {
                        if (!finished.contains(i) && !queued.contains(i)) {
                            finished.add(i);
                            bar.step();
                        }
                    }
                    bar.postfix(queued.size() + " queued or running");
                    if (finished.size() == pending.size()) {
                        break;
                    }
                    Thread.sleep(pollMillis);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            for (int i = 0; i < pending.size(); i++) {
                RunSpec r = pending.get(i);
                if (Trainer.isDone(out.resolve(r.name()))) {
                    statuses.add(new RunStatus(r.name(), State.SUCCEEDED, seconds, ""));
                } else {
                    Path log = out.resolve("logs").resolve("assay-" + out.toAbsolutePath().getFileName() + "-" + jobId
                            + "_" + i + ".log");
                    statuses.add(new RunStatus(r.name(), State.FAILED, seconds, "Slurm task " + jobId + "_" + i
                            + " ended without a finished run; log " + log + ":\n" + LocalExecutor.tail(log, 15)));
                }
            }
            return statuses;
        } catch (IOException e) {
            throw new IllegalStateException("SlurmExecutor: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("SlurmExecutor: interrupted while waiting; the job keeps running "
                    + "(scancel it, or rerun the sweep later to pick up what finished)", e);
        }
    }

    /** Array task indices of the job still pending or running. */
    private static Set<Integer> queuedTasks(String jobId) throws IOException, InterruptedException {
        String lines;
        try {
            lines = command(List.of("squeue", "--noheader", "--array", "--jobs", jobId, "--format=%i %T"));
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("Invalid job id")) {
                return Set.of(); // the controller has already forgotten the finished job (MinJobAge)
            }
            throw e;
        }
        Set<Integer> tasks = new HashSet<>();
        for (String line : lines.split("\n")) {
            String id = line.strip().split("\\s+")[0];
            int underscore = id.indexOf('_');
            if (underscore < 0) {
                continue;
            }
            String index = id.substring(underscore + 1);
            if (index.startsWith("[")) { // a pending range, "[0-3%2]" or "[4,6]"
                for (String part : index.replaceAll("[\\[\\]]", "").split("%")[0].split(",")) {
                    String[] ends = part.split("-");
                    int lo = Integer.parseInt(ends[0]);
                    int hi = ends.length > 1 ? Integer.parseInt(ends[1]) : lo;
                    for (int i = lo; i <= hi; i++) {
                        tasks.add(i);
                    }
                }
            } else if (index.matches("\\d+")) {
                tasks.add(Integer.parseInt(index));
            }
        }
        return tasks;
    }

    private static String command(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] bytes = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not answer within 60 s");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): " + text.strip());
        }
        return text;
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
