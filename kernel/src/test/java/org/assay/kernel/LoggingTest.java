package org.assay.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoggingTest {
    private static final String DEFAULT_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    @AfterEach
    void clear() {
        System.clearProperty(Main.GPU_PROBE_LOG);
        System.clearProperty(DEFAULT_LEVEL);
    }

    @Test
    void byDefaultWarningsOnlyAndNotDjlsGpuProbe() {
        clear();
        Main.configureLogging(Map.of());
        assertEquals("warn", System.getProperty(DEFAULT_LEVEL));
        assertEquals("error", System.getProperty(Main.GPU_PROBE_LOG));
    }

    @Test
    void askingForALevelShowsTheGpuProbeAtThatLevelToo() {
        clear();
        Main.configureLogging(Map.of("ASSAY_KERNEL_LOG", "DEBUG"));
        assertEquals("debug", System.getProperty(DEFAULT_LEVEL));
        assertNull(System.getProperty(Main.GPU_PROBE_LOG), "the probe follows the default level");
    }
}
