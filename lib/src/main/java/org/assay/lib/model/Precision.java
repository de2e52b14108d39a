package org.assay.lib.model;

import com.google.gson.annotations.SerializedName;

/**
 * The precision of a model's matrix products; weights, gradients and optimizer state stay float32 either way (mixed
 * precision with float32 master weights, as {@code torch.autocast}).
 */
public enum Precision {
    /** Every product in float32. */
    @SerializedName("float32") FLOAT32,
    /**
     * Linear layers, attention's two products and the output head in bfloat16 with float32 accumulation, their
     * results widened to float32 ({@link org.assay.lib.engine.Bf16}). libtorch forwards only: the Java decoder runs
     * float32, so sampling a bfloat16 model uses libtorch.
     */
    @SerializedName("bfloat16") BFLOAT16;

    /** Its name in run specs and on command lines ({@code --dtype}): "float32" or "bfloat16", as serialised. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The precision whose {@link #id} is {@code id}, or null when none is. */
    public static Precision ofId(String id) {
        for (Precision p : values()) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        return null;
    }
}
