package org.assay.kernel.magic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assay.kernel.Session;

/** {@code %classpath PATH...} (and {@code %jars}, its other name): adds jars or folders, globs allowed. */
final class ClasspathMagic implements LineMagic {
    private final Session session;
    private final String name;
    private final String usage;

    ClasspathMagic(Session session, String name, String usage) {
        this.session = session;
        this.name = name;
        this.usage = usage;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String usage() {
        return usage;
    }

    @Override
    public Object run(String args, String label) throws IOException {
        List<Path> paths = new ArrayList<>();
        for (String arg : Magics.splitArgs(args)) {
            List<Path> matched = glob(arg);
            if (matched.isEmpty()) {
                throw new IllegalArgumentException("no such file or folder: " + arg
                        + " (relative paths start at " + Path.of("").toAbsolutePath() + ")");
            }
            paths.addAll(matched);
        }
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("give one or more jars or folders, e.g. %" + name + " lib/*.jar");
        }
        session.addToClasspath(paths);
        System.out.println("Added to the class path: " + paths.size() + (paths.size() == 1 ? " entry" : " entries"));
        return null;
    }

    static List<Path> glob(String pattern) throws IOException {
        String expanded = pattern.startsWith("~/") ? System.getProperty("user.home") + pattern.substring(1) : pattern;
        if (!expanded.contains("*") && !expanded.contains("?") && !expanded.contains("[")) {
            Path p = Path.of(expanded);
            return Files.exists(p) ? List.of(p.toAbsolutePath()) : List.of();
        }
        int firstWild = indexOfWildcard(expanded);
        int slash = expanded.lastIndexOf('/', firstWild);
        Path base = slash < 0 ? Path.of("") : Path.of(slash == 0 ? "/" : expanded.substring(0, slash));
        String rest = slash < 0 ? expanded : expanded.substring(slash + 1);
        PathMatcher matcher = base.getFileSystem().getPathMatcher("glob:" + rest);
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(base, rest.contains("**") ? Integer.MAX_VALUE : rest.split("/").length)) {
            return walk.filter(p -> matcher.matches(base.relativize(p))).map(Path::toAbsolutePath).sorted().toList();
        }
    }

    private static int indexOfWildcard(String s) {
        for (int i = 0; i < s.length(); i++) {
            if ("*?[".indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }
}
