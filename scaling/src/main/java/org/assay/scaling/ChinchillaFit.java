package org.assay.scaling;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assay.scaling.optim.DifferentiableFunction;
import org.assay.scaling.optim.Lbfgs;
import org.assay.scaling.optim.OptimizationResult;

/**
 * Chinchilla Approach 3: the parametric fit of {@link ChinchillaLaw} as published (Hoffmann et al. 2022, Appendix
 * D.2). In log space, with {@code a = log A}, {@code b = log B}, {@code e = log E}, it minimises
 * <pre>  Σ_i Huber_δ( LSE(a − α log N_i, b − β log D_i, e) − log L_i ),  δ = 1e-3 </pre>
 * with L-BFGS from every point of the published initialisation grid (α, β ∈ {0, 0.5, …, 2}; e ∈ {−1, −0.5, …, 1};
 * a, b ∈ {0, 5, …, 25}: 4,500 starts) and keeps the best optimum. The grid, δ and the reduction (the published sum,
 * or the mean some re-implementations use) are configurable; the result says how many starts converged and how many
 * reached the best basin. Starts run in parallel; the result does not depend on the number of threads.
 */
public final class ChinchillaFit {
    /** How the per-point Huber losses are combined. */
    public enum Reduction { SUM, MEAN }

    private static final double BASIN_RTOL = 1e-6;

    private final double[][] grid; // alpha, beta, e, a, b
    private final double delta;
    private final Reduction reduction;
    private final int threads;
    private final Lbfgs optimizer;

    private ChinchillaFit(double[][] grid, double delta, Reduction reduction, int threads, Lbfgs optimizer) {
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
    }

    /** The published procedure: its grid, δ = 1e-3, summed; all cores. */
    public static ChinchillaFit hoffmann2022() {
        return new ChinchillaFit(new double[][] {
                range(0, 2, 0.5), range(0, 2, 0.5), range(-1, 1, 0.5), range(0, 25, 5), range(0, 25, 5)},
                1e-3, Reduction.SUM, Runtime.getRuntime().availableProcessors(), Lbfgs.defaults());
    }

    /** Replaces the initialisation grid (values of α, β, e = log E, a = log A, b = log B). */
    public ChinchillaFit withGrid(double[] alpha, double[] beta, double[] e, double[] a, double[] b) {
        return new ChinchillaFit(new double[][] {alpha.clone(), beta.clone(), e.clone(), a.clone(), b.clone()}, delta,
                reduction, threads, optimizer);
    }

    public ChinchillaFit withDelta(double huberDelta) {
        return new ChinchillaFit(grid, huberDelta, reduction, threads, optimizer);
    }

    public ChinchillaFit withReduction(Reduction r) {
        return new ChinchillaFit(grid, delta, r, threads, optimizer);
    }

    public ChinchillaFit withThreads(int n) {
        return new ChinchillaFit(grid, delta, reduction, n, optimizer);
    }

    public ChinchillaFit withOptimizer(Lbfgs lbfgs) {
        return new ChinchillaFit(grid, delta, reduction, threads, lbfgs);
    }

    public int starts() {
        int n = 1;
        for (double[] g : grid) {
            n *= g.length;
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
        String fn = "fitChinchilla";
        String[] names = {"N", "D", "loss"};
        Columns.requireSameLength(fn, names, parameters, tokens, loss);
        Columns.requirePositiveFinite(fn, "N", parameters);
        Columns.requirePositiveFinite(fn, "D", tokens);
        Columns.requirePositiveFinite(fn, "loss", loss);
        Columns.requireAtLeast(fn, parameters.length, 5);
        Objective objective = new Objective(parameters, tokens, loss, delta, reduction);
        List<double[]> starts = startPoints();
        OptimizationResult[] results = new OptimizationResult[starts.size()];
        runAll(objective, starts, results);
        int best = 0;
        int converged = 0;
        for (int i = 0; i < results.length; i++) {
            if (results[i].converged()) {
                converged++;
            }
            if (isBetter(results[i].value(), results[best].value())) {
                best = i;
            }
        }
        double bestValue = results[best].value();
        int reached = 0;
        for (OptimizationResult r : results) {
            if (Double.isFinite(r.value()) && r.value() <= bestValue + BASIN_RTOL * Math.max(Math.abs(bestValue), 1e-300)) {
                reached++;
            }
        }
        double[] p = results[best].x(); // a, b, e, alpha, beta
        ChinchillaLaw law = new ChinchillaLaw(Math.exp(p[2]), Math.exp(p[0]), Math.exp(p[1]), p[3], p[4]);
        return new Result(law, bestValue, results.length, converged, reached, results[best].converged(),
                delta, reduction);
    }

    /** NaN never wins; ties keep the earlier start, so the answer does not depend on scheduling. */
    private static boolean isBetter(double candidate, double incumbent) {
        return Double.isFinite(candidate) && (!Double.isFinite(incumbent) || candidate < incumbent);
    }

    private void runAll(Objective objective, List<double[]> starts, OptimizationResult[] results) {
        int workers = Math.min(threads, starts.size());
        if (workers == 1) {
            for (int i = 0; i < starts.size(); i++) {
                results[i] = optimizer.minimize(objective, starts.get(i));
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "chinchilla-fit");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int first = w;
                futures.add(pool.submit(() -> {
                    for (int i = first; i < starts.size(); i += workers) {
                        if (Thread.currentThread().isInterrupted()) {
                            return;
                        }
                        results[i] = optimizer.minimize(objective, starts.get(i));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("fitChinchilla: interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("fitChinchilla: a start failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Start points in the optimiser's order (a, b, e, alpha, beta). */
    private List<double[]> startPoints() {
        List<double[]> starts = new ArrayList<>(starts());
        for (double alpha : grid[0]) {
            for (double beta : grid[1]) {
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
     */
    public record Result(ChinchillaLaw law, double objective, int starts, int converged, int reachedBest,
                         boolean bestConverged, double delta, Reduction reduction) {
    }

    /** The Huber loss of log-sum-exp predictions against log losses, with its gradient. */
    static final class Objective implements DifferentiableFunction {
        private final double[] logN;
        private final double[] logD;
        private final double[] logL;
        private final double delta;
        private final double scale;

        Objective(double[] n, double[] d, double[] loss, double delta, Reduction reduction) {
            int m = n.length;
            logN = new double[m];
            logD = new double[m];
            logL = new double[m];
            for (int i = 0; i < m; i++) {
                logN[i] = Math.log(n[i]);
                logD[i] = Math.log(d[i]);
                logL[i] = Math.log(loss[i]);
            }
            this.delta = delta;
            this.scale = reduction == Reduction.MEAN ? 1.0 / m : 1.0;
        }

        @Override
        public double valueAndGradient(double[] p, double[] g) {
            double a = p[0];
            double b = p[1];
            double e = p[2];
            double alpha = p[3];
            double beta = p[4];
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
                double r = max + Math.log(sum) - logL[i]; // log predicted - log observed
                double dr;
                if (Math.abs(r) <= delta) {
                    value += 0.5 * r * r;
                    dr = r;
                } else {
                    value += delta * (Math.abs(r) - 0.5 * delta);
                    dr = Math.copySign(delta, r);
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
            g[3] = gAlpha * scale;
            g[4] = gBeta * scale;
            return value * scale;
        }
    }
}
