package org.assay.lib.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.assay.evals.Eval;
import org.assay.evals.EvalResult;
import org.assay.evals.Sampler;
import org.assay.evals.tasks.AnswerFormat;
import org.assay.evals.tasks.Task;
import org.assay.evals.tasks.TaskSuites;
import org.assay.lib.data.CharTokenizer;
import org.assay.lib.model.GptConfig;
import org.junit.jupiter.api.Test;
import org.assay.lib.sample.SamplingParams;

class ModelSamplerTest {

    private static final List<Task> SUITE = TaskSuites.arithmetic(3, 1, 2);
    private static final CharTokenizer CHARS = CharTokenizer.fit("0123456789+-*? =\nWhatisAnwer:");

    @Test
    void aModelEvaluatesThroughTheRunnerReproducibly() {
        GptConfig config = GptConfig.tiny(CHARS.vocabSize()).withContextLength(48).withWidth(16, 2).withLayers(1);
        try (TrainingClient client = TrainingClient.create(config, 3)) {
            ModelSampler sampler = ModelSampler.of(client, CHARS, SamplingParams.defaults().withMaxTokens(12))
                    .withStop("\n");
            Eval eval = Eval.of(SUITE).withPrompt(t -> t.prompt() + "\n").withSamples(5).withBatch(2)
                    .withFormat(AnswerFormat.BARE).withSeed(9).withProgress(false);
            EvalResult a = eval.run(sampler);
            EvalResult b = eval.run(sampler);
            assertEquals(a.table().stringColumn("completion").asList(), b.table().stringColumn("completion").asList());
            for (int i = 0; i < a.items(); i++) {
                int promptTokens = CHARS.encode(SUITE.get(i).prompt() + "\n").length;
                for (Sampler.Completion c : a.completions(i)) {
                    assertEquals(promptTokens, c.promptTokens());
                    assertEquals(CHARS.encode(c.text()).length, c.tokens());
                    assertTrue(c.tokens() == 12 || c.text().endsWith("\n"), c.text());
                    assertTrue(c.logprob() < 0);
                }
            }
            assertEquals(config.nonEmbeddingParameters(), sampler.cost().parameters());
        }
    }

    @Test
    void badInputGetsClearErrors() {
        GptConfig small = GptConfig.tiny(8).withContextLength(16).withWidth(16, 2).withLayers(1);
        try (TrainingClient client = TrainingClient.create(small, 1)) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> ModelSampler.of(client, CHARS, SamplingParams.defaults()));
            assertTrue(e.getMessage().contains("must fit the model's vocabSize 8"), e.getMessage());
        }
        GptConfig config = GptConfig.tiny(CHARS.vocabSize()).withContextLength(16).withWidth(16, 2).withLayers(1);
        try (TrainingClient client = TrainingClient.create(config, 1)) {
            ModelSampler sampler = ModelSampler.of(client, CHARS, SamplingParams.defaults().withMaxTokens(8));
            var e = assertThrows(IllegalArgumentException.class, () -> sampler.withStop(""));
            assertTrue(e.getMessage().contains("at least 1 token"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> sampler.sample("What is 1 + 2?", 1, 0));
            assertTrue(e.getMessage().contains("exceeds contextLength 16"), e.getMessage());
        }
    }
}
