package org.assay.kernel.display;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import org.assay.display.MimeBundle;
import org.assay.display.Renderer;

/**
 * A map as a key/value table (the first {@value #MAX_ENTRIES} entries, with the size). A map without an order of its
 * own ({@code Map.of}, {@code HashMap}: their iteration order changes from one JVM to the next) is shown sorted by key,
 * as IPython's pretty printer sorts a dict, so a notebook prints the same thing on every run; a {@code LinkedHashMap},
 * a {@code SortedMap} or an {@code EnumMap} keeps its own order.
 */
@SuppressWarnings("rawtypes")
public final class MapRenderer implements Renderer<Map> {
    static final int MAX_ENTRIES = 100;

    @Override
    public Class<Map> type() {
        return Map.class;
    }

    @Override
    public MimeBundle render(Map map, Set<String> requested) {
        List<Map.Entry> entries = entries(map);
        List<List<String>> rows = new ArrayList<>();
        StringBuilder text = new StringBuilder("{");
        for (int i = 0; i < entries.size(); i++) {
            Map.Entry e = entries.get(i);
            text.append(i == 0 ? "" : ", ").append(Renderers.text(e.getKey())).append('=')
                    .append(Renderers.text(e.getValue()));   // the text shows every entry, as toString() does
            if (i < MAX_ENTRIES) {
                rows.add(List.of("<b>" + HtmlTables.cell(e.getKey()) + "</b>", HtmlTables.cell(e.getValue())));
            } else if (i == MAX_ENTRIES) {
                rows.add(null);
            }
        }
        String caption = name(map.getClass()) + ", " + map.size() + (map.size() == 1 ? " entry" : " entries");
        return MimeBundle.html(HtmlTables.table(caption, List.of("key", "value"), rows), text.append('}').toString());
    }

    /**
     * The class's name where a user could write it (HashMap, TreeMap, their own), else "Map": {@code Map.of} and
     * {@code Collections.unmodifiableMap} return JDK-internal classes ({@code MapN}, {@code UnmodifiableMap}).
     */
    static String name(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
            if (!java.lang.reflect.Modifier.isPublic(c.getModifiers())) {
                return "Map";
            }
        }
        return type.getSimpleName();   // anonymous and local classes are never public: they are "Map" above
    }

    /** The entries in the map's own order where it has one, else sorted by key (comparable keys, else their text). */
    @SuppressWarnings("unchecked")
    static List<Map.Entry> entries(Map map) {
        List<Map.Entry> entries = new ArrayList<>(map.entrySet());
        if (map instanceof SortedMap || map instanceof LinkedHashMap || map instanceof EnumMap) {
            return entries;
        }
        entries.sort((a, b) -> {
            Object x = a.getKey();
            Object y = b.getKey();
            if (x instanceof Comparable && y != null && x.getClass() == y.getClass()) {
                return ((Comparable) x).compareTo(y);
            }
            return String.valueOf(x).compareTo(String.valueOf(y));
        });
        return entries;
    }
}
