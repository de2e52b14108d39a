package org.assay.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void textShowsPercentCountsRateAndEta() {
        AtomicLong now = new AtomicLong(0);
        Progress p = Progress.startWithClock("train", 100, now::get);
        now.set(2_000_000_000L); // 2 s
        p.set(40);
        p.postfix("loss=2.31");
        String text = p.text();
        assertTrue(text.startsWith("train   40% |########            | 40/100 [00:02<00:03, 20.0 it/s]"), text);
        assertTrue(text.endsWith("loss=2.31"), text);
        assertTrue(p.toMimeBundle().get(MimeBundle.HTML).contains("<progress style='width:40ex' max='100' value='40'>"));
    }

    @Test
    void unknownTotalCountsWithoutABar() {
        AtomicLong now = new AtomicLong(0);
        Progress p = Progress.startWithClock("", 0, now::get);
        p.advance(7);
        assertTrue(p.text().startsWith("7 [00:00"), p.text());
        assertEquals(false, p.toMimeBundle().get(MimeBundle.HTML).contains("<progress"));
    }

    @Test
    void negativeTotalIsRejectedWithTheValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> Progress.start("x", -5));
        assertEquals("Progress.start: total must be >= 0 (0 for unknown), got -5", e.getMessage());
    }

    @Test
    void labelsAreEscapedInHtml() {
        Progress p = Progress.startWithClock("<b>&", 1, () -> 0L);
        assertTrue(p.toMimeBundle().get(MimeBundle.HTML).contains("&lt;b&gt;&amp;"));
    }
}
