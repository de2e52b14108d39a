package org.assay.lib.sample;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.assay.lib.engine.Helper;
import org.assay.lib.engine.Torch;
import org.assay.lib.model.Gpt;

/**
 * The sampling loop that {@code TrainingClient.sample} runs: validate → open a decoder (the prompt is its first step,
 * read once per prompt however many samples it has) → one step per new token, each row drawn with its own generator and
 * stopped when it ends in a stop sequence → the samples, grouped by prompt. Row i of prompt g draws from {@code
 * SplittableRandom(seeds[g]·φ + i)}, so a prompt's samples do not depend on what else is in the batch.
 */
public final class Generator {
    private Generator() {
    }

    /** Which code runs the cached steps of sampling {@code rows} rows of {@code maxTokens} new tokens. */
    public static Decoder decoderFor(Gpt model, int rows, int maxTokens) {
        return Decoding.java(model, rows, maxTokens - 1) ? Decoder.JAVA : Decoder.LIBTORCH;
    }

    /** {@code n} continuations of each prompt (all of one length), sampled together as one batch. */
    public static List<List<Sample>> sample(Gpt model, List<int[]> prompts, long[] seeds, SamplingParams params,
                                            int n) {
        return sample(model, prompts, seeds, params, n, null);
    }

    /** As {@link #sample(Gpt, List, long[], SamplingParams, int)}, telling {@code listener} (if not null) each token. */
    public static List<List<Sample>> sample(Gpt model, List<int[]> prompts, long[] seeds, SamplingParams params,
                                            int n, TokenListener listener) {
        validate(model, prompts, seeds, params, n);
        Rows rows = new Rows(prompts, seeds, params, n);
        try (StepDecoder decoder = Decoding.open(model, params, rows.count, n, rows.promptLength)) {
            int v = model.config().vocabSize();
            for (int s = 0; s < params.maxTokens() && !rows.allStopped(); s++) {
                float[] logits = decoder.next(rows.sequence, rows.width, rows.length()); // (rows, V)
                rows.append(logits, v, params, listener);
            }
        }
        return rows.samples(prompts.size(), n);
    }

    /** Rows from which a step's draws are split between the caller and its helper. */
    private static final int PARALLEL_ROWS = 64;

    private static void validate(Gpt model, List<int[]> prompts, long[] seeds, SamplingParams params, int n) {
        String fn = "sample";
        if (prompts.isEmpty() || seeds.length != prompts.size()) {
            throw new IllegalArgumentException(fn + ": give at least one prompt and one seed per prompt, got "
                    + prompts.size() + " prompts and " + seeds.length + " seeds");
        }
        int[] prompt = prompts.get(0);
        for (int g = 0; g < prompts.size(); g++) {
            if (prompts.get(g).length == 0) {
                throw new IllegalArgumentException(fn + ": the prompt must have at least 1 token");
            }
            if (prompts.get(g).length != prompt.length) {
                throw new IllegalArgumentException(fn + ": prompts sampled together must have one length, got "
                        + prompt.length + " and " + prompts.get(g).length + " (prompt " + g + ")");
            }
        }
        if (n < 1) {
            throw new IllegalArgumentException(fn + ": n must be >= 1, got " + n);
        }
        int vocab = model.config().vocabSize();
        for (int[] stop : params.stop()) {
            requireTokens(fn, "a stop sequence", stop, vocab);
        }
        if (params.thinking() != null) {
            requireTokens(fn, "thinking.end", params.thinking().end(), vocab);
            requireTokens(fn, "thinking.continuation", params.thinking().continuation(), vocab);
        }
        int context = model.config().contextLength();
        if (prompt.length + params.maxTokens() > context) {
            throw new IllegalArgumentException(fn + ": the prompt (" + prompt.length + " tokens) + maxTokens ("
                    + params.maxTokens() + (params.thinking() == null ? "" : ": a thinking budget of "
                    + params.thinking().maxThinkingTokens() + " tokens and the answer") + ") exceeds contextLength "
                    + context);
        }
    }

    private static void requireTokens(String fn, String what, int[] tokens, int vocab) {
        for (int t : tokens) {
            if (t < 0 || t >= vocab) {
                throw new IllegalArgumentException(fn + ": " + what + " token " + t + " must be in [0, " + vocab
                        + ") (the model's vocabSize), got " + Arrays.toString(tokens));
            }
        }
    }

    /**
     * The batch being sampled: n rows per prompt, each its prompt then its tokens so far, row-major; with a thinking
     * budget, each row's place in its thinking and the tokens it is made to write next.
     */
    private static final class Rows {
        final int count;
        final int promptLength;
        final int width;
        final int[] sequence;
        private final SplittableRandom[] rngs;
        private final int[][] tokens;
        private final float[][] logprobs;
        private final int[] lengths;
        private final boolean[] stopped;
        private final ThinkingBudget budget;
        private final int[] end;
        private final int[] continuation;
        private final boolean[] thinking;     // while true, all of a row's tokens are its thinking so far
        private final int[] thinkingTokens;   // where the answer starts
        private final int[] continuations;
        private final int[][] forced;         // tokens a row must write next (the end, or the continuation), or null
        private final int[] forcedAt;
        private Sampling.Scratch[] scratch;   // the caller's and the helper's
        private int steps;

        Rows(List<int[]> prompts, long[] seeds, SamplingParams params, int n) {
            count = n * prompts.size();
            promptLength = prompts.get(0).length;
            width = promptLength + params.maxTokens();
            sequence = new int[count * width];
            rngs = new SplittableRandom[count];
            tokens = new int[count][params.maxTokens()];
            logprobs = new float[count][params.maxTokens()];
            lengths = new int[count];
            stopped = new boolean[count];
            for (int i = 0; i < count; i++) {
                rngs[i] = new SplittableRandom(seeds[i / n] * 0x9E3779B97F4A7C15L + i % n);
                System.arraycopy(prompts.get(i / n), 0, sequence, i * width, promptLength);
            }
            budget = params.thinking();
            end = budget == null ? null : budget.end();
            continuation = budget == null ? null : budget.continuation();
            thinking = new boolean[count];
            Arrays.fill(thinking, budget != null);
            thinkingTokens = new int[count];
            continuations = new int[count];
            forced = new int[count][];
            forcedAt = new int[count];
        }

        /** Positions filled in every row. */
        int length() {
            return promptLength + steps;
        }

        /**
         * One step: a token for each row still going, drawn from its logits (rows, V) or forced by the budget. Many
         * rows (without a listener, which hears the tokens in order) are drawn half by the caller and half by its
         * {@link Helper}, the one a Java decoder's second row group ran on: each row has its own generator and
         * state, so the split changes nothing but the time (0.21 ms a step for 256 rows on one thread).
         */
        void append(float[] logits, int v, SamplingParams params, TokenListener listener) {
            if (scratch == null) {
                scratch = new Sampling.Scratch[] {new Sampling.Scratch(v), new Sampling.Scratch(v)};
            }
            if (listener == null && count >= PARALLEL_ROWS && Torch.threads() > 1) {
                int half = count / 2;
                Helper.runParts(Helper.team(1), "sample", p ->
                        append(p * half, p == 0 ? half : count, logits, v, params, null, scratch[p]));
            } else {
                append(0, count, logits, v, params, listener, scratch[0]);
            }
            steps++;
        }

        /** Rows {@code from} to {@code to − 1} of a step. */
        private void append(int from, int to, float[] logits, int v, SamplingParams params, TokenListener listener,
                            Sampling.Scratch s) {
            int len = length();
            s.forget();
            for (int i = from; i < to; i++) {
                if (stopped[i]) {
                    sequence[i * width + len] = sequence[i * width + len - 1]; // padding, never read back
                    continue;
                }
                int token = next(i, logits, i * v, v, params, s);
                sequence[i * width + len] = token;
                tokens[i][lengths[i]] = token;
                logprobs[i][lengths[i]] = (float) s.logSoftmaxAt(logits, i * v, v, token);
                lengths[i]++;
                if (listener != null) {
                    listener.onToken(i, token);
                }
                if (!thinking[i]) {   // a stop sequence ends the answer only, so it must lie inside the answer
                    stopped[i] = Sampling.endsWithStop(tokens[i], thinkingTokens[i], lengths[i], params.stop());
                } else if (Sampling.endsWith(tokens[i], 0, lengths[i], end)) {
                    thinking[i] = false;
                    thinkingTokens[i] = lengths[i];
                    forced[i] = null;
                }
            }
        }

        /** Row i's next token: a forced one, else a draw, an early end of thinking replaced by the continuation. */
        private int next(int i, float[] logits, int from, int v, SamplingParams params, Sampling.Scratch s) {
            if (thinking[i] && lengths[i] >= budget.maxThinkingTokens() && forced[i] != end) {
                forced[i] = end;    // the budget is spent: end the thinking now, even inside a continuation,
                forcedAt[i] = Sampling.prefixAtEnd(tokens[i], lengths[i], end); // finishing an end begun
            }
            if (forced[i] != null) {
                int token = forced[i][forcedAt[i]++];
                if (forcedAt[i] == forced[i].length) {
                    forced[i] = null;
                }
                return token;
            }
            int token = Sampling.draw(logits, from, v, params, rngs[i], s);
            if (thinking[i] && token == end[0] && lengths[i] < budget.minThinkingTokens()
                    && continuations[i] < budget.maxContinuations()) {
                continuations[i]++;
                if (continuation.length > 1) {
                    forced[i] = continuation;
                    forcedAt[i] = 1;
                }
                return continuation[0];
            }
            return token;
        }

        boolean allStopped() {
            for (boolean s : stopped) {
                if (!s) {
                    return false;
                }
            }
            return true;
        }

        List<List<Sample>> samples(int prompts, int n) {
            List<List<Sample>> byPrompt = new ArrayList<>(prompts);
            for (int g = 0; g < prompts; g++) {
                List<Sample> samples = new ArrayList<>(n);
                for (int i = g * n; i < (g + 1) * n; i++) {
                    samples.add(new Sample(Arrays.copyOf(tokens[i], lengths[i]), Arrays.copyOf(logprobs[i], lengths[i]),
                            stopped[i] ? StopReason.STOP : StopReason.LENGTH, thinking[i] ? lengths[i]
                            : thinkingTokens[i]));
                }
                byPrompt.add(samples);
            }
            return byPrompt;
        }
    }
}
