package org.assay.lib.sweep;

import org.assay.display.Progress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assay.lib.train.RunSpec;
import org.assay.lib.train.Trainer;
import org.assay.lib.train.TrainCommand;

/**
 * Runs on this machine: in this JVM one after another ({@link #inProcess()}: no start-up cost, the engine already
 * loaded), as {@code ./assay train} subprocesses K at a time ({@link #subprocesses(int)}), each with
 * {@code cores / K} threads and its output in {@code out/logs/<name>.log}, or by K warm worker JVMs
 * ({@link #workers(int)}): process isolation at nearly the in-process start-up cost. A progress bar follows the runs; a run in
 * this JVM shows nothing of its own ({@link org.assay.display.Display#quietly}).
 */
public final class LocalExecutor implements Executor {
    private final int parallel;
    private final boolean inProcess;
    private final boolean warm;

    private LocalExecutor(int parallel, boolean inProcess, boolean warm) {
        this.parallel = parallel;
        this.inProcess = inProcess;
        this.warm = warm;
    }

    public static LocalExecutor inProcess() {
        return new LocalExecutor(1, true, false);
    }

    /** A fresh {@code ./assay train} process per run, K at a time. */
    public static LocalExecutor subprocesses(int parallel) {
        return new LocalExecutor(checkParallel("subprocesses", parallel), false, false);
    }

    /**
     * K worker JVMs, started once, each running one run after another from a shared queue ({@link SweepWorker}): each
     * run still in a process apart from the sweep's and in its own run directory, without a JVM and engine start per
     * run. A worker that dies loses only its run in flight, which resumes in a new worker from its newest checkpoint
     * ({@link WorkerPool}); workers stop with their sweep as subprocess trainers do.
     */
    public static LocalExecutor workers(int k) {
        return new LocalExecutor(checkParallel("workers", k), false, true);
    }

    private static int checkParallel(String fn, int parallel) {
        int cores = Runtime.getRuntime().availableProcessors();
        if (parallel < 1 || parallel > cores) {
            throw new IllegalArgumentException("LocalExecutor." + fn + ": parallel must be in [1, " + cores
                    + "] (this machine's cores), got " + parallel);
        }
        return parallel;
    }

    @Override
    public List<RunStatus> execute(List<RunSpec> runs, Path out, SweepSpec.Resources resources) {
        List<RunStatus> statuses = new ArrayList<>();
        try (Progress bar = Progress.start("sweep", runs.size())) {
            if (inProcess) {
                for (RunSpec r : runs) {
                    statuses.add(inThisJvm(r, out));
                    bar.step();
                    bar.postfix(r.name());
                    if (Thread.currentThread().isInterrupted()) { // the stop button: the run in flight checkpointed
                        throw new java.util.concurrent.CancellationException("LocalExecutor: interrupted after "
                                + statuses.size() + " of " + runs.size() + " runs; rerun the sweep to resume");
                    }
                }
                return statuses;
            }
            if (warm) {
                return new WorkerPool(parallel, out).execute(runs, bar);
            }
            ExecutorService pool = Executors.newFixedThreadPool(parallel);
            try {
                List<Future<RunStatus>> futures = new ArrayList<>();
                for (RunSpec r : runs) {
                    futures.add(pool.submit(() -> {
                        RunStatus s = subprocess(r, out);
                        bar.step();
                        bar.postfix(r.name());
                        return s;
                    }));
                }
                for (Future<RunStatus> f : futures) {
                    statuses.add(f.get());
                }
            } catch (InterruptedException e) {
                pool.shutdownNow(); // the subprocesses are destroyed by their threads; each leaves a checkpoint or nothing
                Thread.currentThread().interrupt();
                throw new IllegalStateException("LocalExecutor: interrupted; rerun the sweep to resume", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("LocalExecutor: " + e.getCause().getMessage(), e.getCause());
            } finally {
                pool.shutdown();
            }
        }
        return statuses;
    }

    private static RunStatus inThisJvm(RunSpec r, Path out) {
        long t0 = System.nanoTime();
        try {
            // quiet, as a subprocess run is: the sweep's own bar shows progress, not a chart per run
            Trainer.Outcome o = org.assay.display.Display.quietly(() -> Trainer.run(r, out));
            return RunStatus.of(r.name(), o, seconds(t0));
        } catch (RuntimeException e) {
            return new RunStatus(r.name(), State.FAILED, seconds(t0), String.valueOf(e.getMessage()));
        }
    }

    private RunStatus subprocess(RunSpec r, Path out) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        if (Trainer.isDone(out.resolve(r.name()))) {
            return new RunStatus(r.name(), State.SKIPPED, 0, "");
        }
        Path log = out.resolve("logs").resolve(r.name() + ".log");
        Files.createDirectories(log.getParent());
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / parallel);
        List<String> cmd = new ArrayList<>(trainCommand(Sweep.specFile(out, r.name()), out));
        cmd.add("--stop-when-stdin-closes"); // its stdin is a pipe from this JVM: the run stops when this JVM dies
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("ASSAY_THREADS", String.valueOf(threads));
        org.assay.lib.engine.LaunchEnv.addTo(pb.environment()); // malloc settings for libtorch
        Process p = pb.start();
        RUNNING.add(p);
        try {
            int code = p.waitFor();
            return code == 0 ? new RunStatus(r.name(), State.SUCCEEDED, seconds(t0), "")
                    : new RunStatus(r.name(), State.FAILED, seconds(t0), (code == TrainCommand.STOPPED
                    ? STOPPED : "exit status " + code) + "; log "
                    + log + ":\n" + tail(log, 15));
        } catch (InterruptedException e) {
            stop(p); // SIGTERM: the run ends its step and writes a checkpoint
            throw e;
        } finally {
            RUNNING.remove(p);
        }
    }

    /** Trainers this JVM started that are still running; a SIGTERM to this JVM stops them first. */
    static final java.util.Set<Process> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            RUNNING.forEach(Process::destroy); // every trainer checkpoints at once, then each is waited for
            RUNNING.forEach(LocalExecutor::stop);
        }, "sweep-stop-trainers"));
    }

    /** SIGTERM, then up to a minute for the step in flight and its checkpoint, then SIGKILL. */
    static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** {@code java -cp <this JVM's classpath> org.assay.lib.train.TrainCommand --config SPEC --out OUT}. */
    static List<String> trainCommand(Path spec, Path out) {
        List<String> command = javaCommand();
        command.addAll(List.of(TrainCommand.class.getName(), "--config", spec.toAbsolutePath().toString(),
                "--out", out.toAbsolutePath().toString()));
        return command;
    }

    /** {@code java -cp <this JVM's classpath>} with the options that keep it quiet, for a main class to follow. */
    static List<String> javaCommand() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getenv().getOrDefault("ASSAY_CLASSPATH", System.getProperty("java.class.path"));
        List<String> command = new java.util.ArrayList<>(List.of(java, "-Djava.awt.headless=true"));
        command.addAll(org.assay.base.JvmFlags.quiet());
        command.addAll(List.of("-cp", cp));
        return command;
    }

    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
