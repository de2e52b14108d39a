package org.assay.kernel;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.Collections;
import jdk.jshell.Diag;

/**
 * Turns compile diagnostics and exceptions into what a user can read: the cell's line and column with the code
 * marked, and stack traces cut to the user's frames, with cell frames named by cell and line.
 */
public final class Errors {
    static final String RED = "\u001b[0;31m";
    static final String BOLD_RED = "\u001b[1;31m";
    static final String GREEN = "\u001b[0;32m";
    static final String RESET = "\u001b[0m";
    private static final int MAX_FRAMES = 30;

    /** Where a snippet came from: "cell [3]" or a file, and the line its source starts on (1-based). */
    record Origin(String label, int firstLine) {
    }

    private Errors() {
    }

    static CellError compile(List<Diag> diags, String text, int snippetStart, String label) {
        List<String> lines = new ArrayList<>();
        String first = null;
        for (Diag d : diags) {
            if (!d.isError()) {
                continue;
            }
            String message = d.getMessage(Locale.ROOT);
            long start = d.getStartPosition() >= 0 ? d.getStartPosition() : d.getPosition();
            long end = Math.max(d.getEndPosition(), start + 1);
            int pos = (int) Math.max(0, Math.min(text.length(), snippetStart + Math.max(0, start)));
            int lineStart = text.lastIndexOf('\n', pos - 1) + 1;
            int lineEnd = text.indexOf('\n', pos);
            if (lineEnd < 0) {
                lineEnd = text.length();
            }
            int line = lineOf(text, lineStart);
            int col = pos - lineStart + 1;
            int markEnd = (int) Math.min(lineEnd, snippetStart + end);
            String gutter = String.format(Locale.ROOT, "%4d | ", line);
            lines.add(BOLD_RED + "error" + RESET + " in " + label + ", line " + line + ", column " + col + ": " + message);
            lines.add(gutter + text.substring(lineStart, lineEnd));
            lines.add(" ".repeat(gutter.length() + col - 1) + RED + "^".repeat(Math.max(1, markEnd - pos)) + RESET);
            if (first == null) {
                first = message + " (line " + line + ", column " + col + ")";
            }
        }
        if (first == null) {
            first = "the code could not be compiled";
            lines.add(first);
        }
        return new CellError("CompilationException", first, lines);
    }

    /** The 1-based line of a position in a text. */
    static int lineOf(String text, int position) {
        int end = Math.min(position, text.length());
        int line = 1;
        for (int i = 0; i < end; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /**
     * @param t          the exception as thrown (for names and messages)
     * @param translated JShell's copy of it, whose cell frames carry the snippet id ({@code #12}) and the line within
     *                   the snippet; null to use the raw frames
     */
    static CellError runtime(Throwable t, Throwable translated, Map<String, Origin> origins) {
        List<String> lines = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        String prefix = "";
        Throwable mapped = translated;
        for (Throwable cur = t; cur != null && seen.add(cur); cur = cur.getCause()) {
            lines.add(prefix + BOLD_RED + cur.getClass().getName() + RESET
                    + (cur.getMessage() != null ? ": " + cur.getMessage() : ""));
            appendFrames(lines, cur.getStackTrace(), mapped == null ? new StackTraceElement[0] : mapped.getStackTrace(),
                    origins);
            mapped = mapped == null ? null : mapped.getCause();
            prefix = "Caused by: ";
        }
        return new CellError(t.getClass().getName(), t.getMessage() == null ? "" : t.getMessage(), lines);
    }

    /**
     * An error without a stack: {@code ename: evalue} with the name in bold red, as IPython shows errors, then any
     * more lines (a hint) as they are.
     */
    public static CellError simple(String ename, String evalue, String... more) {
        List<String> lines = new ArrayList<>(List.of(BOLD_RED + ename + RESET + ": " + evalue));
        lines.addAll(List.of(more));
        return new CellError(ename, evalue, lines);
    }

    /**
     * Keeps frames down to the last one in cell code; the kernel's and reflection's frames below it are hidden.
     * If no frame is in cell code (an error inside the kernel on the user's behalf), keeps the top frames.
     */
    private static void appendFrames(List<String> lines, StackTraceElement[] frames, StackTraceElement[] translated,
                                     Map<String, Origin> origins) {
        int last = -1;
        for (int i = 0; i < frames.length; i++) {
            if (isCellFrame(frames[i])) {
                last = i;
            }
        }
        int keep = last >= 0 ? last + 1 : Math.min(frames.length, 5);
        int shown = 0;
        for (int i = 0; i < keep; i++) {
            StackTraceElement f = frames[i];
            if (f.getClassName().startsWith("org.assay.kernel.exec.Guard")) {
                continue;
            }
            if (shown++ == MAX_FRAMES) {
                lines.add("    ... " + (keep - i) + " more frames");
                break;
            }
            StackTraceElement t = i < translated.length ? translated[i] : null;
            lines.add("    at " + describe(f, t, origins));
        }
    }

    static boolean isCellFrame(StackTraceElement f) {
        return f.getClassName().startsWith("REPL.");
    }

    /** A cell frame as "cell [3], line 2 in divide()"; JShell's translated frame knows the snippet and its line. */
    private static String describe(StackTraceElement f, StackTraceElement translated, Map<String, Origin> origins) {
        if (!isCellFrame(f)) {
            return f.toString();
        }
        boolean mapped = translated != null && translated.getFileName() != null
                && translated.getFileName().startsWith("#");
        String file = mapped ? translated.getFileName() : null;
        int snippetLine = mapped ? translated.getLineNumber() : -1;
        Origin origin = file != null && file.startsWith("#") ? origins.get(file.substring(1)) : null;
        String method = f.getMethodName();
        String where = origin == null ? "cell" : origin.label();
        String line = snippetLine > 0 && origin != null
                ? ", line " + (origin.firstLine() + snippetLine - 1)
                : "";
        boolean topLevel = method.equals("do_it$") || method.startsWith("lambda$do_it$");
        return GREEN + where + line + RESET + (topLevel ? "" : " in " + method.replaceAll("^lambda\\$(.*)\\$\\d+$", "lambda in $1") + "()");
    }
}
