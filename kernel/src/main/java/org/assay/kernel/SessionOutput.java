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
}
