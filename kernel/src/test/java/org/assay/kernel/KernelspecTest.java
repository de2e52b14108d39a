package org.assay.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelspecTest {
    @TempDir
    Path tmp;

    private static List<Path> someJars() {
        List<Path> jars = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (e.endsWith(".jar") && (e.contains("gson") || e.contains("jeromq"))) {
                jars.add(Path.of(e));
            }
        }
        assertEquals(2, jars.size(), "test needs gson and jeromq jars on the class path");
        return jars;
    }

    @Test
    void installWritesKernelJsonWithAbsoluteJavaHeadlessAndCopiedJars() throws Exception {
        Path dir = Kernelspec.install(Kernelspec.Options.parse(new String[] {"--data-dir", tmp.toString(), "--no-cds"},
                "install"), someJars());
        assertEquals(tmp.resolve("kernels/assay"), dir);
        JsonObject spec = JsonParser.parseString(Files.readString(dir.resolve("kernel.json"))).getAsJsonObject();
        assertEquals("Java (Assay)", spec.get("display_name").getAsString());
        assertEquals("message", spec.get("interrupt_mode").getAsString());
        assertEquals("java", spec.get("language").getAsString());
        JsonObject env = spec.getAsJsonObject("env"); // glibc malloc and libgomp settings for libtorch (LaunchEnv)
        org.assay.lib.engine.LaunchEnv.SETTINGS.forEach((k, v) ->
                assertEquals(System.getenv().getOrDefault(k, v), env.get(k).getAsString(), k));
        var argv = spec.getAsJsonArray("argv");
        Path javaBin = Path.of(argv.get(0).getAsString());
        assertTrue(javaBin.isAbsolute() && Files.isExecutable(javaBin), "absolute java: " + javaBin);
        assertEquals("-Djava.awt.headless=true", argv.get(1).getAsString());
        assertEquals("{connection_file}", argv.get(argv.size() - 1).getAsString());
        if (System.getenv("ASSAY_JAVA_OPTS") == null) {
            assertTrue(argv.contains(new com.google.gson.JsonPrimitive("-XX:+UseParallelGC"))
                    && argv.contains(new com.google.gson.JsonPrimitive("-Xmn64m")), argv.toString());
            for (String jit : JitPolicy.jvmOptions(List.of())) { // JitPolicy.apply reads these at start
                assertTrue(argv.contains(new com.google.gson.JsonPrimitive(jit)), jit + " in " + argv);
            }
        }
        String classPath = argv.get(argv.size() - 3).getAsString();
        for (String jar : classPath.split(java.io.File.pathSeparator)) {
            assertTrue(Path.of(jar).startsWith(dir.resolve("lib")) && Files.isRegularFile(Path.of(jar)), jar);
        }
        try (var files = Files.list(dir.resolve("lib"))) {
            assertEquals(2, files.count());
        }
        assertFalse(Files.list(tmp.resolve("kernels")).anyMatch(p -> p.getFileName().toString().startsWith(".")),
                "no staging folders left behind");
    }

    @Test
    void theParallelCollectorWithASmallYoungGenerationUnlessTheUsersOptionsChoose() {
        assertEquals(List.of("-XX:+UseParallelGC", "-Xmn64m"), Kernelspec.collector(List.of()));
        assertEquals(List.of("-XX:+UseParallelGC", "-Xmn64m"), Kernelspec.collector(Kernelspec.userJavaOpts(" -Xmx4g ")));
        assertEquals(List.of("-XX:+UseParallelGC"), Kernelspec.collector(Kernelspec.userJavaOpts("-Xmn256m")));
        assertEquals(List.of("-XX:+UseParallelGC"), Kernelspec.collector(Kernelspec.userJavaOpts("-XX:NewRatio=3")));
        assertEquals(List.of(), Kernelspec.collector(Kernelspec.userJavaOpts("-Xmx4g -XX:+UseG1GC")));
        assertEquals(List.of("-Xmx4g", "-XX:+UseZGC"), Kernelspec.userJavaOpts("  -Xmx4g\t-XX:+UseZGC "));
        assertEquals(List.of(), Kernelspec.userJavaOpts("  "));
        assertEquals(List.of(), Kernelspec.userJavaOpts(null));
    }

    @Test
    void reinstallReplacesAndUninstallRemoves() throws Exception {
        String[] where = {"--data-dir", tmp.toString(), "--name", "assay-test", "--no-cds"};
        Kernelspec.install(Kernelspec.Options.parse(where, "install"), someJars());
        Path dir = Kernelspec.install(Kernelspec.Options.parse(where, "install"), someJars().subList(0, 1));
        try (var files = Files.list(dir.resolve("lib"))) {
            assertEquals(1, files.count(), "the old jars are gone");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, Kernelspec.uninstall(where, new PrintStream(out, true)));
        assertFalse(Files.exists(dir));
    }

    @Test
    void folderOnTheClassPathIsRefusedAndLeavesNothing() throws Exception {
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        var e = assertThrows(IllegalStateException.class, () -> Kernelspec.install(
                Kernelspec.Options.parse(new String[] {"--data-dir", tmp.resolve("data").toString(), "--no-cds"}, "install"),
                List.of(classes)));
        assertTrue(e.getMessage().contains("must run from jars"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("data/kernels/assay")));
    }

    @Test
    void badOptionsAreExplained() {
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> Kernelspec.Options.parse(new String[] {"--global"}, "install"));
        assertTrue(unknown.getMessage().contains("unknown option '--global'"), unknown.getMessage());
        var badName = assertThrows(IllegalArgumentException.class,
                () -> Kernelspec.Options.parse(new String[] {"--name", "a b"}, "install"));
        assertTrue(badName.getMessage().contains("--name"), badName.getMessage());
        var missing = assertThrows(IllegalArgumentException.class,
                () -> Kernelspec.Options.parse(new String[] {"--prefix"}, "install"));
        assertTrue(missing.getMessage().contains("--prefix needs a value"), missing.getMessage());
    }

    @Test
    void prefixInstallsUnderShareJupyter() throws Exception {
        var o = Kernelspec.Options.parse(new String[] {"--prefix", tmp.toString()}, "install");
        assertEquals(tmp.resolve("share/jupyter/kernels"), o.kernelsDir());
    }
}
