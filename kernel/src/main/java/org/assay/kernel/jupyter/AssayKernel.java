package org.assay.kernel.jupyter;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.assay.kernel.CellError;
import org.assay.kernel.Errors;
import org.assay.kernel.ExecutionResult;
import org.dflib.jjava.jupyter.kernel.history.HistoryEntry;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;
import org.assay.kernel.Session;
import org.assay.kernel.SessionOptions;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteInput;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteResult;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jupyter side of the kernel: jjava's protocol handling, with execution, completion and inspection done by a
 * {@link Session}. The session (JShell and its start-up script) is built in the background, so
 * {@code kernel_info_reply} goes out at once and the first cell waits only for what is left.
 */
public final class AssayKernel extends BaseKernel {
    private static final Logger LOG = LoggerFactory.getLogger(AssayKernel.class);
    public static final String VERSION = "0.1.0";

    private final KernelOutput output;
    private volatile boolean abortQueued;
    private final CompletableFuture<Session> session;
    private final CellHistory history;

    public AssayKernel(PrintStream kernelErr) {
        this(kernelErr, new CellHistory());
    }

    private AssayKernel(PrintStream kernelErr, CellHistory history) {
        super("Assay", VERSION,
                new LanguageInfo("java", Runtime.version().toString(), "text/x-java-source", ".jshell", "java",
                        "text/x-java", "java"),
                List.of(new HelpLink("Assay", "https://github.com/search?q=assay+kernel"),
                        new HelpLink("Java API", "https://docs.oracle.com/en/java/javase/17/docs/api/")),
                history, new JupyterIO(java.nio.charset.StandardCharsets.UTF_8), new CommManager(), new Renderer(),
                null, new MagicsRegistry(), false,
                new StringStyler("", "", "", i -> ""));
        this.history = history;
        this.output = new KernelOutput(kernelErr);
        this.session = new CompletableFuture<>();
    }

    /** Where cells' {@code System.in} asks the front end for input. */
    void useInput(FrontEndInput input) {
        output.useInput(input);
    }

    /**
     * Builds the session in the background. Called once the sockets are up, so that JShell's start-up does not
     * compete with answering {@code kernel_info_request} on a small machine.
     */
    void startSession() {
        Thread t = new Thread(() -> {
            try {
                org.assay.kernel.JitPolicy.apply(); // before JShell's javac runs
                session.complete(new Session(output, SessionOptions.defaults()));
            } catch (Throwable e) {
                LOG.error("the Java session failed to start", e);
                session.completeExceptionally(e);
            }
        }, "assay-session-start");
        t.setDaemon(true);
        t.start();
    }

    private Session session() {
        try {
            return session.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the session was starting", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the Java session failed to start: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public String getBanner() {
        return "Assay " + VERSION + " :: Java " + Runtime.version() + " (JShell, in-process)";
    }

    @Override
    protected synchronized void handleExecuteRequest(ShellReplyEnvironment env, Message<ExecuteRequest> message) {
        commManager.setMessageContext(message);
        ExecuteRequest request = message.getContent();
        env.setBusyDeferIdle();
        if (request == null || request.getCode() == null) {
            // Gson leaves a missing field null; without this the request failed inside the kernel and got no reply
            replyError(env, executionCount.get(), Errors.simple("InvalidRequest", "execute_request: 'code' is missing"
                    + " from its content (it must be a string: the cell's source); nothing was run"));
            return;
        }
        boolean silent = request.isSilent();
        int count = silent || !request.shouldStoreHistory() ? executionCount.get() : executionCount.getAndIncrement();
        env.publish(new PublishExecuteInput(request.getCode(), count));
        String shown = null;
        try {
            shown = execute(env, request, count);
        } catch (RuntimeException | Error e) {
            // A failure of the kernel's own (not the cell's, which Session reports): still answer the request
            LOG.warn("execute_request failed inside the kernel", e);
            replyError(env, count, Errors.simple("KernelError", e.toString()));
        } finally {
            if (!silent && request.shouldStoreHistory()) {
                history.record(count, request.getCode(), shown);
            }
        }
    }

    /** Runs a cell and answers it; returns the text of the result it showed, or null. */
    private String execute(ShellReplyEnvironment env, ExecuteRequest request, int count) {
        boolean silent = request.isSilent();
        ExecutionResult result;
        Session s;
        try {
            s = session();
        } catch (IllegalStateException e) {
            replyError(env, count, Errors.simple("KernelStartError", e.getMessage()));
            return null;
        }
        output.attach(env, request.isStdinEnabled());
        s.setOutput(output);
        long t0 = System.nanoTime();
        result = s.execute(request.getCode(), count);
        LOG.debug("cell {} executed in {} ms", count, (System.nanoTime() - t0) / 1e6);
        if (!result.ok()) {
            replyError(env, count, result.error());
            abortQueued = request.shouldStopOnError();
            return null;
        }
        String shown = null;
        if (result.hasValue() && !silent) {
            Session.Rendered rendered = s.render(result.value());
            if (!rendered.ok()) {
                replyError(env, count, rendered.error());
                abortQueued = request.shouldStopOnError();
                return null;
            }
            env.publish(new PublishExecuteResult(count, KernelOutput.toDisplayData(rendered.bundle())));
            shown = rendered.bundle().get(org.assay.display.MimeBundle.TEXT);
            if (request.shouldStoreHistory()) {
                s.keepResult(count, result.value());
            }
        }
        env.defer().reply(new ExecuteReply(count, Map.of()));
        return shown;
    }

    /**
     * Answers {@code history_request} from this session's cells ({@link CellHistory}). jjava's own handler sent no
     * reply without a history manager, and its reply writes each entry as an object and leaves out the status.
     */
    @Override
    protected void handleHistoryRequest(ShellReplyEnvironment env,
                                        Message<org.dflib.jjava.jupyter.messages.request.HistoryRequest> message) {
        var request = message.getContent();
        var flags = java.util.EnumSet.noneOf(HistoryManager.ResultFlag.class);
        if (request.includeOutput()) {
            flags.add(HistoryManager.ResultFlag.INCLUDE_OUTPUT);
        }
        List<HistoryEntry> entries;
        if (request instanceof org.dflib.jjava.jupyter.messages.request.HistoryRequest.Range r) {
            entries = history.lookupRange(r.getSessionIndex(), r.getStart(), r.getStop(), flags);
        } else if (request instanceof org.dflib.jjava.jupyter.messages.request.HistoryRequest.Search s) {
            if (s.filterUnique()) {
                flags.add(HistoryManager.ResultFlag.UNIQUE);
            }
            entries = history.search(s.getPattern(), s.getMaxReturnLength(), flags);
        } else if (request instanceof org.dflib.jjava.jupyter.messages.request.HistoryRequest.Tail t) {
            entries = history.lookupTail(t.getMaxReturnLength(), flags);
        } else {
            entries = List.of();
        }
        env.reply(new HistoryContent(entries, request.includeOutput()));
    }

    /** {@code history_reply} as the protocol has it: each entry {@code [session, line, input]}, or with the output
     *  {@code [session, line, [input, output]]}. */
    private static final class HistoryContent implements org.dflib.jjava.jupyter.messages.ContentType<HistoryContent> {
        @SuppressWarnings("unused") // serialised
        private final String status = "ok";
        @SuppressWarnings("unused")
        private final List<List<Object>> history;

        HistoryContent(List<HistoryEntry> entries, boolean output) {
            List<List<Object>> h = new java.util.ArrayList<>();
            for (HistoryEntry e : entries) {
                Object text = output ? java.util.Arrays.asList(e.getInput(), e.getOutput()) : e.getInput();
                h.add(java.util.Arrays.asList(e.getSession(), e.getCellNumber(), text));
            }
            this.history = h;
        }

        @Override
        @SuppressWarnings("unchecked") // the message type names the message; this class is only its content
        public org.dflib.jjava.jupyter.messages.MessageType<HistoryContent> getType() {
            return (org.dflib.jjava.jupyter.messages.MessageType<HistoryContent>)
                    (org.dflib.jjava.jupyter.messages.MessageType<?>)
                            org.dflib.jjava.jupyter.messages.reply.HistoryReply.MESSAGE_TYPE;
        }
    }

    @Override
    protected void handleKernelInfoRequest(ShellReplyEnvironment env,
                                           Message<org.dflib.jjava.jupyter.messages.request.KernelInfoRequest> message) {
        env.setBusyDeferIdle();
        env.reply(new AssayKernelInfoReply(org.dflib.jjava.jupyter.messages.Header.PROTOCOL_VERISON, name, version,
                getLanguageInfo(), getBanner(), getHelpLinks()));
    }

    private static void replyError(ShellReplyEnvironment env, int count, CellError error) {
        env.publish(new PublishError(error.ename(), error.evalue(), error.traceback()));
        ErrorReply reply = new ErrorReply(error.ename(), error.evalue(), error.traceback());
        reply.setExecutionCount(count);
        env.defer().replyError(ExecuteReply.MESSAGE_TYPE.error(), reply);
    }

    /** True once after a failed cell whose request asked to stop on error. */
    boolean takeAbortQueued() {
        boolean abort = abortQueued;
        abortQueued = false;
        return abort;
    }

    @Override
    public Object evalRaw(String source) {
        ExecutionResult r = session().execute(source);
        if (!r.ok()) {
            throw new IllegalStateException(r.error().ename() + ": " + r.error().evalue());
        }
        return r.value();
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        String doc = session().inspect(code, charIndex(code, at), extraDetail);
        return doc == null ? null : new DisplayData(doc);
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        Session.Completion c = session().complete(code, charIndex(code, at));
        return new ReplacementOptions(c.matches(), codePoint(code, c.start()), codePoint(code, c.end()));
    }

    @Override
    public String isComplete(String code) {
        String verdict = session().isComplete(code);
        return switch (verdict) {
            case "complete" -> IS_COMPLETE_YES;
            case "invalid" -> IS_COMPLETE_BAD;
            case "unknown" -> IS_COMPLETE_MAYBE;
            default -> verdict;
        };
    }

    /** Jupyter counts cursor positions in code points; Java strings index UTF-16 chars. */
    static int charIndex(String code, int codePoints) {
        int n = Math.min(Math.max(0, codePoints), code.codePointCount(0, code.length()));
        return code.offsetByCodePoints(0, n);
    }

    static int codePoint(String code, int charIndex) {
        return code.codePointCount(0, Math.min(Math.max(0, charIndex), code.length()));
    }

    @Override
    public void interrupt() {
        Session s = session.getNow(null);
        if (s != null) {
            LOG.debug("interrupt requested");
            s.interrupt();
        }
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        Session s = session.getNow(null);
        if (s != null) {
            s.close();
        }
    }
}
