package org.assay.kernel.display;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.assay.display.MimeBundle;
import org.assay.display.Renderer;
import org.assay.base.HtmlText;

/** A record as a two-column table of its components, named as in the source. */
public final class RecordRenderer implements Renderer<Record> {

    @Override
    public Class<Record> type() {
        return Record.class;
    }

    @Override
    public MimeBundle render(Record record, Set<String> requested) {
        List<List<String>> rows = new ArrayList<>();
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            rows.add(List.of("<b>" + HtmlText.escape(c.getName()) + "</b>", HtmlTables.cell(value(record, c))));
        }
        return MimeBundle.html(HtmlTables.table(record.getClass().getSimpleName(), List.of("field", "value"), rows),
                Renderers.text(record));
    }

    static Object value(Record record, RecordComponent c) {
        try {
            var accessor = c.getAccessor();
            accessor.setAccessible(true);
            return accessor.invoke(record);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "<unreadable: " + e + ">";
        }
    }
}
