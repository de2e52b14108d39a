package org.assay.lib.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.assay.lib.model.GptConfig;
import org.junit.jupiter.api.Test;

/** The auto rule against the measurements it was fitted to (bench/train --decoders; see Decoding). */
class DecodingTest {
    static final GptConfig SMALL = GptConfig.small(256).withContextLength(512); // bench/train's sampling model
    static final GptConfig TINY = GptConfig.tiny(64);
    static final GptConfig LARGER = SMALL.withLayers(6).withWidth(256, 8);

    @Test
    void autoPicksTheDecoderMeasuredFaster() {
        for (int rows = 1; rows <= 256; rows++) { // Java measured faster at 1-256 rows of both
            assertTrue(auto(SMALL, rows, 255), "small, rows=" + rows);
            assertTrue(auto(TINY, rows, 99), "tiny, rows=" + rows);
        }
        assertTrue(auto(LARGER, 1, 255) && auto(LARGER, 8, 255) && auto(LARGER, 32, 255)); // 8.2 against 9.7 ms
        assertFalse(auto(LARGER, 64, 255)); // libtorch: 14.7 against 19.3 ms
        assertFalse(Decoding.java(null, SMALL, Device.gpu(), 1, 255, 2));
        assertFalse(auto(SMALL.withLayers(12).withWidth(768, 12), 1, 255)); // 85M parameters: libtorch
    }

    @Test
    void theWeightCopyMustPayAndRowsSplitOnlyWhenAStepIsLong() {
        assertFalse(auto(SMALL, 1, 2)); // 0.41 ms of copying per step against ~0.29 ms saved
        assertTrue(auto(SMALL, 1, 3));
        assertFalse(auto(TINY, 1, 0));
        assertTrue(auto(TINY, 1, 1));
        assertEquals(1, Decoding.groups(SMALL, 1, 2));
        assertEquals(1, Decoding.groups(SMALL, 2, 2)); // 0.2 ms: less than two handoffs
        assertEquals(2, Decoding.groups(SMALL, 4, 2));
        assertEquals(1, Decoding.groups(TINY, 8, 2));
        assertEquals(2, Decoding.groups(TINY, 16, 2));
        assertEquals(1, Decoding.groups(SMALL, 8, 1));
    }

    @Test
    void aForcedModeWinsAndABadOneIsAClearError() {
        GptConfig large = SMALL.withLayers(12).withWidth(768, 12);
        assertTrue(Decoding.java("java", large, Device.cpu(), 64, 1, 2));
        assertFalse(Decoding.java("java", large, Device.gpu(), 1, 255, 2));
        assertFalse(Decoding.java(" LibTorch ", TINY, Device.cpu(), 1, 255, 2));
        var e = assertThrows(IllegalArgumentException.class,
                () -> Decoding.java("fast", large, Device.cpu(), 1, 255, 2));
        assertEquals("sample: ASSAY_DECODER must be auto, java or libtorch, got 'fast'", e.getMessage());
    }

    private static boolean auto(GptConfig c, int rows, int steps) {
        return Decoding.java("auto", c, Device.cpu(), rows, steps, 2);
    }
}
