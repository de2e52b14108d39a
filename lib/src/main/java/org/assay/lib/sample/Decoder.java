package org.assay.lib.sample;

import java.util.Locale;

/** The code that runs the sampling loop's cached decoding steps ({@link Generator#decoderFor}). */
public enum Decoder {
    /** {@link org.assay.lib.model.CpuDecoder}: plain Java on the CPU, for small models. */
    JAVA,
    /** The model's own forward pass in libtorch. */
    LIBTORCH;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
