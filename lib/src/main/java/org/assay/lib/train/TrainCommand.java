package org.assay.lib.train;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code ./assay train --config RUN.json --out DIR [--extend] [--stop-when-stdin-closes]}: one run, idempotent
 * ({@link Trainer}). Exit status 0 when the run is finished (trained now or before), 1 when it failed (the reason on
 * stderr), 2 for a usage error, 3 when it was stopped (SIGTERM, or its parent gone) after writing a checkpoint: run it
 * again to resume.
 *
 * <p>SIGTERM (what {@code kill}, Slurm's cancel and a sweep's clean stop send) interrupts the training thread, which
 * ends its step, writes a checkpoint and returns before the JVM exits. With {@code --stop-when-stdin-closes} (what a
 * local sweep passes) the run also stops that way when its standard input reaches end of file: the sweep holds the
 * other end of that pipe, and the operating system closes it when the sweep dies, kill -9 included, so no trainer
 * outlives its sweep.
 */
public final class TrainCommand {
    /** The exit status of a run stopped with a checkpoint before its last step. */
    public static final int STOPPED = 3;

    private TrainCommand() {
    }

    public static void main(String[] args) {
        AtomicBoolean shuttingDown = new AtomicBoolean();
        Thread trainer = Thread.currentThread();
        AtomicBoolean finished = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!finished.get()) {
                shuttingDown.set(true);
                trainer.interrupt();
                try {
                    trainer.join(120_000); // the step in flight and the checkpoint
                } catch (InterruptedException ignored) {
                    // the JVM is going anyway
                }
            }
        }, "train-sigterm"));
        int code = run(args, trainer, System.in);
        finished.set(true);
        System.out.flush();
        System.err.flush();
        if (shuttingDown.get()) {
            // exit would wait for the hook, which waits for this thread; the checkpoint is written, so end with the code
            Runtime.getRuntime().halt(code);
        }
        System.exit(code);
    }

    /** The command in this JVM, for tests and scripts: its exit status, without exiting. */
    public static int run(String[] args) {
        return run(args, Thread.currentThread(), null);
    }

    static int run(String[] args, Thread trainer, InputStream parentPipe) {
        Path config = null;
        Path out = null;
        boolean extend = false;
        boolean watchStdin = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> config = i + 1 < args.length ? Path.of(args[++i]) : null;
                case "--out" -> out = i + 1 < args.length ? Path.of(args[++i]) : null;
                case "--extend" -> extend = true;
                case "--stop-when-stdin-closes" -> watchStdin = true;
                default -> {
                    System.err.println("train: unknown argument '" + args[i] + "'");
                    return usage();
                }
            }
        }
        if (config == null || out == null) {
            return usage();
        }
        AtomicBoolean done = new AtomicBoolean();
        if (watchStdin && parentPipe != null) {
            watch(parentPipe, trainer, done);
        }
        try {
            RunSpec spec = RunSpec.read(config);
            Trainer.Outcome outcome = Trainer.run(spec, out, extend);
            System.out.println("train: " + spec.name() + " " + outcome.name().toLowerCase().replace('_', ' ') + " in "
                    + out.resolve(spec.name()));
            return outcome == Trainer.Outcome.INTERRUPTED ? STOPPED : 0;
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            System.err.println("train: failed: " + e.getMessage()); // bad spec, files or a busy run: the message says it all
            return 1;
        } catch (RuntimeException e) {
            System.err.println("train: failed: " + e.getMessage());
            e.printStackTrace(System.err); // unexpected: the trace goes to the run's log
            return 1;
        } finally {
            done.set(true);
        }
    }

    /** Interrupts {@code trainer} when {@code pipe} reaches end of file before the run is done. */
    private static void watch(InputStream pipe, Thread trainer, AtomicBoolean done) {
        Thread t = new Thread(() -> {
            try {
                while (pipe.read() != -1) {
                    // the parent writes nothing; any bytes are ignored
                }
            } catch (IOException e) {
                // a broken pipe means the same as end of file
            }
            if (!done.get()) {
                System.err.println("train: standard input closed (the sweep that started this run is gone);"
                        + " stopping after this step with a checkpoint");
                trainer.interrupt();
            }
        }, "train-parent-watch");
        t.setDaemon(true);
        t.start();
    }

    private static int usage() {
        System.err.println("usage: train --config RUN.json --out DIR [--extend] [--stop-when-stdin-closes]");
        return 2;
    }
}
