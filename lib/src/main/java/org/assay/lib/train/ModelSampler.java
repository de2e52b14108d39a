package org.assay.lib.train;

import org.assay.evals.Sampler;
import org.assay.evals.TokenCost;
import org.assay.lib.data.Tokenizer;
import org.assay.lib.model.GptConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.assay.lib.sample.Sample;
import org.assay.lib.sample.SamplingParams;
import org.assay.lib.sample.ThinkingBudget;

/**
 * A trained model as an evaluation {@link Sampler}: prompts are encoded with the tokenizer, sampled through
 * {@link TrainingClient#sample} (batched, KV cache) with the given parameters and the evaluation's seed, and decoded.
 * <pre>{@code
 * var sampler = ModelSampler.of(client, chars, SamplingParams.defaults().withMaxTokens(8)).withStop("\n");
 * EvalResult r = Eval.of(suite).withSamples(16).run(sampler);
 * }</pre>
 */
public final class ModelSampler implements Sampler {
    private final TrainingClient client;
    private final Tokenizer tokenizer;
    private final SamplingParams params;

    private ModelSampler(TrainingClient client, Tokenizer tokenizer, SamplingParams params) {
        this.client = client;
        this.tokenizer = tokenizer;
        this.params = params;
    }

    public static ModelSampler of(TrainingClient client, Tokenizer tokenizer, SamplingParams params) {
        Objects.requireNonNull(client, "ModelSampler.of: client must not be null");
        Objects.requireNonNull(tokenizer, "ModelSampler.of: tokenizer must not be null");
        Objects.requireNonNull(params, "ModelSampler.of: params must not be null");
        int modelVocab = client.config().vocabSize();
        if (tokenizer.vocabSize() > modelVocab) {
            throw new IllegalArgumentException("ModelSampler.of: the tokenizer's vocabulary (" + tokenizer.vocabSize()
                    + ", " + tokenizer.name() + ") must fit the model's vocabSize " + modelVocab);
        }
        return new ModelSampler(client, tokenizer, params);
    }

    /** Ends each completion at any of these texts (kept in the completion), encoded with the tokenizer. */
    public ModelSampler withStop(String... texts) {
        List<int[]> stop = new ArrayList<>();
        for (String t : texts) {
            int[] tokens = t == null ? new int[0] : tokenizer.encode(t);
            if (tokens.length == 0) {
                throw new IllegalArgumentException("ModelSampler.withStop: stop texts must encode to at least 1 token,"
                        + " got '" + t + "'");
            }
            stop.add(tokens);
        }
        return new ModelSampler(client, tokenizer, params.withStop(stop));
    }

    /**
     * A thinking budget ({@link ThinkingBudget}): at most {@code maxThinkingTokens} before {@code end} (e.g. {@code
     * </think>}, encoded with the tokenizer) is forced. {@code maxTokens} must leave room for the answer.
     */
    public ModelSampler withThinking(String end, int maxThinkingTokens) {
        return withParams(params.withThinking(ThinkingBudget.atMost(encodeExactly("withThinking", "end", end),
                maxThinkingTokens)));
    }

    /**
     * With {@link #withThinking}: an end before {@code minThinkingTokens} is replaced by {@code continuation} (s1's
     * {@code "Wait"}), up to {@code times} times.
     */
    public ModelSampler withMinimumThinking(int minThinkingTokens, String continuation, int times) {
        if (params.thinking() == null) {
            throw new IllegalStateException("ModelSampler.withMinimumThinking: set a budget first with withThinking(end,"
                    + " maxThinkingTokens)");
        }
        return withParams(params.withThinking(params.thinking().withMinimum(minThinkingTokens,
                encodeExactly("withMinimumThinking", "continuation", continuation), times)));
    }

    /** The text's tokens, when it encodes to at least one and decodes back to itself. */
    private int[] encodeExactly(String fn, String parameter, String text) {
        int[] tokens;
        try {
            tokens = text == null ? new int[0] : tokenizer.encode(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("ModelSampler." + fn + ": " + parameter + " '" + text + "' does not"
                    + " encode with " + tokenizer.name() + ": " + e.getMessage(), e);
        }
        if (tokens.length == 0 || !tokenizer.decode(tokens).equals(text)) {
            throw new IllegalArgumentException("ModelSampler." + fn + ": " + parameter + " must encode to tokens that"
                    + " decode back to it with " + tokenizer.name() + ", got '" + text + "' -> " + tokens.length
                    + " tokens" + (tokens.length == 0 ? "" : " decoding to '" + tokenizer.decode(tokens) + "'"));
        }
        return tokens;
    }

    public ModelSampler withParams(SamplingParams p) {
        return of(client, tokenizer, p);
    }

    public SamplingParams params() {
        return params;
    }

    /** The model's inference cost per token (non-embedding N, layers, width), for accuracy against compute. */
    public TokenCost cost() {
        GptConfig c = client.config();
        return new TokenCost(c.nonEmbeddingParameters(), c.layers(), c.dModel());
    }

    @Override
    public List<Completion> sample(String prompt, int n, long seed) {
        int[] tokens = tokenizer.encode(prompt);
        List<Sample> samples = client.sample(tokens, params.withSeed(seed), n);
        List<Completion> out = new ArrayList<>(n);
        for (Sample s : samples) {
            double logprob = 0;
            for (float lp : s.logprobs()) {
                logprob += lp;
            }
            out.add(new Completion(tokenizer.decode(s.tokens()), tokens.length, s.tokens().length, logprob,
                    s.thinkingTokens()));
        }
        return out;
    }
}
