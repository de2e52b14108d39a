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
        assertFalse(Decoding.java(null, small, Device.gpu(), 1, 255));
        GptConfig large = small.withLayers(12).withWidth(768, 12);
        assertFalse(Decoding.java(null, large, Device.cpu(), 1, 255));
        // bench/train's larger model: one row in Java (measured 0.78 against 1.16 ms per step), two not (1.69 / 1.63)
        GptConfig larger = small.withLayers(6).withWidth(256, 8);
        assertEquals(1, largestJavaRows(larger));
        // the weight copy must pay: the sampling model needs 4 decoding steps, tiny 1
        assertFalse(Decoding.java(null, small, Device.cpu(), 1, 3));
        assertTrue(Decoding.java(null, small, Device.cpu(), 1, 4));
        assertFalse(Decoding.java(null, tiny, Device.cpu(), 1, 0));
        assertTrue(Decoding.java(null, tiny, Device.cpu(), 1, 1));
    }

    @Test
    void aForcedModeWinsAndABadOneIsAClearError() {
        GptConfig large = GptConfig.small(256).withLayers(12).withWidth(768, 12);
        assertTrue(Decoding.java("java", large, Device.cpu(), 64, 1));
        assertFalse(Decoding.java("java", large, Device.gpu(), 1, 255));
        assertFalse(Decoding.java(" LibTorch ", GptConfig.tiny(64), Device.cpu(), 1, 255));
        var e = assertThrows(IllegalArgumentException.class,
                () -> Decoding.java("fast", large, Device.cpu(), 1, 255));
        assertEquals("sample: ASSAY_DECODER must be auto, java or libtorch, got 'fast'", e.getMessage());
    }

    private static int largestJavaRows(GptConfig c) {
        int rows = 0;
        while (Decoding.java("auto", c, Device.cpu(), rows + 1, 255)) {
            rows++;
        }
        return rows;
    }
}
