package org.assay.scaling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assay.display.MimeBundle;
import org.assay.display.Renderable;
import org.assay.scaling.optim.DifferentiableFunction;
import org.assay.scaling.optim.Interrupts;
import org.assay.scaling.optim.Lbfgs;
import org.assay.scaling.optim.OptimizationResult;

/**
 * Chinchilla Approach 3: the parametric fit of {@link ChinchillaLaw} as published (Hoffmann et al. 2022, Appendix
 * D.2). In log space, with {@code a = log A}, {@code b = log B}, {@code e = log E}, it minimises
 * <pre>  Σ_i Huber_δ( LSE(a − α log N_i, b − β log D_i, e) − log L_i ),  δ = 1e-3 </pre>
 * with L-BFGS from every point of the published initialisation grid (α, β ∈ {0, 0.5, …, 2}; e ∈ {−1, −0.5, …, 1};
 * a, b ∈ {0, 5, …, 25}: 4,500 starts) and keeps the best optimum. The grid, δ and the reduction (the published sum,
 * or the mean some re-implementations use) are configurable; the result says how many starts converged and how many
 * reached the best basin. Starts run in parallel; the result does not depend on the number of threads. Fits and
 * bootstraps stop within a second when their thread is interrupted (a notebook's stop button), with a
 * {@link java.util.concurrent.CancellationException}.
 *
 * <p>Two variants that published fits use are options, so their numbers can be reproduced exactly rather than
 * approximately: the {@link Loss#SQUARED} objective (least squares on L itself, what {@code scipy.optimize.curve_fit}
 * scripts minimise, e.g. Gadre et al. 2024, "Language models scale reliably with over-training and on downstream
 * tasks") and {@linkplain #withTiedExponents() tied exponents} α = β (the form Gadre et al. fit). The objective
 * decides the answer when the law does not fit exactly: on their data the two objectives predict held-out losses
 * that differ by 0.3 percentage points of relative error.
 */
public final class ChinchillaFit {
    /** How the per-point Huber losses are combined. */
    public enum Reduction { SUM, MEAN }

    /** The per-point loss. */
    public enum Loss {
        /** Huber_δ of {@code log L̂ − log L}: Hoffmann et al. 2022. */
        HUBER_LOG,
        /** {@code (L̂ − L)²}: least squares on the loss itself, as {@code scipy.optimize.curve_fit}. */
        SQUARED
    }

    private static final double BASIN_RTOL = 1e-6;
    private static final int KEPT_OPTIMA = 8;

    private final double[][] grid; // alpha, beta, e, a, b
    private final double delta;
    private final Reduction reduction;
    private final int threads;
    private final Lbfgs optimizer;
    private final Loss loss;
    private final boolean tied;

    private ChinchillaFit(double[][] grid, double delta, Reduction reduction, int threads, Lbfgs optimizer,
                          Loss loss, boolean tied) {
        if (!(delta > 0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException("ChinchillaFit: delta must be > 0 and finite, got " + delta);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("ChinchillaFit: threads must be >= 1, got " + threads);
        }
        String[] names = {"alpha", "beta", "e", "a", "b"};
        for (int i = 0; i < grid.length; i++) {
            if (grid[i].length == 0) {
                throw new IllegalArgumentException("ChinchillaFit: the " + names[i] + " grid must not be empty");
            }
        }
        this.grid = grid;
        this.delta = delta;
        this.reduction = reduction;
        this.threads = threads;
        this.optimizer = optimizer;
        this.loss = loss;
        this.tied = tied;
    }

    /** The published procedure: its grid, δ = 1e-3, summed; all cores. */
    public static ChinchillaFit hoffmann2022() {
        return new ChinchillaFit(new double[][] {
                range(0, 2, 0.5), range(0, 2, 0.5), range(-1, 1, 0.5), range(0, 25, 5), range(0, 25, 5)},
                1e-3, Reduction.SUM, Runtime.getRuntime().availableProcessors(), Lbfgs.defaults(), Loss.HUBER_LOG,
                false);
    }

    /** Replaces the initialisation grid (values of α, β, e = log E, a = log A, b = log B). */
    public ChinchillaFit withGrid(double[] alpha, double[] beta, double[] e, double[] a, double[] b) {
        return new ChinchillaFit(new double[][] {alpha.clone(), beta.clone(), e.clone(), a.clone(), b.clone()}, delta,
                reduction, threads, optimizer, loss, tied);
    }

    public ChinchillaFit withDelta(double huberDelta) {
        return new ChinchillaFit(grid, huberDelta, reduction, threads, optimizer, loss, tied);
    }

    public ChinchillaFit withReduction(Reduction r) {
        return new ChinchillaFit(grid, delta, r, threads, optimizer, loss, tied);
    }

    public ChinchillaFit withThreads(int n) {
        return new ChinchillaFit(grid, delta, reduction, n, optimizer, loss, tied);
    }

    public ChinchillaFit withOptimizer(Lbfgs lbfgs) {
        return new ChinchillaFit(grid, delta, reduction, threads, lbfgs, loss, tied);
    }

    /** The per-point loss; {@link Loss#HUBER_LOG} as published by Hoffmann et al. */
    public ChinchillaFit withLoss(Loss l) {
        return new ChinchillaFit(grid, delta, reduction, threads, optimizer, l, tied);
    }

    /**
     * Fits one exponent for both terms, {@code L = E + A/N^α + B/D^α} (four parameters); the β grid is then unused
     * and each start takes β = α.
     */
    public ChinchillaFit withTiedExponents() {
        return new ChinchillaFit(grid, delta, reduction, threads, optimizer, loss, true);
    }

    public int starts() {
        int n = 1;
        for (int i = 0; i < grid.length; i++) {
            n *= tied && i == 1 ? 1 : grid[i].length;
        }
        return n;
    }

    /**
     * Fits the law to points (N_i, D_i, L_i).
     *
     * @throws IllegalArgumentException naming the column, row and value, for NaN, infinite or non-positive input,
     *                                  columns of different lengths, or fewer points than the five parameters
     */
    public Result fit(double[] parameters, double[] tokens, double[] loss) {
        return fit(parameters, tokens, loss, "N", "D", "loss");
    }

    /**
     * Fits the law to points (N_i, D_i, L_i), with errors that name the columns as the caller's table does, e.g. the
     * CSV columns {@code ./assay fit chinchilla} was given.
     */
    public Result fit(double[] parameters, double[] tokens, double[] loss, String nName, String dName,
                      String lossName) {
        String fn = "fitChinchilla";
        String[] names = {nName, dName, lossName};
        Columns.requireSameLength(fn, names, parameters, tokens, loss);
        Columns.requirePositiveFinite(fn, nName, parameters);
        Columns.requirePositiveFinite(fn, dName, tokens);
        Columns.requirePositiveFinite(fn, lossName, loss);
        Columns.requireAtLeast(fn, parameters.length, tied ? 4 : 5);
        requireVaries(fn, nName, parameters, "alpha and A");
        requireVaries(fn, dName, tokens, "beta and B");
        requireVaries(fn, lossName, loss, "any parameter");
        return fitFrom(objective(parameters, tokens, loss), startPoints(), threads);
    }

    /**
     * A fit that leaves out outliers, on request: fits all points, drops those whose log residual is more than
     * {@code k} standard deviations from the mean, and refits. The rows left out are listed (1-based), so nothing is
     * dropped silently.
     */
    public Robust fitDroppingOutliers(double[] parameters, double[] tokens, double[] loss, double k) {
        if (!(k > 0)) {
            throw new IllegalArgumentException("fitChinchilla: the outlier threshold k must be > 0, got " + k);
        }
        Result first = fit(parameters, tokens, loss);
        List<Integer> dropped = Residuals.of(first.law(), parameters, tokens, loss).outliers(k);
        if (dropped.isEmpty()) {
            return new Robust(first, List.of());
        }
        java.util.Set<Integer> out = new java.util.HashSet<>(dropped);
        int[] keep = java.util.stream.IntStream.range(0, loss.length).filter(i -> !out.contains(i + 1)).toArray();
        Result refit = fit(Columns.rows(parameters, keep), Columns.rows(tokens, keep), Columns.rows(loss, keep));
        return new Robust(refit, List.copyOf(dropped));
    }

    /** A fit without the listed rows (1-based, as in the input). */
    public record Robust(Result result, List<Integer> droppedRows) {
    }

    /** A column with one value leaves parameters unidentified: say so instead of returning an arbitrary optimum. */
    private static void requireVaries(String fn, String column, double[] v, String what) {
        for (double x : v) {
            if (x != v[0]) {
                return;
            }
        }
        throw new IllegalArgumentException(fn + ": column '" + column + "' has one value (" + v[0] + ") in all "
                + v.length + " rows, so the data cannot identify " + what);
    }

    private Objective objective(double[] parameters, double[] tokens, double[] loss) {
        return new Objective(parameters, tokens, loss, this.loss, delta, reduction, tied);
    }

    /** Runs the optimiser from each start and summarises; {@code workers} threads share the starts. */
    private Result fitFrom(Objective objective, List<double[]> starts, int workers) {
        OptimizationResult[] results = new OptimizationResult[starts.size()];
        runAll(objective, starts, results, workers);
        Integer[] order = new Integer[results.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Best first; NaN last; ties keep the earlier start, so the answer does not depend on scheduling.
        java.util.Arrays.sort(order, (x, y) -> {
            double vx = results[x].value();
            double vy = results[y].value();
            if (Double.isFinite(vx) != Double.isFinite(vy)) {
                return Double.isFinite(vx) ? -1 : 1;
            }
            int c = Double.compare(vx, vy);
            return c != 0 ? c : Integer.compare(x, y);
        });
        OptimizationResult best = results[order[0]];
        double bestValue = best.value();
        int converged = 0;
        int reached = 0;
        for (OptimizationResult r : results) {
            if (r.converged()) {
                converged++;
            }
            if (Double.isFinite(r.value()) && r.value() <= bestValue + BASIN_RTOL * Math.max(Math.abs(bestValue), 1e-300)) {
                reached++;
            }
        }
        List<ChinchillaLaw> optima = new ArrayList<>();
        List<double[]> taken = new ArrayList<>();
        for (int i = 0; i < order.length && optima.size() < KEPT_OPTIMA; i++) {
            OptimizationResult r = results[order[i]];
            if (!Double.isFinite(r.value()) || taken.stream().anyMatch(t -> close(t, r.x()))) {
                continue;
            }
            ChinchillaLaw law = toLaw(r.x(), tied);
            if (law != null) {
                taken.add(r.x());
                optima.add(law);
            }
        }
        if (optima.isEmpty()) {
            throw new IllegalStateException("fitChinchilla: no start reached a finite, valid optimum ("
                    + results.length + " starts)");
        }
        return new Result(optima.get(0), bestValue, results.length, converged, reached, best.converged(), loss,
                delta, reduction, tied, List.copyOf(optima));
    }

    /** Distinct basins: every log-space parameter within 1e-3 counts as the same optimum. */
    private static boolean close(double[] p, double[] q) {
        for (int i = 0; i < p.length; i++) {
            if (Math.abs(p[i] - q[i]) > 1e-3 * Math.max(1, Math.abs(p[i]))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The law for log-space parameters (a, b, e, alpha, beta), or null if they are outside its domain. With tied
     * exponents β is α, whatever p[4] holds.
     */
    private static ChinchillaLaw toLaw(double[] p, boolean tied) {
        double e = Math.exp(p[2]);
        double a = Math.exp(p[0]);
        double b = Math.exp(p[1]);
        double beta = tied ? p[3] : p[4];
        if (!(a > 0 && b > 0 && p[3] > 0 && beta > 0) || Double.isInfinite(a) || Double.isInfinite(b)) {
            return null;
        }
        return new ChinchillaLaw(e, a, b, p[3], beta);
    }

    private static double[] toStart(ChinchillaLaw law) {
        return new double[] {Math.log(law.A()), Math.log(law.B()), Math.log(law.E()), law.alpha(), law.beta()};
    }

    /**
     * Bootstrap: resamples the points with replacement, refits each resample, and keeps the fitted laws, for
     * percentile intervals of any parameter or derived quantity ({@link Bootstrap#interval}).
     * Each resample is refitted from the distinct optima of the full fit ({@link Result#optima()}), not from the whole
     * grid: the grid's basins are already known, and 1,000 refits from 4,500 starts each would take an hour.
     * Resample i draws from its own random stream, made from {@code seed} before any work starts, so the result is
     * the same for any number of threads.
     */
    public Bootstrap bootstrap(double[] parameters, double[] tokens, double[] loss, Result full, int resamples,
                               long seed) {
        if (resamples < 1) {
            throw new IllegalArgumentException("bootstrapChinchilla: resamples must be >= 1, got " + resamples);
        }
        Columns.requireSameLength("bootstrapChinchilla", new String[] {"N", "D", "loss"}, parameters, tokens, loss);
        int m = parameters.length;
        java.util.SplittableRandom root = new java.util.SplittableRandom(seed);
        long[] seeds = new long[resamples];
        for (int i = 0; i < resamples; i++) {
            seeds[i] = root.nextLong();
        }
        List<double[]> starts = full.optima().stream().map(ChinchillaFit::toStart).toList();
        ChinchillaLaw[] fits = new ChinchillaLaw[resamples];
        boolean[] converged = new boolean[resamples];
        forEachParallel(resamples, i -> {
            int[] rows = Columns.resample(new java.util.SplittableRandom(seeds[i]), m);
            Objective resampled = objective(Columns.rows(parameters, rows), Columns.rows(tokens, rows),
                    Columns.rows(loss, rows));
            Result r = fitFrom(resampled, starts, 1);
            fits[i] = r.law();
            converged[i] = r.bestConverged();
        });
        int ok = 0;
        for (boolean c : converged) {
            ok += c ? 1 : 0;
        }
        return new Bootstrap(full.law(), List.of(fits), ok, seed);
    }

    private void forEachParallel(int count, java.util.function.IntConsumer body) {
        int workers = Math.min(threads, count);
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "chinchilla-bootstrap");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int first = w;
                futures.add(pool.submit(() -> {
                    for (int i = first; i < count; i += workers) {
                        if (Thread.currentThread().isInterrupted()) {
                            return;
                        }
                        body.accept(i);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Interrupts.cancelled("fitChinchilla");
        } catch (ExecutionException e) {
            throw new IllegalStateException("fitChinchilla: a worker failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private void runAll(Objective objective, List<double[]> starts, OptimizationResult[] results, int workers) {
        if (workers <= 1) {
            for (int i = 0; i < starts.size(); i++) {
                Interrupts.check("fitChinchilla");
                results[i] = optimizer.minimize(objective, starts.get(i));
            }
            return;
        }
        forEachParallel(starts.size(), i -> results[i] = optimizer.minimize(objective, starts.get(i)));
    }

    /** Start points in the optimiser's order (a, b, e, alpha, beta). */
    private List<double[]> startPoints() {
        List<double[]> starts = new ArrayList<>(starts());
        for (double alpha : grid[0]) {
            for (double beta : tied ? new double[] {alpha} : grid[1]) {
                for (double e : grid[2]) {
                    for (double a : grid[3]) {
                        for (double b : grid[4]) {
                            starts.add(new double[] {a, b, e, alpha, beta});
                        }
                    }
                }
            }
        }
        return starts;
    }

    static double[] range(double from, double to, double step) {
        int n = (int) Math.round((to - from) / step) + 1;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = from + i * step;
        }
        return v;
    }

    /**
     * @param law          the fitted law
     * @param objective    the best objective value (Huber loss, summed or averaged)
     * @param starts       starts tried
     * @param converged    starts whose optimiser met a convergence test
     * @param reachedBest  starts that ended within 1e-6 (relative) of the best objective
     * @param bestConverged whether the best start itself converged
     * @param loss         the per-point loss minimised
     * @param tiedExponents whether α = β was imposed
     * @param optima       the distinct optima found, best first (at most 8); the bootstrap refits from them
     */
    public record Result(ChinchillaLaw law, double objective, int starts, int converged, int reachedBest,
                         boolean bestConverged, Loss loss, double delta, Reduction reduction, boolean tiedExponents,
                         List<ChinchillaLaw> optima)
            implements Renderable {

        /** The keys researchers' scripts use: {@code A, B, E, alpha, beta, objective, starts, converged}. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("A", law.A());
            m.put("B", law.B());
            m.put("E", law.E());
            m.put("alpha", law.alpha());
            m.put("beta", law.beta());
            m.put("a", law.a());
            m.put("b", law.b());
            m.put("objective", objective);
            m.put("starts", starts);
            m.put("converged", converged);
            m.put("reached_best", reachedBest);
            m.put("loss", loss.name().toLowerCase(java.util.Locale.ROOT));
            if (loss == Loss.HUBER_LOG) {
                m.put("huber_delta", delta);
            }
            m.put("reduction", reduction.name().toLowerCase(java.util.Locale.ROOT));
            m.put("tied_exponents", tiedExponents);
            return m;
        }

        public String toJson() {
            return Json.write(toMap());
        }

        @Override
        public MimeBundle toMimeBundle() {
            String rows = HtmlRows.row("E", law.E()) + HtmlRows.row("A", law.A()) + HtmlRows.row("B", law.B())
                    + HtmlRows.row("α", law.alpha()) + HtmlRows.row("β", law.beta())
                    + HtmlRows.row("a = β/(α+β)", law.a()) + HtmlRows.row("objective", objective);
            String html = "<div><b>Chinchilla fit</b> (Hoffmann et al. 2022, Approach 3): "
                    + "L(N, D) = E + A/N<sup>α</sup> + B/D<sup>β</sup>"
                    + "<table><thead><tr><th>parameter</th><th>estimate</th></tr></thead><tbody>" + rows
                    + "</tbody></table><small>" + starts + " starts, " + converged + " converged, " + reachedBest
                    + " reached the best basin; " + (loss == Loss.HUBER_LOG ? "Huber δ=" + delta + " on log L"
                    : "squared error on L") + ", " + reduction.name().toLowerCase(java.util.Locale.ROOT)
                    + (tiedExponents ? ", α = β imposed" : "")
                    + (bestConverged ? "" : "; <b>the best start did not converge</b>") + "</small></div>";
            return MimeBundle.html(html, toString());
        }
    }

    /**
     * The Huber loss of log-sum-exp predictions against log losses (or the squared error of the predictions against
     * the losses), with its gradient; with tied exponents the α coordinate carries both terms and β's is zero.
     */
    static final class Objective implements DifferentiableFunction {
        private final double[] logN;
        private final double[] logD;
        private final double[] logL;
        private final double[] observed;
        private final boolean squared;
        private final double delta;
        private final double scale;
        private final boolean tied;

        Objective(double[] n, double[] d, double[] loss, Loss kind, double delta, Reduction reduction, boolean tied) {
            int m = n.length;
            logN = new double[m];
            logD = new double[m];
            logL = new double[m];
            for (int i = 0; i < m; i++) {
                logN[i] = Math.log(n[i]);
                logD[i] = Math.log(d[i]);
                logL[i] = Math.log(loss[i]);
            }
            this.observed = loss.clone();
            this.squared = kind == Loss.SQUARED;
            this.delta = delta;
            this.scale = reduction == Reduction.MEAN ? 1.0 / m : 1.0;
            this.tied = tied;
        }

        @Override
        public double valueAndGradient(double[] p, double[] g) {
            double a = p[0];
            double b = p[1];
            double e = p[2];
            double alpha = p[3];
            double beta = tied ? alpha : p[4];
            double value = 0;
            double ga = 0;
            double gb = 0;
            double ge = 0;
            double gAlpha = 0;
            double gBeta = 0;
            for (int i = 0; i < logN.length; i++) {
                double u1 = a - alpha * logN[i];
                double u2 = b - beta * logD[i];
                double max = Math.max(u1, Math.max(u2, e));
                double w1 = Math.exp(u1 - max);
                double w2 = Math.exp(u2 - max);
                double w3 = Math.exp(e - max);
                double sum = w1 + w2 + w3;
                double logPredicted = max + Math.log(sum);
                double dr; // d(point loss)/d(log predicted)
                if (squared) {
                    double predicted = Math.exp(logPredicted);
                    double r = predicted - observed[i];
                    value += r * r;
                    dr = 2 * r * predicted;
                } else {
                    double r = logPredicted - logL[i];
                    if (Math.abs(r) <= delta) {
                        value += 0.5 * r * r;
                        dr = r;
                    } else {
                        value += delta * (Math.abs(r) - 0.5 * delta);
                        dr = Math.copySign(delta, r);
                    }
                }
                double s1 = dr * w1 / sum;
                double s2 = dr * w2 / sum;
                ga += s1;
                gb += s2;
                ge += dr * w3 / sum;
                gAlpha -= s1 * logN[i];
                gBeta -= s2 * logD[i];
            }
            g[0] = ga * scale;
            g[1] = gb * scale;
            g[2] = ge * scale;
            g[3] = (tied ? gAlpha + gBeta : gAlpha) * scale;
            g[4] = tied ? 0 : gBeta * scale;
            return value * scale;
        }
    }
}
