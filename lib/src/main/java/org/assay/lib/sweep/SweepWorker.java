package org.assay.lib.sweep;

import com.google.gson.Gson;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.assay.lib.train.RunSpec;
import org.assay.lib.train.Trainer;

/**
 * A warm worker of {@link LocalExecutor#workers}: a JVM that starts once (the JVM, DJL's engine and libtorch loaded
 * once) and then runs one run after another into the sweep's folder ({@code --out DIR}), each in its own run
 * directory, its Java output in {@code DIR/logs/<run>.log}. It reads its orders from standard input, a JSON object a
 * line ({@code {"spec": "DIR/.sweep/r.json"}}), and answers each on the standard output it started with
 * ({@code {"name", "state", "seconds", "detail"}}), so nothing a run prints can be taken for an answer.
 *
 * <p>As a trainer of a subprocess sweep, it never outlives its sweep: standard input is a pipe from the sweep's JVM,
 * and when it reaches end of file (the sweep finished, or died, kill -9 included) the run in flight stops after its
 * step with a checkpoint and the worker exits; SIGTERM does the same.
 */
public final class SweepWorker {
    /** Writes and reads the answers ({@link Executor.RunStatus} as JSON). */
    static final Gson GSON = new Gson();
    private static final String STOP = "";

    private SweepWorker() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !args[0].equals("--out")) {
            System.err.println("usage: SweepWorker --out DIR (orders on standard input; started by a sweep)");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        PrintStream answers = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream stderr = System.err;
        Thread worker = Thread.currentThread();
        BlockingQueue<String> orders = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    orders.add(line);
                }
            } catch (IOException e) {
                // a broken pipe means the same as end of file
            }
            orders.add(STOP);
            worker.interrupt(); // the run in flight, if any, stops after its step with a checkpoint
        }, "worker-orders");
        reader.setDaemon(true);
        reader.start();
        java.util.concurrent.atomic.AtomicBoolean idle = new java.util.concurrent.atomic.AtomicBoolean(true);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { // SIGTERM: as end of file, and wait for the checkpoint
            if (!idle.get()) {
                worker.interrupt();
                try {
                    worker.join(120_000);
                } catch (InterruptedException ignored) {
                    // the JVM is going anyway
                }
            }
        }, "worker-sigterm"));
        while (true) {
            String order;
            try {
                order = orders.take();
            } catch (InterruptedException e) {
                order = STOP;
            }
            if (order.equals(STOP)) {
                break;
            }
            idle.set(false);
            Executor.RunStatus answer = run(order, dir, stderr);
            idle.set(true);
            answers.println(GSON.toJson(answer));
            if (Thread.interrupted()) { // told to stop while the run was in flight: it checkpointed
                break;
            }
        }
        answers.flush();
        Runtime.getRuntime().halt(0); // the hook has nothing to wait for
    }

    /** Runs one order, with this thread's Java output in the run's log; the answer says how it ended. */
    static Executor.RunStatus run(String order, Path dir, PrintStream stderr) {
        long t0 = System.nanoTime();
        PrintStream out = System.out;
        PrintStream err = System.err;
        String name = "?";
        try {
            RunSpec spec = RunSpec.read(Path.of(JsonParser.parseString(order).getAsJsonObject().get("spec")
                    .getAsString()));
            name = spec.name();
            Path log = dir.resolve("logs").resolve(name + ".log");
            Files.createDirectories(log.getParent());
            try (OutputStream file = Files.newOutputStream(log);
                 PrintStream runLog = new PrintStream(file, true, StandardCharsets.UTF_8)) {
                System.setOut(runLog);
                System.setErr(runLog);
                try {
                    Trainer.Outcome outcome = Trainer.run(spec, dir);
                    runLog.println("train: " + name + " " + outcome.name().toLowerCase().replace('_', ' ') + " in "
                            + dir.resolve(name));
                    return Executor.RunStatus.of(name, outcome, seconds(t0));
                } catch (RuntimeException e) {
                    runLog.println("train: failed: " + e.getMessage());
                    e.printStackTrace(runLog);
                    throw e;
                }
            } finally {
                System.setOut(out);
                System.setErr(err);
            }
        } catch (IOException | RuntimeException e) {
            stderr.println("worker: run " + name + " failed: " + e.getMessage());
            return new Executor.RunStatus(name, Executor.State.FAILED, seconds(t0), String.valueOf(e.getMessage()));
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
