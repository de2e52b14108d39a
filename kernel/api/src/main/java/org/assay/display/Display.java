package org.assay.display;

import java.io.PrintStream;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Shows values in the notebook from any code: library loops, scripts, tests.
 * In a kernel the values are rendered inline; elsewhere they are printed as text.
 */
public final class Display {

    private static volatile DisplaySink sink = new TextSink(System.out);

    /** Set on a thread inside {@link #quietly}: its displays are dropped. */
    private static final ThreadLocal<Boolean> QUIET = ThreadLocal.withInitial(() -> false);

    private Display() {
    }

    /** Installed by the kernel at start-up. */
    public static void install(DisplaySink newSink) {
        sink = Objects.requireNonNull(newSink, "sink");
    }

    public static DisplaySink sink() {
        return sink;
    }

    /** Shows a value in a new display and returns its id, for {@link #update(String, Object)}. */
    public static String show(Object value) {
        return show(value, newId());
    }

    /** Shows a value in a display with the given id. */
    public static String show(Object value, String displayId) {
        requireId("show", displayId);
        if (QUIET.get()) {
            return displayId;
        }
        sink.show(value, displayId, false, Set.of());
        return displayId;
    }

    /** Shows a value rendered as the given MIME types only, e.g. {@code "image/svg+xml"} for a chart. */
    public static String showAs(Object value, String... mimeTypes) {
        String id = newId();
        if (QUIET.get()) {
            return id;
        }
        sink.show(value, id, false, Set.of(mimeTypes));
        return id;
    }

    /** Replaces the content of an existing display in place. */
    public static void update(String displayId, Object value) {
        requireId("update", displayId);
        if (QUIET.get()) {
            return;
        }
        sink.show(value, displayId, true, Set.of());
    }

    /** Clears the running cell's output, now or ({@code wait}) when the next output arrives. */
    public static void clear(boolean wait) {
        sink.clear(wait);
    }

    /** Whether displays are rendered (in a kernel), not printed as text or dropped ({@link #quietly}). */
    public static boolean isInteractive() {
        return !QUIET.get() && sink.isInteractive();
    }

    /**
     * Runs {@code body} with this thread's displays dropped: progress bars, live charts and shown values of a loop
     * that is one of many (a sweep's runs in this JVM, whose sweep shows its own bar). Other threads are unaffected.
     */
    public static <T> T quietly(java.util.function.Supplier<T> body) {
        boolean was = QUIET.get();
        QUIET.set(true);
        try {
            return body.get();
        } finally {
            QUIET.set(was);
        }
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    private static void requireId(String function, String displayId) {
        if (displayId == null || displayId.isBlank()) {
            throw new IllegalArgumentException("Display." + function + ": displayId must be a non-blank string, got "
                    + (displayId == null ? "null" : "'" + displayId + "'"));
        }
    }

    /** Prints text; updates are printed again (there is no place to update in a stream). */
    static final class TextSink implements DisplaySink {
        private final PrintStream out;

        TextSink(PrintStream out) {
            this.out = out;
        }

        @Override
        public void show(Object value, String displayId, boolean update, Set<String> requested) {
            if (value instanceof Renderable r) {
                String text = r.toMimeBundle().get(MimeBundle.TEXT);
                out.println(text != null ? text : String.valueOf(value));
            } else {
                out.println(value);
            }
        }

        @Override
        public boolean isInteractive() {
            return false;
        }
    }
}
