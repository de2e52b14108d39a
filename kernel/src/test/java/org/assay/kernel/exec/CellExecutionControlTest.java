package org.assay.kernel.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link CellExecutionControl#call}: kernel work on the cell thread, stopped by an interrupt or a time limit. */
class CellExecutionControlTest {
    private CellExecutionControl control;

    @BeforeEach
    void create() {
        control = new CellExecutionControl(new CellClassLoader(getClass().getClassLoader()));
    }

    @AfterEach
    void close() {
        control.close();
    }

    @Test
    void callRunsOnTheCellThreadAndReturnsOrThrowsAsItself() throws Exception {
        Thread ranOn = control.call(Thread::currentThread, Duration.ofSeconds(5));
        assertSame(control.cellThread(), ranOn);
        assertNotSame(Thread.currentThread(), ranOn);
        IllegalStateException thrown = new IllegalStateException("mine");
        assertSame(thrown, assertThrows(IllegalStateException.class, () -> control.call(() -> {
            throw thrown;
        }, null)));
        StackOverflowError error = new StackOverflowError("deep");
        assertSame(error, assertThrows(StackOverflowError.class, () -> control.call(() -> {
            throw error;
        }, null)));
    }

    @Test
    void anInterruptBeforeTheCodeRunsStopsItWhenItStarts() {
        AtomicBoolean ran = new AtomicBoolean();
        control.requestStarted();
        control.stop(); // as while JShell still compiles the cell
        CellStoppedException e = assertThrows(CellStoppedException.class, () -> control.call(() -> ran.getAndSet(true),
                null));
        assertFalse(e.timedOut());
        assertFalse(ran.get(), "the code did not run");
        control.requestEnded();
    }

    @Test
    void anInterruptOutsideARequestHasNothingToStop() throws Exception {
        control.stop();
        control.requestStarted();
        assertEquals("ran", control.call(() -> "ran", null));
        control.requestEnded();
    }

    @Test
    void anInterruptStopsCodeThatChecksTheGuard() {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            control.requestStarted();
            timer.schedule(control::stop, 200, TimeUnit.MILLISECONDS);
            long t0 = System.nanoTime();
            CellStoppedException e = assertThrows(CellStoppedException.class, () -> control.call(() -> {
                while (true) {
                    Guard.check();
                }
            }, Duration.ofSeconds(30)));
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertFalse(e.timedOut());
            assertTrue(millis < 1200, "took " + millis + " ms");
        } finally {
            timer.shutdownNow();
            control.requestEnded();
        }
    }

    @Test
    void theLimitStopsCodeThatRunsTooLong() throws Exception {
        long t0 = System.nanoTime();
        CellStoppedException e = assertThrows(CellStoppedException.class, () -> control.call(() -> {
            while (true) {
                Guard.check();
            }
        }, Duration.ofMillis(300)));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(e.timedOut());
        assertTrue(millis >= 300 && millis < 1300, "took " + millis + " ms");
        assertEquals(42, control.call(() -> 42, Duration.ofMillis(300)), "the next call runs");
    }
}
