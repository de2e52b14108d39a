package org.assay.kernel;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Standard input for cells: {@code System.in} reads a line from the front end when it has nothing buffered, as
 * ipykernel's {@code input()} does — the kernel sends {@code input_request} and waits for the reply. The line comes
 * back with a {@code '\n'}, so {@code Scanner.nextLine()}, {@code BufferedReader.readLine()} and
 * {@code System.in.read()} work unchanged.
 */
public final class Stdin {
    /** Asks the front end for one line (without its end). */
    @FunctionalInterface
    public interface LineSource {
        String readLine(String prompt, boolean password);
    }

    private static volatile LineSource source = (prompt, password) -> {
        throw new StdinNotAllowedException("System.in: no front end is attached to ask for input");
    };

    private Stdin() {
    }

    static void install(LineSource lines) {
        source = Objects.requireNonNull(lines, "lines");
    }

    /** A line from the front end, with {@code prompt} shown before the box (hidden input when {@code password}). */
    public static String readLine(String prompt, boolean password) {
        return source.readLine(prompt == null ? "" : prompt, password);
    }

    /** Thrown when the front end does not take input (its request said {@code allow_stdin: false}). */
    public static final class StdinNotAllowedException extends IllegalStateException {
        public StdinNotAllowedException(String message) {
            super(message);
        }
    }

    /** {@code System.in} for cells: a line from {@link #readLine} each time its buffer is empty. */
    static final class FrontEndInputStream extends InputStream {
        private final Runnable beforeAsking;
        private byte[] buffer = new byte[0];
        private int pos;

        /** @param beforeAsking runs before each request (flushes stdout, so a printed prompt shows first) */
        FrontEndInputStream(Runnable beforeAsking) {
            this.beforeAsking = beforeAsking;
        }

        @Override
        public synchronized int read() {
            if (!fill()) {
                return -1;
            }
            return buffer[pos++] & 0xFF;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, buffer.length - pos);
            System.arraycopy(buffer, pos, b, off, n);
            pos += n;
            return n;
        }

        /** What is buffered: never blocks, so a reader does not ask the front end for more than it needs. */
        @Override
        public synchronized int available() {
            return buffer.length - pos;
        }

        private boolean fill() {
            if (pos < buffer.length) {
                return true;
            }
            beforeAsking.run();
            String line = readLine("", false);
            if (line == null) {
                return false;
            }
            buffer = (line + "\n").getBytes(StandardCharsets.UTF_8);
            pos = 0;
            return true;
        }
    }
}
