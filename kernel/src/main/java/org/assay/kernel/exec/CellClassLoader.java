package org.assay.kernel.exec;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jdk.jshell.execution.LoaderDelegate;
import jdk.jshell.spi.ExecutionControl.ClassBytecodes;
import jdk.jshell.spi.ExecutionControl.ClassInstallException;
import jdk.jshell.spi.ExecutionControl.InternalException;

/**
 * Loads the classes JShell compiles for cells (instrumented, see {@link Instrumenter}) and the jars and folders added
 * with {@code %classpath}/{@code %maven}. Its parent is the kernel's own loader, so cells see Assay's classes and
 * share objects with the kernel.
 */
final class CellClassLoader extends URLClassLoader implements LoaderDelegate {
    static {
        registerAsParallelCapable();
    }

    private final Map<String, byte[]> pending = new ConcurrentHashMap<>();
    private final Map<String, Class<?>> loaded = new ConcurrentHashMap<>();

    CellClassLoader(ClassLoader parent) {
        super(new URL[0], parent);
    }

    @Override
    public void load(ClassBytecodes[] cbcs) throws ClassInstallException {
        boolean[] installed = new boolean[cbcs.length];
        for (ClassBytecodes cbc : cbcs) {
            pending.put(cbc.name(), Instrumenter.instrument(cbc.bytecodes()));
        }
        int i = 0;
        try {
            for (ClassBytecodes cbc : cbcs) {
                Class<?> c = loadClass(cbc.name());
                loaded.put(cbc.name(), c);
                installed[i++] = true;
                c.getDeclaredMethods(); // force verification now, not at first call
            }
        } catch (Throwable t) {
            throw new ClassInstallException("cell class load failed: " + t, installed);
        }
    }

    @Override
    public void classesRedefined(ClassBytecodes[] cbcs) {
        // Redefinition is not supported (DirectExecutionControl declines it), so JShell replaces classes instead.
    }

    @Override
    public void addToClasspath(String path) throws InternalException {
        for (String element : path.split(java.io.File.pathSeparator)) {
            if (element.isBlank()) {
                continue;
            }
            try {
                addURL(Path.of(element).toAbsolutePath().toUri().toURL());
            } catch (MalformedURLException e) {
                throw new InternalException("bad class path element " + element + ": " + e.getMessage());
            }
        }
    }

    @Override
    public Class<?> findClass(String name) throws ClassNotFoundException {
        Class<?> c = loaded.get(name);
        if (c != null) {
            return c;
        }
        byte[] bytes = pending.remove(name);
        if (bytes != null) {
            return defineClass(name, bytes, 0, bytes.length);
        }
        return super.findClass(name);
    }
}
