package org.assay.lib.sweep;

import java.nio.file.Path;

/**
 * {@code ./assay train --config RUN.json --out DIR}: one run, idempotent ({@link Trainer}). Exit status 0 when the run
 * is finished (trained now or before), 1 when it failed (the reason on stderr), 2 for a usage error.
 */
public final class TrainCommand {
    private TrainCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        Path config = null;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> config = i + 1 < args.length ? Path.of(args[++i]) : null;
                case "--out" -> out = i + 1 < args.length ? Path.of(args[++i]) : null;
                default -> {
                    System.err.println("train: unknown argument '" + args[i] + "'");
                    return usage();
                }
            }
        }
        if (config == null || out == null) {
            return usage();
        }
        try {
            RunSpec spec = RunSpec.read(config);
            Trainer.Outcome outcome = Trainer.run(spec, out);
            System.out.println("train: " + spec.name() + " " + outcome.name().toLowerCase().replace('_', ' ') + " in "
                    + out.resolve(spec.name()));
            return 0;
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            System.err.println("train: failed: " + e.getMessage()); // bad spec or files: the message says it all
            return 1;
        } catch (RuntimeException e) {
            System.err.println("train: failed: " + e.getMessage());
            e.printStackTrace(System.err); // unexpected: the trace goes to the run's log
            return 1;
        }
    }

    private static int usage() {
        System.err.println("usage: train --config RUN.json --out DIR");
        return 2;
    }
}
