package org.assay.scaling;

/**
 * A model size and training length chosen for its whole life: training costs {@code 6 N D_train} FLOPs once, and
 * serving {@code D_inference} tokens costs {@code 2 N D_inference} more (Sardana et al. 2023, "Beyond
 * Chinchilla-Optimal", their accounting). Made by {@link ChinchillaLaw#allocateForLoss} and
 * {@link ChinchillaLaw#allocateForBudget}.
 *
 * @param targetLoss      the loss the model reaches: the target of {@code allocateForLoss}, the lowest loss the budget
 *                        buys in {@code allocateForBudget}
 * @param inferenceTokens the tokens the model will process over its life (prompts and completions)
 * @param parameters      N
 * @param trainingTokens  D_train
 * @param trainingFlops   {@code 6 N D_train}
 * @param inferenceFlops  {@code 2 N D_inference}
 * @param totalFlops      their sum
 */
public record InferenceAwareAllocation(double targetLoss, double inferenceTokens, double parameters,
                                       double trainingTokens, double trainingFlops, double inferenceFlops,
                                       double totalFlops) {

    static InferenceAwareAllocation of(double loss, double inferenceTokens, double n, double d) {
        double training = 6 * n * d;
        double inference = 2 * n * inferenceTokens;
        return new InferenceAwareAllocation(loss, inferenceTokens, n, d, training, inference, training + inference);
    }

    /** D_train / N: about 20 for Hoffmann et al.'s law without inference, and more as inference grows. */
    public double tokensPerParameter() {
        return trainingTokens / parameters;
    }
}
