package org.assay.evals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.assay.evals.tasks.AnswerFormat;

/**
 * Test-time compute spent by problem (Snell et al. 2024, "Scaling LLM Test-Time Compute Optimally"): a token budget
 * over problems of mixed difficulty, spent uniformly or adaptively from a small pilot, each measured on the same pool
 * of pre-drawn samples, so two strategies differ only in which samples they read. A sample costs its prompt and
 * generated tokens; a sample that does not fit the budget left is not drawn and ends its problem.
 *
 * <p>{@link #uniform} reads one sample of every problem per round. {@link #adaptive} reads {@code pilot} samples of
 * each, then always the sample with the highest expected gain per expected token:
 * <ul>
 * <li>{@link Objective#COVERAGE} (a verifier, pass@k): a solved problem gains nothing more; an unsolved one after n
 * failures gains its posterior solve rate {@code a / (a + b + n)}, the Beta(a, b) prior fitted to the pilot's solve
 * rates by the method of moments of a beta-binomial (empirical Bayes), so problems the pilot shows hopeless fade;</li>
 * <li>{@link Objective#MAJORITY} (no verifier, maj@k): the share of its answers outside the plurality, smoothed as
 * {@code (n - agreeing + 1) / (n + 2)} (Laplace's rule), so a contested problem gets more votes first and a unanimous
 * one still a few as its agreement could be chance (a pilot of one sample always agrees with itself).</li>
 * </ul>
 */
public final class SampleAllocation {
    /** What the samples of a problem are spent on. */
    public enum Objective { COVERAGE, MAJORITY }

    private final List<String> items;
    private final List<String> expected;
    private final List<List<SampleRow>> pools;

    /**
     * @param strategy            "uniform" or "adaptive"
     * @param tokenBudget         the tokens the strategy could spend
     * @param tokensSpent         the tokens its samples cost (at most the budget)
     * @param samplesPerProblem   samples read per problem, in the order of {@link #items()}
     * @param scorePerProblem     coverage (0 or 1) or the majority vote's score per problem
     * @param score               their mean with a bootstrap interval over problems
     */
    public record Result(String strategy, Objective objective, long tokenBudget, long tokensSpent,
                         int[] samplesPerProblem, double[] scorePerProblem, Proportion.Interval score) {
        public double meanSamples() {
            return java.util.Arrays.stream(samplesPerProblem).average().orElse(0);
        }
    }

    private SampleAllocation(List<String> items, List<String> expected, List<List<SampleRow>> pools) {
        this.items = items;
        this.expected = expected;
        this.pools = pools;
    }

    /**
     * The pool of each problem: the rows of each item (consecutive, as {@link EvalResult#rows()} gives them), in the
     * order of the items and of the sample index.
     */
    public static SampleAllocation of(List<SampleRow> rows) {
        if (rows == null || rows.isEmpty()) {
            throw new IllegalArgumentException("SampleAllocation.of: needs sample rows, got "
                    + (rows == null ? "null" : "none"));
        }
        Map<String, List<SampleRow>> byItem = new LinkedHashMap<>();
        String previous = null;
        for (int i = 0; i < rows.size(); i++) {
            SampleRow r = rows.get(i);
            if (!r.item().equals(previous) && byItem.containsKey(r.item())) { // two problems under one id
                throw new IllegalArgumentException("SampleAllocation.of: item '" + r.item() + "' comes back at row "
                        + (i + 1) + " after other items; a problem's rows must be consecutive and its id unique"
                        + " (suites of several difficulties or seeds may reuse ids)");
            }
            previous = r.item();
            byItem.computeIfAbsent(r.item(), k -> new ArrayList<>()).add(r);
        }
        List<String> expected = new ArrayList<>();
        List<List<SampleRow>> pools = new ArrayList<>();
        for (List<SampleRow> pool : byItem.values()) {
            pool.sort(Comparator.comparingInt(SampleRow::sample));
            expected.add(AnswerFormat.normalise(pool.get(0).expected()));
            pools.add(List.copyOf(pool));
        }
        return new SampleAllocation(List.copyOf(byItem.keySet()), List.copyOf(expected), List.copyOf(pools));
    }

    public List<String> items() {
        return items;
    }

    /** The tokens of every sample of every pool: the most any strategy can spend. */
    public long poolTokens() {
        return pools.stream().flatMap(List::stream).mapToLong(SampleAllocation::cost).sum();
    }

    /** Round after round, the next sample of every problem. */
    public Result uniform(long tokenBudget, Objective objective) {
        Spending s = new Spending(tokenBudget, "uniform");
        boolean drew = true;
        while (drew) {
            drew = false;
            for (int i = 0; i < pools.size(); i++) {
                drew |= s.draw(i);
            }
        }
        return s.result(objective);
    }

    /** {@code pilot} samples of each problem, then the best expected gain per token (see the class comment). */
    public Result adaptive(long tokenBudget, int pilot, Objective objective) {
        if (pilot < 1) {
            throw new IllegalArgumentException("SampleAllocation.adaptive: pilot must be >= 1, got " + pilot);
        }
        Spending s = new Spending(tokenBudget, "adaptive");
        for (int round = 0; round < pilot; round++) {
            for (int i = 0; i < pools.size(); i++) {
                s.draw(i);
            }
        }
        double[] prior = objective == Objective.COVERAGE ? s.betaPrior() : null;
        PriorityQueue<double[]> queue = new PriorityQueue<>(
                Comparator.<double[]>comparingDouble(e -> -e[0]).thenComparingDouble(e -> e[1]));
        for (int i = 0; i < pools.size(); i++) {
            queue.add(new double[] {s.gainPerToken(i, objective, prior), i});
        }
        while (!queue.isEmpty()) {
            double[] top = queue.poll();
            int i = (int) top[1];
            if (top[0] > 0 && s.draw(i)) {
                queue.add(new double[] {s.gainPerToken(i, objective, prior), i});
            }
        }
        return s.result(objective);
    }

    private static long cost(SampleRow r) {
        return (long) r.promptTokens() + r.tokens();
    }

    /** One strategy's reading of the pools. */
    private final class Spending {
        final long budget;
        final String strategy;
        final int[] taken = new int[pools.size()];
        final boolean[] closed = new boolean[pools.size()];
        long spent;

        Spending(long budget, String strategy) {
            if (budget < 0) {
                throw new IllegalArgumentException("SampleAllocation." + strategy + ": tokenBudget must be >= 0,"
                        + " got " + budget);
            }
            this.budget = budget;
            this.strategy = strategy;
        }

        /** Reads problem i's next sample if its pool has one and it fits; a sample that does not fit closes it. */
        boolean draw(int i) {
            if (closed[i] || taken[i] == pools.get(i).size()) {
                return false;
            }
            long c = cost(pools.get(i).get(taken[i]));
            if (spent + c > budget) {
                closed[i] = true;
                return false;
            }
            spent += c;
            taken[i]++;
            return true;
        }

        List<SampleRow> drawn(int i) {
            return pools.get(i).subList(0, taken[i]);
        }

        double gainPerToken(int i, Objective objective, double[] prior) {
            List<SampleRow> d = drawn(i);
            if (d.isEmpty() || closed[i] || taken[i] == pools.get(i).size()) {
                return 0;
            }
            double gain;
            if (objective == Objective.COVERAGE) {
                gain = d.stream().anyMatch(SampleRow::correct) ? 0 : prior[0] / (prior[0] + prior[1] + d.size());
            } else {
                double agreeing = MajorityVote.agreement(d.stream().map(SampleRow::answer).toList()) * d.size();
                gain = (d.size() - agreeing + 1) / (d.size() + 2);
            }
            double meanCost = d.stream().mapToLong(SampleAllocation::cost).average().orElseThrow();
            return gain / meanCost;
        }

        /**
         * Beta(a, b) from the pilot's solve rates: their mean m and variance v, with {@code v = m(1-m)[1/n +
         * (1 - 1/n)/(a+b+1)]} for n pilot samples a problem (the beta-binomial), solved for a + b.
         */
        double[] betaPrior() {
            double n = java.util.Arrays.stream(taken).average().orElse(1);
            double[] rates = new double[pools.size()];
            for (int i = 0; i < rates.length; i++) {
                rates[i] = taken[i] == 0 ? 0 : drawn(i).stream().filter(SampleRow::correct).count() / (double) taken[i];
            }
            double m = Resampling.mean(rates);
            double v = java.util.Arrays.stream(rates).map(r -> (r - m) * (r - m)).sum() / rates.length;
            double mean = Math.min(Math.max(m, 1e-3), 1 - 1e-3);
            double w = n > 1 ? (v / (mean * (1 - mean)) - 1 / n) / (1 - 1 / n) : 0.5;
            double strength = 1 / Math.min(Math.max(w, 1e-3), 1) - 1;  // a + b
            strength = Math.max(strength, 1e-3);
            return new double[] {mean * strength, (1 - mean) * strength};
        }

        Result result(Objective objective) {
            double[] scores = new double[pools.size()];
            for (int i = 0; i < scores.length; i++) {
                List<SampleRow> d = drawn(i);
                scores[i] = objective == Objective.COVERAGE ? (d.stream().anyMatch(SampleRow::correct) ? 1 : 0)
                        : MajorityVote.vote(d.stream().map(SampleRow::answer).toList(), expected.get(i));
            }
            Proportion.Interval score = Resampling.bootstrap(scores, Resampling::mean, 2000, 17, 0.95);
            return new Result(strategy, objective, budget, spent, taken.clone(), scores, score);
        }
    }
}
