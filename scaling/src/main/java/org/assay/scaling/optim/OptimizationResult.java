package org.assay.scaling.optim;

/**
 * The end of one optimisation run.
 *
 * @param x           the best point found
 * @param value       f(x)
 * @param gradientNorm the largest absolute gradient component at x
 * @param iterations  iterations taken
 * @param evaluations function (and gradient) evaluations
 * @param converged   true if a convergence test was met, false if it stopped on the iteration limit or a failed
 *                    line search
 * @param reason      why it stopped, in words
 */
public record OptimizationResult(double[] x, double value, double gradientNorm, int iterations, int evaluations,
                                 boolean converged, String reason) {
}
