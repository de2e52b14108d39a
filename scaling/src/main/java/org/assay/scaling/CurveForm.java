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

    /** f(x) for internal parameters {@code theta}; fills {@code gradient} with ∂f/∂θ. */
    double predict(double[] theta, double x, double[] gradient);

    /** Internal parameters to the reported ones (e.g. {@code log A} to {@code A}). */
    double[] report(double[] theta);

    /** Internal starting points for the data, from a grid or from the data's range. */
    List<double[]> starts(double[] x, double[] y);

    /**
     * True to fit {@code log f − log y} (positive, multiplicatively noisy quantities such as losses); false for
     * {@code f − y}.
     */
    boolean logResiduals();

    /** Checks the data for this form, e.g. coverage in (0, 1]; throws IllegalArgumentException naming row and value. */
    default void validate(String function, double[] x, double[] y) {
    }
}
