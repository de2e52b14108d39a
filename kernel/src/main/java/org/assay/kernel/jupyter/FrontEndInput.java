package org.assay.kernel.jupyter;

import org.assay.kernel.exec.Guard;
import org.dflib.jjava.jupyter.channels.StdinChannel;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageContext;
import org.dflib.jjava.jupyter.messages.reply.InputReply;
import org.dflib.jjava.jupyter.messages.request.InputRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMQ;

/**
 * Asks the front end for a line over the stdin channel: {@code input_request} parented to the cell's execute
 * request, then waits for {@code input_reply}. jjava's own {@code StdinChannel.getInput} blocks in {@code recv}
 * with no way out; this waits in short polls and checks between them whether the cell was interrupted, so the
 * interrupt button stops a cell that waits for input as it stops one that loops.
 */
final class FrontEndInput {
    private static final Logger LOG = LoggerFactory.getLogger(FrontEndInput.class);
    private static final int POLL_MS = 50;

    private final StdinChannel socket;
    private final ZMQ.Poller poller;

    FrontEndInput(StdinChannel socket, ZMQ.Context context) {
        this.socket = socket;
        this.poller = context.poller(1);
        poller.register(socket, ZMQ.Poller.POLLIN);
    }

    /** Only the cell thread asks; one question at a time. */
    synchronized String readLine(MessageContext request, String prompt, boolean password) {
        dropStaleReplies();
        socket.sendMessage(new Message<>(request, InputRequest.MESSAGE_TYPE, new InputRequest(prompt, password)));
        while (true) {
            Guard.check(); // an interrupt stops the wait, as it stops a loop
            boolean ready;
            try {
                ready = poller.poll(POLL_MS) > 0;
            } catch (RuntimeException e) { // JeroMQ's poll, interrupted by the stop's Thread.interrupt()
                Guard.check();
                throw e;
            }
            Thread.interrupted(); // an interrupt without a stop (a stale one) must not spin the poll
            if (ready) {
                Message<?> reply = socket.readMessage();
                if (reply.getContent() instanceof InputReply r) {
                    return r.getValue();
                }
                LOG.debug("stdin: ignored a {} while waiting for input_reply", reply.getHeader().getType());
            }
        }
    }

    /** A reply to an earlier question whose cell was interrupted meanwhile belongs to no one now. */
    private void dropStaleReplies() {
        while (poller.poll(0) > 0) {
            Message<?> stale = socket.readMessage();
            LOG.debug("stdin: dropped a late {}", stale.getHeader().getType());
        }
    }
}
