package org.assay.kernel.jupyter;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * jjava's connection with blocking shell, control and heartbeat loops (see {@link BlockingShellChannel}).
 * Sockets bind to the address in the connection file; signatures are checked with its key.
 */
final class AssayConnection extends JupyterConnection {
    private static final Logger LOG = LoggerFactory.getLogger(AssayConnection.class);
    private final KernelConnectionProperties props;
    private final ZMQ.Context context = ZMQ.context(1);
    private final BlockingShellChannel shellChannel;
    private final BlockingShellChannel controlChannel;
    private final ZMQ.Socket heartbeatSocket;
    private volatile boolean open;
    private Thread heartbeatLoop;

    AssayConnection(KernelConnectionProperties props) throws NoSuchAlgorithmException, InvalidKeyException {
        super(props);
        this.props = props;
        HMACGenerator hmac = props.createHMACGenerator();
        // The parent's polling shell, control and heartbeat channels stay unbound; super.close() closes them.
        this.shellChannel = new BlockingShellChannel(context, hmac, false, this);
        this.controlChannel = new BlockingShellChannel(context, hmac, true, this);
        this.heartbeatSocket = context.socket(SocketType.REP);
    }

    /** See {@link BlockingShellChannel#setAbortQueued}. */
    void setAbortQueued(java.util.function.BooleanSupplier check) {
        shellChannel.setAbortQueued(check);
    }

    @Override
    public void connect() {
        ((ZMQ.Socket) iopub).bind(Channels.address(props, props.getIopubPort()));
        ((ZMQ.Socket) stdin).bind(Channels.address(props, props.getStdinPort()));
        heartbeatSocket.bind(Channels.address(props, props.getHbPort()));
        heartbeatSocket.setReceiveTimeOut(250);
        open = true;
        heartbeatLoop = new Thread(this::echoHeartbeats, "assay-heartbeat");
        heartbeatLoop.setDaemon(true);
        heartbeatLoop.start();
        controlChannel.bind(props);
        shellChannel.bind(props);
        getIOPub().sendMessage(new Message<>(null, PublishStatus.MESSAGE_TYPE, PublishStatus.STARTING));
    }

    private void echoHeartbeats() {
        while (open) {
            try {
                byte[] ping = heartbeatSocket.recv(0);
                if (ping != null) {
                    heartbeatSocket.send(ping, 0);
                }
            } catch (org.zeromq.ZMQException e) {
                break;
            }
        }
    }

    /** Questions to the front end on the stdin channel (for {@code System.in} in cells). */
    FrontEndInput frontEndInput() {
        return new FrontEndInput(stdin, context);
    }

    boolean isOpen() {
        return open;
    }

    /**
     * JeroMQ's I/O threads can race the termination of a context and print a {@code ClosedChannelException} with
     * {@code Throwable.printStackTrace()}, through the notification handler each thread captured when its context
     * started (for jjava's own context, out of reach). So standard error is held while the sockets close and both
     * contexts terminate (they join their threads before returning), and what was printed goes to the debug log.
     */
    @Override
    public synchronized void close() {
        if (!open) {
            return;
        }
        open = false;
        PrintStream err = System.err;
        ByteArrayOutputStream held = new ByteArrayOutputStream();
        System.setErr(new PrintStream(held, true, StandardCharsets.UTF_8));
        try {
            shellChannel.close();
            controlChannel.close();
            try {
                heartbeatLoop.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            heartbeatSocket.close();
            context.close();
            super.close();
        } finally {
            System.setErr(err);
            if (held.size() > 0) {
                LOG.debug("while the sockets closed, JeroMQ printed: {}", held.toString(StandardCharsets.UTF_8));
            }
        }
    }

    @Override
    public void waitUntilClose() {
        shellChannel.waitUntilClose();
        controlChannel.waitUntilClose();
    }
}
