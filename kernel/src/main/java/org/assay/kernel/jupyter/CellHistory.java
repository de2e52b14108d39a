package org.assay.kernel.jupyter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;

/**
 * The cells this kernel has run, for {@code history_request}: what front ends show on arrow-up and what
 * {@code %history} and jupyter_client's {@code history()} read. Held in memory for this session only (session 1);
 * earlier sessions are not kept, so a request for one is answered with no entries.
 */
final class CellHistory implements HistoryManager {
    static final int SESSION = 1;

    private record Cell(int number, String input, String output) {
    }

    private final List<Cell> cells = new ArrayList<>();

    /** A cell that ran with {@code store_history}; {@code output} is its result's text, or null. */
    synchronized void record(int number, String input, String output) {
        cells.add(new Cell(number, input, output));
    }

    /** Cells numbered {@code start} (inclusive) to {@code stop} (exclusive; 0 or less: to the last) of a session. */
    @Override
    public synchronized List<HistoryEntry> lookupRange(int session, int start, int stop, Set<ResultFlag> flags) {
        if (session != 0 && session != SESSION) {
            return List.of();
        }
        List<Cell> in = cells.stream().filter(c -> c.number() >= start && (stop <= 0 || c.number() < stop)).toList();
        return entries(in, flags);
    }

    /** The last {@code n} cells. */
    @Override
    public synchronized List<HistoryEntry> lookupTail(int n, Set<ResultFlag> flags) {
        return entries(cells.subList(Math.max(0, cells.size() - Math.max(0, n)), cells.size()), flags);
    }

    /** The last {@code n} cells (every one when n <= 0) whose source matches a glob ({@code *}, {@code ?}). */
    @Override
    public synchronized List<HistoryEntry> search(String glob, int n, Set<ResultFlag> flags) {
        Pattern p = Pattern.compile(globToRegex(glob == null ? "*" : glob), Pattern.DOTALL);
        List<Cell> found = cells.stream().filter(c -> p.matcher(c.input()).matches()).toList();
        if (flags.contains(ResultFlag.UNIQUE)) { // the latest run of each source, in the order of those runs
            Map<String, Cell> latest = new LinkedHashMap<>();
            found.forEach(c -> {
                latest.remove(c.input());
                latest.put(c.input(), c);
            });
            found = List.copyOf(latest.values());
        }
        return entries(n > 0 ? found.subList(Math.max(0, found.size() - n), found.size()) : found, flags);
    }

    private static List<HistoryEntry> entries(List<Cell> in, Set<ResultFlag> flags) {
        boolean output = flags.contains(ResultFlag.INCLUDE_OUTPUT);
        return in.stream().map(c -> new HistoryEntry(SESSION, c.number(), c.input(), output ? c.output() : null))
                .toList();
    }

    static String globToRegex(String glob) {
        StringBuilder r = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            switch (ch) {
                case '*' -> r.append(".*");
                case '?' -> r.append('.');
                default -> r.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return r.toString();
    }
}
