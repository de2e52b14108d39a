package org.assay.display;

import java.util.Set;

/**
 * Shows values of one type (and its subtypes) as a {@link MimeBundle}.
 * <p>
 * Modules contribute renderers for their own types through {@link java.util.ServiceLoader}: list the
 * implementation in {@code META-INF/services/org.assay.display.Renderer}. The kernel picks the renderer whose
 * {@link #type()} is closest to the value's class; ties go to the higher {@link #priority()}.
 *
 * @param <T> the type rendered
 */
public interface Renderer<T> {

    Class<T> type();

    /**
     * @param value     never null
     * @param requested MIME types the caller asked for explicitly (empty: the renderer's defaults)
     * @return a bundle; may return {@code null} to decline (the next renderer is tried)
     */
    MimeBundle render(T value, Set<String> requested);

    default int priority() {
        return 0;
    }
}
