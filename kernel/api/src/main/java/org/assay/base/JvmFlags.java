package org.assay.base;

import java.util.ArrayList;
import java.util.List;

/**
 * The options every JVM Assay starts (the kernel, its class-data archive, a sweep's runs) gets so that it stays quiet
 * on each Java it runs on. Java 22+ warns when a library in the class path loads native code (JNA, used by DJL)
 * unless native access is enabled for it, and Java 24+ warns when one calls the memory-access methods of
 * {@code sun.misc.Unsafe} (classgraph) unless they are allowed; neither option exists before those versions.
 */
public final class JvmFlags {
    private JvmFlags() {
    }

    /** For the JVM of this feature release (17, 21, 25, ...). */
    public static List<String> quiet(int feature) {
        List<String> flags = new ArrayList<>();
        if (feature >= 22) {
            flags.add("--enable-native-access=ALL-UNNAMED");
        }
        if (feature >= 23) {
            flags.add("--sun-misc-unsafe-memory-access=allow");
        }
        return flags;
    }

    /** For a JVM of the same release as this one (the java of {@code java.home}). */
    public static List<String> quiet() {
        return quiet(Runtime.version().feature());
    }

    /** Prints {@link #quiet()}, one option a line: how {@code ./assay} asks, so the rule is written only here. */
    public static void main(String[] args) {
        quiet().forEach(System.out::println);
    }
}
