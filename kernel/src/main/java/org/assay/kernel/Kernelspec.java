package org.assay.kernel;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.assay.base.AtomicFiles;
import org.assay.base.FileTrees;

/**
 * Installs the kernelspec "Java (Assay)": copies the kernel's jars next to {@code kernel.json}, so the kernel keeps
 * working after a rebuild or a {@code mvn clean}, and records the absolute java path, {@code -Djava.awt.headless=true}
 * and the JVM options in {@code ASSAY_JAVA_OPTS}.
 */
public final class Kernelspec {
    public static final String DEFAULT_NAME = "assay";

    private Kernelspec() {
    }

    static int install(String[] args, PrintStream out) throws IOException {
        Options o = Options.parse(args, "install");
        List<Path> classPath = new ArrayList<>();
        for (String element : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!element.isBlank()) {
                classPath.add(Path.of(element));
            }
        }
        Path kernelDir = install(o, classPath);
        out.println("Installed kernelspec '" + o.name + "' (Java (Assay)) in " + kernelDir);
        return 0;
    }

    /** Installs a kernelspec whose class path is a copy of the given jars; returns its folder. */
    static Path install(Options o, List<Path> classPath) throws IOException {
        Path kernelDir = o.kernelsDir().resolve(o.name);
        Path lib = kernelDir.resolve("lib");
        Files.createDirectories(o.kernelsDir());
        Path staging = o.kernelsDir().resolve("." + o.name + ".staging-" + ProcessHandle.current().pid());
        FileTrees.delete(staging);
        Files.createDirectories(staging.resolve("lib"));
        Set<String> names = new LinkedHashSet<>();
        for (Path p : classPath) {
            if (Files.isDirectory(p)) {
                FileTrees.delete(staging);
                throw new IllegalStateException("install: the kernel must run from jars, but the class path has the"
                        + " folder " + p + "; run ./assay install, which builds the jars first");
            }
            if (Files.isRegularFile(p) && p.toString().endsWith(".jar") && names.add(p.getFileName().toString())) {
                Files.copy(p, staging.resolve("lib").resolve(p.getFileName()));
            }
        }
        List<Path> jars = names.stream().map(lib::resolve).toList();
        Files.writeString(staging.resolve("kernel.json"), kernelJson(jars, null), StandardCharsets.UTF_8);
        // Swap the new spec in with renames, so a failed install leaves the old one working.
        AtomicFiles.replaceDirectory(staging, kernelDir);
        if (o.cds()) {
            Path archive = kernelDir.resolve("assay.jsa");
            if (dumpClassArchive(jars, archive)) {
                AtomicFiles.writeString(kernelDir.resolve("kernel.json"), kernelJson(jars, archive));
            }
        }
        return kernelDir;
    }

    static int uninstall(String[] args, PrintStream out) throws IOException {
        Options o = Options.parse(args, "uninstall");
        Path kernelDir = o.kernelsDir().resolve(o.name);
        if (!Files.exists(kernelDir)) {
            out.println("No kernelspec '" + o.name + "' in " + o.kernelsDir());
            return 0;
        }
        FileTrees.delete(kernelDir);
        out.println("Removed kernelspec '" + o.name + "' from " + kernelDir);
        return 0;
    }

    /**
     * Class data sharing: a warm-up run of the kernel writes the classes it loaded (JShell, javac, the kernel,
     * XChart) to an archive that later starts map instead of loading — about a quarter off the start-up measured on
     * the 2-core machine. The archive is tied to this java and these jars; a stale one is ignored by the JVM.
     */
    static boolean dumpClassArchive(List<Path> jars, Path archive) {
        List<String> cmd = new ArrayList<>(List.of(javaPath(), "-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds*=off",
                "-Djava.awt.headless=true"));
        cmd.addAll(org.assay.base.JvmFlags.quiet());
        List<String> userOpts = userJavaOpts(System.getenv("ASSAY_JAVA_OPTS"));
        cmd.addAll(collector(userOpts)); // the archive is made by the JVM the kernel will be
        cmd.addAll(JitPolicy.jvmOptions(userOpts));
        cmd.addAll(List.of("-cp", classPath(jars), Main.class.getName(), "--warm-up"));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(180, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0 && Files.size(archive) > 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The options in {@code ASSAY_JAVA_OPTS}, split at white space (none when unset). */
    static List<String> userJavaOpts(String opts) {
        return opts == null || opts.isBlank() ? List.of() : List.of(opts.trim().split("\\s+"));
    }

    /**
     * The garbage collector: the parallel one with a fixed 64 MB young generation, unless the user's options choose a
     * collector (then nothing is added) or size the young generation (then only the collector). JShell's compiler
     * allocates a lot for each cell and keeps little of it; a small fixed young generation collects that garbage in
     * sub-millisecond pauses while it is still in cache, and the heap does not grow with the cells. Round trips
     * measured by {@code ./assay bench kernel} (3 sessions, medians of the middle one; 2-core EPYC, Java 17) and the
     * resident memory after 0, 100 and 300 cells ({@code bench/kernel/memory_probe.py}):
     * <pre>
     *   collector                     trivial cell   chart cell   RSS 0/100/300 cells
     *   G1 (the JVM's default)        24.0 ms        79.6 ms      169/250/347 MB
     *   parallel                      23.9 ms        86.9 ms      302/409/575 MB
     *   serial                        22.5 ms        77.8 ms      294/311/323 MB
     *   parallel, -Xmn64m (chosen)    16.2 ms        65.6 ms      222/246/265 MB
     * </pre>
     * Tensors live in libtorch's memory, so the Java heap stays small and its pauses short.
     */
    static List<String> collector(List<String> userOpts) {
        boolean chosen = userOpts.stream().anyMatch(o -> o.startsWith("-XX:+Use") && o.endsWith("GC"));
        if (chosen) return List.of();
        boolean young = userOpts.stream().anyMatch(o -> o.startsWith("-Xmn") || o.startsWith("-XX:NewSize=")
                || o.startsWith("-XX:MaxNewSize=") || o.startsWith("-XX:NewRatio="));
        return young ? List.of("-XX:+UseParallelGC") : List.of("-XX:+UseParallelGC", "-Xmn64m");
    }

    static String javaPath() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String classPath(List<Path> jars) {
        return String.join(java.io.File.pathSeparator, jars.stream().map(Path::toString).toList());
    }

    static String kernelJson(List<Path> jars, Path archive) {
        List<String> argv = new ArrayList<>();
        argv.add(javaPath());
        if (archive != null) {
            argv.add("-XX:SharedArchiveFile=" + archive);
            argv.add("-Xlog:cds*=off");
        }
        argv.add("-Djava.awt.headless=true");
        argv.addAll(org.assay.base.JvmFlags.quiet()); // the kernel runs on this java, javaPath()
        List<String> userOpts = userJavaOpts(System.getenv("ASSAY_JAVA_OPTS"));
        argv.addAll(collector(userOpts));
        argv.addAll(JitPolicy.jvmOptions(userOpts));
        argv.addAll(userOpts);
        argv.add("-cp");
        argv.add(classPath(jars));
        argv.add(Main.class.getName());
        argv.add("{connection_file}");
        com.google.gson.JsonObject spec = new com.google.gson.JsonObject();
        com.google.gson.JsonArray args = new com.google.gson.JsonArray();
        argv.forEach(args::add);
        spec.add("argv", args);
        spec.addProperty("display_name", "Java (Assay)");
        spec.addProperty("language", "java");
        spec.addProperty("interrupt_mode", "message");
        com.google.gson.JsonObject env = new com.google.gson.JsonObject(); // glibc reads these at process start
        org.assay.lib.engine.LaunchEnv.SETTINGS.forEach((k, v) -> env.addProperty(k, System.getenv().getOrDefault(k, v)));
        spec.add("env", env);
        com.google.gson.JsonObject metadata = new com.google.gson.JsonObject();
        metadata.addProperty("debugger", false);
        spec.add("metadata", metadata);
        return new com.google.gson.GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(spec) + "\n";
    }

    /** Where to install: the user's Jupyter data folder (default), a prefix, the Python's sys.prefix, or a folder. */
    record Options(String name, Path dataDir, boolean cds) {
        Path kernelsDir() {
            return dataDir.resolve("kernels");
        }

        static Options parse(String[] args, String command) throws IOException {
            String name = DEFAULT_NAME;
            Path dataDir = null;
            boolean cds = true;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--user" -> dataDir = userDataDir();
                    case "--prefix" -> dataDir = Path.of(value(args, ++i, a, command)).resolve("share/jupyter");
                    case "--sys-prefix" -> dataDir = Path.of(sysPrefix()).resolve("share/jupyter");
                    case "--data-dir" -> dataDir = Path.of(value(args, ++i, a, command));
                    case "--name" -> name = value(args, ++i, a, command);
                    case "--no-cds" -> cds = false;
                    default -> throw new IllegalArgumentException(command + ": unknown option '" + a
                            + "'; use --user, --prefix DIR, --sys-prefix, --data-dir DIR, --name NAME, --no-cds");
                }
            }
            if (!name.matches("[a-zA-Z0-9._-]+")) {
                throw new IllegalArgumentException(command + ": --name must be letters, digits, '.', '_' or '-', got '"
                        + name + "'");
            }
            return new Options(name, (dataDir != null ? dataDir : userDataDir()).toAbsolutePath().normalize(), cds);
        }

        private static String value(String[] args, int i, String option, String command) {
            if (i >= args.length) {
                throw new IllegalArgumentException(command + ": " + option + " needs a value");
            }
            return args[i];
        }

        /** Jupyter's rules: JUPYTER_DATA_DIR, else the platform's user data folder. */
        static Path userDataDir() {
            String env = System.getenv("JUPYTER_DATA_DIR");
            if (env != null && !env.isBlank()) {
                return Path.of(env);
            }
            String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
            Path home = Path.of(System.getProperty("user.home"));
            if (os.contains("mac")) {
                return home.resolve("Library/Jupyter");
            }
            if (os.contains("win")) {
                return Path.of(System.getenv().getOrDefault("APPDATA", home.toString())).resolve("jupyter");
            }
            String xdg = System.getenv("XDG_DATA_HOME");
            return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".local/share")).resolve("jupyter");
        }

        /** sys.prefix of the Python that runs Jupyter: ASSAY_PYTHON, else python3 on the PATH. */
        static String sysPrefix() throws IOException {
            String python = System.getenv().getOrDefault("ASSAY_PYTHON", "python3");
            Process p = new ProcessBuilder(python, "-c", "import sys; print(sys.prefix)").redirectErrorStream(true).start();
            String outText = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            try {
                if (p.waitFor() != 0) {
                    throw new IOException("--sys-prefix: '" + python + "' failed: " + outText);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("--sys-prefix: interrupted");
            }
            return outText;
        }
    }
}
