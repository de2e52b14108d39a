package org.assay.kernel.magic;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assay.kernel.ExecutionResult;
import org.assay.kernel.Session;

/**
 * IPython-style magics. A line starting with {@code %name} is a line magic, wherever it is in the cell; a cell whose
 * first line is {@code %%name} is a cell magic. Java code between magic lines runs as usual, in order.
 */
public final class Magics {
    private static final Pattern LINE_MAGIC = Pattern.compile("^[ \\t]*%([A-Za-z_][\\w-]*)(.*)$");
    private static final Pattern CELL_MAGIC = Pattern.compile("^[ \\t]*%%([A-Za-z_][\\w-]*)(.*)$");

    /** A line magic: its arguments, and the label of the cell it is in. Returns a value to display, or null. */
    @FunctionalInterface
    public interface LineMagic {
        Object run(String args, String label) throws Exception;
    }

    /** A cell magic: the arguments on the {@code %%} line, and the rest of the cell. */
    @FunctionalInterface
    public interface CellMagic {
        ExecutionResult run(String args, String body, int bodyStart, String text, String label) throws Exception;
    }

    private final Session session;
    private final Map<String, LineMagic> lineMagics = new TreeMap<>();
    private final Map<String, CellMagic> cellMagics = new TreeMap<>();
    private final Map<String, String> help = new TreeMap<>();
    private final MavenResolver maven = new MavenResolver();

    public Magics(Session session) {
        this.session = session;
        line("classpath", "%classpath PATH...  add jars or folders (globs allowed) to the class path", this::classpath);
        line("jars", "%jars PATH...  add jar files (globs allowed) to the class path", this::classpath);
        line("maven", "%maven GROUP:ARTIFACT:VERSION...  resolve with transitive dependencies and add to the class path",
                this::maven);
        line("load", "%load FILE.jsh  run the Java code (and magics) in a file", this::load);
        line("time", "%time CODE  run one line of code and print its wall and CPU time", this::timeLine);
        line("lsmagic", "%lsmagic  list the magics", (args, label) -> listing());
        line("help", "%help  how to use this kernel", (args, label) -> new org.assay.display.Markdown(helpText()));
        cell("time", "%%time  run the cell and print its wall and CPU time", this::timeCell);
    }

    public void line(String name, String doc, LineMagic magic) {
        lineMagics.put(name, magic);
        help.put("%" + name, doc);
    }

    public void cell(String name, String doc, CellMagic magic) {
        cellMagics.put(name, magic);
        help.put("%%" + name, doc);
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
        ExecutionResult last = emptyResult();
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
            return value == null ? emptyResult() : valueResult(value);
        } catch (Exception e) {
            return failed("%" + name, e);
        }
    }

    private ExecutionResult unknown(String name) {
        return new ExecutionResult(null, false, new org.assay.kernel.CellError("UnknownMagic",
                "unknown magic " + name + "; known: " + String.join(" ", help.keySet()),
                List.of("\u001b[1;31mUnknownMagic\u001b[0m: unknown magic " + name,
                        "Known magics: " + String.join(" ", help.keySet()) + "   (see %lsmagic, %help)")));
    }

    private static ExecutionResult failed(String magic, Exception e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return new ExecutionResult(null, false, new org.assay.kernel.CellError("MagicError", magic + ": " + message,
                List.of("\u001b[1;31mMagicError\u001b[0m: " + magic + ": " + message)));
    }

    private static ExecutionResult emptyResult() {
        return new ExecutionResult(null, false, null);
    }

    private static ExecutionResult valueResult(Object value) {
        return new ExecutionResult(value, true, null);
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

    // ------------------------------------------------------------------------------------------------ the magics

    private Object classpath(String args, String label) throws IOException {
        List<Path> paths = new ArrayList<>();
        for (String arg : splitArgs(args)) {
            List<Path> matched = glob(arg);
            if (matched.isEmpty()) {
                throw new IllegalArgumentException("no such file or folder: " + arg
                        + " (relative paths start at " + Path.of("").toAbsolutePath() + ")");
            }
            paths.addAll(matched);
        }
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("give one or more jars or folders, e.g. %classpath lib/*.jar");
        }
        session.addToClasspath(paths);
        System.out.println("Added to the class path: " + paths.size() + (paths.size() == 1 ? " entry" : " entries"));
        return null;
    }

    static List<Path> glob(String pattern) throws IOException {
        String expanded = pattern.startsWith("~/") ? System.getProperty("user.home") + pattern.substring(1) : pattern;
        if (!expanded.contains("*") && !expanded.contains("?") && !expanded.contains("[")) {
            Path p = Path.of(expanded);
            return Files.exists(p) ? List.of(p.toAbsolutePath()) : List.of();
        }
        int firstWild = indexOfWildcard(expanded);
        int slash = expanded.lastIndexOf('/', firstWild);
        Path base = slash < 0 ? Path.of("") : Path.of(slash == 0 ? "/" : expanded.substring(0, slash));
        String rest = slash < 0 ? expanded : expanded.substring(slash + 1);
        PathMatcher matcher = base.getFileSystem().getPathMatcher("glob:" + rest);
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(base, rest.contains("**") ? Integer.MAX_VALUE : rest.split("/").length)) {
            return walk.filter(p -> matcher.matches(base.relativize(p))).map(Path::toAbsolutePath).sorted().toList();
        }
    }

    private static int indexOfWildcard(String s) {
        for (int i = 0; i < s.length(); i++) {
            if ("*?[".indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }

    private Object maven(String args, String label) throws Exception {
        List<String> coords = splitArgs(args);
        if (coords.isEmpty()) {
            throw new IllegalArgumentException("give coordinates, e.g. %maven org.apache.commons:commons-math3:3.6.1");
        }
        List<Path> jars = maven.resolve(coords);
        session.addToClasspath(jars);
        System.out.println("Resolved " + String.join(", ", coords) + ": " + jars.size() + " jar"
                + (jars.size() == 1 ? "" : "s") + " added to the class path");
        return null;
    }

    public MavenResolver mavenResolver() {
        return maven;
    }

    private Object load(String args, String label) throws IOException {
        List<String> files = splitArgs(args);
        if (files.size() != 1) {
            throw new IllegalArgumentException("give exactly one file, e.g. %load helpers.jsh; got " + files.size());
        }
        Path file = Path.of(files.get(0));
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such file: " + file.toAbsolutePath());
        }
        String text = Files.readString(file);
        return runCell(text, file.getFileName().toString());
    }

    private Object timeLine(String args, String label) {
        if (args.isBlank()) {
            throw new IllegalArgumentException("give code to time, e.g. %time fib(30)");
        }
        return timed(() -> session.evalJava(args, 0, args, label));
    }

    private ExecutionResult timeCell(String args, String body, int bodyStart, String text, String label) {
        return timed(() -> runLines(body, bodyStart, text, label));
    }

    private ExecutionResult timed(java.util.function.Supplier<ExecutionResult> run) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Thread cellThread = session.control().cellThread();
        long cpu0 = cpuNanos(threads, cellThread);
        long t0 = System.nanoTime();
        ExecutionResult result = run.get();
        long wall = System.nanoTime() - t0;
        Thread after = session.control().cellThread();
        long cpu1 = after == cellThread ? cpuNanos(threads, after) : -1;
        String cpu = cpu0 >= 0 && cpu1 >= 0 ? "CPU time: " + human(cpu1 - cpu0) + ", " : "";
        System.out.println(cpu + "Wall time: " + human(wall));
        return result;
    }

    private static long cpuNanos(ThreadMXBean threads, Thread t) {
        if (t == null || !threads.isThreadCpuTimeSupported()) {
            return -1;
        }
        return threads.getThreadCpuTime(t.getId());
    }

    static String human(long nanos) {
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.0f µs", nanos / 1e3);
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    private String listing() {
        StringBuilder b = new StringBuilder("Line magics:");
        lineMagics.keySet().forEach(n -> b.append(" %").append(n));
        b.append("\nCell magics:");
        cellMagics.keySet().forEach(n -> b.append(" %%").append(n));
        return b.toString();
    }

    private String helpText() {
        StringBuilder b = new StringBuilder("""
                ### Assay kernel
                Java (JShell) running in this kernel's JVM: state persists across cells; the value of a cell's last
                expression is shown. Already imported: `java.util.*`, streams, `java.nio.file.*`, XChart, Tablesaw,
                the Assay packages, and the display API below.

                | call | does |
                |---|---|
                | `display(obj)` / `display(obj, id)` | show a value (chart, table, record, map, HTML…); returns its id |
                | `updateDisplay(id, obj)` | replace a shown value in place |
                | `html(s)`, `markdown(s)`, `image(x)` | rich values to show or return |
                | `progress(label, total)` | a progress bar: `p.step()`, `p.close()` |
                | `LiveChart.of(title, x, y)` | a chart that redraws as you `add(series, x, y)` |

                | magic | does |
                |---|---|
                """);
        help.forEach((name, doc) -> b.append("| `").append(name).append("` | ")
                .append(doc.substring(doc.indexOf("  ") + 2)).append(" |\n"));
        b.append("\nThe stop button interrupts a running cell; `System.exit` raises an error instead of killing the kernel.");
        return b.toString();
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
