package org.assay.lib.train;

import org.assay.lib.data.SyntheticLanguage;
import org.assay.lib.data.Tokenizer;

/**
 * How faithfully a model reproduces a {@link SyntheticLanguage}, measured against the truth rather than a sample of
 * it: the expected KL divergence from the true next-symbol distribution to the model's,
 * <pre>  KL = E_t [ Σ_s P(s | c_t) ln( P(s | c_t) / Q(s | x_&lt;t) ) ]   nats per symbol,</pre>
 * averaged over the positions of true text (c_t its last {@code order} symbols). It is the model's cross-entropy on
 * true text minus the entropy rate, computed from whole distributions instead of the symbols drawn, so it has far less
 * noise; 0 only for a model that has learned the language exactly.
 */
public final class LanguageFidelity {
    private LanguageFidelity() {
    }

    /**
     * @param client    the model
     * @param tokenizer one token per symbol (a character tokenizer whose vocabulary holds the language's alphabet)
     * @param language  the truth
     * @param text      true text of the language (held out), read as windows of the model's context length
     * @return KL in nats per symbol, over every position with a full true context
     */
    public static double klFromTruth(TrainingClient client, Tokenizer tokenizer, SyntheticLanguage language,
                                     String text) {
        String fn = "LanguageFidelity.klFromTruth";
        int order = language.config().order();
        int t = client.config().contextLength();
        int[] symbols = language.symbols("klFromTruth", text);
        if (symbols.length < t) {
            throw new IllegalArgumentException(fn + ": text must have at least the model's context length (" + t
                    + ") symbols, got " + symbols.length);
        }
        int a = language.config().alphabetSize();
        int[] tokenOf = new int[a]; // symbol -> token id
        for (int s = 0; s < a; s++) {
            int[] ids = tokenizer.encode(String.valueOf(language.alphabet().charAt(s)));
            if (ids.length != 1) {
                throw new IllegalArgumentException(fn + ": the tokenizer must give one token per symbol, got "
                        + ids.length + " for '" + language.alphabet().charAt(s) + "'");
            }
            tokenOf[s] = ids[0];
        }
        int vocab = client.config().vocabSize();
        double kl = 0;
        long n = 0;
        for (int start = 0; start + t <= symbols.length; start += t) {
            if (Thread.currentThread().isInterrupted()) {
                throw new java.util.concurrent.CancellationException(fn + ": interrupted");
            }
            int[] window = new int[t];
            for (int i = 0; i < t; i++) {
                window[i] = tokenOf[symbols[start + i]];
            }
            float[] logits = client.logits(window); // (T, V): position i predicts symbol i + 1
            for (int i = Math.max(order, 1) - 1; i + 1 < t; i++) {
                int[] context = java.util.Arrays.copyOfRange(symbols, start + i + 1 - order, start + i + 1);
                double[] p = language.nextDistribution(context);
                double max = Double.NEGATIVE_INFINITY;
                for (int v = 0; v < vocab; v++) {
                    max = Math.max(max, logits[i * vocab + v]);
                }
                double z = 0;
                for (int v = 0; v < vocab; v++) {
                    z += Math.exp(logits[i * vocab + v] - max);
                }
                double logZ = max + Math.log(z);
                for (int s = 0; s < a; s++) {
                    if (p[s] > 0) {
                        kl += p[s] * (Math.log(p[s]) - (logits[i * vocab + tokenOf[s]] - logZ));
                    }
                }
                n++;
            }
        }
        return kl / n;
    }
}
