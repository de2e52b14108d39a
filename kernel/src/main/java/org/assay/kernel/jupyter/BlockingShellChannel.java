package org.assay.kernel.jupyter;

import java.util.ArrayList;
import java.util.List;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.ShellChannel;
import org.dflib.jjava.jupyter.channels.ShellHandler;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageType;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMQ;

/**
 * A shell (or control) channel that blocks in {@code poll} and handles each message as it arrives.
 * jjava's own channel polls without waiting and then sleeps 50 ms per turn (its {@code Loop}), so a request waits
 * 0–50 ms before it is read and at most one message is read per turn; this one adds no wait and uses no CPU while
 * idle. Message parsing, HMAC verification and replies are jjava's.
 */
final class BlockingShellChannel extends ShellChannel {
    private static final Logger LOG = LoggerFactory.getLogger(BlockingShellChannel.class);

    private final boolean control;
    private final JupyterConnection connection;
    private volatile boolean running;
    private volatile java.util.function.BooleanSupplier abortQueued = () -> false;
    private Thread loop;

    BlockingShellChannel(ZMQ.Context context, HMACGenerator hmac, boolean control, JupyterConnection connection) {
        super(context, hmac, control, connection);
        this.control = control;
        this.connection = connection;
    }

    @Override
    public void bind(KernelConnectionProperties props) {
        bind(Channels.address(props, control ? props.getControlPort() : props.getShellPort()));
        ZMQ.Poller poller = ctx.poller(1);
        poller.register(this, ZMQ.Poller.POLLIN);
        running = true;
        loop = new Thread(() -> {
            while (running) {
                try {
                    if (poller.poll(250) > 0) {
                        handle(readMessage(), poller);
                    }
                } catch (org.zeromq.ZMQException e) {
                    if (running) {
                        LOG.debug("{} socket error: {}", name(), e.toString());
                    }
                    break;
                } catch (SecurityException e) {
                    LOG.warn("{}: dropped a message with a bad signature", name());
                } catch (RuntimeException e) {
                    if (!running) { // closed (close()) under the poll at shutdown: a closed socket gives no frames
                        LOG.debug("{}: closed while reading: {}", name(), e.toString());
                        break;
                    }
                    LOG.warn("{}: could not read a message: {}", name(), e.toString());
                }
            }
        }, name());
        loop.setDaemon(true);
        loop.start();
    }

    /**
     * Asked after each message: true when the execute requests already queued are to be answered {@code aborted}
     * without running, as ipykernel does after a failed cell with {@code stop_on_error} ("Run All" stops there).
     */
    void setAbortQueued(java.util.function.BooleanSupplier check) {
        this.abortQueued = check;
    }

    /**
     * Takes the execute requests already waiting, before the failed request's reply goes out — so a client that
     * reacts to that reply with a new request does not get it aborted. Other requests are handled as usual.
     */
    private List<Message<?>> takeQueuedExecuteRequests(ZMQ.Poller poller) {
        List<Message<?>> queued = new ArrayList<>();
        while (running && poller.poll(0) > 0) {
            Message<?> message = readMessage();
            if (message == null) {
                break;
            }
            if (message.getHeader().getType() == MessageType.EXECUTE_REQUEST) {
                queued.add(message);
            } else {
                handle(message);
            }
        }
        return queued;
    }

    /** The content of an aborted execute_reply. */
    static final class Aborted {
        @SuppressWarnings("unused") // serialised by Gson
        private final String status = "aborted";
    }

    private String name() {
        return control ? "assay-control" : "assay-shell";
    }

    private void handle(Message<?> message) {
        handle(message, null);
    }

    /** Handles one message; with a poller, aborts queued execute requests when the handler asks for it. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private void handle(Message<?> message, ZMQ.Poller poller) {
        if (message == null) {
            return;
        }
        ShellHandler handler = connection.getHandler(message.getHeader().getType());
        if (handler == null) {
            LOG.debug("{}: no handler for {}", name(), message.getHeader().getType().getName());
            return;
        }
        ShellReplyEnvironment env = connection.prepareReplyEnv(this, message);
        List<Message<?>> aborted = List.of();
        try {
            handler.handle(env, message);
            if (poller != null && abortQueued.getAsBoolean()) {
                aborted = takeQueuedExecuteRequests(poller);
            }
        } catch (Exception e) {
            LOG.warn("{}: error handling {}: {}", name(), message.getHeader().getType().getName(), e.toString());
        } finally {
            env.resolveDeferrals();
        }
        for (Message<?> queued : aborted) {
            ShellReplyEnvironment abortEnv = connection.prepareReplyEnv(this, queued);
            abortEnv.setBusyDeferIdle();
            abortEnv.reply(new Message(queued, ExecuteReply.MESSAGE_TYPE, new Aborted()));
            abortEnv.resolveDeferrals();
        }
        if (env.isMarkedForShutdown()) {
            running = false;
            connection.close();
        }
    }

    @Override
    public void close() {
        running = false;
        super.close();
    }

    @Override
    public void waitUntilClose() {
        Thread t = loop;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
