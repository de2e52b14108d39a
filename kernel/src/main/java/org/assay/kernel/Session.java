package org.assay.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;
import org.assay.display.Display;
import org.assay.display.DisplaySink;
import org.assay.display.MimeBundle;
import org.assay.kernel.display.Renderers;
import org.assay.kernel.exec.CellExecutionControl;
import org.assay.kernel.exec.CellExecutionControlProvider;
import org.assay.kernel.exec.CellStoppedException;
import org.assay.kernel.exec.CellValue;
import org.assay.kernel.magic.Magics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One notebook's Java session: JShell evaluating in this JVM, with magics, rich display, completion and inspection.
 * Independent of the Jupyter transport, so tests drive it directly.
 * <p>
 * Thread use: {@link #execute}, {@link #complete}, {@link #inspect} and {@link #isComplete} from one thread (the
 * kernel's shell thread); {@link #interrupt()} from any thread.
 */
public final class Session implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    private final JShell shell;
    private final CellExecutionControl control;
    private final SourceCodeAnalysis analysis;
    private final Renderers renderers;
    private final Magics magics;
    private final Map<String, Errors.Origin> origins = new ConcurrentHashMap<>();
    private final OutputRouter stdout;
    private final OutputRouter stderr;
    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;
    private final java.io.InputStream originalIn = System.in;
    private final ScheduledExecutorService flusher;
    private volatile SessionOutput output;
    private volatile boolean interrupted;
    private int anonymousCells;

    public Session(SessionOutput output) {
        this(output, SessionOptions.defaults());
    }

    public Session(SessionOutput output, SessionOptions options) {
        this.output = Objects.requireNonNull(output, "output");
        ClassLoader kernelLoader = Session.class.getClassLoader();
        CellExecutionControlProvider provider = new CellExecutionControlProvider(kernelLoader);
        this.shell = JShell.builder()
                .executionEngine(provider, Map.of())
                .fileManager(org.assay.kernel.exec.ClassPathListings::new)
                .compilerOptions("-proc:none", "-Xlint:none")
                .out(originalErr)
                .err(originalErr)
                .build();
        this.control = Objects.requireNonNull(provider.control(), "execution control not created");
        this.analysis = shell.sourceCodeAnalysis();
        String classPath = System.getProperty("java.class.path", "");
        if (!classPath.isEmpty()) {
            // Compile against the kernel's class path; the loader already sees it through its parent.
            shell.addToClasspath(classPath);
        }
        this.renderers = new Renderers(control.classLoader());
        this.magics = new Magics(this);
        this.stdout = new OutputRouter("stdout", () -> this.output);
        this.stderr = new OutputRouter("stderr", () -> this.output);
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        Stdin.install((prompt, password) -> {
            flushStreams(); // what the cell printed (its own prompt) shows before the input box
            return this.output.readLine(prompt, password);
        });
        System.setIn(new Stdin.FrontEndInputStream(this::flushStreams));
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "assay-output-flusher");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(this::flushStreams, OutputRouter.FLUSH_MS, OutputRouter.FLUSH_MS,
                TimeUnit.MILLISECONDS);
        Display.install(new SessionDisplaySink());
        Out.clear();
        runStartup(options);
    }

    /** Replaces where output goes (the kernel points it at the current request). */
    public void setOutput(SessionOutput output) {
        flushStreams();
        this.output = Objects.requireNonNull(output, "output");
    }

    public Renderers renderers() {
        return renderers;
    }

    public CellExecutionControl control() {
        return control;
    }

    public Magics magics() {
        return magics;
    }

    /** Sends buffered stdout and stderr now. */
    public void flushStreams() {
        stdout.publish();
        stderr.publish();
    }

    // ---------------------------------------------------------------------------------------------------- execute

    /** Executes a cell labelled by its execution count, as in {@code cell [3]}. */
    public ExecutionResult execute(String cell, int executionCount) {
        return execute(cell, "cell [" + executionCount + "]");
    }

    /** Keeps a value cell [{@code executionCount}] showed as its result, for {@link Out} in later cells. */
    public void keepResult(int executionCount, Object value) {
        Out.record(executionCount, value);
    }

    public ExecutionResult execute(String cell) {
        return execute(cell, "cell [" + (++anonymousCells) + "]");
    }

    public ExecutionResult execute(String cell, String label) {
        interrupted = false;
        control.requestStarted();
        try {
            return magics.runCell(cell, label);
        } catch (OutOfMemoryError e) {
            return ExecutionResult.failed(Errors.simple("java.lang.OutOfMemoryError", String.valueOf(e.getMessage())));
        } finally {
            control.requestEnded();
            flushStreams();
        }
    }

    /**
     * Evaluates Java code (no magics), snippet by snippet, stopping at the first error.
     *
     * @param text        the whole text the code is part of (for error positions)
     * @param codeStart   where the code starts in {@code text}
     * @param code        the code
     * @param label       where it came from, for messages
     */
    public ExecutionResult evalJava(String text, int codeStart, String code, String label) {
        Object value = null;
        boolean hasValue = false;
        List<Chunk> snippets = split(code);
        List<Chunk> chunks = StatementRuns.merge(code, snippets);
        Chunk runWithValue = StatementRuns.runWithValue(code, snippets); // replaces the last two chunks
        for (int k = 0; k < chunks.size(); k++) {
            Chunk chunk = chunks.get(k);
            if (interrupted) {
                return ExecutionResult.failed(interruptedError());
            }
            List<SnippetEvent> events = null;
            boolean asStatement = false;
            if (runWithValue != null && k == chunks.size() - 2) {
                events = evalIfItCompiles(runWithValue.source());
                if (events != null) {
                    chunk = runWithValue;
                    asStatement = true;
                    k++;
                }
            }
            if (events == null && k == chunks.size() - 1 && chunk.prefix() == 0 && chunk.end() >= 0
                    && StatementRuns.isValue(chunk.source())) {
                events = evalIfItCompiles(CellValue.wrap(chunk.source()));
                asStatement = events != null;
            }
            if (events == null) {
                events = shell.eval(chunk.source());
            }
            int start = codeStart + chunk.start();
            int firstLine = Errors.lineOf(text, start);
            hasValue = false;
            value = null;
            for (SnippetEvent event : events) {
                Snippet snippet = event.snippet();
                if (event.causeSnippet() != null) {
                    continue; // a dependent snippet updated because of this one
                }
                origins.put(snippet.id(), new Errors.Origin(label, firstLine));
                switch (event.status()) {
                    case REJECTED -> {
                        List<Diag> diags = shell.diagnostics(snippet).collect(Collectors.toList());
                        return ExecutionResult.failed(Errors.compile(diags, text, start - chunk.prefix(), label));
                    }
                    case RECOVERABLE_DEFINED, RECOVERABLE_NOT_DEFINED -> noteUnresolved(snippet, event);
                    default -> {
                    }
                }
                if (control.takeLastStopped()) {
                    return ExecutionResult.failed(interruptedError());
                }
                if (event.exception() != null) {
                    return ExecutionResult.failed(runtimeError(event.exception()));
                }
                if (isDisplayable(snippet)) {
                    value = control.takeLastValue();
                    hasValue = value != null;
                } else {
                    control.takeLastValue();
                }
                dropIfTemporary(snippet);
            }
            if (asStatement) {
                value = CellValue.take();
                hasValue = value != null;
            }
        }
        return hasValue ? ExecutionResult.value(value) : ExecutionResult.EMPTY;
    }

    /**
     * Runs a block that ends in {@code CellValue.set(expr);} (see {@link CellValue}); null when it does not compile,
     * so that the code runs as written and any error is JShell's own, about the user's code.
     */
    private List<SnippetEvent> evalIfItCompiles(String block) {
        CellValue.take();
        List<SnippetEvent> events = shell.eval(block);
        boolean rejected = events.stream().anyMatch(e -> e.causeSnippet() == null
                && e.status() == Snippet.Status.REJECTED);
        return rejected ? null : events;
    }

    private CellError runtimeError(Exception fromShell) {
        Throwable real = control.takeLastThrowable();
        if (real != null) {
            if (real instanceof OutOfMemoryError) {
                System.gc();
            }
            return describeOnCellThread(real, fromShell instanceof EvalException ? fromShell : null);
        }
        if (fromShell instanceof UnresolvedReferenceException ure) {
            Snippet s = ure.getSnippet();
            String what = s instanceof jdk.jshell.DeclarationSnippet d ? d.name() : s.source();
            String missing = String.join(", ", shell.unresolvedDependencies((jdk.jshell.DeclarationSnippet) s).toList());
            return Errors.simple("UnresolvedReferenceException",
                    "'" + what + "' cannot be used until " + (missing.isEmpty() ? "its dependencies are" : missing
                            + " is") + " declared");
        }
        if (fromShell instanceof EvalException ee) {
            return Errors.simple(ee.getExceptionClassName(), String.valueOf(ee.getMessage()));
        }
        return Errors.runtime(fromShell, null, origins);
    }

    /**
     * The exception's message, causes and stack are the cell's code ({@code getMessage} can be overridden), so they
     * are read on the cell thread, where an interrupt or {@link CellExecutionControl#SHOW_LIMIT} can stop them.
     */
    private CellError describeOnCellThread(Throwable real, Throwable translated) {
        try {
            return control.call(() -> Errors.runtime(real, translated, origins), CellExecutionControl.SHOW_LIMIT);
        } catch (CellStoppedException e) {
            String why = e.timedOut() ? "took longer than " + CellExecutionControl.SHOW_LIMIT.toSeconds() + " s"
                    : "was interrupted";
            return Errors.simple(real.getClass().getName(), "(reading the exception's message " + why + ")");
        } catch (Exception | LinkageError e) {
            return Errors.simple(real.getClass().getName(), "(the exception's message could not be read: " + e + ")");
        }
    }

    private CellError interruptedError() {
        return new CellError("InterruptedException", "the cell was interrupted",
                List.of(Errors.BOLD_RED + "InterruptedException" + Errors.RESET
                        + ": the cell was interrupted; the kernel and its state are intact"));
    }

    private void noteUnresolved(Snippet snippet, SnippetEvent event) {
        if (snippet instanceof jdk.jshell.DeclarationSnippet d) {
            List<String> missing = shell.unresolvedDependencies(d).toList();
            if (!missing.isEmpty()) {
                System.err.println("note: " + d.name() + " was created, but cannot be used until "
                        + String.join(", ", missing) + " is declared");
            }
        }
    }

    /**
     * JShell keeps every expression's value as a variable {@code $N}, and compiles each later snippet against all of
     * them, so a cell's cost grows with the number of expressions evaluated before it (measured: ~0.5 ms more per
     * earlier expression). The value has been taken already, so the variable is dropped; name a variable to keep one.
     */
    private void dropIfTemporary(Snippet snippet) {
        if (snippet instanceof VarSnippet v && v.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND
                && shell.status(v).isActive()) {
            shell.drop(v);
        }
    }

    /** Expressions show their value, as in IPython; declarations and assignments do not. */
    private static boolean isDisplayable(Snippet s) {
        if (s instanceof VarSnippet v) {
            return v.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
        }
        if (s instanceof ExpressionSnippet e) {
            return e.subKind() != Snippet.SubKind.ASSIGNMENT_SUBKIND;
        }
        return false;
    }

    /** What showing a cell's value came to: the rendered bundle, or why there is none. */
    public record Rendered(MimeBundle bundle, CellError error) {
        public boolean ok() {
            return error == null;
        }
    }

    /**
     * Renders a cell's value for its {@code execute_result}, on the cell thread (see
     * {@link CellExecutionControl#call}): a {@code toString} or renderer that never returns is stopped by an interrupt,
     * or by {@link CellExecutionControl#SHOW_LIMIT}, and reported as the cell's error, instead of wedging the kernel.
     */
    public Rendered render(Object value) {
        return render(value, CellExecutionControl.SHOW_LIMIT);
    }

    /** As {@link #render(Object)}, with its own time limit. */
    public Rendered render(Object value, Duration limit) {
        control.requestStarted();
        try {
            return new Rendered(control.call(() -> renderers.render(value), limit), null);
        } catch (CellStoppedException e) {
            return new Rendered(null, e.timedOut() ? renderTimedOut(value, limit) : interruptedError());
        } catch (Exception | Error e) {
            // Renderers turn a renderer's failure into a bundle that shows it; this is a failure of the kernel's own,
            // reported so that the request still gets its reply.
            return new Rendered(null, Errors.simple("RenderError", "the value could not be rendered: " + e));
        } finally {
            control.requestEnded();
        }
    }

    private static CellError renderTimedOut(Object value, Duration limit) {
        return Errors.simple("RenderTimeoutException", "showing the value (a " + value.getClass().getName()
                + ") took longer than " + limit.toMillis() / 1000.0 + " s and was stopped: its toString or renderer"
                + " does not finish. The cell itself ran; assign the value to a variable to keep it unshown");
    }

    /** Stops the running cell (from any thread). */
    public void interrupt() {
        interrupted = true;
        control.stop();
    }

    // ---------------------------------------------------------------------------------------------------- analysis

    /** A complete snippet of a cell and where it starts in the code. */
    /**
     * One snippet of a cell.
     *
     * @param source what JShell is given
     * @param start  where it starts in the code
     * @param end    where its text ends in the code (its semicolon included), or -1 when JShell's cut of it is not
     *               the code as written
     * @param semicolonAdded whether JShell's analysis added the semicolon the code left out (the last snippet)
     * @param prefix how many characters {@code source} has before the code's (a run's opening brace)
     */
    record Chunk(String source, int start, int end, boolean semicolonAdded, int prefix) {
        Chunk(String source, int start) {
            this(source, start, -1, false, 0);
        }
    }

    List<Chunk> split(String code) {
        List<Chunk> chunks = new ArrayList<>();
        String rest = code;
        int consumed = 0;
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            SourceCodeAnalysis.Completeness c = info.completeness();
            if (!c.isComplete() || info.source() == null) {
                chunks.add(new Chunk(rest, consumed + leadingSpace(rest)));
                break;
            }
            String source = info.source();
            boolean added = c == SourceCodeAnalysis.Completeness.COMPLETE_WITH_SEMI && source.endsWith(";");
            String bare = added ? source.substring(0, source.length() - 1) : source;
            int at = rest.indexOf(bare);
            chunks.add(at >= 0 ? new Chunk(source, consumed + at, consumed + at + bare.length(), added, 0)
                    : new Chunk(source, consumed + leadingSpace(rest)));
            int used = rest.length() - info.remaining().length();
            if (used <= 0) {
                break;
            }
            consumed += used;
            rest = info.remaining();
        }
        return chunks;
    }

    private static int leadingSpace(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /**
     * For {@code is_complete_request}: {@code "complete"}, {@code "invalid"}, {@code "unknown"}, or the indent to
     * continue with when the code is unfinished.
     */
    public String isComplete(String code) {
        String rest = magics.blankOutMagics(code);
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            switch (info.completeness()) {
                case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE:
                    return indentFor(rest);
                case UNKNOWN:
                    return "invalid";
                case EMPTY:
                    return "complete";
                default:
                    rest = info.remaining();
            }
        }
        return "complete";
    }

    private static String indentFor(String code) {
        String[] lines = code.split("\n", -1);
        String last = lines[lines.length - 1];
        String indent = last.substring(0, leadingSpace(last));
        String trimmed = code.stripTrailing();
        return trimmed.endsWith("{") || trimmed.endsWith("(") ? indent + "    " : indent;
    }

    /** Completion candidates for the cursor position, and the range of the cell they replace. */
    public Completion complete(String code, int cursor) {
        cursor = Math.max(0, Math.min(cursor, code.length()));
        Completion magicNames = magics.completeName(code, cursor);
        if (magicNames != null) {
            return magicNames;
        }
        String text = magics.blankOutMagics(code);
        Chunk chunk = chunkAt(text, cursor);
        int local = cursor - chunk.start();
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> suggestions =
                analysis.completionSuggestions(chunk.source(), local, anchor);
        Set<String> matches = new LinkedHashSet<>();
        suggestions.stream().filter(SourceCodeAnalysis.Suggestion::matchesType)
                .forEach(s -> matches.add(s.continuation()));
        suggestions.forEach(s -> matches.add(s.continuation()));
        return new Completion(List.copyOf(matches), chunk.start() + anchor[0], cursor);
    }

    /** @param matches replacement texts; {@code start}..{@code end} is the range of the cell they replace */
    public record Completion(List<String> matches, int start, int end) {
    }

    /** Signatures and javadoc of what is at the cursor, or null. */
    public String inspect(String code, int cursor, boolean detail) {
        String text = magics.blankOutMagics(code);
        cursor = Math.max(0, Math.min(cursor, text.length()));
        while (cursor < text.length() && Character.isJavaIdentifierPart(text.charAt(cursor))) {
            cursor++; // JShell documents the identifier that ends at the cursor
        }
        Chunk chunk = chunkAt(text, cursor);
        int local = cursor - chunk.start();
        List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(chunk.source(), local, true);
        String src = chunk.source();
        if (docs.isEmpty() && local < src.length() && src.charAt(local) == '(') {
            docs = analysis.documentation(src, local + 1, true);
        }
        if (docs.isEmpty() && local > 0 && Character.isJavaIdentifierPart(src.charAt(local - 1))) {
            // a method name with no parenthesis yet (Shift-Tab after "Math.max"): JShell documents the call the
            // cursor is in, so ask as if the call were opened
            docs = analysis.documentation(src.substring(0, local) + "(" + src.substring(local), local + 1, true);
        }
        if (docs.isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (SourceCodeAnalysis.Documentation d : docs) {
            b.append(d.signature()).append('\n');
            if (d.javadoc() != null && !d.javadoc().isBlank()) {
                String doc = d.javadoc().strip();
                b.append(detail || doc.length() < 2000 ? doc : doc.substring(0, 2000) + "…").append("\n\n");
            }
        }
        return b.toString().strip();
    }

    /** The snippet that contains the position, with its own source as the analysis sees it. */
    private Chunk chunkAt(String text, int cursor) {
        Chunk last = new Chunk(text, 0);
        int consumed = 0;
        String rest = text;
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            int used = rest.length() - info.remaining().length();
            if (!info.completeness().isComplete() || used <= 0 || consumed + used >= cursor) {
                return new Chunk(text.substring(consumed), consumed);
            }
            consumed += used;
            rest = info.remaining();
            last = new Chunk(rest, consumed);
        }
        return last;
    }

    // ---------------------------------------------------------------------------------------------------- class path

    /** Adds jars or folders for compilation and loading, and picks up renderers they contribute. */
    public void addToClasspath(List<Path> paths) {
        for (Path p : paths) {
            shell.addToClasspath(p.toAbsolutePath().toString());
        }
        renderers.reload(control.classLoader());
    }

    // ---------------------------------------------------------------------------------------------------- start-up

    private void runStartup(SessionOptions options) {
        Map<String, String> sources = new java.util.LinkedHashMap<>();
        if (options.defaultStartup()) {
            sources.put("the built-in start-up script", resource("startup.jsh"));
        }
        for (Path file : options.startupFiles()) {
            try {
                sources.put(file.toString(), Files.readString(file));
            } catch (IOException e) {
                LOG.warn("Cannot read start-up file {}: {}", file, e.getMessage());
            }
        }
        // A snippet that fails is skipped, not fatal: the kernel must start even with a broken start-up file.
        sources.forEach((name, source) -> {
            for (Chunk chunk : split(source)) {
                for (SnippetEvent e : shell.eval(chunk.source())) {
                    if (e.status() == Snippet.Status.REJECTED) {
                        LOG.warn("start-up snippet in {} does not compile, skipped: {}", name, chunk.source().strip());
                    } else if (e.exception() != null) {
                        LOG.warn("start-up snippet in {} failed: {}: {}", name, chunk.source().strip(),
                                e.exception().toString());
                    }
                }
            }
        });
        control.takeLastValue();
    }

    static String resource(String name) {
        try (InputStream in = Session.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("kernel resource missing: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("kernel resource unreadable: " + name, e);
        }
    }

    @Override
    public void close() {
        flushStreams();
        flusher.shutdownNow();
        System.setOut(originalOut);
        System.setErr(originalErr);
        System.setIn(originalIn);
        Out.clear();
        shell.close();
    }

    /** Renders values shown from cells and libraries, and sends them to the current output. */
    private final class SessionDisplaySink implements DisplaySink {
        @Override
        public void show(Object value, String displayId, boolean update, Set<String> requested) {
            flushStreams(); // keep prints and displays in the order they happened
            MimeBundle bundle = renderers.render(value, requested);
            output.display(bundle, displayId, update);
        }

        @Override
        public void clear(boolean wait) {
            flushStreams(); // what was printed before the call is cleared with the rest
            output.clear(wait);
        }

        @Override
        public boolean isInteractive() {
            return true;
        }
    }

}
