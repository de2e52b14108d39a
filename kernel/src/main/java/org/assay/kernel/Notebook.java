package org.assay.kernel;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.assay.display.Display;
import org.assay.display.Html;
import org.assay.display.Image;
import org.assay.display.Markdown;
import org.assay.display.Progress;

/**
 * The calls a notebook uses to show things, imported statically in every cell:
 * {@code display(chart)}, {@code updateDisplay(id, table)}, {@code html("<b>hi</b>")}, {@code progress("train", n)}.
 */
public final class Notebook {
    private Notebook() {
    }

    /** Shows a value now (not only as the cell's result) and returns its display id. */
    public static String display(Object value) {
        return Display.show(value);
    }

    /** Shows a value in a display with the given id, to update it later with {@link #updateDisplay}. */
    public static String display(Object value, String displayId) {
        return Display.show(value, displayId);
    }

    /** Shows a value as the given MIME types only, e.g. {@code displayAs(chart, "image/svg+xml")}. */
    public static String displayAs(Object value, String... mimeTypes) {
        if (mimeTypes.length == 0) {
            throw new IllegalArgumentException("displayAs: give at least one MIME type, e.g. \"image/svg+xml\"");
        }
        return Display.showAs(value, mimeTypes);
    }

    /** Replaces what the display with this id shows. */
    public static void updateDisplay(String displayId, Object value) {
        Display.update(displayId, value);
    }

    /** Clears this cell's output now, as IPython's {@code clear_output()}. */
    public static void clearOutput() {
        Display.clear(false);
    }

    /** Clears this cell's output; {@code wait}: when the next output arrives (for a cell that redraws in a loop). */
    public static void clearOutput(boolean wait) {
        Display.clear(wait);
    }

    /**
     * A line typed by the user, asked for in the front end with {@code prompt} (IPython's {@code input}); blocks until
     * it comes; an interrupt stops the wait. {@code System.in} (a {@code Scanner}, {@code read()}) asks the same way.
     *
     * @throws Stdin.StdinNotAllowedException where the front end does not take input (a headless run)
     */
    public static String input(String prompt) {
        return Stdin.readLine(prompt, false);
    }

    /** As {@link #input(String)}, with the typing hidden (IPython's {@code getpass}). */
    public static String password(String prompt) {
        return Stdin.readLine(prompt, true);
    }

    public static Html html(String html) {
        return new Html(html);
    }

    public static Markdown markdown(String markdown) {
        return new Markdown(markdown);
    }

    public static Image image(BufferedImage image) {
        return Image.of(image);
    }

    public static Image image(byte[] bytes) {
        return Image.fromBytes(bytes);
    }

    public static Image image(Path file) {
        return Image.read(file);
    }

    public static Image image(String file) {
        return Image.read(Path.of(file));
    }

    /** A progress bar shown now; call {@code step()} as work is done and {@code close()} at the end. */
    public static Progress progress(String label, long total) {
        return Progress.start(label, total);
    }

    /**
     * The notebook budget for this environment, as every notebook has read it so far: {@code "small"} when
     * {@code ASSAY_BUDGET} is exactly {@code small} or {@code CI} is exactly {@code true} (the test suite and CI),
     * else {@code "full"} — also for any other value of either, such as {@code ASSAY_BUDGET=SMALL} or {@code tiny}.
     * Cells call {@code budget()}, defined in the start-up script with {@link System#getenv()}.
     */
    public static String budgetOf(java.util.Map<String, String> env) {
        boolean small = "small".equals(env.get("ASSAY_BUDGET")) || "true".equals(env.get("CI"));
        return small ? "small" : "full";
    }

    /**
     * Significant digits of the floating-point cells in every table shown from now on (records, lists of records,
     * maps, Tablesaw tables; 4 at start, 17 shows a double exactly). A value's text form stays exact.
     */
    public static void displayDigits(int n) {
        org.assay.base.Numbers.setDigits(n);
    }

    /** Iterates over the items with a progress bar. */
    public static <T> Iterable<T> progress(String label, Iterable<T> items) {
        return Progress.over(label, items);
    }
}
