package org.assay.kernel.display;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assay.display.MimeBundle;
import org.assay.display.Renderer;

/** A map as a key/value table (the first {@value #MAX_ENTRIES} entries, with the size). */
@SuppressWarnings("rawtypes")
public final class MapRenderer implements Renderer<Map> {
    static final int MAX_ENTRIES = 100;

    @Override
    public Class<Map> type() {
        return Map.class;
    }

    @Override
    public MimeBundle render(Map map, Set<String> requested) {
        List<List<String>> rows = new ArrayList<>();
        int i = 0;
        for (Object o : map.entrySet()) {
            if (i++ == MAX_ENTRIES) {
                rows.add(null);
                break;
            }
            Map.Entry e = (Map.Entry) o;
            rows.add(List.of("<b>" + HtmlTables.cell(e.getKey()) + "</b>", HtmlTables.cell(e.getValue())));
        }
        String caption = map.getClass().getSimpleName() + ", " + map.size() + (map.size() == 1 ? " entry" : " entries");
        return MimeBundle.html(HtmlTables.table(caption, List.of("key", "value"), rows), Renderers.text(map));
    }
}
