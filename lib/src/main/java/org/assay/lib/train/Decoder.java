package org.assay.lib.train;

import java.util.Locale;

/** The code that runs {@link TrainingClient#sample}'s cached decoding steps ({@link TrainingClient#decoderFor}). */
public enum Decoder {
    /** {@link org.assay.lib.model.CpuDecoder}: plain Java on the CPU, for few rows of a small model. */
    JAVA,
    /** The model's own forward pass in libtorch. */
    LIBTORCH;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
