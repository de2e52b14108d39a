package org.assay.lib.engine;

import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A thread that runs one part of each step of a loop beside the caller (a decoding step's rows, a step's draws) and
 * stays on its core between steps: after a part it spins ({@link Thread#onSpinWait}) up to {@link #SPIN_NANOS} for the
 * next one before it goes back to the pool, and the caller spins for the part's end. Why: a pooled thread parked
 * between steps and woken for each was often placed by the Linux scheduler on the waking thread's own core (an affine
 * wake-up), so both halves of a step ran on one core while the other idled — measured in bench/rl, a 256-row step took
 * 2.0 ms instead of 1.05 in half the rollouts. A step's gap (drawing the tokens) is a fraction of a millisecond, so the
 * spin bridges it; a helper left idle spins for at most {@link #SPIN_NANOS}.
 */
public final class Helper {
    /** How long an idle helper waits on its core for the next part before it returns to the pool. */
    static final long SPIN_NANOS = 2_000_000;

    private static final ExecutorService POOL = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "assay-helper");
        t.setDaemon(true);
        return t;
    });

    /** The calling thread's helpers: the same ones for all its loops, so that no two spin at once. */
    private static final ThreadLocal<Helper[]> TEAM = ThreadLocal.withInitial(() -> new Helper[0]);

    private final ConcurrentLinkedQueue<Runnable> next = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile long finished;   // parts done
    private volatile Throwable failure;
    private long started;             // parts handed over (the caller's thread only)

    private Helper() {
    }

    /** The calling thread's first {@code n} helpers. */
    public static Helper[] team(int n) {
        Helper[] team = TEAM.get();
        if (team.length < n) {
            Helper[] more = Arrays.copyOf(team, n);
            for (int i = team.length; i < n; i++) {
                more[i] = new Helper();
            }
            TEAM.set(more);
            team = more;
        }
        return Arrays.copyOf(team, n);
    }

    /**
     * Hands {@code part} to the helper, after any it has not finished; {@link #await} waits for all of them. Called
     * from one thread, the one whose helper this is.
     */
    public void start(Runnable part) {
        started++;
        next.add(part);
        if (running.compareAndSet(false, true)) {
            POOL.execute(this::loop);
        }
    }

    /**
     * Runs {@code part} 0 on the calling thread and part k + 1 on {@code team[k]}, each team member's handed over
     * first; returns when all are done, rethrowing what one threw.
     */
    public static void runParts(Helper[] team, String fn, java.util.function.IntConsumer part) {
        for (int k = 0; k < team.length; k++) {
            int p = k + 1;
            team[k].start(() -> part.accept(p));
        }
        part.accept(0);
        for (Helper helper : team) {
            helper.await(fn);
        }
    }

    /** Waits, spinning, for the parts handed over; rethrows what one threw. */
    public void await(String fn) {
        while (finished < started) {
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException(fn + ": interrupted");
            }
            Thread.onSpinWait();
        }
        Throwable t = failure;
        if (t != null) {
            failure = null;
            if (t instanceof Error error) {
                throw error;
            }
            throw t instanceof RuntimeException r ? r : new IllegalStateException(t);
        }
    }

    private void loop() {
        long idleSince = System.nanoTime();
        while (true) {
            Runnable part = next.poll();
            if (part != null) {
                try {
                    part.run();
                } catch (Throwable t) {
                    if (failure == null) {
                        failure = t;
                    }
                }
                finished++; // only this thread writes it
                idleSince = System.nanoTime();
            } else if (System.nanoTime() - idleSince > SPIN_NANOS) {
                running.set(false);
                // a part handed over after the check above and before running was cleared: run it, or let the
                // caller's start() (which then sees running false) start a new loop
                if (next.isEmpty() || !running.compareAndSet(false, true)) {
                    return;
                }
            } else {
                Thread.onSpinWait();
            }
        }
    }
}
