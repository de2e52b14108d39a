package org.assay.display;

import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.assay.base.HtmlText;

/**
 * A progress bar for any loop. In a notebook it is an HTML bar updated in place; elsewhere a text line.
 * <pre>{@code
 * try (Progress p = Progress.start("training", steps)) {
 *     for (int i = 0; i < steps; i++) { ...; p.step(); }
 * }
 * for (var item : Progress.over("scoring", items)) { ... }
 * }</pre>
 * Updates are throttled (at most one every {@value #MIN_INTERVAL_MS} ms), so calling {@link #step()} in a tight
 * loop costs a clock read.
 */
public final class Progress implements AutoCloseable, Renderable {
    static final long MIN_INTERVAL_MS = 100;

    private final String label;
    private final long total;
    private final String displayId = Display.newId();
    private final LongSupplier clockNanos;
    private final long startNanos;
    private long done;
    private long lastShownNanos;
    private String postfix = "";
    private boolean closed;

    private Progress(String label, long total, LongSupplier clockNanos) {
        if (total < 0) {
            throw new IllegalArgumentException("Progress.start: total must be >= 0 (0 for unknown), got " + total);
        }
        this.label = label == null ? "" : label;
        this.total = total;
        this.clockNanos = clockNanos;
        this.startNanos = clockNanos.getAsLong();
        this.lastShownNanos = startNanos;
    }

    /** Starts and shows a bar; {@code total = 0} means unknown (a counter without a bar). */
    public static Progress start(String label, long total) {
        Progress p = new Progress(label, total, System::nanoTime);
        Display.show(p, p.displayId);
        return p;
    }

    static Progress startWithClock(String label, long total, LongSupplier clockNanos) {
        return new Progress(label, total, clockNanos);
    }

    /** Iterates over the items and advances a bar as it goes; the bar completes when iteration ends. */
    public static <T> Iterable<T> over(String label, Iterable<T> items) {
        long size = items instanceof java.util.Collection<?> c ? c.size() : 0;
        return () -> {
            Progress p = start(label, size);
            Iterator<T> it = items.iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    boolean more = it.hasNext();
                    if (!more) {
                        p.close();
                    }
                    return more;
                }

                @Override
                public T next() {
                    T next = it.next();
                    p.step();
                    return next;
                }
            };
        };
    }

    public void step() {
        advance(1);
    }

    public synchronized void advance(long n) {
        done += n;
        maybeShow();
    }

    public synchronized void set(long n) {
        done = n;
        maybeShow();
    }

    /** Text shown after the counts, e.g. {@code "loss=2.31"}. */
    public synchronized void postfix(String text) {
        postfix = text == null ? "" : text;
        maybeShow();
    }

    public synchronized long done() {
        return done;
    }

    public String displayId() {
        return displayId;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Display.update(displayId, this);
        }
    }

    private void maybeShow() {
        long now = clockNanos.getAsLong();
        boolean finished = total > 0 && done >= total;
        if (finished || now - lastShownNanos >= MIN_INTERVAL_MS * 1_000_000L) {
            lastShownNanos = now;
            Display.update(displayId, this);
        }
    }

    /** The plain-text line, tqdm style: {@code label  45% |#####     | 45/100 [00:03<00:04, 12.3 it/s] loss=2.3}. */
    public synchronized String text() {
        double seconds = (clockNanos.getAsLong() - startNanos) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        StringBuilder s = new StringBuilder(label.isEmpty() ? "" : label + "  ");
        if (total > 0) {
            double frac = Math.min(1.0, (double) done / total);
            int width = 20;
            int filled = (int) Math.round(frac * width);
            s.append(String.format(Locale.ROOT, "%3d%% |", (int) Math.floor(frac * 100)))
                    .append("#".repeat(filled)).append(" ".repeat(width - filled)).append("| ")
                    .append(done).append('/').append(total);
            String eta = rate > 0 ? clock((total - Math.min(done, total)) / rate) : "?";
            s.append(" [").append(clock(seconds)).append('<').append(eta);
        } else {
            s.append(done).append(" [").append(clock(seconds));
        }
        s.append(String.format(Locale.ROOT, ", %.1f it/s]", rate));
        if (!postfix.isEmpty()) {
            s.append(' ').append(postfix);
        }
        return s.toString();
    }

    @Override
    public synchronized MimeBundle toMimeBundle() {
        String text = text();
        String bar = total > 0
                ? "<progress style='width:40ex' max='" + total + "' value='" + Math.min(done, total) + "'></progress>"
                : "";
        String rest = text.substring(Math.min(text.length(), label.isEmpty() ? 0 : label.length() + 2));
        String html = "<div style='font-family:monospace'>" + HtmlText.escape(label) + " " + bar + " <span>"
                + HtmlText.escape(rest) + "</span></div>";
        return MimeBundle.html(html, text);
    }

    @Override
    public String toString() {
        return text();
    }

    private static String clock(double seconds) {
        Duration d = Duration.ofMillis((long) (seconds * 1000));
        long h = d.toHours();
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, d.toMinutesPart(), d.toSecondsPart())
                : String.format(Locale.ROOT, "%02d:%02d", d.toMinutesPart(), d.toSecondsPart());
    }

}
