package org.assay.scaling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.assay.base.HtmlText;
import org.assay.base.Quantiles;
import org.assay.display.MimeBundle;
import org.assay.display.Renderable;
import tech.tablesaw.api.Table;

/**
 * From data mixtures to a loss, and back: fits a regression from small proxy runs' mixture weights to their loss on a
 * target, and predicts the mixture with the lowest loss (RegMix, Liu et al. 2024; data mixing laws, Ye et al. 2024).
 * <pre>{@code
 * var fit = MixtureRegression.of(runs, "w_", "val_loss").withSeed(0).fit();   // runs: Sweep.results()
 * fit.optimum()                                                             // {web=0.52, code=0.31, books=0.17}
 * }</pre>
 *
 * <p>Three forms, ridge-regularised, each judged by k-fold cross-validation over a grid of penalties; the one with the
 * lowest cross-validated error is refitted on every run:
 * <ul>
 * <li>{@link Form#LINEAR}: L = b + Σ β_i w_i, RegMix's linear baseline;
 * <li>{@link Form#LOG}: L = b + Σ β_i log(w_i + 0.01), diminishing returns to each source (a power law in its tokens
 * is linear in log w_i);
 * <li>{@link Form#LOG_LOSS}: log L = b + Σ β_i w_i, Ye et al.'s mixing law L = c + k·exp(Σ t_i w_i) with c = 0.
 * </ul>
 * RegMix fitted LightGBM on 512 proxy runs; with the tens of runs a CPU affords, a tree ensemble has too few points
 * per leaf, while these forms have K + 1 parameters and extrapolate smoothly between the sampled mixtures.
 *
 * <p>The optimum is searched as RegMix does: many mixtures drawn uniformly from the simplex (Dirichlet(1), seeded),
 * the predicted loss of each, and the mean of the best {@code top}, which is steadier than the single best draw. With
 * {@link #withBootstrap} the runs are resampled with replacement, the chosen form refitted and the optimum searched
 * again, giving percentile intervals for each weight.
 */
public final class MixtureRegression {
    /** The regression's form (see the class comment). */
    public enum Form { LINEAR, LOG, LOG_LOSS }

    /** Added to a weight before its logarithm ({@link Form#LOG}), so a source left out is finite. */
    public static final double LOG_OFFSET = 0.01;

    private static final double[] PENALTIES = {0, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10};

    private final List<String> sources;
    private final double[][] weights; // [run][source], each row summing to 1
    private final double[] loss;
    private final int folds;
    private final long seed;
    private final int candidates;
    private final int top;
    private final int resamples;

    private MixtureRegression(List<String> sources, double[][] weights, double[] loss, int folds, long seed,
                              int candidates, int top, int resamples) {
        this.sources = sources;
        this.weights = weights;
        this.loss = loss;
        this.folds = folds;
        this.seed = seed;
        this.candidates = candidates;
        this.top = top;
        this.resamples = resamples;
    }

    /**
     * @param sources the sources' names
     * @param weights per run, a weight per source (each row is normalised to sum to 1)
     * @param loss    per run, its loss on the target
     */
    public static MixtureRegression of(List<String> sources, double[][] weights, double[] loss) {
        String fn = "MixtureRegression.of";
        if (sources.size() < 2) {
            throw new IllegalArgumentException(fn + ": needs at least 2 sources, got " + sources);
        }
        if (weights.length != loss.length) {
            throw new IllegalArgumentException(fn + ": weights and loss must have one row per run, got "
                    + weights.length + " and " + loss.length);
        }
        if (loss.length < sources.size() + 2) {
            throw new IllegalArgumentException(fn + ": needs at least sources + 2 = " + (sources.size() + 2)
                    + " runs to fit and cross-validate, got " + loss.length);
        }
        double[][] w = new double[weights.length][];
        for (int r = 0; r < weights.length; r++) {
            if (weights[r].length != sources.size()) {
                throw new IllegalArgumentException(fn + ": run " + r + " has " + weights[r].length + " weights, not one"
                        + " per source (" + sources.size() + ")");
            }
            double sum = 0;
            for (int i = 0; i < weights[r].length; i++) {
                double v = weights[r][i];
                if (!(v >= 0) || Double.isInfinite(v)) {
                    throw new IllegalArgumentException(fn + ": weights must be >= 0 and finite, got " + v + " for '"
                            + sources.get(i) + "' in run " + r);
                }
                sum += v;
            }
            if (!(sum > 0)) {
                throw new IllegalArgumentException(fn + ": run " + r + " has no weight on any source");
            }
            w[r] = new double[weights[r].length];
            for (int i = 0; i < w[r].length; i++) {
                w[r][i] = weights[r][i] / sum;
            }
            if (!(loss[r] > 0) || Double.isInfinite(loss[r])) {
                throw new IllegalArgumentException(fn + ": loss must be > 0 and finite, got " + loss[r] + " in run " + r);
            }
        }
        return new MixtureRegression(List.copyOf(sources), w, loss.clone(), 5, 0, 100_000, 100, 0);
    }

    /**
     * From a table of runs ({@code Sweep.results()}): the columns named {@code weightPrefix + source} are the weights,
     * {@code lossColumn} the loss; rows with a missing loss are left out.
     */
    public static MixtureRegression of(Table runs, String weightPrefix, String lossColumn) {
        String fn = "MixtureRegression.of";
        List<String> columns = runs.columnNames().stream().filter(c -> c.startsWith(weightPrefix)).toList();
        if (!runs.columnNames().contains(lossColumn)) {
            throw new IllegalArgumentException(fn + ": no column '" + lossColumn + "'; the columns are "
                    + runs.columnNames());
        }
        if (columns.size() < 2) {
            throw new IllegalArgumentException(fn + ": needs at least 2 weight columns starting '" + weightPrefix
                    + "', got " + columns);
        }
        List<double[]> w = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int r = 0; r < runs.rowCount(); r++) {
            double l = ((Number) runs.column(lossColumn).get(r)).doubleValue();
            if (Double.isNaN(l)) {
                continue;
            }
            double[] row = new double[columns.size()];
            for (int i = 0; i < row.length; i++) {
                row[i] = ((Number) runs.column(columns.get(i)).get(r)).doubleValue();
            }
            w.add(row);
            y.add(l);
        }
        List<String> names = columns.stream().map(c -> c.substring(weightPrefix.length())).toList();
        // a source no run trained on (a held-out target) carries no information: leave it out
        List<Integer> used = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            final int k = i;
            if (w.stream().anyMatch(row -> row[k] > 0)) {
                used.add(i);
            }
        }
        double[][] kept = w.stream().map(row -> used.stream().mapToDouble(i -> row[i]).toArray())
                .toArray(double[][]::new);
        return of(used.stream().map(names::get).toList(), kept, y.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Folds of the cross-validation (default 5; at most one per run: leave-one-out). */
    public MixtureRegression withFolds(int k) {
        if (k < 2) {
            throw new IllegalArgumentException("MixtureRegression.withFolds: k must be >= 2, got " + k);
        }
        return new MixtureRegression(sources, weights, loss, k, seed, candidates, top, resamples);
    }

    /** Seeds the folds, the candidate mixtures and the bootstrap (default 0). */
    public MixtureRegression withSeed(long s) {
        return new MixtureRegression(sources, weights, loss, folds, s, candidates, top, resamples);
    }

    /** Candidate mixtures drawn for the search (default 100,000) and how many of the best are averaged (100). */
    public MixtureRegression withSearch(int drawn, int best) {
        if (drawn < 1 || best < 1 || best > drawn) {
            throw new IllegalArgumentException("MixtureRegression.withSearch: needs 1 <= best <= drawn, got drawn="
                    + drawn + ", best=" + best);
        }
        return new MixtureRegression(sources, weights, loss, folds, seed, drawn, best, resamples);
    }

    /** Bootstrap resamples of the runs for intervals on the optimum (default 0: none). */
    public MixtureRegression withBootstrap(int b) {
        if (b < 0) {
            throw new IllegalArgumentException("MixtureRegression.withBootstrap: resamples must be >= 0, got " + b);
        }
        return new MixtureRegression(sources, weights, loss, folds, seed, candidates, top, b);
    }

    /**
     * One fitted form.
     *
     * @param form         its form
     * @param penalty      the ridge penalty λ (on standardised features, × runs)
     * @param intercept    b
     * @param coefficients β per source, on the form's own features (w_i, or log(w_i + 0.01))
     * @param cvRmse       root mean squared error of its out-of-fold predictions of the loss
     * @param cvSpearman   rank correlation of the out-of-fold predictions with the losses (RegMix reports it)
     */
    public record Model(Form form, double penalty, double intercept, Map<String, Double> coefficients, double cvRmse,
                        double cvSpearman) {
        /** The predicted loss of a mixture (a weight per source, in the sources' order; normalised). */
        public double predict(double[] w) {
            double[] x = features(form, normalised(w));
            double s = intercept;
            int i = 0;
            for (double b : coefficients.values()) {
                s += b * x[i++];
            }
            return form == Form.LOG_LOSS ? Math.exp(s) : s;
        }
    }

    /**
     * What the fit found.
     *
     * @param sources       the sources, in order
     * @param runs          runs fitted
     * @param forms         every form with its best penalty and cross-validated error, in {@link Form} order
     * @param best          the form with the lowest cross-validated error, refitted on every run
     * @param optimum       the predicted best mixture
     * @param predictedLoss the best model's prediction at {@code optimum}
     * @param lower         with a bootstrap, each weight's 2.5th percentile over resamples; else null
     * @param upper         with a bootstrap, each weight's 97.5th percentile; else null
     */
    public record Result(List<String> sources, int runs, List<Model> forms, Model best, Map<String, Double> optimum,
                         double predictedLoss, Map<String, Double> lower, Map<String, Double> upper)
            implements Renderable {

        /** The best model's predicted loss for a mixture given by name (sources not named get 0). */
        public double predict(Map<String, Double> mixture) {
            double[] w = new double[sources.size()];
            mixture.forEach((k, v) -> {
                int i = sources.indexOf(k);
                if (i < 0) {
                    throw new IllegalArgumentException("MixtureRegression.Result.predict: '" + k + "' is not a"
                            + " source; the sources are " + sources);
                }
                w[i] = v;
            });
            return best.predict(w);
        }

        /** Total variation distance (half the L1 distance) between the optimum and another mixture. */
        public double distanceTo(Map<String, Double> mixture) {
            double total = mixture.values().stream().mapToDouble(Double::doubleValue).sum();
            double d = 0;
            for (String s : sources) {
                d += Math.abs(optimum.get(s) - mixture.getOrDefault(s, 0.0) / total);
            }
            return d / 2;
        }

        @Override
        public MimeBundle toMimeBundle() {
            StringBuilder rows = new StringBuilder();
            for (Model m : forms) {
                rows.append(String.format(Locale.ROOT, "<tr><td>%s%s</td><td>%s</td><td>%.4f</td><td>%.3f</td></tr>",
                        m.form(), m.form() == best.form() ? " (chosen)" : "", HtmlRows.format(m.penalty()),
                        m.cvRmse(), m.cvSpearman()));
            }
            StringBuilder opt = new StringBuilder();
            for (String s : sources) {
                opt.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.3f</td><td>%s</td></tr>",
                        HtmlText.escape(s), optimum.get(s), lower == null ? "" : String.format(Locale.ROOT,
                                "[%.3f, %.3f]", lower.get(s), upper.get(s))));
            }
            String html = "<div><b>Mixture regression</b> on " + runs + " runs <small>(RegMix, Liu et al. 2024)"
                    + "</small><table><thead><tr><th>form</th><th>penalty</th><th>CV rmse</th><th>CV Spearman</th>"
                    + "</tr></thead><tbody>" + rows + "</tbody></table><table><thead><tr><th>source</th>"
                    + "<th>optimum</th><th>95% interval</th></tr></thead><tbody>" + opt + "</tbody></table><small>"
                    + String.format(Locale.ROOT, "predicted loss at the optimum %.4f", predictedLoss)
                    + "</small></div>";
            return MimeBundle.html(html, "mixture regression (" + best.form() + "): optimum " + optimum
                    + String.format(Locale.ROOT, ", predicted loss %.4f", predictedLoss));
        }
    }

    public Result fit() {
        List<Model> forms = new ArrayList<>();
        for (Form f : Form.values()) {
            forms.add(select(f));
        }
        Model chosen = forms.stream().min(java.util.Comparator.comparingDouble(Model::cvRmse)).orElseThrow();
        Model best = refit(chosen, weights, loss);
        double[] optimum = search(best, new SplittableRandom(seed ^ 0x5DEECE66DL));
        Map<String, Double> lower = null;
        Map<String, Double> upper = null;
        if (resamples > 0) {
            SplittableRandom rng = new SplittableRandom(seed + 1);
            double[][] draws = new double[sources.size()][resamples];
            int n = loss.length;
            for (int b = 0; b < resamples; b++) {
                double[][] w = new double[n][];
                double[] y = new double[n];
                for (int r = 0; r < n; r++) {
                    int pick = rng.nextInt(n);
                    w[r] = weights[pick];
                    y[r] = loss[pick];
                }
                double[] o = search(refit(chosen, w, y), rng.split());
                for (int i = 0; i < o.length; i++) {
                    draws[i][b] = o[i];
                }
            }
            lower = new LinkedHashMap<>();
            upper = new LinkedHashMap<>();
            for (int i = 0; i < sources.size(); i++) {
                Arrays.sort(draws[i]);
                lower.put(sources.get(i), Quantiles.ofSorted(draws[i], 0.025));
                upper.put(sources.get(i), Quantiles.ofSorted(draws[i], 0.975));
            }
        }
        return new Result(sources, loss.length, List.copyOf(forms), best, byName(optimum), best.predict(optimum),
                lower, upper);
    }

    /** The penalty with the lowest cross-validated error for one form. */
    private Model select(Form form) {
        int n = loss.length;
        int k = Math.min(folds, n);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) { // Fisher–Yates
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        Model best = null;
        for (double penalty : PENALTIES) {
            double[] predicted = new double[n];
            for (int f = 0; f < k; f++) {
                List<Integer> train = new ArrayList<>();
                List<Integer> test = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    (i % k == f ? test : train).add(order[i]);
                }
                Model m = solve(form, penalty, train.stream().map(i -> weights[i]).toArray(double[][]::new),
                        train.stream().mapToDouble(i -> loss[i]).toArray(), Double.NaN, Double.NaN);
                for (int i : test) {
                    predicted[i] = m.predict(weights[i]);
                }
            }
            double sse = 0;
            for (int i = 0; i < n; i++) {
                sse += (predicted[i] - loss[i]) * (predicted[i] - loss[i]);
            }
            double rmse = Math.sqrt(sse / n);
            if (Double.isFinite(rmse) && (best == null || rmse < best.cvRmse())) {
                best = new Model(form, penalty, 0, Map.of(), rmse, spearman(predicted, loss));
            }
        }
        if (best == null) {
            throw new IllegalStateException("MixtureRegression.fit: form " + form + " gave no finite prediction at any"
                    + " penalty");
        }
        return best;
    }

    /** The form at its chosen penalty, fitted to {@code w, y}, keeping the chosen model's cross-validated errors. */
    private Model refit(Model chosen, double[][] w, double[] y) {
        return solve(chosen.form(), chosen.penalty(), w, y, chosen.cvRmse(), chosen.cvSpearman());
    }

    /** Ridge regression on standardised features with an unpenalised intercept, by Cholesky (K is small). */
    private Model solve(Form form, double penalty, double[][] w, double[] y, double cvRmse, double cvSpearman) {
        int n = y.length;
        int k = sources.size();
        double[][] x = new double[n][];
        double[] target = new double[n];
        for (int r = 0; r < n; r++) {
            x[r] = features(form, w[r]);
            target[r] = form == Form.LOG_LOSS ? Math.log(y[r]) : y[r];
        }
        double[] mean = new double[k];
        double[] sd = new double[k];
        double yMean = 0;
        for (int r = 0; r < n; r++) {
            yMean += target[r] / n;
            for (int i = 0; i < k; i++) {
                mean[i] += x[r][i] / n;
            }
        }
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < k; i++) {
                sd[i] += (x[r][i] - mean[i]) * (x[r][i] - mean[i]) / n;
            }
        }
        for (int i = 0; i < k; i++) {
            sd[i] = sd[i] > 1e-24 ? Math.sqrt(sd[i]) : 1; // a constant feature: its coefficient stays 0
        }
        double[][] a = new double[k][k];
        double[] rhs = new double[k];
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < k; i++) {
                double zi = (x[r][i] - mean[i]) / sd[i];
                rhs[i] += zi * (target[r] - yMean);
                for (int j = 0; j < k; j++) {
                    a[i][j] += zi * (x[r][j] - mean[j]) / sd[j];
                }
            }
        }
        for (int i = 0; i < k; i++) {
            a[i][i] += penalty * n + 1e-10 * n; // the weights sum to 1, so XᵀX is singular without a penalty
        }
        double[] beta = cholesky(a, rhs);
        Map<String, Double> coefficients = new LinkedHashMap<>();
        double intercept = yMean;
        for (int i = 0; i < k; i++) {
            double b = beta[i] / sd[i];
            coefficients.put(sources.get(i), b);
            intercept -= b * mean[i];
        }
        return new Model(form, penalty, intercept, coefficients, cvRmse, cvSpearman);
    }

    /** Solves A x = b for symmetric positive definite A. */
    private static double[] cholesky(double[][] a, double[] b) {
        int k = b.length;
        double[][] l = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int m = 0; m < j; m++) {
                    s -= l[i][m] * l[j][m];
                }
                l[i][j] = i == j ? Math.sqrt(Math.max(s, 1e-300)) : s / l[j][j];
            }
        }
        double[] z = new double[k];
        for (int i = 0; i < k; i++) {
            double s = b[i];
            for (int m = 0; m < i; m++) {
                s -= l[i][m] * z[m];
            }
            z[i] = s / l[i][i];
        }
        double[] x = new double[k];
        for (int i = k - 1; i >= 0; i--) {
            double s = z[i];
            for (int m = i + 1; m < k; m++) {
                s -= l[m][i] * x[m];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }

    /** RegMix's search: uniform draws from the simplex, the mean of the {@code top} with the lowest prediction. */
    private double[] search(Model m, SplittableRandom rng) {
        int k = sources.size();
        double[][] drawn = new double[candidates][];
        double[] predicted = new double[candidates];
        Integer[] index = new Integer[candidates];
        for (int c = 0; c < candidates; c++) {
            double[] w = new double[k];
            double sum = 0;
            for (int i = 0; i < k; i++) {
                w[i] = -Math.log(1 - rng.nextDouble()); // Exp(1) draws, normalised: Dirichlet(1, ..., 1)
                sum += w[i];
            }
            for (int i = 0; i < k; i++) {
                w[i] /= sum;
            }
            drawn[c] = w;
            predicted[c] = m.predict(w);
            index[c] = c;
        }
        Arrays.sort(index, java.util.Comparator.comparingDouble(c -> predicted[c]));
        double[] mean = new double[k];
        for (int t = 0; t < top; t++) {
            for (int i = 0; i < k; i++) {
                mean[i] += drawn[index[t]][i] / top;
            }
        }
        return mean;
    }

    private static double[] features(Form form, double[] w) {
        if (form != Form.LOG) {
            return w;
        }
        double[] x = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            x[i] = Math.log(w[i] + LOG_OFFSET);
        }
        return x;
    }

    private static double[] normalised(double[] w) {
        double sum = 0;
        for (double v : w) {
            sum += v;
        }
        double[] out = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = w[i] / sum;
        }
        return out;
    }

    private Map<String, Double> byName(double[] values) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            m.put(sources.get(i), values[i]);
        }
        return m;
    }

    /** Spearman's rank correlation: Pearson's of the ranks (ties get their mean rank). */
    static double spearman(double[] a, double[] b) {
        return Bootstrap.pearson(ranks(a), ranks(b));
    }

    private static double[] ranks(double[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, java.util.Comparator.comparingDouble(i -> v[i]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; ) {
            int j = i;
            while (j + 1 < v.length && v[idx[j + 1]] == v[idx[i]]) {
                j++;
            }
            for (int m = i; m <= j; m++) {
                r[idx[m]] = (i + j) / 2.0 + 1;
            }
            i = j + 1;
        }
        return r;
    }
}
