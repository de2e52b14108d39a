package org.assay.scaling.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.assay.scaling.Bootstrap;
import org.assay.scaling.ChinchillaFit;
import org.assay.scaling.ChinchillaLaw;
import org.assay.scaling.CurveFit;
import org.assay.scaling.CurveForm;
import org.assay.scaling.Laws;
import org.assay.scaling.ScalingData;

/**
 * {@code ./assay fit chinchilla FILE.csv --n-col COL (--d-col COL | --c-col COL) --loss-col COL [--bootstrap B]
 * [--loss huber|squared] [--tied-exponents] [--seed S] [--threads T] [--json]}: fits and prints the parameters, objective, convergence counts and, with
 * {@code --bootstrap}, 95% percentile intervals; {@code fit LAW FILE.csv --x-col X --y-col Y} does the same for the
 * one-variable laws of {@link Laws}. Exit status 0 on success, 2 on bad usage or input, 1 on an unexpected error.
 * Every error is one line on stderr that names the CSV file, never a stack trace.
 */
public final class FitCommand {
    private static final Set<String> FLAGS = Set.of("--json", "--tied-exponents");
    private static final String USAGE = "usage: fit chinchilla FILE.csv --n-col COL (--d-col COL | --c-col COL)"
            + " --loss-col COL [--loss huber|squared] [--tied-exponents] [--bootstrap B] [--seed S] [--threads T]"
            + " [--json]\n"
            + "       fit LAW FILE.csv --x-col COL --y-col COL [--r0 R0 [--ceiling CEIL]] [--bootstrap B] [--seed S]"
            + " [--json]\n"
            + "       LAW: power-law, log-linear, sigmoid, coverage, bon-overoptimization, rl-overoptimization";

    private FitCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String file = args.length >= 2 ? args[1] : null;
        try {
            if (args.length < 2) {
                throw new IllegalArgumentException(USAGE);
            }
            if (file.startsWith("--")) {
                throw new IllegalArgumentException("the CSV file must come right after the law, got '" + file + "'; "
                        + USAGE);
            }
            Map<String, String> opts = options(args);
            if (!args[0].equals("chinchilla")) {
                return fitCurve(args[0], Path.of(file), opts, out);
            }
            String nCol = required(opts, "--n-col");
            String lossCol = required(opts, "--loss-col");
            ChinchillaFit fit = ChinchillaFit.hoffmann2022();
            if (opts.containsKey("--threads")) {
                fit = fit.withThreads(integer(opts, "--threads", 1));
            }
            if (opts.containsKey("--loss")) {
                fit = fit.withLoss(switch (opts.get("--loss")) {
                    case "huber" -> ChinchillaFit.Loss.HUBER_LOG;
                    case "squared" -> ChinchillaFit.Loss.SQUARED;
                    default -> throw new IllegalArgumentException("--loss must be huber or squared, got '"
                            + opts.get("--loss") + "'");
                });
            }
            if (opts.containsKey("--tied-exponents")) {
                fit = fit.withTiedExponents();
            }
            int resamples = opts.containsKey("--bootstrap") ? integer(opts, "--bootstrap", 1) : 0;
            long seed = seed(opts);
            ScalingData data = ScalingData.readCsv(Path.of(file), nCol, opts.get("--d-col"), lossCol,
                    opts.get("--c-col"));
            String dName = opts.containsKey("--d-col") ? opts.get("--d-col")
                    : "D = " + opts.get("--c-col") + "/(6·" + nCol + ")";
            ChinchillaFit.Result result = fit.fit(data.parameters(), data.tokens(), data.loss(), nCol, dName, lossCol);
            Map<String, Object> json = new LinkedHashMap<>(result.toMap());
            Bootstrap boot = null;
            if (resamples > 0) {
                boot = fit.bootstrap(data.parameters(), data.tokens(), data.loss(), result, resamples, seed);
                json.put("ci", boot.toMap(0.95));
            }
            if (opts.containsKey("--json")) {
                out.println(org.assay.scaling.Json.write(json));
            } else {
                printText(out, result, boot);
            }
            return 0;
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            err.println("fit: " + naming(file, e.getMessage()));
            return 2;
        } catch (RuntimeException e) { // a bug rather than bad input, but still one line and the file
            err.println("fit: " + naming(file, "unexpected error: " + e));
            return 1;
        } catch (OutOfMemoryError e) { // e.g. --bootstrap 2000000000: the refits are kept, 8 bytes a parameter each
            err.println("fit: " + naming(file, "out of memory (" + e.getMessage() + "); ask for fewer --bootstrap"
                    + " resamples or give the JVM more memory"));
            return 1;
        }
    }

    /** The message with the CSV file named once: reading errors name it already, the fit's do not. */
    private static String naming(String file, String message) {
        String m = String.valueOf(message).replaceFirst("^fit: ", "");
        return file == null || m.contains(file) ? m : file + ": " + m;
    }

    /** The one-variable laws, by their command-line names. */
    private static CurveForm form(String law, Map<String, String> opts) {
        return switch (law) {
            case "power-law" -> Laws.powerLawWithOffset();
            case "log-linear" -> Laws.logLinear();
            case "sigmoid" -> sigmoid(opts);
            case "coverage" -> Laws.coverage();
            case "bon-overoptimization" -> Laws.bestOfNOveroptimization();
            case "rl-overoptimization" -> Laws.rlOveroptimization();
            default -> throw new IllegalArgumentException("unknown law '" + law + "'; " + USAGE);
        };
    }

    /** R0 fitted, or given with --r0; --ceiling (with --r0) holds A below it, e.g. 1 for an accuracy. */
    private static CurveForm sigmoid(Map<String, String> opts) {
        if (opts.containsKey("--ceiling")) {
            if (!opts.containsKey("--r0")) {
                throw new IllegalArgumentException("--ceiling needs --r0 (the sigmoid with a ceiling holds"
                        + " R0 fixed)");
            }
            return Laws.rlSigmoid(number(opts, "--r0"), number(opts, "--ceiling"));
        }
        return opts.containsKey("--r0") ? Laws.rlSigmoid(number(opts, "--r0")) : Laws.rlSigmoid();
    }

    private static int fitCurve(String law, Path file, Map<String, String> opts, PrintStream out) {
        CurveForm form = form(law, opts);
        String xCol = required(opts, "--x-col");
        String yCol = required(opts, "--y-col");
        int resamples = opts.containsKey("--bootstrap") ? integer(opts, "--bootstrap", 1) : 0;
        long seed = seed(opts);
        double[][] xy = ScalingData.readColumns(file, xCol, yCol);
        CurveFit fitter = CurveFit.create();
        CurveFit.Result r = fitter.fit(form, xy[0], xy[1], xCol, yCol);
        Map<String, Object> json = new LinkedHashMap<>(r.toMap());
        Map<String, double[]> ci = null;
        if (resamples > 0) {
            ci = fitter.bootstrap(form, xy[0], xy[1], r, resamples, seed).intervals(0.95);
            json.put("ci", new LinkedHashMap<>(ci));
        }
        if (opts.containsKey("--json")) {
            out.println(org.assay.scaling.Json.write(json));
            return 0;
        }
        out.println(r.law() + ": " + r.formula() + "   (" + r.citation() + ")");
        for (Map.Entry<String, Double> p : r.params().entrySet()) {
            double[] i = ci == null ? null : ci.get(p.getKey());
            out.printf(Locale.ROOT, "  %-6s %.6g%s%n", p.getKey(), p.getValue(),
                    i == null ? "" : String.format(Locale.ROOT, "   95%% CI [%.6g, %.6g]", i[0], i[1]));
        }
        out.printf(Locale.ROOT, "rmse %.6g; %d starts, %d converged%n", r.rmse(), r.starts(), r.converged());
        return 0;
    }

    private static double number(Map<String, String> opts, String name) {
        double v;
        try {
            v = Double.parseDouble(opts.get(name));
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite number, got '" + opts.get(name) + "'");
        }
        return v;
    }

    /** --seed, a 64-bit integer; 0 when not given. */
    private static long seed(Map<String, String> opts) {
        if (!opts.containsKey("--seed")) {
            return 0L;
        }
        try {
            return Long.parseLong(opts.get("--seed"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seed must be an integer (64-bit), got '" + opts.get("--seed") + "'");
        }
    }

    private static void printText(PrintStream out, ChinchillaFit.Result r, Bootstrap boot) {
        ChinchillaLaw law = r.law();
        out.println("Chinchilla fit (Hoffmann et al. 2022, Approach 3): L(N, D) = E + A/N^alpha + B/D^beta"
                + (r.tiedExponents() ? ", alpha = beta imposed" : "")
                + (r.loss() == ChinchillaFit.Loss.SQUARED ? "; least squares on L" : ""));
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("E", law.E());
        values.put("A", law.A());
        values.put("B", law.B());
        values.put("alpha", law.alpha());
        values.put("beta", law.beta());
        values.put("a", law.a());
        Map<String, Object> ci = boot == null ? Map.of() : boot.toMap(0.95);
        values.forEach((name, v) -> {
            String interval = ci.get(name) instanceof double[] i
                    ? String.format(Locale.ROOT, "   95%% CI [%.6g, %.6g]", i[0], i[1]) : "";
            out.printf(Locale.ROOT, "  %-6s %.6g%s%n", name, v, interval);
        });
        out.printf(Locale.ROOT, "objective %.9g; %d starts, %d converged, %d reached the best basin%n", r.objective(),
                r.starts(), r.converged(), r.reachedBest());
        if (boot != null) {
            out.printf(Locale.ROOT, "bootstrap: %d resamples, %d converged, seed %d%n", boot.fits().size(),
                    boot.converged(), boot.seed());
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 2; i < args.length; i++) {
            String a = args[i];
            if (FLAGS.contains(a)) {
                opts.put(a, "true");
            } else if (Set.of("--n-col", "--d-col", "--c-col", "--loss-col", "--bootstrap", "--seed", "--threads",
                    "--x-col", "--y-col", "--r0", "--ceiling", "--loss").contains(a)) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                opts.put(a, args[++i]);
            } else {
                throw new IllegalArgumentException("unknown option '" + a + "'; " + USAGE);
            }
        }
        return opts;
    }

    private static String required(Map<String, String> opts, String name) {
        return Options.required(opts, name, USAGE);
    }

    private static int integer(Map<String, String> opts, String name, int min) {
        int v;
        try {
            v = Integer.parseInt(opts.get(name));
        } catch (NumberFormatException e) {
            v = Integer.MIN_VALUE;
        }
        if (v < min) {
            throw new IllegalArgumentException(name + " must be an integer >= " + min + ", got '" + opts.get(name) + "'");
        }
        return v;
    }
}
