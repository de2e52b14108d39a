package org.assay.evals;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.assay.base.Quantiles;

/**
 * Bootstrap confidence intervals for any metric over items, a clustered variant for items that share a source, and a
 * paired comparison of two models on the same items. Seeded: the same seed gives the same interval.
 */
public final class Resampling {
    private Resampling() {
    }

    /** Percentile bootstrap interval of {@code metric} over the items (resampled with replacement). */
    public static Proportion.Interval bootstrap(double[] items, ToDoubleFunction<double[]> metric, int resamples,
                                                long seed, double confidence) {
        int[] clusters = new int[items.length];
        for (int i = 0; i < clusters.length; i++) {
            clusters[i] = i;
        }
        return clustered(items, clusters, metric, resamples, seed, confidence);
    }

    /**
     * Percentile bootstrap that resamples whole clusters (items with the same {@code cluster} id, e.g. questions
     * generated from one template), so correlated items do not shrink the interval.
     */
    public static Proportion.Interval clustered(double[] items, int[] cluster, ToDoubleFunction<double[]> metric,
                                                int resamples, long seed, double confidence) {
        validate("bootstrap", items.length, resamples, confidence);
        if (cluster.length != items.length) {
            throw new IllegalArgumentException("bootstrap: cluster ids must match the items, got " + cluster.length
                    + " ids for " + items.length + " items");
        }
        int[][] groups = groups(cluster);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] stats = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            double[] sample = new double[items.length * 2];
            int size = 0;
            for (int g = 0; g < groups.length; g++) {
                int[] members = groups[rng.nextInt(groups.length)];
                if (size + members.length > sample.length) {
                    sample = Arrays.copyOf(sample, Math.max(sample.length * 2, size + members.length));
                }
                for (int i : members) {
                    sample[size++] = items[i];
                }
            }
            stats[b] = metric.applyAsDouble(Arrays.copyOf(sample, size));
        }
        Arrays.sort(stats);
        double tail = (1 - confidence) / 2;
        return new Proportion.Interval(metric.applyAsDouble(items), Quantiles.ofSorted(stats, tail), Quantiles.ofSorted(stats, 1 - tail),
                confidence);
    }

    /**
     * Paired comparison of two models scored on the same items: the mean difference {@code b − a}, its percentile
     * bootstrap interval, and a two-sided bootstrap p-value for "no difference".
     */
    public record Paired(double meanDifference, double lower, double upper, double pValue, int items, int resamples) {
    }

    public static Paired paired(double[] a, double[] b, int resamples, long seed, double confidence) {
        validate("pairedBootstrap", a.length, resamples, confidence);
        if (a.length != b.length) {
            throw new IllegalArgumentException("pairedBootstrap: both models must be scored on the same items, got "
                    + a.length + " and " + b.length);
        }
        int n = a.length;
        double[] diff = new double[n];
        double observed = 0;
        for (int i = 0; i < n; i++) {
            diff[i] = b[i] - a[i];
            observed += diff[i];
        }
        observed /= n;
        SplittableRandom rng = new SplittableRandom(seed);
        double[] stats = new double[resamples];
        int atOrBelowZero = 0;
        int atOrAboveZero = 0;
        for (int r = 0; r < resamples; r++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += diff[rng.nextInt(n)];
            }
            stats[r] = s / n;
            atOrBelowZero += stats[r] <= 0 ? 1 : 0;
            atOrAboveZero += stats[r] >= 0 ? 1 : 0;
        }
        Arrays.sort(stats);
        double tail = (1 - confidence) / 2;
        double p = Math.min(1.0, 2.0 * Math.min(atOrBelowZero, atOrAboveZero) / resamples);
        return new Paired(observed, Quantiles.ofSorted(stats, tail), Quantiles.ofSorted(stats, 1 - tail), p, n, resamples);
    }

    public static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    private static int[][] groups(int[] cluster) {
        java.util.Map<Integer, java.util.List<Integer>> byId = new java.util.LinkedHashMap<>();
        for (int i = 0; i < cluster.length; i++) {
            byId.computeIfAbsent(cluster[i], k -> new java.util.ArrayList<>()).add(i);
        }
        return byId.values().stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
    }

    private static void validate(String fn, int items, int resamples, double confidence) {
        if (items < 1) {
            throw new IllegalArgumentException(fn + ": needs at least one item, got " + items);
        }
        if (resamples < 1) {
            throw new IllegalArgumentException(fn + ": resamples must be >= 1, got " + resamples);
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException(fn + ": confidence must be in (0, 1), got " + confidence);
        }
    }
}
