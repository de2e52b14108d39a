package org.assay.scaling;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Accuracy against total compute across the three axes: each configuration (a model, optionally RL-trained, answering
 * with k samples) pays its pretraining and RL FLOPs once and its inference FLOPs on every query it serves, so which
 * configuration is cheapest for an accuracy depends on how many queries it will answer. {@link #at} prices every
 * configuration for a number of queries and returns the Pareto frontier: the configurations no cheaper one matches.
 */
public final class ComputeFrontier {
    private final List<Config> configs;

    /**
     * One configuration and its measured accuracy.
     *
     * @param model                  a label shared by the configurations of one model (a curve on the plot)
     * @param parameters             the model's N, to tell smaller from larger
     * @param samples                k, samples drawn per query
     * @param pretrainingFlops       FLOPs of pretraining (6 N D, or a run's count)
     * @param rlFlops                FLOPs of RL after pretraining (0 without)
     * @param inferenceFlopsPerQuery FLOPs to answer one query with k samples (prompt and generated tokens)
     * @param accuracy               the measured score, e.g. pass@k or maj@k
     * @param lower                  its interval's lower end
     * @param upper                  its interval's upper end
     */
    public record Config(String model, double parameters, int samples, double pretrainingFlops, double rlFlops,
                         double inferenceFlopsPerQuery, double accuracy, double lower, double upper) {
        public Config {
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("ComputeFrontier.Config: model must be a non-blank label, got "
                        + (model == null ? "null" : "'" + model + "'"));
            }
            Columns.requirePositiveFinite("ComputeFrontier.Config(" + model + ")", "parameters", parameters);
            if (samples < 1) {
                throw new IllegalArgumentException("ComputeFrontier.Config(" + model + "): samples must be >= 1, got "
                        + samples);
            }
            requireFlops(model, "pretrainingFlops", pretrainingFlops);
            requireFlops(model, "rlFlops", rlFlops);
            requireFlops(model, "inferenceFlopsPerQuery", inferenceFlopsPerQuery);
            if (!(lower <= accuracy && accuracy <= upper) || !Double.isFinite(lower) || !Double.isFinite(upper)) {
                throw new IllegalArgumentException("ComputeFrontier.Config(" + model + ", k=" + samples
                        + "): needs finite lower <= accuracy <= upper, got " + lower + " <= " + accuracy + " <= "
                        + upper);
            }
        }

        /** FLOPs paid once, whatever the number of queries. */
        public double fixedFlops() {
            return pretrainingFlops + rlFlops;
        }

        private static void requireFlops(String model, String name, double v) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("ComputeFrontier.Config(" + model + "): " + name
                        + " must be finite and >= 0, got " + v);
            }
        }
    }

    /**
     * A configuration priced for a number of queries: a column per axis, the total, and whether it is on the
     * frontier (no configuration that costs as much or less reaches its accuracy).
     */
    public record Row(String model, double parameters, int samples, double pretrainingFlops, double rlFlops,
                      double inferenceFlops, double totalFlops, double accuracy, double lower, double upper,
                      boolean onFrontier) {
    }

    /** Every configuration priced for {@code queries}, cheapest first, and the frontier among them. */
    public record Result(double queries, List<Row> rows, List<Row> frontier) {
        /** The most accurate configuration that costs at most {@code flops} in all; null when none is that cheap. */
        public Row bestWithin(double flops) {
            Row best = null;
            for (Row r : frontier) {
                if (r.totalFlops() <= flops) {
                    best = r;
                }
            }
            return best;
        }
    }

    private ComputeFrontier(List<Config> configs) {
        this.configs = List.copyOf(configs);
    }

    public static ComputeFrontier of(List<Config> configs) {
        if (configs == null || configs.isEmpty()) {
            throw new IllegalArgumentException("ComputeFrontier.of: needs at least one configuration, got "
                    + (configs == null ? "null" : "none"));
        }
        return new ComputeFrontier(configs);
    }

    public List<Config> configs() {
        return configs;
    }

    /**
     * Prices each configuration at {@code pretraining + RL + queries × inference per query} and keeps, in order of
     * cost, each one more accurate than every cheaper one (ties in cost: the more accurate first).
     */
    public Result at(double queries) {
        if (!(queries >= 0) || Double.isInfinite(queries)) {
            throw new IllegalArgumentException("ComputeFrontier.at: queries must be finite and >= 0, got " + queries);
        }
        List<Config> sorted = new ArrayList<>(configs);
        sorted.sort(Comparator.<Config>comparingDouble(c -> total(c, queries))
                .thenComparing(Comparator.comparingDouble(Config::accuracy).reversed()));
        List<Row> rows = new ArrayList<>();
        List<Row> frontier = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        for (Config c : sorted) {
            boolean on = c.accuracy() > best;
            best = Math.max(best, c.accuracy());
            Row row = new Row(c.model(), c.parameters(), c.samples(), c.pretrainingFlops(), c.rlFlops(),
                    queries * c.inferenceFlopsPerQuery(), total(c, queries), c.accuracy(), c.lower(), c.upper(), on);
            rows.add(row);
            if (on) {
                frontier.add(row);
            }
        }
        return new Result(queries, List.copyOf(rows), List.copyOf(frontier));
    }

    /**
     * The number of queries at which two configurations cost the same in all: below it the one with the smaller
     * fixed cost is cheaper, above it the one with the cheaper queries. NaN when one is cheaper at every number of
     * queries (or they cost the same per query).
     */
    public static double breakEvenQueries(Config a, Config b) {
        double perQuery = a.inferenceFlopsPerQuery() - b.inferenceFlopsPerQuery();
        double q = (b.fixedFlops() - a.fixedFlops()) / perQuery;
        return perQuery != 0 && q > 0 ? q : Double.NaN;
    }

    private static double total(Config c, double queries) {
        return c.fixedFlops() + queries * c.inferenceFlopsPerQuery();
    }
}
