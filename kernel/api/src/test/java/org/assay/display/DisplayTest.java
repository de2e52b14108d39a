package org.assay.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DisplayTest {

    @Test
    void quietlyDropsThisThreadsDisplaysOnlyAndRestoresThem() throws Exception {
        List<String> shown = new ArrayList<>();
        DisplaySink before = Display.sink();
        Display.install(new DisplaySink() {
            @Override
            public synchronized void show(Object value, String displayId, boolean update, Set<String> requested) {
                shown.add(String.valueOf(value));
            }

            @Override
            public boolean isInteractive() {
                return true;
            }
        });
        try {
            String result = Display.quietly(() -> {
                Display.show("dropped");
                Display.update(Display.show("dropped too"), "update dropped");
                try (Progress bar = Progress.start("a run of a sweep", 3)) {
                    bar.step();
                }
                assertFalse(Display.isInteractive(), "a quiet loop makes no live chart");
                Thread other = new Thread(() -> Display.show("another thread is not quiet"));
                other.start();
                try {
                    other.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return "done";
            });
            assertEquals("done", result);
            assertEquals(List.of("another thread is not quiet"), shown);
            assertTrue(Display.isInteractive());
            Display.show("shown after");
            assertEquals("shown after", shown.get(1));
        } finally {
            Display.install(before);
        }
    }
}
