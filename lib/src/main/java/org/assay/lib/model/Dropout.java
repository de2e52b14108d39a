package org.assay.lib.model;

import ai.djl.ndarray.NDArray;
import java.util.SplittableRandom;

/**
 * Inverted dropout whose masks come from a Java random stream seeded per training step, not from the engine's
 * global generator: a run resumed from a checkpoint draws the same masks, so it continues bit-identically.
 */
public final class Dropout {
    private final float p;
    private final SplittableRandom rng;

    /** Dropout with probability {@code p} for step {@code step} of a run seeded with {@code seed}. */
    public Dropout(double p, long seed, long step) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        }
        this.p = (float) p;
        this.rng = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (step + 1)));
    }

    public NDArray apply(NDArray x) {
        if (p == 0) {
            return x;
        }
        float keep = 1 / (1 - p);
        float[] mask = new float[Math.toIntExact(x.getShape().size())];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = rng.nextDouble() < p ? 0f : keep;
        }
        return x.mul(x.getManager().create(mask, x.getShape()));
    }
}
