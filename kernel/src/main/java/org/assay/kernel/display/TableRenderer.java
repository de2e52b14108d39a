package org.assay.kernel.display;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.assay.display.MimeBundle;
import org.assay.display.Renderer;
import org.assay.base.HtmlText;
import org.assay.base.Numbers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.FloatColumn;
import tech.tablesaw.api.NumberColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/** Tablesaw tables as HTML: all rows when short, head and tail with the row count when long. */
public final class TableRenderer implements Renderer<Table> {
    static final int MAX_ROWS = 30;
    static final int EDGE_ROWS = 10;

    @Override
    public Class<Table> type() {
        return Table.class;
    }

    @Override
    public MimeBundle render(Table table, Set<String> requested) {
        int n = table.rowCount();
        List<String> header = new ArrayList<>(table.columnNames());
        List<List<String>> rows = new ArrayList<>();
        boolean cut = n > MAX_ROWS;
        for (int r = 0; r < n; r++) {
            if (cut && r == EDGE_ROWS) {
                rows.add(null);
                r = n - EDGE_ROWS;
            }
            List<String> row = new ArrayList<>(header.size());
            for (int c = 0; c < table.columnCount(); c++) {
                row.add(HtmlText.escape(cell(table.column(c), r)));
            }
            rows.add(row);
        }
        String name = table.name() == null || table.name().isBlank() ? "" : table.name() + ": ";
        String caption = name + n + " rows × " + table.columnCount() + " columns";
        String text = (cut ? table.first(EDGE_ROWS).printAll() + "\n...\n" + table.last(EDGE_ROWS).printAll()
                : table.printAll()) + "\n" + caption;
        return MimeBundle.html(HtmlTables.table(caption, header, rows), text);
    }

    /** Floating-point cells to {@link Numbers#digits()} significant digits; missing cells and others as Tablesaw's. */
    private static String cell(Column<?> column, int r) {
        boolean floating = column instanceof DoubleColumn || column instanceof FloatColumn;
        if (floating && !column.isMissing(r)) {
            return Numbers.format(((NumberColumn<?, ?>) column).getDouble(r));
        }
        return column.getString(r);
    }
}
