package org.assay.scaling.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.assay.scaling.ChinchillaLaw;
import org.assay.scaling.InferenceAwareAllocation;
import org.assay.scaling.Json;

/**
 * {@code ./assay allocate --law hoffmann2022|epoch2024|E,A,B,alpha,beta (--loss L | --budget C)
 * --inference-tokens T[,T...] [--json]}: the model size and training tokens that reach loss L for the fewest lifetime
 * FLOPs (or, with {@code --budget}, the lowest loss for C lifetime FLOPs) when the model will serve T tokens
 * (Sardana et al. 2023); one row, or one JSON object per line with {@code --json}, per value of T. Exit status 0 on
 * success, 2 on bad usage or input, each error one line on stderr.
 */
public final class AllocateCommand {
    private static final String USAGE = "usage: allocate --law hoffmann2022|epoch2024|E,A,B,alpha,beta"
            + " (--loss L | --budget FLOPS) --inference-tokens T[,T...] [--json]";

    private AllocateCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            Map<String, String> opts = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--json" -> opts.put("--json", "");
                    case "--law", "--loss", "--budget", "--inference-tokens" -> {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(args[i] + " needs a value; " + USAGE);
                        }
                        opts.put(args[i], args[++i]);
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'; " + USAGE);
                }
            }
            if (opts.containsKey("--loss") == opts.containsKey("--budget")) {
                throw new IllegalArgumentException("give one of --loss and --budget; " + USAGE);
            }
            ChinchillaLaw law = law(required(opts, "--law"));
            List<InferenceAwareAllocation> rows = new ArrayList<>();
            for (String t : required(opts, "--inference-tokens").split(",", -1)) {
                double tokens = number("--inference-tokens", t);
                rows.add(opts.containsKey("--loss") ? law.allocateForLoss(number("--loss", opts.get("--loss")), tokens)
                        : law.allocateForBudget(number("--budget", opts.get("--budget")), tokens));
            }
            if (opts.containsKey("--json")) {
                rows.forEach(a -> out.println(Json.write(toMap(a))));
                return 0;
            }
            out.println("L(N, D) = " + law.E() + " + " + law.A() + "/N^" + law.alpha() + " + " + law.B() + "/D^"
                    + law.beta() + "; lifetime FLOPs 6 N D_train + 2 N D_inference (Sardana et al. 2023)");
            out.printf(Locale.ROOT, "%12s %8s %12s %12s %8s %12s %12s %12s%n", "inference", "loss", "N", "D_train",
                    "D/N", "train FLOPs", "infer FLOPs", "total FLOPs");
            for (InferenceAwareAllocation a : rows) {
                out.printf(Locale.ROOT, "%12.4g %8.4f %12.4g %12.4g %8.1f %12.4g %12.4g %12.4g%n",
                        a.inferenceTokens(), a.targetLoss(), a.parameters(), a.trainingTokens(),
                        a.tokensPerParameter(), a.trainingFlops(), a.inferenceFlops(), a.totalFlops());
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("allocate: " + e.getMessage());
            return 2;
        }
    }

    /** A published law by name, or the five numbers E,A,B,alpha,beta. */
    static ChinchillaLaw law(String spec) {
        switch (spec) {
            case "hoffmann2022":
                return ChinchillaLaw.hoffmann2022();
            case "epoch2024":
                return ChinchillaLaw.epoch2024();
            default:
                String[] parts = spec.split(",", -1);
                if (parts.length != 5) {
                    throw new IllegalArgumentException("--law must be hoffmann2022, epoch2024 or five numbers"
                            + " E,A,B,alpha,beta, got '" + spec + "'");
                }
                String[] names = {"E", "A", "B", "alpha", "beta"};
                double[] v = new double[5];
                for (int i = 0; i < 5; i++) {
                    v[i] = number("--law " + names[i], parts[i]);
                }
                return new ChinchillaLaw(v[0], v[1], v[2], v[3], v[4]);
        }
    }

    private static Map<String, Object> toMap(InferenceAwareAllocation a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("targetLoss", a.targetLoss());
        m.put("inferenceTokens", a.inferenceTokens());
        m.put("parameters", a.parameters());
        m.put("trainingTokens", a.trainingTokens());
        m.put("tokensPerParameter", a.tokensPerParameter());
        m.put("trainingFlops", a.trainingFlops());
        m.put("inferenceFlops", a.inferenceFlops());
        m.put("totalFlops", a.totalFlops());
        return m;
    }

    private static String required(Map<String, String> opts, String name) {
        return Options.required(opts, name, USAGE);
    }

    private static double number(String name, String text) {
        try {
            double v = Double.parseDouble(text.trim());
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new IllegalArgumentException(name + " must be a finite number, got '" + text + "'");
    }
}
