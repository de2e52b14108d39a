package org.assay.lib.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.assay.lib.data.CharTokenizer;
import org.assay.lib.data.SyntheticLanguage;
import org.assay.lib.data.TokenDataset;
import org.assay.lib.model.GptConfig;
import org.junit.jupiter.api.Test;

class LanguageFidelityTest {

    @Test
    void klFromTheTruthIsCrossEntropyMinusTheTrueSurpriseAndFallsWithTraining() {
        SyntheticLanguage lang = new SyntheticLanguage(new SyntheticLanguage.Config(6, 1, 0.5, 3));
        CharTokenizer chars = CharTokenizer.fit(lang.alphabet());
        String heldOut = lang.generate(32 * 200, 99);
        try (TrainingClient client = TrainingClient.create(GptConfig.tiny(6).withContextLength(32).withWidth(32, 2)
                .withLayers(1), 1)) {
            double before = LanguageFidelity.klFromTruth(client, chars, lang, heldOut);
            var data = TokenDataset.of(chars.encode(lang.generate(100_000, 5)), 16, 32, 0.05, 0, 1);
            for (int step = 0; step < 150; step++) {
                client.forwardBackward(data.train(step));
                client.optimStep(AdamW.defaults().withLearningRate(1e-2));
            }
            double after = LanguageFidelity.klFromTruth(client, chars, lang, heldOut);
            assertTrue(after < before / 4 && after >= 0, "KL before " + before + ", after " + after);
            // the naive estimate from the symbols drawn: mean of -ln Q(x_t) + ln P(x_t | c_t) over the same positions
            int[] s = lang.symbols("test", heldOut);
            double sum = 0;
            long n = 0;
            for (int start = 0; start + 32 <= s.length; start += 32) {
                float[] lq = client.computeLogprobs(chars.encode(heldOut.substring(start, start + 32)));
                for (int i = 1; i < 32; i++) {
                    sum += -lq[i] + Math.log(lang.probability(new int[] {s[start + i - 1]}, s[start + i]));
                    n++;
                }
            }
            assertEquals(sum / n, after, 0.01, "the same divergence, with the noise of the drawn symbols");
        }
    }

    @Test
    void textShorterThanTheContextIsAClearError() {
        SyntheticLanguage lang = SyntheticLanguage.small(1);
        try (TrainingClient client = TrainingClient.create(GptConfig.tiny(8).withContextLength(16).withWidth(16, 2)
                .withLayers(1), 1)) {
            var e = assertThrows(IllegalArgumentException.class, () -> LanguageFidelity.klFromTruth(client,
                    CharTokenizer.fit(lang.alphabet()), lang, "abc"));
            assertEquals("LanguageFidelity.klFromTruth: text must have at least the model's context length (16)"
                    + " symbols, got 3", e.getMessage());
        }
    }
}
