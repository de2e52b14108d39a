package org.assay.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Magics that touch files and repositories: %classpath, %jars, %load, %maven. */
class MagicsTest {
    @TempDir
    static Path tmp;
    static RecordingOutput out;
    static Session session;

    @BeforeAll
    static void start() {
        out = new RecordingOutput();
        session = new Session(out, SessionOptions.defaults());
    }

    @AfterAll
    static void stop() {
        session.close();
    }

    /** Compiles Java sources (name -> code) and packs them, with extra resources, into a jar. */
    static Path jar(Path jar, Map<String, String> sources, Map<String, String> resources) throws IOException {
        Path src = Files.createTempDirectory(tmp, "src");
        Path classes = Files.createTempDirectory(tmp, "classes");
        List<String> args = new java.util.ArrayList<>(List.of("-d", classes.toString(), "-cp",
                System.getProperty("java.class.path") + java.io.File.pathSeparator + tmp.resolve("classpath-for-compile")));
        for (var e : sources.entrySet()) {
            Path f = src.resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
            args.add(f.toString());
        }
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new));
        assertEquals(0, rc, "test sources compile");
        Files.createDirectories(jar.getParent());
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar));
             var walk = Files.walk(classes)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                j.write(Files.readAllBytes(p));
                j.closeEntry();
            }
            for (var r : resources.entrySet()) {
                j.putNextEntry(new JarEntry(r.getKey()));
                j.write(r.getValue().getBytes(StandardCharsets.UTF_8));
                j.closeEntry();
            }
        }
        return jar;
    }

    private static ExecutionResult ok(String code) {
        return Cells.ok(session, code);
    }

    private static CellError fails(String code) {
        return Cells.fails(session, code);
    }

    @Test
    void classpathAddsAJarAndItsRenderers() throws Exception {
        jar(tmp.resolve("jars/greeter.jar"), Map.of(
                "demo.Greeter", "package demo; public class Greeter { public static String hi(String n) { return \"hi \" + n; } }",
                "demo.Token", "package demo; public record Token(String text) { }",
                "demo.TokenRenderer", """
                        package demo;
                        import java.util.Set;
                        import org.assay.display.*;
                        public class TokenRenderer implements Renderer<Token> {
                            public Class<Token> type() { return Token.class; }
                            public MimeBundle render(Token t, Set<String> requested) {
                                return MimeBundle.html("<kbd>" + t.text() + "</kbd>", t.text());
                            }
                        }"""),
                Map.of("META-INF/services/org.assay.display.Renderer", "demo.TokenRenderer\n"));
        ok("%classpath " + tmp.resolve("jars") + "/*.jar");
        assertEquals("hi there", ok("demo.Greeter.hi(\"there\")").value());
        Object token = ok("new demo.Token(\"abc\")").value();
        assertEquals("<kbd>abc</kbd>", session.renderers().render(token).get("text/html"),
                "a renderer contributed by the jar is used");
    }

    @Test
    void classpathAndJarsExplainMissingPaths() {
        CellError e = fails("%jars /no/such/place/*.jar");
        assertEquals("MagicError", e.ename());
        assertTrue(e.evalue().contains("no such file or folder: /no/such/place/*.jar"), e.evalue());
        assertTrue(fails("%classpath").evalue().contains("give one or more jars"));
    }

    @Test
    void loadRunsAFileWithCodeAndMagics() throws Exception {
        Path file = tmp.resolve("helpers.jsh");
        Files.writeString(file, "int helperValue = 40;\n%lsmagic\nint helper() { return helperValue + 2; }\n");
        ok("%load " + file);
        assertEquals(42, ok("helper()").value());
        Files.writeString(tmp.resolve("broken.jsh"), "int fine = 1;\nint broken = \"x\";\n");
        CellError e = fails("%load " + tmp.resolve("broken.jsh"));
        assertTrue(e.text().contains("broken.jsh, line 2"), e.text());
    }

    /** A file-based Maven repository: lib-a depends on lib-b, with checksums as a real repository has. */
    static Path repository() throws Exception {
        Path repo = tmp.resolve("repo");
        if (Files.exists(repo)) {
            return repo;
        }
        Path b = jar(repo.resolve("org/example/lib-b/1.0/lib-b-1.0.jar"),
                Map.of("demo.b.B", "package demo.b; public class B { public static int answer() { return 42; } }"), Map.of());
        Files.createDirectories(tmp.resolve("classpath-for-compile"));
        unpack(b, tmp.resolve("classpath-for-compile"));
        jar(repo.resolve("org/example/lib-a/1.0/lib-a-1.0.jar"),
                Map.of("demo.a.A", "package demo.a; public class A { public static int answer() { return demo.b.B.answer(); } }"),
                Map.of());
        pom(repo, "lib-b", "");
        pom(repo, "lib-a", "<dependencies><dependency><groupId>org.example</groupId><artifactId>lib-b</artifactId>"
                + "<version>1.0</version></dependency></dependencies>");
        try (var walk = Files.walk(repo)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(Files.readAllBytes(p));
                Files.writeString(Path.of(p + ".sha1"), HexFormat.of().formatHex(sha1));
            }
        }
        return repo;
    }

    static void pom(Path repo, String artifact, String dependencies) throws IOException {
        Files.writeString(repo.resolve("org/example/" + artifact + "/1.0/" + artifact + "-1.0.pom"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
                <groupId>org.example</groupId><artifactId>%s</artifactId><version>1.0</version>%s</project>
                """.formatted(artifact, dependencies));
    }

    static void unpack(Path jar, Path into) throws IOException {
        try (var fs = java.nio.file.FileSystems.newFileSystem(jar); var walk = Files.walk(fs.getPath("/"))) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                Path target = into.resolve(p.toString().substring(1));
                Files.createDirectories(target.getParent());
                Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @Test
    void mavenResolvesTransitiveDependencies() throws Exception {
        Path repo = repository();
        session.magics().mavenResolver().withLocalRepository(tmp.resolve("local")).withRemoteRepository("test",
                repo.toUri().toString()).offline(false);
        ok("%maven org.example:lib-a:1.0");
        assertTrue(out.stdout.toString().contains("2 jars added"), out.stdout.toString());
        assertEquals(42, ok("demo.a.A.answer()").value(), "lib-b came in transitively");
        assertTrue(Files.exists(tmp.resolve("local/org/example/lib-b/1.0/lib-b-1.0.jar")));
    }

    @Test
    void mavenOfflineAndMissingFailsClearly() throws Exception {
        session.magics().mavenResolver().withLocalRepository(tmp.resolve("empty-local")).offline(true);
        CellError e = fails("%maven org.example:not-there:9.9");
        assertEquals("MagicError", e.ename());
        assertTrue(e.evalue().contains("cannot resolve org.example:not-there:9.9"), e.evalue());
        assertTrue(e.evalue().contains("offline"), e.evalue());
        assertTrue(e.evalue().contains("empty-local"), "names the local repository: " + e.evalue());
        CellError bad = fails("%maven not-coordinates");
        assertTrue(bad.evalue().contains("group:artifact:version"), bad.evalue());
    }
}
