package org.assay.lib.train;

import ai.djl.Device;
import java.util.Locale;
import org.assay.lib.model.GptConfig;

/**
 * Which code runs a sampling step after the prompt: libtorch ({@code Gpt.forward} with a {@code KvCache}) or the Java
 * {@link org.assay.lib.model.CpuDecoder}. {@code ASSAY_DECODER=auto} (the default) takes Java on the CPU while a
 * step's arithmetic is small enough that libtorch's fixed cost per op dominates; {@code java} and {@code libtorch}
 * force one.
 */
final class Decoding {
    /**
     * The cost model behind {@code auto}: Java while {@code rows × (P + 200,000) <= layers × 1,600,000}, P the
     * parameters a token passes through (active non-embedding + output projection). Java's step grows with rows ×
     * parameters; libtorch's has a fixed part of ~80 µs of op overhead per layer and grows slowly with rows. Measured
     * by {@code ./assay bench train --decoders} on 2 AMD EPYC cores, ms per step, Java against libtorch: bench/train's
     * sampling model (4 layers, P = 0.82M) 1 row 0.16 / 0.36, 4 rows 0.53 / 0.66, 8 rows 1.08 / 0.90 (this rule: up to
     * 6 rows); {@code GptConfig.tiny(64)} (2 layers, P = 0.10M) 8 rows 0.22 / 0.24, 16 rows 0.44 / 0.32 (rule: up to
     * 10). Over two runs of 1–32 rows of both it picked the faster one 23 times in 24 (the other: 8 rows of the
     * sampling model, 0.96 / 1.04 in the second run). And the decoder starts by copying the weights, ~1 ns
     * per parameter (0.17 ms for tiny, 0.89 ms for the sampling model, 5.1 ms for bench/train's larger model, which
     * decodes one row in 0.78 ms against libtorch's 1.16): so Java also needs {@code steps × 250,000 >= P}, enough
     * decoding steps to earn the copy back.
     */
    static boolean javaWins(GptConfig c, int rows, int steps) {
        long p = c.activeNonEmbeddingParameters() + (long) c.vocabSize() * c.dModel();
        return rows * (p + 200_000L) <= c.layers() * 1_600_000L && steps * 250_000L >= p;
    }

    private Decoding() {
    }

    /** For {@code rows} rows and {@code steps} decoding steps after the prompt (maxTokens − 1). */
    static boolean java(GptConfig c, Device device, int rows, int steps) {
        return java(System.getenv("ASSAY_DECODER"), c, device, rows, steps);
    }

    /** {@code mode}: the value of ASSAY_DECODER, null when unset. */
    static boolean java(String mode, GptConfig c, Device device, int rows, int steps) {
        boolean cpu = Device.Type.CPU.equals(device.getDeviceType());
        switch (mode == null ? "auto" : mode.trim().toLowerCase(Locale.ROOT)) {
            case "java":
                return cpu;
            case "libtorch":
                return false;
            case "auto":
            case "":
                return cpu && javaWins(c, rows, steps);
            default:
                throw new IllegalArgumentException("sample: ASSAY_DECODER must be auto, java or libtorch, got '"
                        + mode + "'");
        }
    }
}
