package org.assay.lib.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The environment a JVM that runs libtorch on the CPU should start with: glibc malloc settings that keep a training
 * step's activation buffers in the heap between steps, and a shorter spin for libtorch's OpenMP threads.
 *
 * <p>libtorch allocates every activation with {@code malloc}. Under glibc's defaults a Java thread (never the
 * process's main thread) gets its own arena of mmap'ed 64 MiB heaps, which glibc shrinks and unmaps as a step's
 * buffers are freed, so the next step faults the same pages in again: measured 38,000 page faults per step of the
 * larger bench/train model, about 15% of its time. One arena, a fixed 32 MiB mmap threshold (glibc's own ceiling for
 * it, so every glibc accepts it) and a 1 GiB trim threshold keep the freed buffers for the next step: 1.27M → 0.23M page
 * faults over a 28-step run, step 241–278 → 204–234 ms. (Setting the trim threshold alone is much worse than nothing:
 * it also freezes the mmap threshold at 128 KiB.)
 *
 * <p>libtorch's intra-op threads are GNU OpenMP's (libgomp, shipped with DJL's libtorch; MKL runs on them too). After
 * each parallel operation libgomp's idle threads spin, by default for 300,000 turns of a pause loop before they sleep:
 * about 7 ms on this machine, during which a thread holds a core. The Java decoder that follows a training step in
 * every RL loop runs on both cores, so for those milliseconds it runs at half speed (bench/rl: the first five decoding
 * steps of each rollout took 1.9–2.0 ms instead of 1.05). {@code GOMP_SPINCOUNT=10000} (~0.2 ms) keeps the threads
 * waiting between the operations of one step, microseconds apart, and frees the core soon after: measured with
 * {@code ./assay bench train}, training 42,731 → 43,434 tokens/s (reference model) and 10,331 → 10,780 (larger).
 *
 * <p>glibc and libgomp read these only when the process starts, so the launchers set them: {@code ./assay}, the
 * installed kernelspec's {@code env}, and the training subprocesses of local and Slurm sweeps ({@link #addTo}). Values
 * already in the environment win. {@link #status()} says which are in effect; run directories record it in
 * {@code env.json}.
 */
public final class LaunchEnv {
    /** Name → value, in the order they are shown. */
    public static final Map<String, String> SETTINGS;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("MALLOC_ARENA_MAX", "1");
        m.put("MALLOC_MMAP_THRESHOLD_", String.valueOf(32L << 20));
        m.put("MALLOC_TRIM_THRESHOLD_", String.valueOf(1L << 30));
        m.put("GOMP_SPINCOUNT", "10000");
        SETTINGS = java.util.Collections.unmodifiableMap(m);
    }

    private LaunchEnv() {
    }

    /** Adds each setting the environment does not already have (for a child process's environment). */
    public static void addTo(Map<String, String> env) {
        SETTINGS.forEach(env::putIfAbsent);
    }

    /** The settings as {@code NAME=value} words, for a shell line or a message. */
    public static String words() {
        StringJoiner j = new StringJoiner(" ");
        SETTINGS.forEach((k, v) -> j.add(k + "=" + v));
        return j.toString();
    }

    /** Which of the settings this JVM started with. */
    public static String status() {
        return status(System.getenv());
    }

    static String status(Map<String, String> env) {
        StringJoiner set = new StringJoiner(", ");
        int missing = 0;
        for (String k : SETTINGS.keySet()) {
            String v = env.get(k);
            if (v == null) {
                missing++;
            } else {
                set.add(k + "=" + v);
            }
        }
        if (missing == 0) {
            return "glibc malloc and libgomp: " + set;
        }
        return "glibc malloc and libgomp defaults" + (set.length() > 0 ? " but " + set : "") + " (CPU training steps "
                + "fault their buffers in again each step, and OpenMP threads hold a core for ~7 ms after each "
                + "libtorch operation; start the JVM with " + words() + ", as ./assay and the kernel do)";
    }
}
