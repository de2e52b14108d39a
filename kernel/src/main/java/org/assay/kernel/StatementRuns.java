package org.assay.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which of a cell's snippets can be compiled together, as one block.
 *
 * <p>JShell compiles each snippet on its own, with four or five javac tasks (parse, a trial compile or a type
 * analysis, analyse, generate), which is most of a cell's time: a cell of five statements costs five times a cell of
 * one. Statements that declare nothing (method calls, assignments, loops) leave nothing behind for JShell to keep, so
 * a run of them can be compiled as one block {@code { a(); b(); for (...) {...} }} with the same effect, as long as
 * every statement but the last can complete normally (JLS 14.22: otherwise the next one is an unreachable statement,
 * a compile error the snippets on their own would not have). So only these start or continue a run:
 * <ul>
 *   <li>a method call or an assignment ({@code chart.addSeries(...)}, {@code x = 2}, {@code a[i] += 1});</li>
 *   <li>a basic {@code for} whose condition tests the variable its initialiser declares (never a constant), and
 *       an enhanced {@code for};</li>
 *   <li>an {@code if} without {@code else}.</li>
 * </ul>
 * Any other statement ({@code while}, {@code try}, a block, ...) may end a run. Declarations, imports, {@code switch}
 * and anything this reading is unsure of are left alone, as is the cell's last snippet when it is an expression:
 * its value is what the cell shows.
 *
 * <p>One behaviour changes, on purpose: a compile error in any statement of a run stops the run before any of it
 * runs, as javac would for a method body, instead of after the statements before it have run.
 */
final class StatementRuns {
    /** How a snippet may take part in a run. */
    enum Kind {
        /** Completes normally: may start, continue or end a run. */
        CONTINUES,
        /** A statement that may not complete normally: may only end a run. */
        ENDS,
        /** A declaration, or not sure: runs on its own. */
        ALONE
    }

    private static final Set<String> ENDING = Set.of("while", "do", "try", "synchronized", "throw", "{");
    private static final Set<String> LITERALS = Set.of("0", "\"", "'", "\"\"\"", "true", "false", "null");
    private static final Set<String> BINARY = Set.of("+", "-", "*", "/", "%", "==", "!=", "&&", "||", "&", "|", "^",
            "?", ">", ">=", "<=", "instanceof");
    private static final Set<String> PRIMITIVES = Set.of("int", "long", "short", "byte", "char", "double", "float");
    private static final Set<String> ASSIGNMENTS = Set.of("=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=",
            ">>=", ">>>=");
    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
            "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends",
            "final", "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int",
            "interface", "long", "native", "new", "package", "private", "protected", "public", "return", "short",
            "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
            "void", "volatile", "while", "true", "false", "null");

    private StatementRuns() {
    }

    /**
     * The cell's snippets with each run of two or more put together as one block snippet, whose {@code start} is its
     * first statement's (so lines in a stack trace are the cell's) and whose {@code prefix} is its opening brace.
     */
    static List<Session.Chunk> merge(String code, List<Session.Chunk> chunks) {
        int n = chunks.size();
        Kind[] kinds = new Kind[n];
        for (int k = 0; k < n; k++) {
            Session.Chunk c = chunks.get(k);
            kinds[k] = c.end() < 0 ? Kind.ALONE : kindOf(c.source());
            if (k == n - 1 && kinds[k] != Kind.ALONE && isExpression(c.source())) {
                kinds[k] = Kind.ALONE; // the cell's value
            }
        }
        List<Session.Chunk> out = new ArrayList<>(n);
        int i = 0;
        while (i < n) {
            int j = i;
            while (j < n && kinds[j] == Kind.CONTINUES) {
                j++;
            }
            int end = j < n && kinds[j] == Kind.ENDS ? j + 1 : j;
            if (end - i < 2) {
                out.add(chunks.get(i));
                i++;
                continue;
            }
            Session.Chunk first = chunks.get(i);
            Session.Chunk last = chunks.get(end - 1);
            String block = "{" + code.substring(first.start(), last.end()) + (last.semicolonAdded() ? ";" : "") + "\n}";
            out.add(new Session.Chunk(block, first.start(), last.end(), false, 1));
            i = end;
        }
        return out;
    }

    /**
     * The cell's last run of statements and its value as one block, {@code { a(); b(); CellValue.set(v); }}: one
     * snippet where {@link #merge} gives two. Null unless the cell ends in statements that complete normally
     * ({@link Kind#CONTINUES}) followed by an expression that surely has a value ({@link #isValue}). The block keeps
     * the cell's text between them, so stack traces give the cell's lines; {@code start} and {@code prefix} as in
     * {@link #merge}. If it does not compile, the kernel runs {@link #merge}'s two snippets instead, so that errors are
     * JShell's own about the code as written.
     */
    static Session.Chunk runWithValue(String code, List<Session.Chunk> chunks) {
        int n = chunks.size();
        Session.Chunk value = n < 2 ? null : chunks.get(n - 1);
        if (value == null || value.end() < 0 || value.prefix() != 0 || !isValue(value.source())) {
            return null;
        }
        int i = n - 1;
        while (i > 0 && chunks.get(i - 1).end() >= 0 && kindOf(chunks.get(i - 1).source()) == Kind.CONTINUES) {
            i--;
        }
        if (i == n - 1) {
            return null;
        }
        Session.Chunk first = chunks.get(i);
        Session.Chunk last = chunks.get(n - 2);
        String block = "{" + code.substring(first.start(), last.end()) + (last.semicolonAdded() ? ";" : "")
                + code.substring(last.end(), value.start())
                + org.assay.kernel.exec.CellValue.call(code.substring(value.start(), value.end())) + "; }";
        return new Session.Chunk(block, first.start(), value.end(), false, 1);
    }

    /** How the snippet {@code source} (one complete snippet, as JShell's analysis cut it) may take part in a run. */
    static Kind kindOf(String source) {
        List<String> t = tokens(source);
        if (t == null || t.isEmpty()) {
            return Kind.ALONE;
        }
        if (";".equals(t.get(t.size() - 1))) {
            t = t.subList(0, t.size() - 1);
        }
        if (t.isEmpty()) {
            return Kind.ALONE;
        }
        String first = t.get(0);
        if ("for".equals(first)) {
            return forLoop(t);
        }
        if ("if".equals(first)) {
            return depthZero(t, "else") ? Kind.ENDS : Kind.CONTINUES;
        }
        if (ENDING.contains(first)) {
            return Kind.ENDS;
        }
        return isExpression(t) ? Kind.CONTINUES : Kind.ALONE;
    }

    /**
     * Whether the snippet is surely an expression with a value (never {@code void}), which the kernel may run as
     * {@code CellValue.set(expr);}: a literal, a name or field or array element ({@code c}, {@code fit.params},
     * {@code xs[0]}), an object made with {@code new} and no call after it, a parenthesised or unary expression, or
     * any of those followed by a binary operator ({@code 1 + 1}, {@code xs.size() * 2}). A call at the end may be
     * {@code void}, an assignment shows nothing, {@code <} may open type arguments: those are left as they are.
     */
    static boolean isValue(String source) {
        List<String> t = tokens(source);
        if (t == null || t.isEmpty()) {
            return false;
        }
        if (";".equals(t.get(t.size() - 1))) {
            t = t.subList(0, t.size() - 1);
        }
        if (t.isEmpty() || t.contains(";") || t.contains("->") || t.contains("{") || t.contains("=")) {
            return false;
        }
        String first = t.get(0);
        if ("-".equals(first) || "!".equals(first) || "~".equals(first)) {
            return true;
        }
        int i;
        if (LITERALS.contains(first) || isIdentifier(first)) {
            i = 1;
        } else if ("(".equals(first)) {
            i = matching(t, 0) + 1;
        } else if ("new".equals(first) && t.size() > 2 && isIdentifier(t.get(1))) {
            i = 2;
            while (i + 1 < t.size() && ".".equals(t.get(i)) && isIdentifier(t.get(i + 1))) {
                i += 2;
            }
            i = i < t.size() && "(".equals(t.get(i)) ? matching(t, i) + 1 : 0;
        } else {
            return false;
        }
        if (i <= 0) {
            return false;
        }
        boolean endsInCall = false;
        while (i < t.size()) {
            String s = t.get(i);
            if (".".equals(s) && i + 1 < t.size() && isIdentifier(t.get(i + 1))) {
                i += 2;
                endsInCall = false;
            } else if ("(".equals(s) || "[".equals(s)) {
                int close = matching(t, i);
                if (close < 0) {
                    return false;
                }
                endsInCall = "(".equals(s);
                i = close + 1;
            } else {
                return BINARY.contains(s);
            }
        }
        return !endsInCall;
    }

    /** Whether the snippet is a call or an assignment: an expression, whose value a cell ending with it shows. */
    static boolean isExpression(String source) {
        List<String> t = tokens(source);
        if (t == null || t.isEmpty()) {
            return false;
        }
        return isExpression(";".equals(t.get(t.size() - 1)) ? t.subList(0, t.size() - 1) : t);
    }

    private static boolean isExpression(List<String> t) {
        return !t.isEmpty() && !t.contains(";") && callOrAssignment(t);
    }

    /** {@code for (init; cond; update)} testing its own variable, or {@code for (T x : xs)}: completes normally. */
    private static Kind forLoop(List<String> t) {
        if (t.size() < 2 || !"(".equals(t.get(1))) {
            return Kind.ALONE;
        }
        int close = matching(t, 1);
        if (close < 0) {
            return Kind.ALONE;
        }
        List<List<String>> parts = new ArrayList<>();
        List<String> part = new ArrayList<>();
        int depth = 0;
        boolean colon = false;
        for (String s : t.subList(2, close)) {
            if ("(".equals(s) || "[".equals(s) || "{".equals(s)) {
                depth++;
            } else if (")".equals(s) || "]".equals(s) || "}".equals(s)) {
                depth--;
            }
            if (depth == 0 && ";".equals(s)) {
                parts.add(part);
                part = new ArrayList<>();
            } else {
                colon |= depth == 0 && ":".equals(s);
                part.add(s);
            }
        }
        parts.add(part);
        if (parts.size() == 1) {
            return colon ? Kind.CONTINUES : Kind.ALONE; // enhanced for: always completes normally
        }
        if (parts.size() != 3) {
            return Kind.ALONE;
        }
        List<String> init = parts.get(0);
        int eq = init.indexOf("=");
        if (init.contains("final") || eq < 2 || !isIdentifier(init.get(eq - 1))) {
            return Kind.ENDS;
        }
        String variable = init.get(eq - 1);
        String before = init.get(eq - 2);
        boolean declares = isIdentifier(before) || PRIMITIVES.contains(before) || "]".equals(before)
                || ">".equals(before);
        return declares && parts.get(1).contains(variable) ? Kind.CONTINUES : Kind.ENDS;
    }

    /**
     * {@code a.b(...).c(...)}, {@code new A(...).b()}, {@code a.b[i] = ...}: a chain of names, calls and indexes
     * that ends in a call, or is assigned to. A generic call ({@code a.<T>b()}) or an anonymous class is not read.
     */
    private static boolean callOrAssignment(List<String> t) {
        int i = 0;
        String first = t.get(0);
        if ("new".equals(first)) {
            i = 1;
            if (i >= t.size() || !isIdentifier(t.get(i))) {
                return false;
            }
            i++;
            while (i + 1 < t.size() && ".".equals(t.get(i)) && isIdentifier(t.get(i + 1))) {
                i += 2;
            }
            if (i >= t.size() || !"(".equals(t.get(i))) {
                return false;
            }
            i = matching(t, i) + 1;
            if (i <= 0 || i < t.size() && "{".equals(t.get(i))) {
                return false;
            }
        } else if (isIdentifier(first) || "this".equals(first) || "super".equals(first)) {
            i = 1;
        } else {
            return false;
        }
        boolean endsInCall = "new".equals(first);
        while (i < t.size()) {
            String s = t.get(i);
            if (".".equals(s) && i + 1 < t.size() && isIdentifier(t.get(i + 1))) {
                i += 2;
                endsInCall = false;
            } else if ("(".equals(s) || "[".equals(s)) {
                int close = matching(t, i);
                if (close < 0) {
                    return false;
                }
                endsInCall = "(".equals(s);
                i = close + 1;
            } else if (ASSIGNMENTS.contains(s)) {
                return !endsInCall && i + 1 < t.size();
            } else {
                return false;
            }
        }
        return endsInCall;
    }

    private static boolean depthZero(List<String> t, String token) {
        int depth = 0;
        for (String s : t) {
            if ("(".equals(s) || "[".equals(s) || "{".equals(s)) {
                depth++;
            } else if (")".equals(s) || "]".equals(s) || "}".equals(s)) {
                depth--;
            } else if (depth == 0 && token.equals(s)) {
                return true;
            }
        }
        return false;
    }

    /** The index of the bracket closing the one at {@code open}, or -1. */
    private static int matching(List<String> t, int open) {
        int depth = 0;
        for (int i = open; i < t.size(); i++) {
            String s = t.get(i);
            if ("(".equals(s) || "[".equals(s) || "{".equals(s)) {
                depth++;
            } else if (")".equals(s) || "]".equals(s) || "}".equals(s)) {
                if (--depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static boolean isIdentifier(String s) {
        return !s.isEmpty() && Character.isJavaIdentifierStart(s.codePointAt(0)) && !KEYWORDS.contains(s);
    }

    /**
     * Java tokens, enough for the reading above: names, literals (each as one token), comments skipped, operators
     * (the assignment ones whole, others a character each). Null when a literal or comment does not end.
     */
    static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (s.startsWith("//", i)) {
                int nl = s.indexOf('\n', i);
                i = nl < 0 ? n : nl + 1;
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                if (end < 0) {
                    return null;
                }
                i = end + 2;
            } else if (s.startsWith("\"\"\"", i)) {
                int end = i + 3;
                while (true) {
                    end = s.indexOf("\"\"\"", end);
                    if (end < 0) {
                        return null;
                    }
                    if (!escaped(s, end)) {
                        break;
                    }
                    end++;
                }
                out.add("\"\"\"");
                i = end + 3;
            } else if (c == '"' || c == '\'') {
                int end = i + 1;
                while (end < n && (s.charAt(end) != c || escaped(s, end))) {
                    if (s.charAt(end) == '\n') {
                        return null;
                    }
                    end++;
                }
                if (end >= n) {
                    return null;
                }
                out.add(String.valueOf(c));
                i = end + 1;
            } else if (Character.isJavaIdentifierStart(c)) {
                int end = i + 1;
                while (end < n && Character.isJavaIdentifierPart(s.charAt(end))) {
                    end++;
                }
                out.add(s.substring(i, end));
                i = end;
            } else if (Character.isDigit(c)) {
                int end = i + 1;
                while (end < n && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_'
                        || s.charAt(end) == '.')) {
                    end++;
                }
                out.add("0");
                i = end;
            } else {
                String op = null;
                for (String a : new String[] {">>>=", "<<=", ">>=", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=",
                        "%=", "&=", "|=", "^=", "->", "::", "++", "--", "&&", "||"}) {
                    if (s.startsWith(a, i)) {
                        op = a;
                        break;
                    }
                }
                if (op == null) {
                    op = String.valueOf(c);
                }
                out.add(op);
                i += op.length();
            }
        }
        return out;
    }

    /** Whether the character at {@code at} follows an odd number of backslashes. */
    private static boolean escaped(String s, int at) {
        int k = at - 1;
        while (k >= 0 && s.charAt(k) == '\\') {
            k--;
        }
        return (at - 1 - k) % 2 == 1;
    }
}
