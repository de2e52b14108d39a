package org.assay.kernel.exec;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.Callable;
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
    /**
     * How long kernel work that calls cell code on the cell's behalf — showing its value, reading its exception —
     * may take before it is stopped and reported: a {@code toString} that never returns must not hang the kernel.
     */
    public static final Duration SHOW_LIMIT = Duration.ofSeconds(60);
    private static final long THREAD_STACK_BYTES = 64L << 20;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final CellClassLoader loader;
    private volatile ExecutorService cellExecutor;
    private volatile Thread cellThread;
    private volatile Future<?> running;
    private volatile long stopRequestedAtNanos;
    private final Object stopLock = new Object();
    private boolean inRequest;   // guarded by stopLock
    private boolean stopPending; // guarded by stopLock

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
        try {
            lastValue = onCellThread(() -> doitMethod.invoke(null), 0);
            return "";
        } catch (CellStoppedException e) {
            lastStopped = true;
            throw new StoppedException();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof InvocationTargetException ite ? ite.getCause() : e.getCause();
            if (!(cause instanceof jdk.jshell.spi.SPIResolutionException)) {
                lastThrowable = cause; // JShell reports unresolved references itself
            }
            throw new InvocationTargetException(cause);
        }
    }

    /**
     * JShell turns the exception a cell threw into its own copy on the calling (shell) thread, reading the message,
     * the stack and the causes, all of which cell code can override ({@code getMessage() { while (true) {} }}); this
     * reads them on the cell thread instead. Interrupted there, the cell counts as interrupted; past
     * {@link #SHOW_LIMIT}, the copy says its message could not be read.
     */
    @Override
    protected String throwConvertedInvocationException(Throwable cause) throws RunException, InternalException {
        RunException converted;
        try {
            Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            converted = call(() -> toRunException(cause, seen), SHOW_LIMIT);
        } catch (CellStoppedException e) {
            lastThrowable = null;
            if (!e.timedOut()) {
                lastStopped = true;
                throw new StoppedException();
            }
            converted = new UserException("(its message could not be read within " + SHOW_LIMIT.toSeconds() + " s)",
                    cause.getClass().getName(), new StackTraceElement[0]);
        } catch (Exception | LinkageError e) {
            lastThrowable = null;
            converted = new UserException("(its message could not be read: " + e + ")", cause.getClass().getName(),
                    new StackTraceElement[0]);
        }
        throw converted;
    }

    /** JShell's copy of an exception and its causes (a cause seen before ends the chain). */
    private static RunException toRunException(Throwable t, Set<Throwable> seen) {
        if (t instanceof jdk.jshell.spi.SPIResolutionException unresolved) {
            return new ResolutionException(unresolved.id(), unresolved.getStackTrace());
        }
        seen.add(t);
        UserException copy = new UserException(t.getMessage(), t.getClass().getName(), t.getStackTrace());
        Throwable cause = t.getCause();
        if (cause != null && !seen.contains(cause)) {
            copy.initCause(toRunException(cause, seen));
        }
        return copy;
    }

    /**
     * Runs kernel work that calls into cell code — rendering a cell's value (its {@code toString}), reading an
     * exception's message — on the cell thread, where {@link #stop()} reaches it as it reaches a cell, instead of on
     * the caller's (the shell) thread, where a {@code toString} that never returns would wedge the kernel.
     *
     * @param limit how long it may run before it is stopped as an interrupt stops a cell; null or zero for no limit
     * @return what the task returned
     * @throws CellStoppedException when an interrupt or the limit stopped it
     * @throws Exception            what the task threw (an {@link Error} is rethrown as itself)
     */
    public <T> T call(Callable<T> task, Duration limit) throws Exception {
        try {
            return onCellThread(task, limit == null ? 0 : limit.toNanos());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /**
     * Runs a task on the cell thread and waits for it. Stopping: {@link #stop()}, or the limit passing, raises the
     * {@link Guard} flag and interrupts the thread; a task still running a grace period later is abandoned.
     */
    private <T> T onCellThread(Callable<T> task, long limitNanos)
            throws ExecutionException, CellStoppedException, InterruptedException {
        long startedAt = System.nanoTime();
        boolean timedOut = false;
        Future<T> future;
        synchronized (stopLock) {
            if (stopPending) {
                stopPending = false;
                throw new CellStoppedException(false); // interrupted while JShell compiled the code
            }
            Guard.stopRequested = false;
            stopRequestedAtNanos = 0;
            future = cellExecutor.submit(() -> {
                Thread.interrupted(); // a stale interrupt must not hit the next cell
                return task.call();
            });
            running = future;
        }
        try {
            while (true) {
                try {
                    return future.get(100, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (!timedOut && limitNanos > 0 && System.nanoTime() - startedAt > limitNanos) {
                        timedOut = true;
                        stop();
                    }
                    long askedAt = stopRequestedAtNanos;
                    if (askedAt != 0 && System.nanoTime() - askedAt > GRACE_MS * 1_000_000L) {
                        abandonCellThread();
                        throw new CellStoppedException(timedOut);
                    }
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause() instanceof InvocationTargetException ite ? ite.getCause()
                            : e.getCause();
                    boolean stopped = cause instanceof Guard.CellInterrupted
                            || (stopRequestedAtNanos != 0 && isInterruption(cause));
                    if (stopped) {
                        throw new CellStoppedException(timedOut);
                    }
                    throw e;
                }
            }
        } finally {
            synchronized (stopLock) {
                running = null;
                stopRequestedAtNanos = 0;
                Guard.stopRequested = false;
            }
        }
    }

    /**
     * Marks the start of a request that may run cell code (a cell, showing its value): an interrupt that comes
     * before the code runs — while JShell compiles it — stops it as soon as it starts, instead of being lost.
     */
    public void requestStarted() {
        synchronized (stopLock) {
            stopPending = false;
            inRequest = true;
        }
    }

    /** Marks its end: an interrupt from now on has nothing to stop. */
    public void requestEnded() {
        synchronized (stopLock) {
            inRequest = false;
            stopPending = false;
        }
    }

    private static boolean isInterruption(Throwable t) {
        return t instanceof InterruptedException || t instanceof java.nio.channels.ClosedByInterruptException;
    }

    /** Called from any thread (the control channel): stops the running cell, or the one about to run. */
    @Override
    public void stop() {
        synchronized (stopLock) {
            if (running == null) {
                stopPending = inRequest;
                return;
            }
            stopRequestedAtNanos = System.nanoTime();
            Guard.stopRequested = true;
            Thread t = cellThread;
            if (t != null) {
                t.interrupt();
            }
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
