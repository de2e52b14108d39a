package org.assay.lib.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The environment a JVM that runs libtorch on the CPU should start with: glibc malloc settings that keep a training
 * step's activation buffers in the heap between steps.
 *
 * <p>libtorch allocates every activation with {@code malloc}. Under glibc's defaults a Java thread (never the
 * process's main thread) gets its own arena of mmap'ed 64 MiB heaps, which glibc shrinks and unmaps as a step's
 * buffers are freed, so the next step faults the same pages in again: measured 38,000 page faults per step of the
 * larger bench/train model, about 15% of its time. One arena, a fixed 32 MiB mmap threshold (glibc's own ceiling for
 * it, so every glibc accepts it) and a 1 GiB trim threshold keep the freed buffers for the next step: 1.27M → 0.23M page
 * faults over a 28-step run, step 241–278 → 204–234 ms. (Setting the trim threshold alone is much worse than nothing:
 * it also freezes the mmap threshold at 128 KiB.)
 *
 * <p>glibc reads these only when the process starts, so the launchers set them: {@code ./assay}, the installed
 * kernelspec's {@code env}, and the training subprocesses of local and Slurm sweeps ({@link #addTo}). Values already in
 * the environment win. {@link #status()} says which are in effect; run directories record it in {@code env.json}.
 */
public final class LaunchEnv {
    /** Name → value, in the order they are shown. */
    public static final Map<String, String> MALLOC;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("MALLOC_ARENA_MAX", "1");
        m.put("MALLOC_MMAP_THRESHOLD_", String.valueOf(32L << 20));
        m.put("MALLOC_TRIM_THRESHOLD_", String.valueOf(1L << 30));
        MALLOC = java.util.Collections.unmodifiableMap(m);
    }

    private LaunchEnv() {
    }

    /** Adds each setting the environment does not already have (for a child process's environment). */
    public static void addTo(Map<String, String> env) {
        MALLOC.forEach(env::putIfAbsent);
    }

    /** The settings as {@code NAME=value} words, for a shell line or a message. */
    public static String words() {
        StringJoiner j = new StringJoiner(" ");
        MALLOC.forEach((k, v) -> j.add(k + "=" + v));
        return j.toString();
    }

    /** Which allocator settings this JVM started with. */
    public static String status() {
        return status(System.getenv());
    }

    static String status(Map<String, String> env) {
        StringJoiner set = new StringJoiner(", ");
        int missing = 0;
        for (String k : MALLOC.keySet()) {
            String v = env.get(k);
            if (v == null) {
                missing++;
            } else {
                set.add(k + "=" + v);
            }
        }
        if (missing == 0) {
            return "glibc malloc: " + set;
        }
        return "glibc malloc defaults" + (set.length() > 0 ? " but " + set : "") + " (CPU training steps fault their "
                + "buffers in again each step; start the JVM with " + words() + ", as ./assay and the kernel do)";
    }
}
