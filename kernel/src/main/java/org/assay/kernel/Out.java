package org.assay.kernel;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Earlier cells' results, by execution count, as IPython's {@code Out[3]} and {@code _}: {@code Out.get(3)} is the
 * value cell [3] showed, {@code Out.last()} the latest one. The type is inferred where the value goes, so
 * {@code double loss = Out.get(3);} needs no cast. The newest {@link #KEPT} results are kept (IPython's
 * {@code cache_size}); older ones are let go so their memory can be reclaimed.
 */
public final class Out {
    /** How many results are kept. */
    public static final int KEPT = 1000;

    private static final TreeMap<Integer, Object> results = new TreeMap<>();

    private Out() {
    }

    /** Records what cell [{@code executionCount}] showed; a rerun of a count replaces it. */
    static synchronized void record(int executionCount, Object value) {
        results.put(executionCount, value);
        while (results.size() > KEPT) {
            results.pollFirstEntry();
        }
    }

    /** Forgets every result (a new session). */
    static synchronized void clear() {
        results.clear();
    }

    /** The value cell [{@code n}] showed as its result. */
    @SuppressWarnings("unchecked")
    public static synchronized <T> T get(int n) {
        if (!results.containsKey(n)) {
            throw new IllegalArgumentException("Out.get: cell [" + n + "] has no result (" + known() + ")");
        }
        return (T) results.get(n);
    }

    /** The latest result shown, as IPython's {@code _}. */
    @SuppressWarnings("unchecked")
    public static synchronized <T> T last() {
        if (results.isEmpty()) {
            throw new IllegalStateException("Out.last: no cell has shown a result yet");
        }
        return (T) results.lastEntry().getValue();
    }

    /** Every kept result, execution count to value, oldest first (a copy). */
    public static synchronized Map<Integer, Object> all() {
        return Collections.unmodifiableMap(new TreeMap<>(results));
    }

    private static String known() {
        if (results.isEmpty()) {
            return "no cell has shown a result yet";
        }
        String counts = results.keySet().stream().map(String::valueOf).collect(Collectors.joining(", "));
        return "cells with results: " + (results.size() > 20 ? results.firstKey() + " to " + results.lastKey()
                + " (" + results.size() + ")" : counts);
    }
}
