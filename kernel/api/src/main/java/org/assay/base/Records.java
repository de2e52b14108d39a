package org.assay.base;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Records as rows of named values, the one rule by which a metric key, a file's key and a table's column are spelled:
 * a record component's name in snake case ({@link Names#snake}). Used by the run logs' metrics and by the evaluation
 * tables, so a column is defined once, by the component.
 */
public final class Records {
    private Records() {
    }

    /** The key of {@code type}'s component {@code component}; fails at once if there is no such component. */
    public static String key(Class<? extends Record> type, String component) {
        for (RecordComponent c : type.getRecordComponents()) {
            if (c.getName().equals(component)) {
                return Names.snake(component);
            }
        }
        throw new IllegalArgumentException("Records.key: " + type.getSimpleName() + " has no component '" + component
                + "'");
    }

    /**
     * The record's components by key, in declaration order; a {@link Path} as its string. A {@code null} component is
     * kept (as {@code null}) when {@code keepNulls}, otherwise left out (not measured).
     */
    public static Map<String, Object> toMap(Record r, boolean keepNulls) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object v = value(r, c);
            if (v != null || keepNulls) {
                m.put(Names.snake(c.getName()), v instanceof Path p ? p.toString() : v);
            }
        }
        return m;
    }

    /** The value of one component of {@code r}. */
    public static Object value(Record r, RecordComponent c) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Records: cannot read " + c.getName() + " of " + r, e);
        }
    }
}
