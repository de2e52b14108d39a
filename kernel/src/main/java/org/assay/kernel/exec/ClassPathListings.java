package org.assay.kernel.exec;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.tools.FileObject;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;

/**
 * The standard file manager JShell compiles with, remembering what it lists on the class path.
 *
 * <p>JShell runs five javac tasks for each expression (parse, two analyses for its type, analyse, generate), and
 * every task lists the packages it touches from scratch: the {@code REPL} package it keeps its snippets in (which no
 * jar holds, but each of the class path's ~70 jars is searched for), the unnamed package, and each star-imported
 * package. A profile of {@code 1 + 1} after 20 cells put 14% of the time there. A jar's contents do not change while
 * the kernel runs (javac keeps each jar it has opened as it was anyway), so while every class path entry is a jar a
 * listing is kept; a directory on the class path turns that off, as its files can change between cells. Setting the
 * class path ({@code %classpath}, {@code %maven}) forgets everything.
 */
public final class ClassPathListings implements StandardJavaFileManager {
    /** The package JShell's own snippet classes are in ({@code jdk.jshell.Util.REPL_PACKAGE}). */
    static final String REPL_PACKAGE = "REPL";

    private final StandardJavaFileManager delegate;
    private final Map<Key, List<JavaFileObject>> listings = new ConcurrentHashMap<>();
    private volatile boolean onlyJars;

    private record Key(String packageName, Set<JavaFileObject.Kind> kinds, boolean recurse) {
    }

    public ClassPathListings(StandardJavaFileManager delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        classPathChanged();
    }

    /** How many listings are kept now (for tests). */
    int kept() {
        return listings.size();
    }

    private void classPathChanged() {
        listings.clear();
        Iterable<? extends Path> entries = delegate.getLocationAsPaths(StandardLocation.CLASS_PATH);
        boolean jars = true;
        if (entries != null) {
            for (Path p : entries) {
                jars &= Files.isRegularFile(p);
            }
        }
        onlyJars = jars;
    }

    @Override
    public Iterable<JavaFileObject> list(Location location, String packageName, Set<JavaFileObject.Kind> kinds,
                                         boolean recurse) throws IOException {
        if (location != StandardLocation.CLASS_PATH) {
            return delegate.list(location, packageName, kinds, recurse);
        }
        if (REPL_PACKAGE.equals(packageName) && !recurse) {
            return List.of(); // JShell adds the snippets' classes itself; no class path entry holds this package
        }
        if (!onlyJars) {
            return delegate.list(location, packageName, kinds, recurse);
        }
        Key key = new Key(packageName, Set.copyOf(kinds), recurse);
        List<JavaFileObject> kept = listings.get(key);
        if (kept == null) {
            kept = new ArrayList<>();
            for (JavaFileObject f : delegate.list(location, packageName, kinds, recurse)) {
                kept.add(f);
            }
            kept = List.copyOf(kept);
            listings.put(key, kept);
        }
        return kept;
    }

    @Override
    public boolean handleOption(String current, Iterator<String> remaining) {
        boolean handled = delegate.handleOption(current, remaining);
        classPathChanged();
        return handled;
    }

    @Override
    public void setLocation(Location location, Iterable<? extends File> files) throws IOException {
        delegate.setLocation(location, files);
        classPathChanged();
    }

    @Override
    public void setLocationFromPaths(Location location, Collection<? extends Path> paths) throws IOException {
        delegate.setLocationFromPaths(location, paths);
        classPathChanged();
    }

    @Override
    public void setLocationForModule(Location location, String moduleName, Collection<? extends Path> paths)
            throws IOException {
        delegate.setLocationForModule(location, moduleName, paths);
        classPathChanged();
    }

    @Override
    public void flush() throws IOException {
        delegate.flush();
    }

    @Override
    public void close() throws IOException {
        listings.clear();
        delegate.close();
    }

    // ------------------------------------------------------------------------------------- the rest, as it is

    @Override
    public ClassLoader getClassLoader(Location location) {
        return delegate.getClassLoader(location);
    }

    @Override
    public String inferBinaryName(Location location, JavaFileObject file) {
        return delegate.inferBinaryName(location, file);
    }

    @Override
    public boolean isSameFile(FileObject a, FileObject b) {
        return delegate.isSameFile(a, b);
    }

    @Override
    public boolean hasLocation(Location location) {
        return delegate.hasLocation(location);
    }

    @Override
    public JavaFileObject getJavaFileForInput(Location location, String className, JavaFileObject.Kind kind)
            throws IOException {
        return delegate.getJavaFileForInput(location, className, kind);
    }

    @Override
    public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                               FileObject sibling) throws IOException {
        return delegate.getJavaFileForOutput(location, className, kind, sibling);
    }

    @Override
    public FileObject getFileForInput(Location location, String packageName, String relativeName)
            throws IOException {
        return delegate.getFileForInput(location, packageName, relativeName);
    }

    @Override
    public FileObject getFileForOutput(Location location, String packageName, String relativeName,
                                       FileObject sibling) throws IOException {
        return delegate.getFileForOutput(location, packageName, relativeName, sibling);
    }

    @Override
    public int isSupportedOption(String option) {
        return delegate.isSupportedOption(option);
    }

    @Override
    public Location getLocationForModule(Location location, String moduleName) throws IOException {
        return delegate.getLocationForModule(location, moduleName);
    }

    @Override
    public Location getLocationForModule(Location location, JavaFileObject fo) throws IOException {
        return delegate.getLocationForModule(location, fo);
    }

    @Override
    public <S> ServiceLoader<S> getServiceLoader(Location location, Class<S> service) throws IOException {
        return delegate.getServiceLoader(location, service);
    }

    @Override
    public String inferModuleName(Location location) throws IOException {
        return delegate.inferModuleName(location);
    }

    @Override
    public Iterable<Set<Location>> listLocationsForModules(Location location) throws IOException {
        return delegate.listLocationsForModules(location);
    }

    @Override
    public boolean contains(Location location, FileObject fo) throws IOException {
        return delegate.contains(location, fo);
    }

    @Override
    public Iterable<? extends JavaFileObject> getJavaFileObjectsFromFiles(Iterable<? extends File> files) {
        return delegate.getJavaFileObjectsFromFiles(files);
    }

    @Override
    public Iterable<? extends JavaFileObject> getJavaFileObjectsFromPaths(Collection<? extends Path> paths) {
        return delegate.getJavaFileObjectsFromPaths(paths);
    }

    @Override
    public Iterable<? extends JavaFileObject> getJavaFileObjects(File... files) {
        return delegate.getJavaFileObjects(files);
    }

    @Override
    public Iterable<? extends JavaFileObject> getJavaFileObjects(Path... paths) {
        return delegate.getJavaFileObjects(paths);
    }

    @Override
    public Iterable<? extends JavaFileObject> getJavaFileObjectsFromStrings(Iterable<String> names) {
        return delegate.getJavaFileObjectsFromStrings(names);
    }

    @Override
    public Iterable<? extends JavaFileObject> getJavaFileObjects(String... names) {
        return delegate.getJavaFileObjects(names);
    }

    @Override
    public Iterable<? extends File> getLocation(Location location) {
        return delegate.getLocation(location);
    }

    @Override
    public Iterable<? extends Path> getLocationAsPaths(Location location) {
        return delegate.getLocationAsPaths(location);
    }

    @Override
    public Path asPath(FileObject file) {
        return delegate.asPath(file);
    }

    @Override
    public void setPathFactory(PathFactory f) {
        delegate.setPathFactory(f);
    }
}
