package org.assay.kernel;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.assay.kernel.jupyter.KernelLauncher;

/**
 * Entry point: {@code Main CONNECTION_FILE} runs the kernel (Jupyter starts it so);
 * {@code Main install|uninstall [...]} manages the kernelspec.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        configureLogging();
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            System.out.println("""
                    usage: Main CONNECTION_FILE                 run the kernel (Jupyter does this)
                           Main install [--user | --prefix DIR | --sys-prefix | --data-dir DIR] [--name NAME]
                           Main uninstall [same location options]""");
            return;
        }
        switch (args[0]) {
            case "install" -> System.exit(Kernelspec.install(Arrays.copyOfRange(args, 1, args.length), System.out));
            case "--warm-up" -> {
                warmUp();
                System.exit(0);
            }
            case "uninstall" -> System.exit(Kernelspec.uninstall(Arrays.copyOfRange(args, 1, args.length), System.out));
            default -> {
                Path connectionFile = Path.of(args[0]);
                if (!Files.isRegularFile(connectionFile)) {
                    System.err.println("assay kernel: connection file not found: " + connectionFile);
                    System.exit(2);
                }
                PrintStream kernelErr = System.err;
                KernelLauncher.run(connectionFile, kernelErr);
                System.exit(0);
            }
        }
    }

    /** Runs typical cells once, so that a class-data-sharing dump (see {@link Kernelspec}) sees their classes. */
    static void warmUp() {
        PrintStream err = System.err;
        JitPolicy.apply(); // its classes (JMX) join the archive too
        try (Session s = new Session(new SessionOutput() {
            @Override
            public void stream(String name, String text) {
            }

            @Override
            public void display(org.assay.display.MimeBundle bundle, String displayId, boolean update) {
            }
        })) {
            for (String cell : new String[] {
                    "1 + 1",
                    "record R(int a) { }\nList.of(new R(1), new R(2))",
                    "var c = new XYChartBuilder().width(200).height(100).build();\n"
                            + "c.addSeries(\"s\", new double[] {1, 2}, new double[] {2, 1});\nc",
                    "Table.create(\"t\", IntColumn.create(\"i\", new int[] {1, 2}))",
                    "int bad = \"x\";",
                    "Integer.parseInt(\"x\")",
                    "%time Math.max(1, 2)"}) {
                ExecutionResult r = s.execute(cell);
                if (r.hasValue()) {
                    s.renderers().render(r.value());
                }
            }
            s.complete("Math.ma", 7);
            KernelLauncher.warmUpProtocol();
        } catch (Exception e) {
            err.println("warm-up failed: " + e);
        }
    }

    /**
     * Quiet by default: warnings only, on the kernel's own stderr (kept even after cells' stderr is redirected), and
     * not DJL's "Failed to detect GPU count" that every start printed three times on a machine without a GPU driver
     * (the device in use is in {@code Torch.info()}). {@code ASSAY_KERNEL_LOG=debug} (or info, trace, warn) for
     * diagnosis, with DJL's GPU probe at that level too.
     */
    static void configureLogging() {
        configureLogging(System.getenv());
    }

    static void configureLogging(java.util.Map<String, String> env) {
        String level = env.getOrDefault("ASSAY_KERNEL_LOG", "warn").toLowerCase(java.util.Locale.ROOT);
        if (!env.containsKey("ASSAY_KERNEL_LOG")) {
            setIfAbsent(GPU_PROBE_LOG, "error");
        }
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", level);
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.cacheOutputStream", "true");
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
    }

    /** The slf4j-simple level of DJL's GPU probe, which warns when it finds CUDA's runtime but no working driver. */
    static final String GPU_PROBE_LOG = "org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils";

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
