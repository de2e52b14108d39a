package org.assay.kernel.display;

import java.lang.reflect.Array;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import org.assay.display.MimeBundle;
import org.assay.display.Renderable;
import org.assay.display.Renderer;
import org.assay.kernel.exec.Guard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.assay.base.HtmlText;

/**
 * The renderer registry: every {@link Renderer} found by {@link ServiceLoader} (the kernel's own for charts, tables,
 * records and maps, and those other modules or {@code %classpath} jars contribute), chosen by closeness of type.
 * Rendering never fails silently: a renderer that throws yields a bundle that shows its error.
 */
public final class Renderers {
    private static final Logger LOG = LoggerFactory.getLogger(Renderers.class);
    static final int MAX_TEXT = 20_000;

    private volatile List<Renderer<?>> renderers = List.of();

    public Renderers(ClassLoader loader) {
        reload(loader);
    }

    /** Finds renderers again, e.g. after jars were added to the class path. */
    @SuppressWarnings("rawtypes")
    public void reload(ClassLoader loader) {
        List<Renderer<?>> found = new ArrayList<>();
        ServiceLoader<Renderer> services = ServiceLoader.load(Renderer.class, loader);
        for (var it = services.iterator(); ; ) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError e) {
                LOG.warn("Skipping a renderer that cannot be loaded: {}", e.getMessage());
            }
        }
        renderers = List.copyOf(found);
    }

    public MimeBundle render(Object value) {
        return render(value, Set.of());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public MimeBundle render(Object value, Set<String> requested) {
        if (value == null) {
            return MimeBundle.text("null");
        }
        if (value instanceof MimeBundle bundle) {
            return bundle;
        }
        if (value instanceof Renderable r) {
            try {
                return withText(r.toMimeBundle(), value);
            } catch (Throwable t) {
                rethrowIfStopped(t);
                return failed(value.getClass().getName() + ".toMimeBundle", value, t);
            }
        }
        List<Renderer<?>> candidates = new ArrayList<>();
        for (Renderer<?> r : renderers) {
            if (r.type().isInstance(value)) {
                candidates.add(r);
            }
        }
        candidates.sort(Comparator.<Renderer<?>>comparingInt(r -> distance(value.getClass(), r.type()))
                .thenComparing(Comparator.<Renderer<?>>comparingInt(Renderer::priority).reversed()));
        for (Renderer r : candidates) {
            try {
                MimeBundle b = r.render(value, requested);
                if (b != null && !b.isEmpty()) {
                    return withText(b, value);
                }
            } catch (Throwable t) {
                rethrowIfStopped(t);
                return failed(r.getClass().getName(), value, t);
            }
        }
        return MimeBundle.text(text(value));
    }

    /** Plain text for any value: arrays deeply, long strings cut. */
    public static String text(Object value) {
        String s;
        try {
            s = value != null && value.getClass().isArray() ? arrayText(value) : String.valueOf(value);
        } catch (Throwable t) {
            rethrowIfStopped(t);
            s = value.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(value))
                    + " (toString threw " + t + ")";
        }
        return s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) + "... (" + s.length() + " chars)" : s;
    }

    /** An interrupt is not a renderer failure to show: it must reach the code that stops the cell. */
    private static void rethrowIfStopped(Throwable t) {
        if (t instanceof Guard.CellInterrupted stop) {
            throw stop;
        }
    }

    private static String arrayText(Object array) {
        if (array instanceof Object[] objects) {
            return java.util.Arrays.deepToString(objects);
        }
        StringBuilder b = new StringBuilder("[");
        int n = Array.getLength(array);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(Array.get(array, i));
        }
        return b.append(']').toString();
    }

    private static MimeBundle withText(MimeBundle b, Object value) {
        if (b == null || b.isEmpty()) {
            return MimeBundle.text(text(value));
        }
        if (!b.has(MimeBundle.TEXT)) {
            b.put(MimeBundle.TEXT, text(value));
        }
        return b;
    }

    private static MimeBundle failed(String who, Object value, Throwable t) {
        LOG.debug("renderer {} failed", who, t);
        String message = "renderer " + who + " failed on " + value.getClass().getName() + ": " + t;
        String fallback = text(value);
        return new MimeBundle()
                .put(MimeBundle.HTML, "<div style='color:#b00;font-family:monospace'>" + HtmlText.escape(message)
                        + "</div><pre>" + HtmlText.escape(fallback) + "</pre>")
                .put(MimeBundle.TEXT, message + "\n" + fallback);
    }

    /** How many steps up the type hierarchy from {@code cls} to {@code target}; closer renderers win. */
    static int distance(Class<?> cls, Class<?> target) {
        Deque<Class<?>> level = new ArrayDeque<>(List.of(cls));
        Set<Class<?>> seen = new HashSet<>();
        for (int depth = 0; !level.isEmpty(); depth++) {
            Deque<Class<?>> next = new ArrayDeque<>();
            for (Class<?> c : level) {
                if (c == target) {
                    return depth;
                }
                if (seen.add(c)) {
                    if (c.getSuperclass() != null) {
                        next.add(c.getSuperclass());
                    }
                    next.addAll(List.of(c.getInterfaces()));
                }
            }
            level = next;
        }
        return Integer.MAX_VALUE;
    }
}
