package org.assay.evals;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.assay.base.Quantiles;

/**
 * Bradley–Terry strengths from pairwise comparisons by maximum likelihood (the MM algorithm of Hunter 2004), on the
 * Elo scale ({@code 400·log10} of strength, mean 1000), with bootstrap intervals over games. A draw counts half a win
 * to each side.
 */
public final class BradleyTerry {
    private static final int MAX_ITERATIONS = 10_000;
    private static final double TOLERANCE = 1e-10;

    private BradleyTerry() {
    }

    /** One comparison: players are 0-based indices; {@code score} is 1 if a won, 0 if b won, 0.5 for a draw. */
    public record Game(int a, int b, double score) {
    }

    /**
     * @param elo      each player's rating, mean 1000
     * @param lower    2.5% bootstrap bound per player (NaN when no bootstrap was asked for)
     * @param upper    97.5% bound
     * @param iterations MM iterations of the full fit
     */
    public record Ratings(double[] elo, double[] lower, double[] upper, int iterations) {
    }

    public static Ratings fit(int players, List<Game> games) {
        double[][] wins = tally("bradleyTerry", players, games);
        double[] p = new double[players];
        int it = mm(wins, p);
        double[] elo = toElo(p);
        double[] nan = new double[players];
        Arrays.fill(nan, Double.NaN);
        return new Ratings(elo, nan, nan.clone(), it);
    }

    /** The fit plus percentile intervals from {@code resamples} bootstrap resamples of the games. */
    public static Ratings fit(int players, List<Game> games, int resamples, long seed) {
        Ratings full = fit(players, games);
        if (resamples < 1) {
            throw new IllegalArgumentException("bradleyTerry: resamples must be >= 1, got " + resamples);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] samples = new double[players][resamples];
        for (int r = 0; r < resamples; r++) {
            double[][] wins = new double[players][players];
            for (int g = 0; g < games.size(); g++) {
                Game game = games.get(rng.nextInt(games.size()));
                wins[game.a()][game.b()] += game.score();
                wins[game.b()][game.a()] += 1 - game.score();
            }
            double[] p = new double[players];
            mm(wins, p);
            double[] elo = toElo(p);
            for (int i = 0; i < players; i++) {
                samples[i][r] = elo[i];
            }
        }
        double[] lower = new double[players];
        double[] upper = new double[players];
        for (int i = 0; i < players; i++) {
            Arrays.sort(samples[i]);
            lower[i] = Quantiles.ofSorted(samples[i], 0.025);
            upper[i] = Quantiles.ofSorted(samples[i], 0.975);
        }
        return new Ratings(full.elo(), lower, upper, full.iterations());
    }

    private static double[][] tally(String fn, int players, List<Game> games) {
        if (players < 2) {
            throw new IllegalArgumentException(fn + ": needs at least 2 players, got " + players);
        }
        if (games.isEmpty()) {
            throw new IllegalArgumentException(fn + ": no games given");
        }
        double[][] wins = new double[players][players];
        for (int g = 0; g < games.size(); g++) {
            Game game = games.get(g);
            if (game.a() < 0 || game.a() >= players || game.b() < 0 || game.b() >= players || game.a() == game.b()) {
                throw new IllegalArgumentException(fn + ": game " + (g + 1) + " has players " + game.a() + " and "
                        + game.b() + "; they must differ and be in [0, " + players + ")");
            }
            if (!(game.score() == 0 || game.score() == 0.5 || game.score() == 1)) {
                throw new IllegalArgumentException(fn + ": game " + (g + 1) + " score must be 0, 0.5 or 1, got "
                        + game.score());
            }
            wins[game.a()][game.b()] += game.score();
            wins[game.b()][game.a()] += 1 - game.score();
        }
        for (int i = 0; i < players; i++) {
            double won = Arrays.stream(wins[i]).sum();
            double lost = 0;
            for (int j = 0; j < players; j++) {
                lost += wins[j][i];
            }
            if (won == 0 || lost == 0) {
                throw new IllegalArgumentException(fn + ": player " + i + (won == 0 ? " never won" : " never lost")
                        + "; the maximum-likelihood rating is infinite (add games or a prior)");
            }
        }
        return wins;
    }

    /** Hunter's MM update {@code p_i ← W_i / Σ_j n_ij / (p_i + p_j)}; returns the iterations used. */
    private static int mm(double[][] wins, double[] p) {
        int m = p.length;
        Arrays.fill(p, 1.0);
        for (int it = 1; it <= MAX_ITERATIONS; it++) {
            double maxChange = 0;
            double[] next = new double[m];
            for (int i = 0; i < m; i++) {
                double w = 0;
                double denom = 0;
                for (int j = 0; j < m; j++) {
                    if (i == j) {
                        continue;
                    }
                    w += wins[i][j];
                    double games = wins[i][j] + wins[j][i];
                    if (games > 0) {
                        denom += games / (p[i] + p[j]);
                    }
                }
                next[i] = denom > 0 ? Math.max(w / denom, 1e-300) : p[i];
            }
            double logMean = Arrays.stream(next).map(Math::log).average().orElse(0);
            for (int i = 0; i < m; i++) {
                next[i] /= Math.exp(logMean);
                maxChange = Math.max(maxChange, Math.abs(Math.log(next[i]) - Math.log(p[i])));
                p[i] = next[i];
            }
            if (maxChange < TOLERANCE) {
                return it;
            }
        }
        return MAX_ITERATIONS;
    }

    private static double[] toElo(double[] p) {
        double[] elo = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            elo[i] = 400 * Math.log10(p[i]);
        }
        double mean = Arrays.stream(elo).average().orElse(0);
        for (int i = 0; i < elo.length; i++) {
            elo[i] += 1000 - mean;
        }
        return elo;
    }
}
