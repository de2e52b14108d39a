package org.assay.scaling;

import java.util.List;

/**
 * A one-variable law {@code y = f(x; θ)} that {@link CurveFit} can fit: its parameters, how to predict and
 * differentiate in an internal (unconstrained) parametrisation, and where to start the search.
 * Implementations: {@link Laws}.
 */
public interface CurveForm {

    String name();

    /** The law as a researcher writes it, e.g. {@code y = E + A·x^(−α)}. */
    String formula();

    /** The paper and equation it comes from. */
    String citation();

    /** Names of the reported parameters, in the order of {@link #report(double[])}. */
    List<String> parameters();

    /** Number of internal parameters. */
    int size();

    /**
     * f(x) for internal parameters {@code theta}; fills {@code gradient} with ∂f/∂θ. For the reported parameters (the
     * ones a fit prints and a paper publishes) use {@link #predictReported}.
     *
     * @throws IllegalArgumentException for an x outside the law's domain (e.g. x &lt;= 0 for a power law)
     */
    double predict(double[] theta, double x, double[] gradient);

    /** Internal parameters to the reported ones (e.g. {@code log A} to {@code A}). */
    double[] report(double[] theta);

    /**
     * Reported parameters to the internal ones, the inverse of {@link #report(double[])}.
     *
     * @throws IllegalArgumentException naming the parameter and value, for one outside the law's domain (e.g. A &lt;= 0
     *                                  where the law fits log A)
     */
    double[] internal(double[] reported);

    /**
     * f(x) at the reported parameters by name, e.g. a fit's {@link CurveFit.Result#params()} or a paper's values:
     * {@code Laws.rlSigmoid(0.2).predictReported(Map.of("A", 0.75, "B", 1.3, "C_mid", 3e4), 1e5)}.
     *
     * @throws IllegalArgumentException for a missing, unknown or non-finite parameter, one outside the law's domain, or
     *                                  an x outside it
     */
    default double predictReported(java.util.Map<String, Double> params, double x) {
        String fn = "CurveForm.predictReported(" + name() + ")";
        if (!params.keySet().equals(new java.util.HashSet<>(parameters()))) {
            throw new IllegalArgumentException(fn + ": params must be exactly " + parameters() + ", got "
                    + params.keySet());
        }
        double[] reported = new double[parameters().size()];
        for (int i = 0; i < reported.length; i++) {
            String p = parameters().get(i);
            Double v = params.get(p);
            if (v == null || !Double.isFinite(v)) {
                throw new IllegalArgumentException(fn + ": " + p + " must be finite, got " + v);
            }
            reported[i] = v;
        }
        return predict(internal(reported), x, new double[size()]);
    }

    /** Internal starting points for the data, from a grid or from the data's range. */
    List<double[]> starts(double[] x, double[] y);

    /**
     * True to fit {@code log f − log y} (positive, multiplicatively noisy quantities such as losses); false for
     * {@code f − y}.
     */
    boolean logResiduals();

    /** What errors call x when the caller does not name its columns, e.g. {@code C} for RL compute. */
    default String xName() {
        return "x";
    }

    /** What errors call y when the caller does not name its columns. */
    default String yName() {
        return "y";
    }

    /**
     * Checks the data for this form, e.g. coverage in (0, 1]; throws IllegalArgumentException naming the column (as
     * {@code xName}, {@code yName}), row and value.
     */
    default void validate(String function, String xName, double[] x, String yName, double[] y) {
    }
}
