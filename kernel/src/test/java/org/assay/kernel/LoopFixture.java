package org.assay.kernel;

/**
 * Library-style loops, loaded by the application class loader and so not instrumented like cell code: one that
 * checks for interruption as Assay's loops do, and one that ignores it.
 */
public final class LoopFixture {
    static volatile boolean release;

    private LoopFixture() {
    }

    public static long spinUntilInterrupted() throws InterruptedException {
        long n = 0;
        while (true) {
            n++;
            if ((n & 0xFFFF) == 0 && Thread.interrupted()) {
                throw new InterruptedException("stopped after " + n + " turns");
            }
        }
    }

    public static long spinIgnoringInterrupts() {
        long n = 0;
        while (!release) {
            n++;
        }
        return n;
    }
}
