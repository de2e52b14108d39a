package org.assay.lib.sweep;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./assay sweep SPEC.json [--out DIR] [--executor local|slurm] [--parallel K] [--workers K] [--in-process]
 * [--dry-run] [--only RUN]}: runs a sweep's unfinished runs (default folder {@code runs/<sweep name>}) — locally in
 * this JVM (the default), as K fresh subprocesses ({@code --parallel K}) or by K warm worker JVMs ({@code --workers
 * K}), or as a Slurm job array (K tasks at once, 0: no limit); prints one line per run and a results table; exit status 0 when every run finished, 1 when one failed (its log tail is printed), 2 for a usage error.
 */
public final class SweepCommand {
    private SweepCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        Path specFile = null;
        Path out = null;
        String executor = "local";
        int parallel = 0; // 0: in this JVM
        int workers = 0;
        boolean inProcess = false;
        boolean dryRun = false;
        String only = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--out" -> out = Path.of(value(args, ++i, "--out"));
                    case "--executor" -> executor = value(args, ++i, "--executor");
                    case "--parallel" -> parallel = Integer.parseInt(value(args, ++i, "--parallel"));
                    case "--workers" -> workers = Integer.parseInt(value(args, ++i, "--workers"));
                    case "--dry-run" -> dryRun = true;
                    case "--in-process" -> inProcess = true;
                    case "--only" -> only = value(args, ++i, "--only");
                    default -> {
                        if (args[i].startsWith("-") || specFile != null) {
                            throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                        }
                        specFile = Path.of(args[i]);
                    }
                }
            }
            if (specFile == null) {
                throw new IllegalArgumentException("which sweep? give SPEC.json");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("sweep: " + e.getMessage());
            System.err.println("usage: sweep SPEC.json [--out DIR] [--executor local|slurm] [--parallel K] [--workers K]"
                    + " [--in-process] [--dry-run] [--only RUN]");
            return 2;
        }
        try {
            SweepSpec spec = SweepSpec.read(specFile);
            Sweep sweep = Sweep.of(spec, out != null ? out : Path.of("runs", spec.name()));
            Executor ex = switch (executor) {
                case "local" -> workers > 0 ? LocalExecutor.workers(workers)
                        : inProcess || parallel == 0 ? LocalExecutor.inProcess() : LocalExecutor.subprocesses(parallel);
                case "slurm" -> dryRun ? SlurmExecutor.of(parallel).dryRun() : SlurmExecutor.of(parallel);
                default -> throw new IllegalArgumentException("--executor must be local or slurm, got '" + executor
                        + "'");
            };
            if (dryRun && !executor.equals("slurm")) {
                throw new IllegalArgumentException("--dry-run prints a Slurm batch script; use it with --executor slurm");
            }
            List<Executor.RunStatus> statuses = only == null ? sweep.run(ex) : sweep.retry(only, ex);
            boolean failed = false;
            for (Executor.RunStatus s : statuses) {
                System.out.println(String.format(Locale.ROOT, "%-10s %-40s %7.1f s%s", s.state(), s.name(),
                        s.seconds(), s.detail().isEmpty() ? "" : "\n" + s.detail().indent(4)));
                failed |= s.state() == Executor.State.FAILED;
            }
            if (!dryRun) {
                System.out.println(sweep.results().printAll());
            }
            return failed ? 1 : 0;
        } catch (RuntimeException e) {
            System.err.println("sweep: failed: " + e.getMessage());
            return 1;
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }
}
