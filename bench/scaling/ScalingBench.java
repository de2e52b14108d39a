import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.assay.scaling.ChinchillaFit;

/**
 * Java side of bench/scaling: the full 4,500-start Chinchilla Approach-3 fit of a CSV (N,D,loss), timed.
 * Run through bench.py, which also runs the scipy peer on the same data and compares.
 * Usage: java -cp CLASSPATH ScalingBench.java DATA.csv REPEATS
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
        var law = r.law();
        System.out.printf(Locale.ROOT, "{\"points\": %d, \"starts\": %d, \"threads\": %d, \"fit_s_first\": %.3f,"
                        + " \"fit_s_best_of_%d\": %.3f, \"objective\": %.12e, \"converged\": %d, \"reached_best\": %d,"
                        + " \"E\": %.6f, \"A\": %.6f, \"B\": %.6f, \"alpha\": %.6f, \"beta\": %.6f}%n",
                m, r.starts(), Runtime.getRuntime().availableProcessors(), cold, repeats, repeats == 0 ? cold : best,
                r.objective(), r.converged(), r.reachedBest(), law.E(), law.A(), law.B(), law.alpha(), law.beta());
    }
}
