package org.assay.evals;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import org.assay.base.Names;
import org.assay.base.Records;

/**
 * Rows as records, so a table's columns and a file's keys are defined once, by the record's components: the name in
 * snake case ({@code promptTokens} is {@code prompt_tokens}), a column of the component's type (String, int, double,
 * boolean; a null String is an empty cell).
 */
public final class RecordRows {
    private RecordRows() {
    }

    /** The record's components by snake-case key, in declaration order (nulls kept). */
    public static Map<String, Object> map(Record r) {
        return Records.toMap(r, true);
    }

    /** A table with one column per component of {@code type} and one row per record. */
    public static <R extends Record> Table table(String name, Class<R> type, List<R> rows) {
        RecordComponent[] cs = type.getRecordComponents();
        Column<?>[] columns = new Column<?>[cs.length];
        for (int i = 0; i < cs.length; i++) {
            String key = Names.snake(cs[i].getName());
            Class<?> t = cs[i].getType();
            columns[i] = t == int.class ? IntColumn.create(key) : t == double.class ? DoubleColumn.create(key)
                    : t == boolean.class ? BooleanColumn.create(key) : StringColumn.create(key);
        }
        for (R r : rows) {
            for (int i = 0; i < cs.length; i++) {
                Object v = Records.value(r, cs[i]);
                if (columns[i] instanceof IntColumn c) {
                    c.append((int) v);
                } else if (columns[i] instanceof DoubleColumn c) {
                    c.append((double) v);
                } else if (columns[i] instanceof BooleanColumn c) {
                    c.append((boolean) v);
                } else {
                    ((StringColumn) columns[i]).append(v == null ? "" : String.valueOf(v));
                }
            }
        }
        return Table.create(name, columns);
    }
}
