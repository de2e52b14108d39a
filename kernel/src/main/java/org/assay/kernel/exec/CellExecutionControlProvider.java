package org.assay.kernel.exec;

import java.util.Map;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/** Hands JShell our in-process execution control, and keeps a reference for the kernel. */
public final class CellExecutionControlProvider implements ExecutionControlProvider {
    private final ClassLoader parent;
    private volatile CellExecutionControl control;

    public CellExecutionControlProvider(ClassLoader parent) {
        this.parent = parent;
    }

    @Override
    public String name() {
        return "assay";
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
        control = new CellExecutionControl(new CellClassLoader(parent));
        return control;
    }

    public CellExecutionControl control() {
        return control;
    }
}
