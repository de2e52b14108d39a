package org.assay.lib.data;

import java.util.SplittableRandom;

/**
 * A corpus whose true entropy rate is known exactly: a random stationary Markov chain of order {@code k} over an
 * alphabet of single ASCII characters ({@code a–z}, then {@code A–Z}, then {@code 0–9}). Each context's next-symbol
 * distribution is a draw from a symmetric Dirichlet(concentration), made from the seed; a small concentration gives
 * peaked distributions and a low entropy. A model trained on it cannot beat the entropy rate
 * <pre>  H = Σ_c π(c) · H(P(·|c))  nats per symbol,</pre>
 * with π the stationary distribution over contexts (Cover &amp; Thomas, Elements of Information Theory, Thm 4.2.4),
 * so a scaling experiment can compare its fitted irreducible loss E with the truth. Each symbol is one byte, so with
 * a byte (or character) tokenizer the entropy per token is H too.
 */
public final class SyntheticLanguage {
    private static final String SYMBOLS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final int MAX_CONTEXTS = 1_000_000;

    /**
     * @param alphabetSize  symbols, 2 to 62
     * @param order         symbols of context, 0 (independent draws) or more
     * @param concentration Dirichlet concentration, &gt; 0 (1 is uniform over the simplex; 0.1 is peaked)
     * @param seed          draws the transition distributions
     */
    public record Config(int alphabetSize, int order, double concentration, long seed) {
        public Config {
            if (alphabetSize < 2 || alphabetSize > SYMBOLS.length()) {
                throw new IllegalArgumentException("SyntheticLanguage: alphabetSize must be in [2, 62], got "
                        + alphabetSize);
            }
            if (order < 0) {
                throw new IllegalArgumentException("SyntheticLanguage: order must be >= 0, got " + order);
            }
            if (Math.pow(alphabetSize, order) * alphabetSize > MAX_CONTEXTS) {
                throw new IllegalArgumentException("SyntheticLanguage: alphabetSize^(order+1) must be <= "
                        + MAX_CONTEXTS + ", got " + alphabetSize + "^" + (order + 1));
            }
            if (!(concentration > 0) || Double.isInfinite(concentration)) {
                throw new IllegalArgumentException("SyntheticLanguage: concentration must be > 0 and finite, got "
                        + concentration);
            }
        }
    }

    private final Config config;
    private final int contexts;
    private final double[][] next;       // [context][symbol] probabilities
    private final double[][] cumulative; // [context][symbol] running sums, for sampling
    private final double[] stationary;   // π over contexts

    public SyntheticLanguage(Config config) {
        this.config = config;
        int a = config.alphabetSize();
        this.contexts = (int) Math.round(Math.pow(a, config.order()));
        this.next = new double[contexts][a];
        this.cumulative = new double[contexts][a];
        SplittableRandom rng = new SplittableRandom(config.seed());
        for (int c = 0; c < contexts; c++) {
            double sum = 0;
            for (int s = 0; s < a; s++) {
                next[c][s] = Dirichlet.gamma(config.concentration(), rng);
                sum += next[c][s];
            }
            if (!(sum > 0)) { // all draws underflowed (tiny concentration): a point mass
                next[c][rng.nextInt(a)] = sum = 1;
            }
            double run = 0;
            for (int s = 0; s < a; s++) {
                next[c][s] /= sum;
                run += next[c][s];
                cumulative[c][s] = run;
            }
        }
        this.stationary = stationaryDistribution();
    }

    /** A language of 8 symbols, order 2, concentration 0.5: a good size for a CPU scaling experiment. */
    public static SyntheticLanguage small(long seed) {
        return new SyntheticLanguage(new Config(8, 2, 0.5, seed));
    }

    public Config config() {
        return config;
    }

    /** The symbols, in index order. */
    public String alphabet() {
        return SYMBOLS.substring(0, config.alphabetSize());
    }

    /** Entropy rate in nats per symbol. */
    public double entropyRateNats() {
        double h = 0;
        for (int c = 0; c < contexts; c++) {
            double hc = 0;
            for (double p : next[c]) {
                if (p > 0) {
                    hc -= p * Math.log(p);
                }
            }
            h += stationary[c] * hc;
        }
        return h;
    }

    public double entropyRateBits() {
        return entropyRateNats() / Math.log(2);
    }

    /** P(next symbol | context), the context as symbol indices (oldest first). */
    public double probability(int[] context, int symbol) {
        return next[contextIndex("probability", context)][symbol];
    }

    /** P(· | context) for every symbol, the context as symbol indices (oldest first); a copy. */
    public double[] nextDistribution(int[] context) {
        return next[contextIndex("nextDistribution", context)].clone();
    }

    /**
     * The true probability mass of rare transitions: Σ π(c) Σ_{s: P(s|c) &lt; threshold} P(s|c), the share of a long
     * text's transitions that are rare. Models trained on their own samples lose these tails first (Shumailov et al.
     * 2024, "AI models collapse when trained on recursively generated data").
     */
    public double rareMass(double threshold) {
        double m = 0;
        for (int c = 0; c < contexts; c++) {
            for (double p : next[c]) {
                if (p < threshold) {
                    m += stationary[c] * p;
                }
            }
        }
        return m;
    }

    /**
     * The share of {@code text}'s transitions (each symbol after the first {@code order}) that are rare under this
     * language (P(s|c) &lt; threshold): compare with {@link #rareMass} to see how much of the tail a text keeps.
     */
    public double rareFrequency(String text, double threshold) {
        int[] s = symbols("rareFrequency", text);
        int k = config.order();
        long rare = 0;
        for (int i = k; i < s.length; i++) {
            if (next[context(s, i)][s[i]] < threshold) {
                rare++;
            }
        }
        return s.length > k ? (double) rare / (s.length - k) : Double.NaN;
    }

    /**
     * The plug-in entropy rate of {@code text} as a Markov chain of this language's order, in nats per symbol:
     * -Σ_c (n_c / n) Σ_s (n_cs / n_c) ln(n_cs / n_c) over its transition counts. Biased low by about
     * (symbols - 1) × contexts / (2n) for a text of n transitions (Miller 1955), so compare texts of one length.
     */
    public double empiricalEntropyRate(String text) {
        int[] s = symbols("empiricalEntropyRate", text);
        int k = config.order();
        int a = config.alphabetSize();
        long[][] counts = new long[contexts][a];
        long n = 0;
        for (int i = k; i < s.length; i++) {
            counts[context(s, i)][s[i]]++;
            n++;
        }
        if (n == 0) {
            throw new IllegalArgumentException("SyntheticLanguage.empiricalEntropyRate: the text has no transition"
                    + " (needs more than " + k + " symbols)");
        }
        double h = 0;
        for (long[] row : counts) {
            long total = java.util.Arrays.stream(row).sum();
            for (long x : row) {
                if (x > 0) {
                    h -= (double) x / n * Math.log((double) x / total);
                }
            }
        }
        return h;
    }

    /** The symbol indices of {@code text}; a character outside the alphabet is an error naming it and its index. */
    public int[] symbols(String fn, String text) {
        String alphabet = alphabet();
        int[] s = new int[text.length()];
        for (int i = 0; i < s.length; i++) {
            s[i] = alphabet.indexOf(text.charAt(i));
            if (s[i] < 0) {
                throw new IllegalArgumentException("SyntheticLanguage." + fn + ": character '" + text.charAt(i)
                        + "' at index " + i + " is not in the alphabet '" + alphabet + "'");
            }
        }
        return s;
    }

    /** The context index of the {@code order} symbols before position {@code i}. */
    private int context(int[] s, int i) {
        int c = 0;
        for (int j = i - config.order(); j < i; j++) {
            c = c * config.alphabetSize() + s[j];
        }
        return c;
    }

    private int contextIndex(String fn, int[] context) {
        if (context.length != config.order()) {
            throw new IllegalArgumentException("SyntheticLanguage." + fn + ": context must have " + config.order()
                    + " symbols, got " + context.length);
        }
        int c = 0;
        for (int s : context) {
            if (s < 0 || s >= config.alphabetSize()) {
                throw new IllegalArgumentException("SyntheticLanguage." + fn + ": symbols must be in [0, "
                        + config.alphabetSize() + "), got " + s);
            }
            c = c * config.alphabetSize() + s;
        }
        return c;
    }

    /** {@code length} symbol indices, starting from a context drawn from the stationary distribution. */
    public int[] generateSymbols(int length, long seed) {
        if (length < 0) {
            throw new IllegalArgumentException("SyntheticLanguage.generate: length must be >= 0, got " + length);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int a = config.alphabetSize();
        int c = draw(stationary, rng);
        int[] out = new int[length];
        int lead = config.order() == 0 ? 1 : (int) Math.round(Math.pow(a, config.order() - 1));
        for (int i = 0; i < length; i++) {
            double u = rng.nextDouble();
            double[] cum = cumulative[c];
            int s = 0;
            while (s < a - 1 && u >= cum[s]) {
                s++;
            }
            out[i] = s;
            c = config.order() == 0 ? 0 : (c % lead) * a + s;
        }
        return out;
    }

    /** {@code length} characters of the language. */
    public String generate(int length, long seed) {
        int[] s = generateSymbols(length, seed);
        StringBuilder sb = new StringBuilder(length);
        for (int x : s) {
            sb.append(SYMBOLS.charAt(x));
        }
        return sb.toString();
    }

    private static int draw(double[] p, SplittableRandom rng) {
        double u = rng.nextDouble();
        for (int i = 0; i < p.length; i++) {
            u -= p[i];
            if (u < 0) {
                return i;
            }
        }
        return p.length - 1;
    }

    /** π by power iteration over contexts: c → (c without its oldest symbol) + s with probability P(s|c). */
    private double[] stationaryDistribution() {
        double[] pi = new double[contexts];
        java.util.Arrays.fill(pi, 1.0 / contexts);
        if (config.order() == 0) {
            return pi;
        }
        int a = config.alphabetSize();
        int lead = (int) Math.round(Math.pow(a, config.order() - 1));
        for (int iter = 0; iter < 100_000; iter++) {
            double[] nextPi = new double[contexts];
            for (int c = 0; c < contexts; c++) {
                int shifted = (c % lead) * a;
                for (int s = 0; s < a; s++) {
                    nextPi[shifted + s] += pi[c] * next[c][s];
                }
            }
            double change = 0;
            for (int c = 0; c < contexts; c++) {
                change += Math.abs(nextPi[c] - pi[c]);
            }
            pi = nextPi;
            if (change < 1e-13) {
                break;
            }
        }
        return pi;
    }
}
