package org.assay.lib.train;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * A training loss over per-token quantities: the log-probabilities of the target tokens, their weights (masks), any
 * per-token inputs the caller passed (advantages, sampler log-probabilities, a teacher's top-k, ...) and the model's
 * whole next-token distribution at each position (for distillation's forward and reverse KL). Returns a scalar.
 */
@FunctionalInterface
public interface LossFn {

    NDArray loss(Inputs in);

    /**
     * @param logprobs     (B, T) log-probability of each target token under the model
     * @param weights      (B, T) per-token weights; zero masks a token out
     * @param extra        per-token inputs by name, as passed to {@code forwardBackward}: (B, T), or (B, T, k) for an
     *                     extra of k values per position
     * @param distribution (B, T, V) the model's log-softmax over the vocabulary at each position (null where a caller
     *                     has none)
     * @param values       (B, T) the model's value head at each position (null for a model without one)
     */
    record Inputs(NDArray logprobs, NDArray weights, Map<String, NDArray> extra, NDArray distribution,
                  NDArray values) {

        /** Inputs without the whole distribution or values (a loss that needs only the targets' log-probabilities). */
        public Inputs(NDArray logprobs, NDArray weights, Map<String, NDArray> extra) {
            this(logprobs, weights, extra, null, null);
        }

        /** The (B, T) values; an error when the model has no value head. */
        public NDArray values() {
            if (values == null) {
                throw new IllegalArgumentException("LossFn: this loss needs the model's values, and the model has no"
                        + " value head (Gpt.addValueHead)");
            }
            return values;
        }

        /** The (B, T, V) log-softmax; an error when this caller gave none. */
        public NDArray distribution() {
            if (distribution == null) {
                throw new IllegalArgumentException("LossFn: this loss needs the whole next-token distribution, which"
                        + " these inputs do not carry (TrainingClient.forwardBackward passes it)");
            }
            return distribution;
        }

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
