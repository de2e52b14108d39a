package org.assay.evals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A router between a small and a large model, per problem, from a cheap signal of the small model's (its pilot
 * samples' agreement, {@link MajorityVote#agreement}, or its confidence): a problem whose signal reaches the threshold
 * keeps the small model's answer; the others go to the large model, and pay for both, since the signal was bought
 * with the small model's samples. Moving the threshold traces accuracy against mean FLOPs per problem between the
 * two models alone.
 */
public final class Router {
    private static final int RESAMPLES = 2000;

    private Router() {
    }

    /**
     * One operating point.
     *
     * @param threshold      problems with a signal below it go to the large model (-∞: none, +∞: all)
     * @param routedFraction the share of problems sent to the large model
     * @param accuracy       mean score, with its 95% bootstrap interval over problems
     * @param meanFlops      mean FLOPs per problem
     */
    public record Point(String name, double threshold, double routedFraction, double accuracy, double lower,
                        double upper, double meanFlops) {
    }

    /**
     * @param small  the small model alone (its samples and its answer, no routing)
     * @param large  the large model alone (no pilot paid)
     * @param oracle a router that sends exactly the problems the large model scores higher on: the most a signal
     *               could buy, at its cost
     * @param points the router at every distinct threshold, from routing nothing to routing everything
     */
    public record Curve(Point small, Point large, Point oracle, List<Point> points) {
    }

    /**
     * @param signal     per problem, higher when the small model is more likely right
     * @param smallScore the small model's score per problem (e.g. its majority vote's)
     * @param smallFlops its FLOPs per problem, the signal's included
     * @param largeScore the large model's score per problem
     * @param largeFlops its FLOPs per problem
     * @param seed       for the bootstrap intervals
     */
    public static Curve sweep(double[] signal, double[] smallScore, double[] smallFlops, double[] largeScore,
                              double[] largeFlops, long seed) {
        int n = signal.length;
        String[] names = {"signal", "smallScore", "smallFlops", "largeScore", "largeFlops"};
        double[][] columns = {signal, smallScore, smallFlops, largeScore, largeFlops};
        if (n == 0) {
            throw new IllegalArgumentException("Router.sweep: needs at least one problem, got none");
        }
        for (int c = 0; c < columns.length; c++) {
            if (columns[c].length != n) {
                throw new IllegalArgumentException("Router.sweep: " + names[c] + " has " + columns[c].length
                        + " problems, signal has " + n);
            }
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(columns[c][i]) || (c > 0 && columns[c][i] < 0)) {
                    throw new IllegalArgumentException("Router.sweep: " + names[c] + " must be finite"
                            + (c > 0 ? " and >= 0" : "") + ", got " + columns[c][i] + " at problem " + i);
                }
            }
        }
        double[] thresholds = Arrays.stream(signal).distinct().sorted().toArray();
        List<Point> points = new ArrayList<>();
        points.add(route("router", Double.NEGATIVE_INFINITY, signal, smallScore, smallFlops, largeScore, largeFlops,
                seed));
        for (double t : thresholds) {
            points.add(route("router", Math.nextUp(t), signal, smallScore, smallFlops, largeScore, largeFlops, seed));
        }
        double[] oracleSignal = new double[n];
        for (int i = 0; i < n; i++) {
            oracleSignal[i] = largeScore[i] > smallScore[i] ? 0 : 1;
        }
        Point oracle = route("oracle", 1, oracleSignal, smallScore, smallFlops, largeScore, largeFlops, seed);
        double[] zero = new double[n];
        Point small = route("small alone", Double.NEGATIVE_INFINITY, signal, smallScore, smallFlops, largeScore,
                largeFlops, seed);
        Point large = route("large alone", Double.POSITIVE_INFINITY, signal, smallScore, zero, largeScore, largeFlops,
                seed);
        return new Curve(small, large, oracle, List.copyOf(points));
    }

    private static Point route(String name, double threshold, double[] signal, double[] smallScore,
                               double[] smallFlops, double[] largeScore, double[] largeFlops, long seed) {
        int n = signal.length;
        double[] score = new double[n];
        double flops = 0;
        int routed = 0;
        for (int i = 0; i < n; i++) {
            boolean toLarge = signal[i] < threshold;
            routed += toLarge ? 1 : 0;
            score[i] = toLarge ? largeScore[i] : smallScore[i];
            flops += smallFlops[i] + (toLarge ? largeFlops[i] : 0);
        }
        Proportion.Interval ci = Resampling.bootstrap(score, Resampling::mean, RESAMPLES, seed, 0.95);
        return new Point(name, threshold, (double) routed / n, ci.estimate(), ci.lower(), ci.upper(), flops / n);
    }
}
