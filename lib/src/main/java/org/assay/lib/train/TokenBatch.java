package org.assay.lib.train;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every training and scoring call of {@link TrainingClient} takes: {@code rows × T} token positions, row-major.
 * Like Tinker's {@code Datum} with its {@code loss_fn_inputs}, a batch carries per-token weights (0 masks a token out)
 * and named per-token extras for the loss ({@code advantages}, {@code sampling_logprobs}, ...).
 *
 * @param inputs  (rows × T) token ids
 * @param targets (rows × T) the token each position should predict
 * @param weights (rows × T) per-token weights, finite and >= 0
 * @param rows    rows of the batch
 * @param extras  further per-token inputs for the loss, by name, each (rows × T), or (rows × T × k) for k values per
 *                position (a teacher's top-k tokens and log-probabilities)
 */
public record TokenBatch(int[] inputs, int[] targets, float[] weights, int rows, Map<String, float[]> extras) {
    public TokenBatch {
        String fn = "TokenBatch";
        if (inputs == null || targets == null || weights == null || extras == null) {
            throw new IllegalArgumentException(fn + ": inputs, targets, weights and extras must be set, got inputs="
                    + (inputs == null ? "null" : "int[" + inputs.length + "]") + ", targets="
                    + (targets == null ? "null" : "int[" + targets.length + "]") + ", weights="
                    + (weights == null ? "null" : "float[" + weights.length + "]") + ", extras=" + extras);
        }
        if (rows < 1 || inputs.length == 0 || inputs.length % rows != 0) {
            throw new IllegalArgumentException(fn + ": inputs must be a non-empty multiple of rows (rows × T), got "
                    + inputs.length + " tokens for rows=" + rows);
        }
        requireSize(fn, "targets", targets.length, inputs.length);
        requireSize(fn, "weights", weights.length, inputs.length);
        extras.forEach((name, v) -> {
            if (v == null || v.length == 0 || v.length % inputs.length != 0) {
                throw new IllegalArgumentException(fn + ": extra '" + name + "' must have k >= 1 entries per input token"
                        + " (a multiple of " + inputs.length + "), got " + (v == null ? "null" : v.length));
            }
        });
        extras = Collections.unmodifiableMap(new LinkedHashMap<>(extras));
    }

    private static void requireSize(String fn, String name, int length, int expected) {
        if (length != expected) {
            throw new IllegalArgumentException(fn + ": " + name + " must have one entry per input token (" + expected
                    + "), got " + length);
        }
    }

    /** Every token weighted 1, no extras: next-token cross-entropy's batch. */
    public static TokenBatch of(int[] inputs, int[] targets, int rows) {
        float[] ones = new float[inputs.length];
        Arrays.fill(ones, 1f);
        return new TokenBatch(inputs, targets, ones, rows, Map.of());
    }

    /** With per-token weights, no extras. */
    public static TokenBatch of(int[] inputs, int[] targets, float[] weights, int rows) {
        return new TokenBatch(inputs, targets, weights, rows, Map.of());
    }

    /** T, positions per row. */
    public int width() {
        return inputs.length / rows;
    }

    /** rows × T. */
    public int tokens() {
        return inputs.length;
    }

    /** This batch with the extra {@code name} set to {@code values}. */
    public TokenBatch withExtra(String name, float[] values) {
        Map<String, float[]> e = new LinkedHashMap<>(extras);
        e.put(name, values);
        return new TokenBatch(inputs, targets, weights, rows, e);
    }

    /** Values per position of the extra {@code name} (1, or k for a (rows × T × k) extra). */
    public int valuesPerToken(String name) {
        return extra(name).length / inputs.length;
    }

    /** The extra {@code name}; an error naming the ones there are if it is missing. */
    public float[] extra(String name) {
        float[] v = extras.get(name);
        if (v == null) {
            throw new IllegalArgumentException("TokenBatch.extra: no extra '" + name + "'; the batch has "
                    + extras.keySet());
        }
        return v;
    }
}
