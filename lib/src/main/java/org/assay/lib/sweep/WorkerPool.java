package org.assay.lib.sweep;

import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assay.display.Progress;
import org.assay.lib.train.RunSpec;
import org.assay.lib.train.Trainer;

/**
 * K warm {@link SweepWorker} JVMs taking a sweep's runs from one queue ({@link LocalExecutor#workers}). Each worker
 * thread here owns one worker process: it sends a run, waits for the answer, and sends the next. A worker that dies
 * (killed, out of memory, a crash in native code) loses only the run it had: that run goes back to the front of the
 * queue and resumes from its newest checkpoint in a new worker, up to {@link #ATTEMPTS} tries in all.
 */
final class WorkerPool {
    /** Tries a run gets before a dying worker fails it. */
    static final int ATTEMPTS = 3;

    private final int workers;
    private final Path out;
    private final Deque<RunSpec> queue = new ArrayDeque<>();
    private final Map<String, Executor.RunStatus> results = new HashMap<>();
    private final Map<String, Integer> attempts = new HashMap<>();
    private final List<Process> processes = new ArrayList<>();
    private volatile boolean stopping;

    WorkerPool(int workers, Path out) {
        this.workers = workers;
        this.out = out;
    }

    List<Executor.RunStatus> execute(List<RunSpec> runs, Progress bar) {
        for (RunSpec r : runs) {
            if (Trainer.isDone(out.resolve(r.name()))) {
                results.put(r.name(), new Executor.RunStatus(r.name(), Executor.State.SKIPPED, 0, ""));
                bar.step();
            } else {
                queue.add(r);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < Math.min(workers, queue.size()); i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    serve(index, bar);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            stopAll(); // SIGTERM: each run in flight ends its step and checkpoints
            Thread.currentThread().interrupt();
            throw new IllegalStateException("LocalExecutor: interrupted; rerun the sweep to resume", e);
        } catch (ExecutionException e) {
            stopAll();
            throw new IllegalStateException("LocalExecutor: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdown();
        }
        return runs.stream().map(r -> results.get(r.name())).toList();
    }

    /** One worker's loop: runs from the queue until it is empty, a new process whenever the last one died. */
    private void serve(int index, Progress bar) throws IOException {
        Process p = null;
        BufferedReader answers = null;
        PrintStream orders = null;
        try {
            while (true) {
                RunSpec r;
                synchronized (this) {
                    r = stopping ? null : queue.pollFirst();
                    if (r == null) {
                        return;
                    }
                    attempts.merge(r.name(), 1, Integer::sum);
                }
                if (p == null || !p.isAlive()) {
                    p = start(index);
                    answers = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    orders = new PrintStream(p.getOutputStream(), true, StandardCharsets.UTF_8);
                }
                long t0 = System.nanoTime();
                JsonObject order = new JsonObject();
                order.addProperty("spec", Sweep.specFile(out, r.name()).toAbsolutePath().toString());
                orders.println(order);
                String line = answers.readLine();
                if (line == null) { // the worker died with this run
                    int code = waitFor(p);
                    p = null;
                    done(r, died(r, code, index, t0), bar);
                    continue;
                }
                Executor.RunStatus s = SweepWorker.GSON.fromJson(line, Executor.RunStatus.class);
                if (s.state() == Executor.State.FAILED && !s.detail().equals(Executor.STOPPED)) {
                    Path log = out.resolve("logs").resolve(r.name() + ".log");
                    s = new Executor.RunStatus(s.name(), s.state(), s.seconds(), s.detail() + "; log " + log + ":\n"
                            + LocalExecutor.tail(log, 15));
                }
                done(r, s, bar);
            }
        } finally {
            if (p != null) {
                orders.close(); // end of file: the worker exits
                waitFor(p);
            }
        }
    }

    /** The status of a run whose worker died, or null when it goes back to the queue to run again. */
    private Executor.RunStatus died(RunSpec r, int code, int index, long t0) {
        Path log = out.resolve("logs").resolve("worker-" + index + ".log");
        synchronized (this) {
            if (stopping) {
                return new Executor.RunStatus(r.name(), Executor.State.FAILED, seconds(t0), Executor.STOPPED);
            }
            if (attempts.get(r.name()) < ATTEMPTS) {
                queue.addFirst(r); // a new worker resumes it from its newest checkpoint
                return null;
            }
        }
        return new Executor.RunStatus(r.name(), Executor.State.FAILED, seconds(t0), "its worker died " + ATTEMPTS
                + " times, the last with exit status " + code + "; worker log " + log + ":\n"
                + LocalExecutor.tail(log, 15));
    }

    private synchronized void done(RunSpec r, Executor.RunStatus status, Progress bar) {
        if (status == null) {
            return;
        }
        results.put(r.name(), status);
        bar.step();
        bar.postfix(r.name());
    }

    /** A worker JVM: orders on its stdin, answers on its stdout, its own output in out/logs/worker-N.log. */
    private Process start(int index) throws IOException {
        Path log = out.resolve("logs").resolve("worker-" + index + ".log");
        Files.createDirectories(log.getParent());
        List<String> cmd = new ArrayList<>(LocalExecutor.javaCommand());
        cmd.addAll(List.of(SweepWorker.class.getName(), "--out", out.toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("ASSAY_THREADS",
                String.valueOf(Math.max(1, Runtime.getRuntime().availableProcessors() / workers)));
        org.assay.lib.engine.LaunchEnv.addTo(pb.environment()); // malloc and libgomp settings for libtorch
        Process p = pb.start();
        synchronized (this) {
            processes.add(p);
        }
        LocalExecutor.RUNNING.add(p);
        return p;
    }

    private void stopAll() {
        List<Process> all;
        synchronized (this) {
            stopping = true;
            all = List.copyOf(processes);
        }
        all.forEach(Process::destroy); // every run in flight checkpoints at once, then each is waited for
        all.forEach(LocalExecutor::stop);
    }

    private static int waitFor(Process p) {
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            LocalExecutor.stop(p);
            Thread.currentThread().interrupt();
            return -1;
        } finally {
            LocalExecutor.RUNNING.remove(p);
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
