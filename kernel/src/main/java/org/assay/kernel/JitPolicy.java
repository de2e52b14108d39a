package org.assay.kernel;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.management.ObjectName;

/**
 * Which of the kernel's JVM code the JIT's optimising compiler (C2) works on.
 *
 * <p>Every cell runs javac several times (through JShell), and javac is a large program: the JVM's default tiered
 * policy first runs its methods in profiled C1 code, then compiles the hot ones again with C2. On a 2-core machine
 * the C2 compiler thread spent 1.8 s of CPU in a session's cells 21–220 of {@code 1 + 1} (2.3–2.6 s of wall time),
 * the transport's I/O thread ran slowly in profiled code meanwhile, and with the cell's own thread and the front end
 * all wanting a core, each hand-off between threads waited for the scheduler's next 4 ms tick: the round trip stayed
 * at ~12 ms for those cells, where it is ~4 ms once the JIT is done. A session runs hundreds of cells, not the
 * hundreds of thousands of calls C2 pays back on, so the kernel's own machinery — javac and JShell, the ZeroMQ
 * transport, the Jupyter protocol and the kernel — is compiled by C1 only, and early: a
 * {@code CompileThresholdScaling} of 0.05 for those packages ({@link #jvmOptions}, on the kernel's command line), so
 * that their methods ask for C2 after 5% of the usual calls, and a compiler directive ({@link #apply}, at start) that
 * refuses C2 for them, after which the JVM compiles them with plain C1. Code in cells, the JDK's own classes and
 * every library (DJL, Assay's decoders, the fits) are untouched and still reach C2.
 *
 * <p>Measured with {@code ./assay bench kernel}'s cells (2-core EPYC, Java 17; kernel/README.md has the details):
 * cells 21–220 11.9–12.3 → 6.2–6.8 ms median; the first cell, which waits for JShell to start, 0.37 → 0.6 s (a lower
 * scaling, 0.01, gave 5.9 ms and 0.9 s); cells 1,200–1,500 of one session 4.1–4.5 → 6.3–6.9 ms (JShell walks all
 * earlier snippets for each new one, and C1's code does so more slowly), so the policy is a trade for the cells
 * a person runs. JIT options of the user's own in {@code ASSAY_JAVA_OPTS} ({@code -XX:TieredStopAtLevel=},
 * {@code -XX:-TieredCompilation}, {@code -XX:CompileCommand=...}) replace the policy, as a collector there replaces the
 * kernel's ({@code Kernelspec.collector}).
 */
public final class JitPolicy {
    /** The kernel's machinery: javac, JShell, JeroMQ, the Jupyter protocol (JJava, Gson), zipfs (jars), the kernel. */
    static final List<String> PACKAGES = List.of("com.sun.tools.javac", "com.sun.source", "jdk.jshell",
            "jdk.internal.jshell", "zmq", "org.zeromq", "org.dflib.jjava", "com.google.gson", "jdk.nio.zipfs",
            "org.assay.kernel");
    /** How much sooner than usual those packages' methods are compiled (and ask for C2, which refuses them). */
    static final String THRESHOLD_SCALING = "0.05";

    private JitPolicy() {
    }

    /**
     * The options for the kernel's command line: none when the user's own options ({@code ASSAY_JAVA_OPTS}) set the
     * JIT's tiers or commands themselves.
     */
    static List<String> jvmOptions(List<String> userOpts) {
        boolean own = userOpts.stream().anyMatch(o -> o.startsWith("-XX:TieredStopAtLevel=")
                || o.endsWith("TieredCompilation") || o.startsWith("-XX:CompileCommand")
                || o.startsWith("-XX:CompilerDirectivesFile"));
        if (own) {
            return List.of();
        }
        List<String> options = new ArrayList<>(List.of("-XX:CompileCommand=quiet"));
        for (String p : PACKAGES) {
            options.add(scaling(p) + THRESHOLD_SCALING);
        }
        return options;
    }

    /** The start of the option that scales the thresholds of package {@code p}'s methods. */
    private static String scaling(String p) {
        return "-XX:CompileCommand=CompileThresholdScaling," + p + ".*::*,";
    }

    /** The compiler directive that keeps {@link #PACKAGES} out of C2 (HotSpot's JSON directive format). */
    static String directive() {
        String patterns = PACKAGES.stream().map(p -> "\"" + p.replace('.', '/') + "/*.*\"")
                .collect(Collectors.joining(", "));
        return "[{ match: [" + patterns + "], c2: { Exclude: true } }]\n";
    }

    /**
     * Adds {@link #directive} to this JVM's compiler (the {@code Compiler.directives_add} diagnostic command, which
     * answers in its return value; the {@code -XX:CompilerDirectivesFile} option would print a line on every start).
     * Done before JShell starts, only when the command line carries {@link #jvmOptions}; returns whether it was
     * added. A JVM without the command (not HotSpot) keeps its default policy.
     */
    public static boolean apply() {
        boolean scaled = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.startsWith(scaling(PACKAGES.get(0))));
        if (!scaled) {
            return false;
        }
        Path file = null;
        try {
            file = Files.createTempFile("assay-jit", ".json");
            Files.writeString(file, directive(), StandardCharsets.UTF_8);
            Object answer = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
                    new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
            return String.valueOf(answer).contains("1 compiler directives added");
        } catch (Exception e) {
            return false;
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (java.io.IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }
}
