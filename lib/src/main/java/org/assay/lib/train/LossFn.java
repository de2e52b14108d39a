package org.assay.lib.train;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * A training loss over per-token quantities: the log-probabilities of the target tokens, their weights (masks), and
 * any per-token inputs the caller passed (advantages, sampler log-probabilities, ...). Returns a scalar.
 */
@FunctionalInterface
public interface LossFn {

    NDArray loss(Inputs in);

    /**
     * @param logprobs (B, T) log-probability of each target token under the model
     * @param weights  (B, T) per-token weights; zero masks a token out
     * @param extra    (B, T) per-token inputs by name, as passed to {@code forwardBackward}
     */
    record Inputs(NDArray logprobs, NDArray weights, Map<String, NDArray> extra) {
        public NDArray extra(String name) {
            NDArray a = extra.get(name);
            if (a == null) {
                throw new IllegalArgumentException("LossFn: this loss needs the per-token input '" + name
                        + "'; given: " + extra.keySet());
            }
            return a;
        }
    }

    /** Weighted mean negative log-likelihood: −Σ w·log p / Σ w. */
    static LossFn crossEntropy() {
        return in -> in.logprobs().mul(in.weights()).sum().neg().div(in.weights().sum());
    }
}
