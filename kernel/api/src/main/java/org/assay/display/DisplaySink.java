package org.assay.display;

import java.util.Set;

/**
 * Where {@link Display} sends values. The kernel installs one that publishes Jupyter display messages;
 * outside a kernel the default prints plain text.
 */
public interface DisplaySink {

    /**
     * @param value     the value to show (rendered by the sink)
     * @param displayId the display id, never null
     * @param update    true to replace an existing display with this id in place
     * @param requested MIME types asked for explicitly, or empty
     */
    void show(Object value, String displayId, boolean update, Set<String> requested);

    /**
     * Clears the output of the running cell (Jupyter's {@code clear_output}); {@code wait}: only when the next
     * output arrives, so an animation does not flicker. A sink that cannot clear (a terminal, a log) ignores it.
     */
    default void clear(boolean wait) {
    }

    /** True when displays can be updated in place (a notebook); false for a terminal or a log. */
    boolean isInteractive();
}
