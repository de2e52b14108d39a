package org.assay.kernel.jupyter;

import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

/** Socket addresses from a connection file. */
final class Channels {
    private Channels() {
    }

    static String address(KernelConnectionProperties props, int port) {
        if ("ipc".equals(props.getTransport())) {
            return "ipc://" + props.getIp() + "-" + port;
        }
        return props.getTransport() + "://" + props.getIp() + ":" + port;
    }
}
