package org.assay.kernel;

import org.assay.display.MimeBundle;

/** Where a {@link Session} sends what a cell prints and displays while it runs. */
public interface SessionOutput {

    /** @param name {@code "stdout"} or {@code "stderr"} */
    void stream(String name, String text);

    /** Shows a bundle; {@code update} replaces the display with the same id in place. */
    void display(MimeBundle bundle, String displayId, boolean update);

    /** Clears the cell's output, now or ({@code wait}) when the next output arrives; ignored where it cannot. */
    default void clear(boolean wait) {
    }

    /**
     * A line typed in the front end (for {@code System.in} and {@code input(...)}), asked for with {@code prompt};
     * blocks until it comes or the cell is stopped.
     *
     * @throws Stdin.StdinNotAllowedException where the front end does not take input
     */
    default String readLine(String prompt, boolean password) {
        throw new Stdin.StdinNotAllowedException("System.in: this output (" + getClass().getSimpleName()
                + ") has no front end to ask for input");
    }
}
