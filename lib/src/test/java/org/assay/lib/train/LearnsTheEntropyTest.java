package org.assay.lib.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.assay.lib.data.CharTokenizer;
import org.assay.lib.data.SyntheticLanguage;
import org.assay.lib.data.TokenDataset;
import org.assay.lib.model.GptConfig;
import org.junit.jupiter.api.Test;

/** A small model trained on a synthetic language gets close to the language's entropy rate, and not below it. */
class LearnsTheEntropyTest {

    @Test
    void validationLossApproachesTheKnownEntropy() {
        SyntheticLanguage lang = new SyntheticLanguage(new SyntheticLanguage.Config(6, 1, 0.5, 4));
        String text = lang.generate(60_000, 1);
        CharTokenizer chars = CharTokenizer.fit(text);
        TokenDataset data = TokenDataset.of(chars.encode(text), 16, 32, 0.2, 2, 1);
        GptConfig model = GptConfig.tiny(chars.vocabSize()).withContextLength(32).withWidth(32, 4);
        double entropy = lang.entropyRateNats();
        double valLoss;
        try (TrainingClient client = TrainingClient.create(model, 0)) {
            AdamW adam = AdamW.defaults().withLearningRate(3e-3);
            LrSchedule lr = LrSchedule.warmupCosine(3e-3, 20, 300, 3e-4);
            for (long step = 0; step < 300; step++) {
                client.forwardBackward(data.train(step));
                client.optimStep(adam.withLearningRate(lr.at(step)));
            }
            valLoss = client.evaluate(data.validation(40), 1).loss();
        }
        // 40 batches × 16 × 32 = 20,480 held-out tokens: the sampling error of the mean is about 0.005 nats; the
        // first position of each window has no context, which adds (H(X) − H)/32 ≈ 0.01.
        assertTrue(valLoss > entropy - 0.02, "cannot beat the entropy: loss " + valLoss + ", H " + entropy);
        assertTrue(valLoss < entropy + 0.05, "close to the entropy: loss " + valLoss + ", H " + entropy);
    }
}
