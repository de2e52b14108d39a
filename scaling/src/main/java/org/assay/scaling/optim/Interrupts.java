package org.assay.scaling.optim;

import java.util.concurrent.CancellationException;

/**
 * The check that long loops (starts, resamples, optimiser iterations) make, so that a notebook's stop button, which
 * interrupts the cell's thread, ends a fit within a second instead of after its last start.
 */
public final class Interrupts {
    private Interrupts() {
    }

    /**
     * Throws {@link CancellationException} (its cause an {@link InterruptedException}) if the current thread has been
     * interrupted. The interrupt flag is left set, so callers further up see it too.
     *
     * @param function the function that stops, named in the message
     */
    public static void check(String function) {
        if (Thread.currentThread().isInterrupted()) {
            throw cancelled(function);
        }
    }

    /** The exception {@link #check} throws, for a caller that caught an {@link InterruptedException} itself. */
    public static CancellationException cancelled(String function) {
        CancellationException e = new CancellationException(function + ": interrupted");
        e.initCause(new InterruptedException());
        return e;
    }
}
