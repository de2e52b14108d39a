package org.assay.lib.runs;

import java.lang.reflect.RecordComponent;
import java.util.Map;
import org.assay.base.Names;
import org.assay.base.Records;

/**
 * The one rule for metric keys: a record's component name in snake case ({@code gradNorm} is {@code grad_norm},
 * {@code valBpb} is {@code val_bpb}), the vocabulary of nanoGPT and TRL. Each loop's per-step metrics are a record,
 * written to {@code metrics.jsonl} by {@link #toMap} and read back by {@link #fromMap} or by the keys {@link #key}
 * gives, so no key is spelled out a second time.
 */
public final class Metrics {
    private Metrics() {
    }

    /** The key of {@code type}'s component {@code component}; fails at once if there is no such component. */
    public static String key(Class<? extends Record> type, String component) {
        return Records.key(type, component);
    }

    /** The record's components by key, in declaration order; a {@code null} component (not measured) is left out. */
    public static Map<String, Object> toMap(Record r) {
        return Records.toMap(r, false);
    }

    /**
     * A record from what {@link #toMap} wrote (or a JSON object of it): numbers are converted to the component's type;
     * a missing key is {@code null} for a boxed component, NaN for a double, 0 for an integer, false for a boolean.
     */
    public static <R extends Record> R fromMap(Class<R> type, Map<String, ?> m) {
        RecordComponent[] cs = type.getRecordComponents();
        Object[] args = new Object[cs.length];
        Class<?>[] types = new Class<?>[cs.length];
        for (int i = 0; i < cs.length; i++) {
            types[i] = cs[i].getType();
            args[i] = convert(type, cs[i], m.get(Names.snake(cs[i].getName())));
        }
        try {
            return type.getDeclaredConstructor(types).newInstance(args);
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException("Metrics.fromMap: cannot make a " + type.getSimpleName() + " of " + m
                    + ": " + cause.getMessage(), cause);
        }
    }

    private static Object convert(Class<?> owner, RecordComponent c, Object v) {
        Class<?> t = c.getType();
        if (v == null) {
            if (t == double.class) {
                return Double.NaN;
            }
            if (t == long.class) {
                return 0L;
            }
            if (t == int.class) {
                return 0;
            }
            if (t == boolean.class) {
                return false;
            }
            return null;
        }
        if (v instanceof Number n) {
            if (t == double.class || t == Double.class) {
                return n.doubleValue();
            }
            if (t == long.class || t == Long.class) {
                return n.longValue();
            }
            if (t == int.class || t == Integer.class) {
                return n.intValue();
            }
        }
        if (t == java.nio.file.Path.class && v instanceof String s) {
            return java.nio.file.Path.of(s);
        }
        if (t.isInstance(v) || (t == boolean.class && v instanceof Boolean)) {
            return v;
        }
        throw new IllegalArgumentException("Metrics.fromMap: " + owner.getSimpleName() + "." + c.getName() + " ('"
                + Names.snake(c.getName()) + "') must be a " + t.getSimpleName() + ", got " + v);
    }
}
