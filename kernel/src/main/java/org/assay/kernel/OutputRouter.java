package org.assay.kernel;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * An output stream that batches bytes and publishes them as text to the current {@link SessionOutput}.
 * A daemon thread flushes every {@value #FLUSH_MS} ms, so output streams while a cell runs and a tight print loop
 * sends a few messages rather than one per line.
 */
final class OutputRouter extends OutputStream {
    static final long FLUSH_MS = 50;
    private static final int MAX_BUFFER = 1 << 16;

    private final String name;
    private final Supplier<SessionOutput> target;
    private byte[] buf = new byte[1024];
    private int count;

    OutputRouter(String name, Supplier<SessionOutput> target) {
        this.name = name;
        this.target = target;
    }

    @Override
    public synchronized void write(int b) {
        ensure(1);
        buf[count++] = (byte) b;
        if (count >= MAX_BUFFER) {
            publish();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, count, len);
        count += len;
        if (count >= MAX_BUFFER) {
            publish();
        }
    }

    /** PrintStream calls this after each println; publishing waits for the timer or the end of the cell. */
    @Override
    public void flush() {
    }

    /** Sends what is buffered, up to the last complete UTF-8 character. */
    synchronized void publish() {
        if (count == 0) {
            return;
        }
        int end = completeUtf8Prefix(buf, count);
        String text = new String(buf, 0, end, StandardCharsets.UTF_8);
        System.arraycopy(buf, end, buf, 0, count - end);
        count -= end;
        SessionOutput out = target.get();
        if (out != null && !text.isEmpty()) {
            out.stream(name, text);
        }
    }

    private void ensure(int extra) {
        if (count + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + extra));
        }
    }

    /** Length of the longest prefix that does not end inside a multi-byte UTF-8 sequence. */
    static int completeUtf8Prefix(byte[] b, int len) {
        for (int back = 1; back <= Math.min(3, len); back++) {
            int v = b[len - back] & 0xFF;
            if ((v & 0xC0) == 0x80) {
                continue; // continuation byte: keep looking for the lead
            }
            int need = v >= 0xF0 ? 4 : v >= 0xE0 ? 3 : v >= 0xC0 ? 2 : 1;
            return need > back ? len - back : len;
        }
        return len;
    }
}
