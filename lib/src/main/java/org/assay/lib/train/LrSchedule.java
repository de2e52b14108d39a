package org.assay.lib.train;

/** A learning rate per optimizer step (0-based). */
@FunctionalInterface
public interface LrSchedule {

    double at(long step);

    /** The schedules {@link Pretrain} and sweep specs name (in JSON as {@code "cosine"}, {@code "wsd"}, {@code "constant"}). */
    enum Kind {
        /** Linear warmup, then cosine decay to the minimum ({@link #warmupCosine}). */
        @com.google.gson.annotations.SerializedName("cosine") COSINE,
        /** Warmup-stable-decay, the last 20% decaying ({@link #warmupStableDecay}). */
        @com.google.gson.annotations.SerializedName("wsd") WSD,
        /** The peak throughout. */
        @com.google.gson.annotations.SerializedName("constant") CONSTANT;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static LrSchedule constant(double lr) {
        check("constant", lr, 0, 1, 0);
        return step -> lr;
    }

    /**
     * Linear warmup to {@code peak} over {@code warmup} steps, then a cosine decay to {@code min} at {@code total}
     * steps, constant after (GPT-3, nanoGPT).
     */
    static LrSchedule warmupCosine(double peak, long warmup, long total, double min) {
        check("warmupCosine", peak, warmup, total, min);
        return step -> {
            if (step < warmup) {
                return peak * (step + 1) / warmup;
            }
            if (step >= total) {
                return min;
            }
            double progress = (double) (step - warmup) / Math.max(1, total - warmup);
            return min + 0.5 * (peak - min) * (1 + Math.cos(Math.PI * progress));
        };
    }

    /**
     * Warmup-stable-decay (Hu et al. 2024, MiniCPM): linear warmup, constant at {@code peak}, then a linear decay to
     * {@code min} over the last {@code decayFraction} of {@code total} steps.
     */
    static LrSchedule warmupStableDecay(double peak, long warmup, long total, double decayFraction, double min) {
        check("warmupStableDecay", peak, warmup, total, min);
        if (!(decayFraction > 0 && decayFraction <= 1)) {
            throw new IllegalArgumentException("LrSchedule.warmupStableDecay: decayFraction must be in (0, 1], got "
                    + decayFraction);
        }
        long decayStart = total - Math.round(decayFraction * total);
        return step -> {
            if (step < warmup) {
                return peak * (step + 1) / warmup;
            }
            if (step < decayStart) {
                return peak;
            }
            if (step >= total) {
                return min;
            }
            return peak + (min - peak) * (double) (step - decayStart) / Math.max(1, total - decayStart);
        };
    }

    private static void check(String fn, double peak, long warmup, long total, double min) {
        if (!(peak >= 0 && Double.isFinite(peak))) {
            throw new IllegalArgumentException("LrSchedule." + fn + ": the learning rate must be >= 0, got " + peak);
        }
        if (warmup < 0 || total < warmup) {
            throw new IllegalArgumentException("LrSchedule." + fn + ": need 0 <= warmup <= total, got warmup="
                    + warmup + ", total=" + total);
        }
        if (!(min >= 0 && min <= peak)) {
            throw new IllegalArgumentException("LrSchedule." + fn + ": min must be in [0, peak], got " + min);
        }
    }
}
