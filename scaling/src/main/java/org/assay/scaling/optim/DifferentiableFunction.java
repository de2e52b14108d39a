package org.assay.scaling.optim;

/** A smooth function of a parameter vector that also gives its gradient. */
@FunctionalInterface
public interface DifferentiableFunction {

    /**
     * @param x        the point (not modified)
     * @param gradient filled with ∂f/∂x at {@code x}
     * @return f(x)
     */
    double valueAndGradient(double[] x, double[] gradient);
}
