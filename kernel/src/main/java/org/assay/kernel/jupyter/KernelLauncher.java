package org.assay.kernel.jupyter;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Connects a kernel to the sockets named in a connection file and serves until shutdown. */
public final class KernelLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(KernelLauncher.class);

    private KernelLauncher() {
    }

    public static void run(Path connectionFile, PrintStream kernelErr) throws Exception {
        KernelConnectionProperties props = KernelConnectionProperties.parse(Files.readString(connectionFile));
        AssayKernel kernel = new AssayKernel(kernelErr);
        AssayConnection connection = new AssayConnection(props);
        kernel.becomeHandlerForConnection(connection);
        connection.setAbortQueued(kernel::takeAbortQueued);
        kernel.useInput(connection.frontEndInput());
        installSigintHandler(kernel);
        quietTransportThreads(connection);
        exitWithParent(connection);
        connection.connect();
        kernel.startSession();
        LOG.info("Assay kernel listening on {}:{} (shell port {})", props.getTransport(), props.getIp(),
                props.getShellPort());
        connection.waitUntilClose();
        LOG.info("Assay kernel shut down");
    }

    /**
     * JeroMQ's I/O and reaper threads can throw while the sockets are torn down at shutdown; the default handler
     * would print those traces on the kernel's stderr. They are logged instead (debug once closing, else warn).
     * Other threads' uncaught exceptions, such as a background thread of the user's, print as usual — into the
     * notebook, since System.err is the cell's.
     */
    private static void quietTransportThreads(AssayConnection connection) {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            String name = thread.getName();
            if (name.startsWith("iothread-") || name.startsWith("reaper-")) {
                if (connection.isOpen()) {
                    LOG.warn("transport thread {} failed: {}", name, error.toString());
                } else {
                    LOG.debug("transport thread {} failed during shutdown: {}", name, error.toString());
                }
            } else if (previous != null) {
                previous.uncaughtException(thread, error);
            } else {
                System.err.print("Exception in thread \"" + name + "\" ");
                error.printStackTrace(System.err);
            }
        });
    }

    /** Binds a connection on free loopback ports and closes it: loads the protocol classes for a CDS dump. */
    public static void warmUpProtocol() throws Exception {
        int[] ports = new int[5];
        for (int i = 0; i < ports.length; i++) {
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                ports[i] = s.getLocalPort();
            }
        }
        KernelConnectionProperties props = new KernelConnectionProperties("127.0.0.1", ports[0], ports[1], ports[2],
                ports[3], ports[4], "tcp", "hmac-sha256", "warm-up-key");
        AssayConnection connection = new AssayConnection(props);
        connection.connect();
        connection.close();
    }

    /** Like ipykernel: when the process that started us (JPY_PARENT_PID) dies, do not linger as an orphan. */
    private static void exitWithParent(AssayConnection connection) {
        String pid = System.getenv("JPY_PARENT_PID");
        if (pid == null || !pid.matches("\\d+")) {
            return;
        }
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(parent -> parent.onExit().thenRun(() -> {
            LOG.info("parent process {} exited; shutting down", pid);
            connection.close();
        }));
    }

    /** For front ends that interrupt with SIGINT instead of a message: stop the cell, not the JVM. */
    private static void installSigintHandler(AssayKernel kernel) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> kernel.interrupt());
        } catch (IllegalArgumentException | LinkageError e) {
            LOG.debug("SIGINT handler not installed: {}", e.toString());
        }
    }
}
