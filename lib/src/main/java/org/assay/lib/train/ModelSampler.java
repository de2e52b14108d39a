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
            out.add(new Completion(tokenizer.decode(s.tokens()), tokens.length, s.tokens().length, logprob));
        }
        return out;
    }
}
