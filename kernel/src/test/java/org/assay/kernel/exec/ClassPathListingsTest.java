package org.assay.kernel.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassPathListingsTest {
    private static final Set<JavaFileObject.Kind> CLASSES = Set.of(JavaFileObject.Kind.CLASS);

    @TempDir
    Path dir;

    private static ClassPathListings listingsOf(List<Path> classPath) throws IOException {
        var std = ToolProvider.getSystemJavaCompiler().getStandardFileManager(null, null, null);
        std.setLocationFromPaths(StandardLocation.CLASS_PATH, classPath);
        return new ClassPathListings(std);
    }

    private static List<String> names(ClassPathListings files, String pkg) throws IOException {
        List<String> names = new ArrayList<>();
        for (JavaFileObject f : files.list(StandardLocation.CLASS_PATH, pkg, CLASSES, false)) {
            names.add(files.inferBinaryName(StandardLocation.CLASS_PATH, f));
        }
        names.sort(null);
        return names;
    }

    private Path jar(String name, String... entries) throws IOException {
        Path jar = dir.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String e : entries) {
                out.putNextEntry(new JarEntry(e));
                out.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
                out.closeEntry();
            }
        }
        return jar;
    }

    @Test
    void aJarsListingIsKeptAndTheSameAsTheStandardOne() throws IOException {
        Path a = jar("a.jar", "p/A.class", "p/B.class", "q/C.class");
        try (ClassPathListings files = listingsOf(List.of(a))) {
            assertEquals(List.of("p.A", "p.B"), names(files, "p"));
            assertEquals(1, files.kept());
            assertEquals(List.of("p.A", "p.B"), names(files, "p"));
            assertEquals(List.of("q.C"), names(files, "q"));
            assertEquals(2, files.kept());
        }
    }

    @Test
    void theReplPackageIsNotSearchedFor() throws IOException {
        Path a = jar("a.jar", "p/A.class");
        try (ClassPathListings files = listingsOf(List.of(a))) {
            assertEquals(List.of(), names(files, ClassPathListings.REPL_PACKAGE));
            assertEquals(0, files.kept());
        }
    }

    @Test
    void aDirectoryOnTheClassPathIsListedAfreshEachTime() throws IOException {
        Path classes = Files.createDirectories(dir.resolve("classes/p"));
        Files.write(classes.resolve("A.class"), new byte[] {1});
        try (ClassPathListings files = listingsOf(List.of(jar("a.jar", "p/Z.class"), dir.resolve("classes")))) {
            assertEquals(List.of("p.A", "p.Z"), names(files, "p"));
            Files.write(classes.resolve("B.class"), new byte[] {1}); // a class compiled between two cells
            assertEquals(List.of("p.A", "p.B", "p.Z"), names(files, "p"));
            assertEquals(0, files.kept());
        }
    }

    @Test
    void settingTheClassPathForgetsWhatWasKept() throws IOException {
        Path a = jar("a.jar", "p/A.class");
        Path b = jar("b.jar", "p/B.class");
        try (ClassPathListings files = listingsOf(List.of(a))) {
            assertEquals(List.of("p.A"), names(files, "p"));
            // what JShell's addToClasspath does (%classpath, %maven)
            boolean handled = files.handleOption("-classpath", List.of(a + java.io.File.pathSeparator + b).iterator());
            assertTrue(handled);
            assertEquals(0, files.kept());
            assertEquals(List.of("p.A", "p.B"), names(files, "p"));
        }
    }

    @Test
    void otherLocationsPassThrough() throws IOException {
        try (ClassPathListings files = listingsOf(List.of(jar("a.jar", "p/A.class")))) {
            javax.tools.JavaFileManager.Location javaBase = null;
            for (var group : files.listLocationsForModules(StandardLocation.SYSTEM_MODULES)) {
                for (var l : group) {
                    if ("java.base".equals(files.inferModuleName(l))) {
                        javaBase = l;
                    }
                }
            }
            boolean found = false;
            for (JavaFileObject f : files.list(javaBase, "java.lang", CLASSES, false)) {
                found |= "java.lang.String".equals(files.inferBinaryName(javaBase, f));
            }
            assertTrue(found, "java.lang.String listed from java.base");
            assertEquals(0, files.kept());
        }
    }
}
