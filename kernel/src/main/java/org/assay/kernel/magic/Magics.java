package org.assay.kernel.magic;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assay.kernel.Errors;
import org.assay.kernel.ExecutionResult;
import org.assay.kernel.Session;

/**
 * IPython-style magics: the registry, and the running of cells with magics in them. A line starting with
 * {@code %name} is a line magic, wherever it is in the cell; a cell whose first line is {@code %%name} is a cell
 * magic. Java code between magic lines runs as usual, in order. Each magic is its own small class
 * ({@link LineMagic}, {@link CellMagic}), as in jjava.
 */
public final class Magics {
    private static final Pattern LINE_MAGIC = Pattern.compile("^[ \\t]*%([A-Za-z_][\\w-]*)(.*)$");
    private static final Pattern CELL_MAGIC = Pattern.compile("^[ \\t]*%%([A-Za-z_][\\w-]*)(.*)$");
    private static final Pattern MAGIC_PREFIX = Pattern.compile("[ \\t]*(%%?)([\\w-]*)");

    private final Session session;
    private final Map<String, LineMagic> lineMagics = new TreeMap<>();
    private final Map<String, CellMagic> cellMagics = new TreeMap<>();
    private final Map<String, String> usages = new TreeMap<>();
    private final MavenResolver maven = new MavenResolver();

    public Magics(Session session) {
        this.session = session;
        register(new ClasspathMagic(session, "classpath", "%classpath PATH...  add jars or folders (globs allowed) to the"
                + " class path"));
        register(new ClasspathMagic(session, "jars", "%jars PATH...  add jar files (globs allowed) to the class path"));
        register(new MavenMagic(session, maven));
        register(new MavenRepoMagic(maven));
        register(new LoadMagic(this));
        register(new TimeMagic(session));
        register(new LsmagicMagic(this));
        register(new HelpMagic(this));
        register(new TimeCellMagic(session, this));
    }

    /** Adds a line magic, or replaces the one of that name. */
    public void register(LineMagic magic) {
        lineMagics.put(magic.name(), magic);
        usages.put("%" + magic.name(), magic.usage());
    }

    /** Adds a cell magic, or replaces the one of that name. */
    public void register(CellMagic magic) {
        cellMagics.put(magic.name(), magic);
        usages.put("%%" + magic.name(), magic.usage());
    }

    Set<String> lineMagicNames() {
        return Collections.unmodifiableSet(lineMagics.keySet());
    }

    Set<String> cellMagicNames() {
        return Collections.unmodifiableSet(cellMagics.keySet());
    }

    /**
     * Magic names for a cursor right after {@code %} or {@code %%} and part of a name, else null: line magics on any
     * line, cell magics on the first; the matches replace from the {@code %} to the cursor.
     */
    public Session.Completion completeName(String code, int cursor) {
        int lineStart = code.lastIndexOf('\n', cursor - 1) + 1;
        Matcher m = MAGIC_PREFIX.matcher(code.substring(lineStart, cursor));
        if (!m.matches()) {
            return null;
        }
        String typed = m.group(1) + m.group(2);
        List<String> names = new ArrayList<>();
        if (m.group(1).equals("%")) {
            lineMagics.keySet().forEach(n -> names.add("%" + n));
        }
        if (lineStart == 0) {
            cellMagics.keySet().forEach(n -> names.add("%%" + n));
        }
        List<String> matches = names.stream().filter(n -> n.startsWith(typed)).toList();
        return new Session.Completion(matches, lineStart + m.start(1), cursor);
    }

    /** {@code %name} or {@code %%name} to its usage line, sorted. */
    Map<String, String> usages() {
        return Collections.unmodifiableMap(usages);
    }

    public MavenResolver mavenResolver() {
        return maven;
    }

    // ------------------------------------------------------------------------------------------------ running cells

    /** Runs a cell: its cell magic, or its code and line magics in order. */
    public ExecutionResult runCell(String text, String label) {
        Matcher cm = CELL_MAGIC.matcher(firstLine(text));
        if (cm.matches()) {
            String name = cm.group(1);
            CellMagic magic = cellMagics.get(name);
            if (magic == null) {
                return unknown("%%" + name);
            }
            int bodyStart = Math.min(text.length(), text.indexOf('\n') < 0 ? text.length() : text.indexOf('\n') + 1);
            try {
                return magic.run(cm.group(2).trim(), text.substring(bodyStart), bodyStart, text, label);
            } catch (Exception e) {
                return failed("%%" + name, e);
            }
        }
        return runLines(text, 0, text, label);
    }

    /** Runs code with line magics in it; {@code offset} is where {@code code} starts in {@code text}. */
    ExecutionResult runLines(String code, int offset, String text, String label) {
        ExecutionResult last = ExecutionResult.EMPTY;
        int segmentStart = 0;
        int pos = 0;
        while (pos <= code.length()) {
            int eol = code.indexOf('\n', pos);
            int lineEnd = eol < 0 ? code.length() : eol;
            String line = code.substring(pos, lineEnd);
            Matcher m = LINE_MAGIC.matcher(line);
            if (m.matches() && !line.trim().startsWith("%%") && codeIsComplete(code.substring(segmentStart, pos))) {
                String before = code.substring(segmentStart, pos);
                if (!before.isBlank()) {
                    last = session.evalJava(text, offset + segmentStart, before, label);
                    if (!last.ok()) {
                        return last;
                    }
                }
                last = runLineMagic(m.group(1), m.group(2).trim(), label);
                if (!last.ok()) {
                    return last;
                }
                segmentStart = eol < 0 ? code.length() : eol + 1;
            }
            if (eol < 0) {
                break;
            }
            pos = eol + 1;
        }
        String tail = code.substring(Math.min(segmentStart, code.length()));
        if (!tail.isBlank()) {
            last = session.evalJava(text, offset + segmentStart, tail, label);
        }
        return last;
    }

    private boolean codeIsComplete(String code) {
        if (code.isBlank()) {
            return true;
        }
        String verdict = session.isComplete(code);
        return verdict.equals("complete") || verdict.equals("invalid");
    }

    private ExecutionResult runLineMagic(String name, String args, String label) {
        LineMagic magic = lineMagics.get(name);
        if (magic == null) {
            return unknown("%" + name);
        }
        try {
            Object value = magic.run(args, label);
            if (value instanceof ExecutionResult r) {
                return r;
            }
            return value == null ? ExecutionResult.EMPTY : ExecutionResult.value(value);
        } catch (Exception e) {
            return failed("%" + name, e);
        }
    }

    private ExecutionResult unknown(String name) {
        return ExecutionResult.failed(Errors.simple("UnknownMagic",
                "unknown magic " + name + "; known: " + String.join(" ", usages.keySet()), "(see %lsmagic, %help)"));
    }

    private static ExecutionResult failed(String magic, Exception e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return ExecutionResult.failed(Errors.simple("MagicError", magic + ": " + message));
    }

    /** The cell with magic lines replaced by spaces, so positions still match (for analysis and completion). */
    public String blankOutMagics(String code) {
        StringBuilder b = new StringBuilder(code.length());
        for (String line : code.split("\n", -1)) {
            if (b.length() > 0) {
                b.append('\n');
            }
            b.append(LINE_MAGIC.matcher(line).matches() ? " ".repeat(line.length()) : line);
        }
        return b.toString();
    }

    private static String firstLine(String text) {
        int eol = text.indexOf('\n');
        return eol < 0 ? text : text.substring(0, eol);
    }

    /** Splits on spaces, keeping quoted parts together. */
    static List<String> splitArgs(String args) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"|'([^']*)'|(\\S+)").matcher(args);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
        }
        return out;
    }
}
