import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.assay.scaling.ChinchillaFit;

/**
 * Java side of bench/scaling: the full 4,500-start Chinchilla Approach-3 fit of a CSV (N,D,loss), timed.
 * Run through bench.py, which also runs the scipy peer on the same data and compares.
 * Then a bootstrap of it (resamples refitted from the full fit's distinct optima), timed.
 * Usage: java -cp CLASSPATH ScalingBench.java DATA.csv REPEATS RESAMPLES
 */
public class ScalingBench {
    public static void main(String[] args) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        int repeats = Integer.parseInt(args[1]);
        int m = lines.size() - 1;
        double[] n = new double[m];
        double[] d = new double[m];
        double[] l = new double[m];
        for (int i = 0; i < m; i++) {
            String[] f = lines.get(i + 1).split(",");
            n[i] = Double.parseDouble(f[0]);
            d[i] = Double.parseDouble(f[1]);
            l[i] = Double.parseDouble(f[2]);
        }
        ChinchillaFit fit = ChinchillaFit.hoffmann2022();
        long t0 = System.nanoTime();
        ChinchillaFit.Result first = fit.fit(n, d, l);
        double cold = (System.nanoTime() - t0) / 1e9;
        double best = Double.MAX_VALUE;
        ChinchillaFit.Result r = first;
        for (int i = 0; i < repeats; i++) {
            long s = System.nanoTime();
            r = fit.fit(n, d, l);
            best = Math.min(best, (System.nanoTime() - s) / 1e9);
        }
        int resamples = Integer.parseInt(args[2]);
        long b0 = System.nanoTime();
        var boot = fit.bootstrap(n, d, l, r, resamples, 2022);
        double bootSeconds = (System.nanoTime() - b0) / 1e9;
        var alphaCi = boot.interval(org.assay.scaling.ChinchillaLaw::alpha, 0.95);
        var betaCi = boot.interval(org.assay.scaling.ChinchillaLaw::beta, 0.95);
        var eCi = boot.interval(org.assay.scaling.ChinchillaLaw::E, 0.95);
        StringBuilder optima = new StringBuilder("[");
        for (var o : r.optima()) {
            optima.append(optima.length() > 1 ? ", " : "").append(String.format(Locale.ROOT, "[%.17g, %.17g, %.17g, %.17g, %.17g]",
                    Math.log(o.A()), Math.log(o.B()), Math.log(o.E()), o.alpha(), o.beta()));
        }
        optima.append(']');
        var law = r.law();
        System.out.printf(Locale.ROOT, "{\"points\": %d, \"starts\": %d, \"threads\": %d, \"fit_s_first\": %.3f,"
                        + " \"fit_s_best_of_%d\": %.3f, \"objective\": %.12e, \"converged\": %d, \"reached_best\": %d,"
                        + " \"E\": %.6f, \"A\": %.6f, \"B\": %.6f, \"alpha\": %.6f, \"beta\": %.6f,"
                        + " \"bootstrap\": {\"resamples\": %d, \"warm_starts\": %d, \"seconds\": %.3f, \"converged\": %d,"
                        + " \"ci95\": {\"alpha\": [%.5f, %.5f], \"beta\": [%.5f, %.5f], \"E\": [%.5f, %.5f]}},"
                        + " \"optima_log_space\": %s}%n",
                m, r.starts(), Runtime.getRuntime().availableProcessors(), cold, repeats, repeats == 0 ? cold : best,
                r.objective(), r.converged(), r.reachedBest(), law.E(), law.A(), law.B(), law.alpha(), law.beta(),
                resamples, r.optima().size(), bootSeconds, boot.converged(), alphaCi.lower(), alphaCi.upper(),
                betaCi.lower(), betaCi.upper(), eCi.lower(), eCi.upper(), optima);
    }
}
