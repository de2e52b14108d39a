package org.assay.kernel.display;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.assay.display.MimeBundle;
import org.assay.display.Renderer;

/** A list whose elements are all records of one class, as a table with a column per component. */
@SuppressWarnings("rawtypes")
public final class RecordListRenderer implements Renderer<List> {

    @Override
    public Class<List> type() {
        return List.class;
    }

    @Override
    public MimeBundle render(List list, Set<String> requested) {
        if (list.isEmpty() || !(list.get(0) instanceof Record first)) {
            return null;
        }
        Class<?> type = first.getClass();
        for (Object o : list) {
            if (o == null || o.getClass() != type) {
                return null;
            }
        }
        RecordComponent[] components = type.getRecordComponents();
        List<String> header = new ArrayList<>();
        for (RecordComponent c : components) {
            header.add(c.getName());
        }
        int n = list.size();
        boolean cut = n > TableRenderer.MAX_ROWS;
        List<List<String>> rows = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            if (cut && r == TableRenderer.EDGE_ROWS) {
                rows.add(null);
                r = n - TableRenderer.EDGE_ROWS;
            }
            List<String> row = new ArrayList<>();
            for (RecordComponent c : components) {
                row.add(HtmlTables.cell(RecordRenderer.value((Record) list.get(r), c)));
            }
            rows.add(row);
        }
        String caption = "List<" + type.getSimpleName() + ">, " + n + " rows";
        return MimeBundle.html(HtmlTables.table(caption, header, rows), Renderers.text(list));
    }
}
