package org.assay.lib.sample;

import ai.djl.Device;
import java.util.Locale;
import org.assay.lib.model.GptConfig;
import org.assay.lib.model.Gpt;
import org.assay.lib.model.KvCache;

/**
 * Which code runs a sampling step after the prompt: libtorch ({@code Gpt.forward} with a {@code KvCache}) or the Java
 * {@link org.assay.lib.model.CpuDecoder}, and on how many threads. {@code ASSAY_DECODER=auto} (the default) takes
 * whichever a cost model measured on this kind of machine expects to be faster; {@code java} and {@code libtorch}
 * force one.
 *
 * <p>The model, in µs per step, P the parameters a token passes through (active non-embedding + output projection),
 * fitted to {@code ./assay bench train --decoders} on 2 AMD EPYC cores (2026-12-07: bench/train's sampling model,
 * P = 0.82M, and {@code GptConfig.tiny(64)}, P = 0.10M, 1–256 rows; bench/train's larger model, P = 4.8M, 1–64 rows):
 * <ul>
 *   <li>Java, one row: 9.5 + 0.11·P/1000 (0.10 ms for the sampling model, 0.02 for tiny, 0.54 for the larger one);
 *   rows split into groups, one per thread, when a step of one group would take over 0.26 ms, because handing a step
 *   to another thread can cost ~0.13 ms; plus the weight copy, ~1 ns per parameter, spread over the steps.</li>
 *   <li>libtorch: 75 per layer (its per-op overhead) + 0.11·P/1000 per row.</li>
 *   <li>Past 32 rows of a model over 2M parameters, libtorch: its products of many rows batch better (measured: 64
 *   rows of the larger model take 14.7 ms against Java's 19.3, where 32 rows take 9.7 against 8.2). Java took the
 *   other 24 of the 25 measured cases, up to 256 rows of the smaller models (19.6 against 26.4 ms for the sampling
 *   model, 3.3 against 6.0 for tiny).</li>
 *   <li>Over 8M parameters, libtorch: their weights (32 MB and more) leave this CPU's L3 cache, and the fit above,
 *   made on weights that stay in it, no longer holds (not measured past 4.8M).</li>
 * </ul>
 */
final class Decoding {
    static final int MAX_JAVA_ROWS_LARGE = 32;
    static final long LARGE_PARAMETERS = 2_000_000;
    static final long MAX_JAVA_PARAMETERS = 8_000_000;

    private Decoding() {
    }

    /**
     * For {@code rows} rows and {@code steps} decoding steps after the prompt (maxTokens − 1). A bfloat16 model
     * ({@link org.assay.lib.model.Precision}) always samples with libtorch: the Java decoder multiplies in float32.
     */
    static boolean java(Gpt model, int rows, int steps) {
        return model.precision() == org.assay.lib.model.Precision.FLOAT32 && java(System.getenv("ASSAY_DECODER"),
                model.config(), model.device(), rows, steps, org.assay.lib.engine.Torch.threads());
    }

    /**
     * The decoder for {@code rows} rows, {@code n} per prompt, after prompts of {@code promptLength} tokens: libtorch
     * without a cache when {@code params.kvCache()} is off, the Java decoder after the prompt when the cost model (or
     * ASSAY_DECODER) says so, else libtorch with the cache. With the cache each prompt is read once for its n rows.
     */
    static StepDecoder open(Gpt model, SamplingParams params, int rows, int n, int promptLength) {
        GptConfig c = model.config();
        if (!params.kvCache()) {
            return new StepDecoder.Libtorch(model, null, rows, 1, false, false);
        }
        if (java(model, rows, params.maxTokens() - 1)) {
            return new StepDecoder.Java(model, new KvCache(model), rows, n, promptLength + params.maxTokens() - 1,
                    groups(c, rows, org.assay.lib.engine.Torch.threads()));
        }
        boolean oneThread = (long) rows * c.dModel() < 16_384 && org.assay.lib.engine.Torch.threads() > 1;
        return new StepDecoder.Libtorch(model, new KvCache(model), rows, n, true, oneThread);
    }

    /** ASSAY_DECODER: let the cost model choose, or force one decoder. */
    enum Mode {
        AUTO, JAVA, LIBTORCH;

        /** The value of ASSAY_DECODER (null or blank when unset: auto); any other value is an error naming it. */
        static Mode parse(String value) {
            String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
            for (Mode m : values()) {
                if (m.name().toLowerCase(Locale.ROOT).equals(v)) {
                    return m;
                }
            }
            if (v.isEmpty()) {
                return AUTO;
            }
            throw new IllegalArgumentException("sample: ASSAY_DECODER must be auto, java or libtorch, got '" + value
                    + "'");
        }
    }

    /** {@code mode}: the value of ASSAY_DECODER, null when unset. */
    static boolean java(String mode, GptConfig c, Device device, int rows, int steps, int threads) {
        boolean cpu = Device.Type.CPU.equals(device.getDeviceType());
        return switch (Mode.parse(mode)) {
            case JAVA -> cpu;
            case LIBTORCH -> false;
            case AUTO -> cpu && steps >= 1 && c.parametersPerToken() <= MAX_JAVA_PARAMETERS
                    && (rows <= MAX_JAVA_ROWS_LARGE || c.parametersPerToken() <= LARGE_PARAMETERS)
                    && javaMicros(c, rows, steps, threads) < libtorchMicros(c, rows);
        };
    }

    /** Row groups for the Java decoder: one per thread when a group's step is long enough to pay the handoff. */
    static int groups(GptConfig c, int rows, int threads) {
        return rows * rowMicros(c) > 2 * HANDOFF_MICROS ? Math.max(1, Math.min(threads, rows)) : 1;
    }

    static double javaMicros(GptConfig c, int rows, int steps, int threads) {
        int groups = groups(c, rows, threads);
        double perStep = Math.ceil((double) rows / groups) * rowMicros(c) + (groups > 1 ? HANDOFF_MICROS : 0);
        return perStep + 1e-3 * c.parametersPerToken() / Math.max(1, steps);
    }

    static double libtorchMicros(GptConfig c, int rows) {
        return 75.0 * c.layers() + rows * 1.1e-4 * c.parametersPerToken();
    }

    private static final double HANDOFF_MICROS = 130;

    private static double rowMicros(GptConfig c) {
        return 9.5 + 1.1e-4 * c.parametersPerToken();
    }
}
