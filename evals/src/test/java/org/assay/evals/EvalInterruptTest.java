package org.assay.evals;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import org.assay.evals.tasks.TaskSuites;
import org.junit.jupiter.api.Test;

class EvalInterruptTest {
    /** A notebook's stop button ends a long evaluation within a second, with the flag still set. */
    @Test
    void anInterruptStopsARunWithinASecond() throws Exception {
        Sampler slow = (prompt, n, seed) -> {
            long until = System.nanoTime() + 20_000_000L; // 20 ms a call, busy (no sleep to be interrupted)
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            List<Sampler.Completion> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(new Sampler.Completion("1", 1, 1, Double.NaN));
            }
            return out;
        };
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Eval.of(TaskSuites.arithmetic(5000, 1, 1)).withProgress(false).run(slow); // ~100 s uninterrupted
            } catch (Throwable e) {
                thrown.set(e);
                flag.set(Thread.currentThread().isInterrupted());
            }
        });
        t.start();
        Thread.sleep(300);
        long interruptedAt = System.nanoTime();
        t.interrupt();
        t.join(5000);
        double seconds = (System.nanoTime() - interruptedAt) / 1e9;
        assertTrue(!t.isAlive() && seconds < 1.0, "stopped after " + seconds + " s");
        assertTrue(thrown.get() instanceof CancellationException, String.valueOf(thrown.get()));
        assertTrue(thrown.get().getMessage().startsWith("Eval.run: interrupted after "), thrown.get().getMessage());
        assertTrue(flag.get(), "the interrupt flag stays set for the caller");
    }
}
