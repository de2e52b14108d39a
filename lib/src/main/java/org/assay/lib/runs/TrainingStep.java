package org.assay.lib.runs;

/**
 * One optimizer step of a training run, as a line of {@code metrics.jsonl} holds it ({@link Metrics}: the keys are
 * the names in snake case, nanoGPT's {@code loss}, {@code lr}, {@code mfu}).
 *
 * @param step         optimizer steps taken
 * @param tokens       training tokens seen so far
 * @param flops        training FLOPs so far by the model's accounting
 * @param loss         training loss of this step (nats/token)
 * @param lr           learning rate of this step
 * @param gradNorm     global gradient norm before clipping
 * @param tokensPerSec training throughput of this step
 * @param mfu          model FLOPs utilisation against the measured matmul peak
 * @param elapsed      seconds since the loop started
 * @param valLoss      validation loss (nats/token), on steps that evaluate; null otherwise
 * @param valBpb       validation bits per byte, on steps that evaluate; null otherwise
 * @param valLossBySource validation loss of each source, on steps that evaluate data of several sources (a mixture);
 *                     null otherwise. {@code valLoss} is then their average weighted by the target distribution
 */
public record TrainingStep(long step, long tokens, double flops, double loss, double lr, double gradNorm,
                           double tokensPerSec, double mfu, double elapsed, Double valLoss, Double valBpb,
                           java.util.Map<String, Double> valLossBySource) {
    public static final String STEP = Metrics.key(TrainingStep.class, "step");
    public static final String TOKENS = Metrics.key(TrainingStep.class, "tokens");
    public static final String FLOPS = Metrics.key(TrainingStep.class, "flops");
    public static final String LOSS = Metrics.key(TrainingStep.class, "loss");
    public static final String VAL_LOSS = Metrics.key(TrainingStep.class, "valLoss");
    public static final String TOKENS_PER_SEC = Metrics.key(TrainingStep.class, "tokensPerSec");

    /** The same step with its evaluation ({@code bySource} null for data of one source). */
    public TrainingStep withEvaluation(double validationLoss, double bitsPerByte, java.util.Map<String, Double> bySource) {
        return new TrainingStep(step, tokens, flops, loss, lr, gradNorm, tokensPerSec, mfu, elapsed, validationLoss,
                bitsPerByte, bySource);
    }
}
