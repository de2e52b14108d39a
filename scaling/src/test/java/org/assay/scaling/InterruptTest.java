package org.assay.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A notebook's stop button interrupts the cell's thread: every long loop (bootstrap resamples, fit starts, optimiser
 * iterations) must end within a second with a CancellationException, leaving the interrupt flag set.
 */
class InterruptTest {
    /** Far more work than a test could wait for: only an interrupt ends these. */
    static final int HUGE = 1_000_000;

    /**
     * Runs {@code work} on a thread, interrupts it after {@code leadMs}, and checks that it ended within 2 s with a
     * CancellationException caused by an InterruptedException, the thread's interrupt flag still set.
     */
    private static void stopsWhenInterrupted(String function, Runnable work) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean flagAfter = new AtomicBoolean();
        Thread t = new Thread(() -> {
            try {
                work.run();
            } catch (Throwable e) {
                thrown.set(e);
                flagAfter.set(Thread.currentThread().isInterrupted());
            }
        }, "interrupt-test");
        t.setDaemon(true); // if the check fails, the runaway thread must not keep the JVM alive
        t.start();
        Thread.sleep(300);
        assertTrue(t.isAlive(), function + " finished before the interrupt: the test needs more work");
        long start = System.nanoTime();
        t.interrupt();
        t.join(2000);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertFalse(t.isAlive(), function + " still running 2 s after the interrupt");
        assertTrue(seconds < 2, "stopped after " + seconds + " s");
        CancellationException e = assertInstanceOf(CancellationException.class, thrown.get(), String.valueOf(thrown));
        // the loop that saw the interrupt names itself: the caller's, or the optimiser's within one start
        assertTrue(e.getMessage().equals(function + ": interrupted") || e.getMessage().equals("Lbfgs.minimize: interrupted"),
                e.getMessage());
        assertInstanceOf(InterruptedException.class, e.getCause());
        assertTrue(flagAfter.get(), "the interrupt flag stays set for the caller");
    }

    @Test
    void curveFitBootstrapStops() throws Exception {
        double[][] d = LawsTest.data(c -> 1.8 + 30 * Math.pow(c, -0.15), 1e15, 1e21, 40, 0.01, true, 4);
        CurveForm form = Laws.powerLawWithOffset();
        CurveFit fit = CurveFit.create();
        CurveFit.Result full = fit.fit(form, d[0], d[1]);
        stopsWhenInterrupted("bootstrap(power law with offset)",
                () -> fit.bootstrap(form, d[0], d[1], full, HUGE, 1));
    }

    @Test
    void chinchillaBootstrapStopsOnOneThreadAndOnTwo() throws Exception {
        double[][] xyz = ChinchillaFitTest.data(ChinchillaFitTest.TRUTH, 0.01, 3);
        for (int threads : new int[] {1, 2}) {
            ChinchillaFit fit = ChinchillaFitTest.smallGrid().withThreads(threads);
            ChinchillaFit.Result full = fit.fit(xyz[0], xyz[1], xyz[2]);
            stopsWhenInterrupted("fitChinchilla", () -> fit.bootstrap(xyz[0], xyz[1], xyz[2], full, HUGE, 1));
        }
    }

    /** The published grid's 4,500 starts, serial (the starts loop) and parallel (the pool). */
    @Test
    void chinchillaFitStopsBetweenStarts() throws Exception {
        double[][] xyz = ChinchillaFitTest.data(ChinchillaFitTest.TRUTH, 0.01, 3);
        double[] e = ChinchillaFit.range(-1, 1, 0.01); // 201 values of e: 226,125 starts
        for (int threads : new int[] {1, 2}) {
            ChinchillaFit fit = ChinchillaFit.hoffmann2022().withThreads(threads)
                    .withGrid(ChinchillaFit.range(0, 2, 0.5), ChinchillaFit.range(0, 2, 0.5), e,
                            ChinchillaFit.range(0, 25, 5), ChinchillaFit.range(0, 25, 5));
            stopsWhenInterrupted("fitChinchilla", () -> fit.fit(xyz[0], xyz[1], xyz[2]));
        }
    }

    /** One optimiser run whose objective is slow (50 ms an evaluation): the check in L-BFGS's iterations stops it. */
    @Test
    void lbfgsStopsWithinARun() throws Exception {
        org.assay.scaling.optim.Lbfgs lbfgs = org.assay.scaling.optim.Lbfgs.defaults();
        stopsWhenInterrupted("Lbfgs.minimize", () -> lbfgs.minimize((x, g) -> {
            long end = System.nanoTime() + 50_000_000;
            while (System.nanoTime() < end) {
                Thread.onSpinWait(); // a costly objective that does not look at the interrupt itself
            }
            double a = 1 - x[0];
            double b = x[1] - x[0] * x[0];
            g[0] = -2 * a - 400 * x[0] * b; // Rosenbrock: ~40 iterations from (-1.2, 1)
            g[1] = 200 * b;
            return a * a + 100 * b * b;
        }, new double[] {-1.2, 1}));
    }
}
