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
        sink.show(value, displayId, false, Set.of());
        return displayId;
    }

    /** Shows a value rendered as the given MIME types only, e.g. {@code "image/svg+xml"} for a chart. */
    public static String showAs(Object value, String... mimeTypes) {
        String id = newId();
        sink.show(value, id, false, Set.of(mimeTypes));
        return id;
    }

    /** Replaces the content of an existing display in place. */
    public static void update(String displayId, Object value) {
        requireId("update", displayId);
        sink.show(value, displayId, true, Set.of());
    }

    /** Clears the running cell's output, now or ({@code wait}) when the next output arrives. */
    public static void clear(boolean wait) {
        sink.clear(wait);
    }

    public static boolean isInteractive() {
        return sink.isInteractive();
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
