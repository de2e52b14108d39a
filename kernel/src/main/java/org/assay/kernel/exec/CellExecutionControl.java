package org.assay.kernel.exec;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jshell.execution.DirectExecutionControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs cells in this JVM on one long-lived cell thread (so thread-locals, such as an engine's grad mode, persist from
 * cell to cell), keeps the last value and exception as objects for rich display, and stops a running cell on request.
 * <p>
 * Stopping: {@link #stop()} raises the {@link Guard} flag (checked on every loop turn of cell code) and interrupts
 * the thread (for sleeps and waits). If the cell is still running after a grace period — stuck in a library loop or
 * native code — the thread is abandoned and a fresh one serves the next cell, so the kernel itself stays responsive.
 */
public final class CellExecutionControl extends DirectExecutionControl {
    private static final Logger LOG = LoggerFactory.getLogger(CellExecutionControl.class);
    private static final long GRACE_MS = 1500;
    private static final long THREAD_STACK_BYTES = 64L << 20;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final CellClassLoader loader;
    private volatile ExecutorService cellExecutor;
    private volatile Thread cellThread;
    private volatile Future<?> running;
    private volatile long stopRequestedAtNanos;

    private Object lastValue;
    private Throwable lastThrowable;
    private boolean lastStopped;

    CellExecutionControl(CellClassLoader loader) {
        super(loader);
        this.loader = loader;
        this.cellExecutor = newExecutor();
    }

    public ClassLoader classLoader() {
        return loader;
    }

    /** The thread that runs cells now (for CPU-time accounting). */
    public Thread cellThread() {
        return cellThread;
    }

    /** Takes the value of the last invocation (null if none, or if it was null). */
    public Object takeLastValue() {
        Object v = lastValue;
        lastValue = null;
        return v;
    }

    /** Takes the exception the last invocation threw, as the object itself. */
    public Throwable takeLastThrowable() {
        Throwable t = lastThrowable;
        lastThrowable = null;
        return t;
    }

    /** True once if the last invocation was stopped by {@link #stop()}. */
    public boolean takeLastStopped() {
        boolean s = lastStopped;
        lastStopped = false;
        return s;
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        lastValue = null;
        lastThrowable = null;
        lastStopped = false;
        Guard.stopRequested = false;
        Future<Object> future = cellExecutor.submit(() -> {
            Thread.interrupted(); // a stale interrupt must not hit the next cell
            return doitMethod.invoke(null);
        });
        running = future;
        try {
            Object value = awaitCell(future);
            lastValue = value;
            return "";
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof InvocationTargetException ite ? ite.getCause() : e.getCause();
            if (cause instanceof Guard.CellInterrupted || (stopRequestedAtNanos != 0 && isInterruption(cause))) {
                lastStopped = true;
                throw new StoppedException();
            }
            if (!(cause instanceof jdk.jshell.spi.SPIResolutionException)) {
                lastThrowable = cause; // JShell reports unresolved references itself
            }
            throw new InvocationTargetException(cause);
        } finally {
            running = null;
            stopRequestedAtNanos = 0;
            Guard.stopRequested = false;
        }
    }

    private static boolean isInterruption(Throwable t) {
        return t instanceof InterruptedException || t instanceof java.nio.channels.ClosedByInterruptException;
    }

    private Object awaitCell(Future<Object> future) throws ExecutionException, StoppedException, InterruptedException {
        while (true) {
            try {
                return future.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                long askedAt = stopRequestedAtNanos;
                if (askedAt != 0 && System.nanoTime() - askedAt > GRACE_MS * 1_000_000L) {
                    abandonCellThread();
                    lastStopped = true;
                    throw new StoppedException();
                }
            }
        }
    }

    /** Called from any thread (the control channel): stops the running cell, if any. */
    @Override
    public void stop() {
        Future<?> f = running;
        if (f == null) {
            return;
        }
        stopRequestedAtNanos = System.nanoTime();
        Guard.stopRequested = true;
        Thread t = cellThread;
        if (t != null) {
            t.interrupt();
        }
    }

    private void abandonCellThread() {
        Thread stuck = cellThread;
        LOG.warn("Cell did not stop within {} ms; abandoning thread {} and starting a new one", GRACE_MS,
                stuck == null ? "?" : stuck.getName());
        tryThreadStop(stuck);
        ExecutorService old = cellExecutor;
        cellExecutor = newExecutor();
        old.shutdownNow();
    }

    /** Thread.stop still works up to Java 19; later it throws, and the thread is simply left behind. */
    private static void tryThreadStop(Thread t) {
        if (t == null) {
            return;
        }
        try {
            Thread.class.getMethod("stop").invoke(t);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("Thread.stop unavailable: {}", e.toString());
        }
    }

    private ExecutorService newExecutor() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(null, r, "assay-cell-" + THREADS.incrementAndGet(), THREAD_STACK_BYTES);
            t.setDaemon(true);
            t.setContextClassLoader(loader);
            cellThread = t;
            return t;
        });
    }

    @Override
    public void close() {
        cellExecutor.shutdownNow();
        super.close();
    }
}
