package org.assay.lib.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/**
 * The tensor engine: DJL with PyTorch, loaded once, offline. Before DJL first looks for its native library this sets
 * {@code ai.djl.offline=true}, so nothing is ever downloaded: the JNI bridge and the native library come as Maven
 * jars ({@code ai.djl.pytorch:pytorch-jni} and {@code ai.djl.pytorch:pytorch-native-cpu}, or
 * {@code pytorch-native-cu124} with {@code -Pcuda}), and a missing one fails with the artifact's name.
 *
 * <p>Threads: {@code ASSAY_THREADS}, else one intra-op thread per core (interop threads: 1, as a training loop runs
 * one op at a time). Device: {@code ASSAY_DEVICE} ({@code cpu}, {@code gpu}, {@code gpu:1}), else the first GPU when
 * the engine sees one, else the CPU.
 */
public final class Torch {
    private static final java.util.Properties BUILD = buildVersions();
    /** The versions this build was made with: 0.36.0 and 2.7.1 by default, 0.33.0 and 2.5.1 with -Pcuda. */
    public static final String DJL_VERSION = BUILD.getProperty("djl.version");
    public static final String PYTORCH_VERSION = BUILD.getProperty("pytorch.version");
    /** The native library's artifact: {@code pytorch-native-cpu}, or {@code pytorch-native-cu124} with -Pcuda. */
    public static final String PYTORCH_NATIVE = BUILD.getProperty("pytorch.native");

    private static Engine engine;
    private static int threads;

    private static java.util.Properties buildVersions() {
        java.util.Properties p = new java.util.Properties();
        try (java.io.InputStream in = Torch.class.getResourceAsStream("versions.properties")) {
            if (in == null) {
                throw new IllegalStateException("Torch: versions.properties is missing from the class path; the"
                        + " build's resources were not copied (build with Maven)");
            }
            p.load(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Torch: reading versions.properties: " + e, e);
        }
        return p;
    }

    private Torch() {
    }

    /** Loads the engine (once) and returns it. */
    public static synchronized Engine engine() {
        if (engine != null) {
            return engine;
        }
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        threads = configuredThreads();
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        // No Python-style graph optimiser: eager ops only, as in a PyTorch training loop.
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        String libraryPath = System.getenv("PYTORCH_LIBRARY_PATH");
        if (libraryPath == null && Torch.class.getResource("/native/lib/pytorch.properties") == null) {
            throw new IllegalStateException("Torch: the PyTorch native library is not on the class path; add "
                    + "ai.djl.pytorch:" + PYTORCH_NATIVE + ":" + PYTORCH_VERSION + ":linux-x86_64 (the CPU build by"
                    + " default, the CUDA 12.4 one with mvn -Pcuda), or set PYTORCH_LIBRARY_PATH to a libtorch "
                    + PYTORCH_VERSION + " folder. Nothing is downloaded at run time (ai.djl.offline=true).");
        }
        if (Torch.class.getResource("/jnilib/pytorch.properties") == null) {
            throw new IllegalStateException("Torch: DJL's PyTorch JNI bridge is not on the class path; add "
                    + "ai.djl.pytorch:pytorch-jni:" + PYTORCH_VERSION + "-" + DJL_VERSION
                    + ". Nothing is downloaded at run time (ai.djl.offline=true).");
        }
        Engine loaded;
        try {
            loaded = Engine.getEngine("PyTorch");
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new IllegalStateException("Torch: the PyTorch engine failed to load offline; it needs "
                    + "ai.djl.pytorch:pytorch-jni:" + PYTORCH_VERSION + "-" + DJL_VERSION + " and "
                    + "ai.djl.pytorch:" + PYTORCH_NATIVE + ":" + PYTORCH_VERSION + ":linux-x86_64 on the class path: "
                    + e.getMessage(), e);
        }
        MklDispatch.apply(); // before the first matrix product: MKL caches its dispatch
        engine = loaded;
        return engine;
    }

    /** The device computations run on: {@code ASSAY_DEVICE}, else a GPU if there is one, else the CPU. */
    public static Device device() {
        Engine e = engine();
        String wanted = System.getenv("ASSAY_DEVICE");
        if (wanted != null && !wanted.isBlank()) {
            return parseDevice(wanted.trim(), e.getGpuCount());
        }
        return e.getGpuCount() > 0 ? Device.gpu(0) : Device.cpu();
    }

    static Device parseDevice(String spec, int gpus) {
        String s = spec.toLowerCase(Locale.ROOT);
        if (s.equals("cpu")) {
            return Device.cpu();
        }
        if (s.equals("gpu") || s.equals("cuda") || s.startsWith("gpu:") || s.startsWith("cuda:")) {
            int id = s.contains(":") ? Integer.parseInt(s.substring(s.indexOf(':') + 1)) : 0;
            if (id >= gpus) {
                throw new IllegalArgumentException("Torch.device: ASSAY_DEVICE=" + spec + " asks for GPU " + id
                        + ", but the engine sees " + gpus + " GPU(s)");
            }
            return Device.gpu(id);
        }
        throw new IllegalArgumentException("Torch.device: ASSAY_DEVICE must be cpu, gpu or gpu:N, got '" + spec + "'");
    }

    /**
     * The value of the first {@code /proc/cpuinfo} line whose key is {@code key} ({@code vendor_id}, {@code flags}),
     * trimmed; null when no line has it.
     */
    static String cpuinfo(String key) throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"),
                java.nio.charset.StandardCharsets.UTF_8)) {
            if (line.startsWith(key)) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return null;
    }

    /** Intra-op threads the engine uses. */
    public static int threads() {
        engine();
        return threads;
    }

    private static int configuredThreads() {
        String env = System.getenv("ASSAY_THREADS");
        if (env != null && !env.isBlank()) {
            try {
                int n = Integer.parseInt(env.trim());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // falls through to the error below
            }
            throw new IllegalArgumentException("Torch: ASSAY_THREADS must be an integer >= 1, got '" + env + "'");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    private static double peak;

    /**
     * The machine's measured float32 matmul peak in FLOP/s, the denominator of MFU: the best of 30
     * 1024×1024 by 1024×1024 products (2·1024³ FLOPs each) after 5 for warm-up on {@link #device()}, measured once per JVM (~0.5 s).
     */
    public static synchronized double matmulPeakFlops() {
        if (peak > 0) {
            return peak;
        }
        int n = 1024;
        try (ai.djl.ndarray.NDManager m = engine().newBaseManager(device())) {
            ai.djl.ndarray.NDArray a = m.randomUniform(-1, 1, new ai.djl.ndarray.types.Shape(n, n));
            ai.djl.ndarray.NDArray b = m.randomUniform(-1, 1, new ai.djl.ndarray.types.Shape(n, n));
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 5; i++) { // warm-up: thread pool start, first-touch of the output
                a.matMul(b).close();
            }
            for (int i = 0; i < 30; i++) {
                long t0 = System.nanoTime();
                try (ai.djl.ndarray.NDArray c = a.matMul(b)) {
                    c.getFloat(0, 0); // waits for the result (GPU)
                }
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            peak = 2.0 * n * n * n / best;
        }
        return peak;
    }

    /**
     * What a run records about where it ran.
     *
     * @param cpuBlas   how the CPU's matrix products run ({@link MklDispatch})
     * @param allocator the native allocator settings the JVM started with ({@link LaunchEnv})
     * @param bf16      whether bfloat16 products run natively here ({@link Bf16#nativeSupport})
     */
    public record Info(String djlVersion, String engine, String engineVersion, String device, int threads,
                       String cpuBlas, String allocator, String bf16) {
    }

    public static Info info() {
        Engine e = engine();
        return new Info(DJL_VERSION, e.getEngineName(), e.getVersion(), device().toString(), threads,
                MklDispatch.status(), LaunchEnv.status(), Bf16.nativeSupport());
    }
}
