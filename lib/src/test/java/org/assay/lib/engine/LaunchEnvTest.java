package org.assay.lib.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LaunchEnvTest {
    @Test
    void statusSaysWhichSettingsTheProcessStartedWith() {
        Map<String, String> all = new HashMap<>(LaunchEnv.SETTINGS);
        assertEquals("glibc malloc and libgomp: MALLOC_ARENA_MAX=1, MALLOC_MMAP_THRESHOLD_=33554432, "
                + "MALLOC_TRIM_THRESHOLD_=1073741824, GOMP_SPINCOUNT=10000", LaunchEnv.status(all));
        String none = LaunchEnv.status(Map.of());
        assertTrue(none.startsWith("glibc malloc and libgomp defaults (") && none.contains(LaunchEnv.words()), none);
        String some = LaunchEnv.status(Map.of("MALLOC_ARENA_MAX", "2"));
        assertTrue(some.startsWith("glibc malloc and libgomp defaults but MALLOC_ARENA_MAX=2 ("), some);
    }

    @Test
    void addToKeepsWhatTheEnvironmentAlreadySays() {
        Map<String, String> env = new HashMap<>(Map.of("MALLOC_ARENA_MAX", "4", "PATH", "/bin"));
        LaunchEnv.addTo(env);
        assertEquals("4", env.get("MALLOC_ARENA_MAX"));
        assertEquals("33554432", env.get("MALLOC_MMAP_THRESHOLD_"));
        assertEquals("1073741824", env.get("MALLOC_TRIM_THRESHOLD_"));
        assertEquals("10000", env.get("GOMP_SPINCOUNT"));
        assertEquals("/bin", env.get("PATH"));
    }

    /** ./assay sets the same values for every JVM it starts (a shell script cannot read the Java constant). */
    @Test
    void theAssayScriptExportsTheSameValues() throws IOException {
        Path script = Path.of("..", "assay");
        String text = Files.readString(script);
        Map<String, String> exported = new HashMap<>();
        Matcher m = Pattern.compile("export ((?:MALLOC|GOMP)_\\w+)=\"\\$\\{\\1:-([^}]*)}\"").matcher(text);
        while (m.find()) {
            exported.put(m.group(1), m.group(2));
        }
        assertEquals(LaunchEnv.SETTINGS, exported);
    }
}
