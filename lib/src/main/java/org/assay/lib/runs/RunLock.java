package org.assay.lib.runs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * One writer owns a run directory: an exclusive {@link FileLock} on {@code DIR/.lock}, taken before anything in the
 * run is read or written and released by the operating system when the process dies (kill -9 included), so a lock is
 * never stale. The lock file holds the owner's pid and start time, which a second writer's error names.
 *
 * <p>Within one process the lock is re-entrant for the thread that holds it ({@code Trainer} takes it, then
 * {@code Pretrain} and {@link RunDir} take it again); another thread of the same process gets the same error as
 * another process would. {@link #FILE} is the one file in a run directory that clean-ups keep.
 */
public final class RunLock implements AutoCloseable {
    /** The lock file's name inside the run directory. */
    public static final String FILE = ".lock";

    private static final Map<Path, RunLock> HELD = new HashMap<>();

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;
    private final Thread owner;
    private int holds = 1;

    private RunLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
        this.owner = Thread.currentThread();
    }

    /**
     * Takes the run directory {@code dir} (created if absent) for this thread, or fails at once with an
     * {@link IllegalStateException} naming the run and the holder. {@code fn} names the caller in that message.
     */
    public static RunLock acquire(String fn, Path dir) {
        Path key = canonical(fn, dir);
        synchronized (HELD) {
            RunLock held = HELD.get(key);
            if (held != null) {
                if (held.owner != Thread.currentThread()) {
                    throw busy(fn, key, "thread '" + held.owner.getName() + "' of this process (pid "
                            + ProcessHandle.current().pid() + ")");
                }
                held.holds++;
                return held;
            }
            try {
                FileChannel ch = FileChannel.open(key.resolve(FILE), StandardOpenOption.CREATE,
                        StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (IOException | RuntimeException e) {
                    ch.close();
                    throw e;
                }
                if (lock == null) {
                    String holder = holder(ch);
                    ch.close();
                    throw busy(fn, key, holder);
                }
                byte[] me = ("pid " + ProcessHandle.current().pid() + ", since " + Instant.now() + "\n")
                        .getBytes(StandardCharsets.UTF_8);
                ch.truncate(0);
                ch.write(ByteBuffer.wrap(me), 0);
                RunLock r = new RunLock(key, ch, lock);
                HELD.put(key, r);
                return r;
            } catch (IOException e) {
                throw new UncheckedIOException(fn + ": cannot lock run " + key + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The folder's real path, so that two spellings of one run share one lock and one channel: on Linux closing any
     * channel of a file drops every lock the process holds on it.
     */
    private static Path canonical(String fn, Path dir) {
        try {
            Files.createDirectories(dir);
            return dir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(fn + ": cannot create run directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Whether this thread holds the run directory {@code dir}. */
    public static boolean heldHere(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        synchronized (HELD) {
            RunLock held = HELD.get(canonical("RunLock.heldHere", dir));
            return held != null && held.owner == Thread.currentThread();
        }
    }

    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(200);
            int n = ch.read(b, 0);
            String s = n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.UTF_8).trim();
            return s.isEmpty() ? "another process" : "another process (" + s + ")";
        } catch (IOException e) {
            return "another process";
        }
    }

    private static IllegalStateException busy(String fn, Path dir, String holder) {
        return new IllegalStateException(fn + ": run " + dir + " is being written by " + holder
                + "; one writer owns a run directory: wait for it to finish or stop it, then run again");
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        synchronized (HELD) {
            if (--holds > 0) {
                return;
            }
            HELD.remove(dir);
            try {
                lock.release();
            } catch (IOException ignored) {
                // closing the channel below releases it too
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
