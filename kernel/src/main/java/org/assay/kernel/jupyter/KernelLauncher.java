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
        installSigintHandler(kernel);
        exitWithParent(connection);
        connection.connect();
        LOG.info("Assay kernel listening on {}:{} (shell port {})", props.getTransport(), props.getIp(),
                props.getShellPort());
        connection.waitUntilClose();
        LOG.info("Assay kernel shut down");
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
