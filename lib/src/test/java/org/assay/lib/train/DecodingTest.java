package org.assay.lib.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.assay.lib.model.GptConfig;
import org.junit.jupiter.api.Test;

class DecodingTest {

    @Test
    void autoTakesJavaForFewRowsOfASmallModelOnTheCpuOnly() {
        GptConfig small = GptConfig.small(256).withContextLength(512);
        GptConfig tiny = GptConfig.tiny(64);
        assertEquals(6, largestJavaRows(small)); // the measured crossovers: 4-8 rows and 8-16 rows
        assertEquals(10, largestJavaRows(tiny));
        assertFalse(Decoding.java(null, small, Device.gpu(), 1));
        GptConfig large = small.withLayers(12).withWidth(768, 12);
        assertFalse(Decoding.java(null, large, Device.cpu(), 1));
    }

    @Test
    void aForcedModeWinsAndABadOneIsAClearError() {
        GptConfig large = GptConfig.small(256).withLayers(12).withWidth(768, 12);
        assertTrue(Decoding.java("java", large, Device.cpu(), 64));
        assertFalse(Decoding.java("java", large, Device.gpu(), 1));
        assertFalse(Decoding.java(" LibTorch ", GptConfig.tiny(64), Device.cpu(), 1));
        var e = assertThrows(IllegalArgumentException.class,
                () -> Decoding.java("fast", large, Device.cpu(), 1));
        assertEquals("sample: ASSAY_DECODER must be auto, java or libtorch, got 'fast'", e.getMessage());
    }

    private static int largestJavaRows(GptConfig c) {
        int rows = 0;
        while (Decoding.java("auto", c, Device.cpu(), rows + 1)) {
            rows++;
        }
        return rows;
    }
}
