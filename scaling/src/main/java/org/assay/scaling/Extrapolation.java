package org.assay.scaling;

import java.util.stream.IntStream;

/**
 * The test that matters for a scaling law: fit on the runs below a compute threshold, predict the larger ones, and
 * report the relative error of those predictions (as Gadre et al. 2024 report extrapolation).
 *
 * @param threshold       runs with {@code C = 6ND} below it are fitted, the rest held out
 * @param trainPoints     how many runs were fitted
 * @param heldOutPoints   how many were predicted
 * @param fitted          the law fitted on the small runs
 * @param relativeErrors  {@code |predicted − observed| / observed} for each held-out run
 * @param meanRelativeError  their mean
 * @param maxRelativeError   their maximum
 */
public record Extrapolation(double threshold, int trainPoints, int heldOutPoints, ChinchillaLaw fitted,
                            double[] relativeErrors, double meanRelativeError, double maxRelativeError) {

    public static Extrapolation check(ChinchillaFit fit, double[] parameters, double[] tokens, double[] loss,
                                      double computeThreshold) {
        String fn = "extrapolationCheck";
        Columns.requireSameLength(fn, new String[] {"N", "D", "loss"}, parameters, tokens, loss);
        Columns.requirePositiveFinite(fn, "N", parameters);
        Columns.requirePositiveFinite(fn, "D", tokens);
        Columns.requirePositiveFinite(fn, "loss", loss);
        if (!(computeThreshold > 0) || Double.isInfinite(computeThreshold)) {
            throw new IllegalArgumentException(fn + ": computeThreshold must be finite and > 0, got " + computeThreshold);
        }
        int[] train = IntStream.range(0, loss.length).filter(i -> 6 * parameters[i] * tokens[i] < computeThreshold)
                .toArray();
        int[] held = IntStream.range(0, loss.length).filter(i -> 6 * parameters[i] * tokens[i] >= computeThreshold)
                .toArray();
        if (held.length == 0) {
            throw new IllegalArgumentException(fn + ": no run has C >= " + computeThreshold + "; nothing to predict");
        }
        ChinchillaLaw law = fit.fit(Columns.rows(parameters, train), Columns.rows(tokens, train), Columns.rows(loss, train)).law();
        double[] errors = IntStream.of(held)
                .mapToDouble(i -> Math.abs(law.predict(parameters[i], tokens[i]) - loss[i]) / loss[i]).toArray();
        return new Extrapolation(computeThreshold, train.length, held.length, law, errors,
                java.util.Arrays.stream(errors).average().orElseThrow(),
                java.util.Arrays.stream(errors).max().orElseThrow());
    }
}
