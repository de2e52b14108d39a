package org.assay.kernel.magic;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.function.Supplier;
import org.assay.kernel.ExecutionResult;
import org.assay.kernel.Session;

/**
 * {@code %time CODE}: runs one line of code and prints its wall time and the cell thread's CPU time, as IPython's
 * does; {@link TimeCellMagic} is its cell form.
 */
final class TimeMagic implements LineMagic {
    private final Session session;

    TimeMagic(Session session) {
        this.session = session;
    }

    @Override
    public String usage() {
        return "%time CODE  run one line of code and print its wall and CPU time";
    }

    @Override
    public Object run(String args, String label) {
        if (args.isBlank()) {
            throw new IllegalArgumentException("give code to time, e.g. %time fib(30)");
        }
        return timed(session, () -> session.evalJava(args, 0, args, label));
    }

    /** Runs the code, prints how long it took, and returns its result. */
    static ExecutionResult timed(Session session, Supplier<ExecutionResult> run) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Thread cellThread = session.control().cellThread();
        long cpu0 = cpuNanos(threads, cellThread);
        long t0 = System.nanoTime();
        ExecutionResult result = run.get();
        long wall = System.nanoTime() - t0;
        Thread after = session.control().cellThread();
        long cpu1 = after == cellThread ? cpuNanos(threads, after) : -1;
        String cpu = cpu0 >= 0 && cpu1 >= 0 ? "CPU time: " + human(cpu1 - cpu0) + ", " : "";
        System.out.println(cpu + "Wall time: " + human(wall));
        return result;
    }

    private static long cpuNanos(ThreadMXBean threads, Thread t) {
        if (t == null || !threads.isThreadCpuTimeSupported()) {
            return -1;
        }
        return threads.getThreadCpuTime(t.getId());
    }

    static String human(long nanos) {
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.0f µs", nanos / 1e3);
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }
}
