package org.assay.kernel.jupyter;

import java.io.PrintStream;
import java.util.Map;
import org.assay.display.MimeBundle;
import org.assay.kernel.SessionOutput;
import org.assay.kernel.Stdin;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.messages.ContentType;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishClearOutput;
import org.dflib.jjava.jupyter.messages.publish.PublishDisplayData;
import org.dflib.jjava.jupyter.messages.publish.PublishStream;
import org.dflib.jjava.jupyter.messages.publish.PublishUpdateDisplayData;

/**
 * Publishes a session's streams and displays on IOPub, parented to the latest execute request — so output from a
 * background thread that outlives its cell still lands under that cell, as in IPython. Publishes straight to the
 * socket (thread-safe there), not through the request's reply environment, whose defer state is the shell thread's.
 */
final class KernelOutput implements SessionOutput {
    private final PrintStream fallback;
    private volatile ShellReplyEnvironment env;
    private volatile boolean stdinAllowed;
    private volatile FrontEndInput input;

    KernelOutput(PrintStream fallback) {
        this.fallback = fallback;
    }

    /** @param stdinAllowed the request's {@code allow_stdin}: whether its front end answers input requests */
    void attach(ShellReplyEnvironment env, boolean stdinAllowed) {
        this.env = env;
        this.stdinAllowed = stdinAllowed;
    }

    void useInput(FrontEndInput input) {
        this.input = input;
    }

    @Override
    public String readLine(String prompt, boolean password) {
        ShellReplyEnvironment e = env;
        FrontEndInput in = input;
        if (e == null || in == null) {
            throw new Stdin.StdinNotAllowedException("System.in: no front end is attached to ask for input");
        }
        if (!stdinAllowed) {
            throw new Stdin.StdinNotAllowedException("System.in: this front end does not take input (its"
                    + " execute_request has allow_stdin: false, as headless runs such as nbconvert and ./assay run"
                    + " do); give the value in the code, a file or an environment variable instead");
        }
        return in.readLine(e.getContext(), prompt, password);
    }

    @Override
    public void stream(String name, String text) {
        ShellReplyEnvironment e = env;
        if (e == null) {
            fallback.print(text);
            return;
        }
        PublishStream.StreamType type = "stderr".equals(name) ? PublishStream.StreamType.ERR : PublishStream.StreamType.OUT;
        publish(e, new PublishStream(type, text));
    }

    @Override
    public void display(MimeBundle bundle, String displayId, boolean update) {
        ShellReplyEnvironment e = env;
        if (e == null) {
            return;
        }
        DisplayData data = toDisplayData(bundle);
        if (displayId != null) {
            data.setDisplayId(displayId);
        }
        if (update) {
            publish(e, new PublishUpdateDisplayData(data));
        } else {
            publish(e, new PublishDisplayData(data));
        }
    }

    @Override
    public void clear(boolean wait) {
        ShellReplyEnvironment e = env;
        if (e != null) {
            publish(e, wait ? PublishClearOutput.BEFORE_NEXT_OUTPUT : PublishClearOutput.NOW);
        }
    }

    static DisplayData toDisplayData(MimeBundle bundle) {
        DisplayData data = new DisplayData();
        for (Map.Entry<String, Object> d : bundle.data().entrySet()) {
            data.putData(d.getKey(), d.getValue());
        }
        for (Map.Entry<String, Object> m : bundle.metadata().entrySet()) {
            data.putMetaData(m.getKey(), m.getValue());
        }
        return data;
    }

    private static <T extends ContentType<T>> void publish(ShellReplyEnvironment e, T content) {
        e.getIopub().sendMessage(new Message<>(e.getContext(), content.getType(), content));
    }
}
