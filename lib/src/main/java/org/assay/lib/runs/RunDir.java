package org.assay.lib.runs;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assay.base.AtomicFiles;
import org.assay.base.FileTrees;
import org.assay.lib.engine.Torch;

/**
 * One run's directory: {@code config.json} (what was run), {@code env.json} (where: Java, DJL and engine versions,
 * device, threads, seed, git commit), {@code metrics.jsonl} (one JSON object per step, appended and flushed as it
 * is written, so a crash loses at most the line being written) and {@code checkpoints/}. JSON files are written
 * atomically (temporary file, then rename).
 */
public final class RunDir implements AutoCloseable {
    static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();
    static final java.lang.reflect.Type MAP = new com.google.gson.reflect.TypeToken<LinkedHashMap<String, Object>>() {
    }.getType();
    private static final Gson LINE = new GsonBuilder().serializeSpecialFloatingPointValues().create();

    private final Path dir;
    private final RunLock lock;
    private final BufferedWriter metrics;
    private final List<Map<String, Object>> resumedFrom;
    private final Map<String, BufferedWriter> logs = new LinkedHashMap<>(); // the other JSON-lines logs, by name

    private RunDir(Path dir, RunLock lock, BufferedWriter metrics, List<Map<String, Object>> resumedFrom) {
        this.dir = dir;
        this.lock = lock;
        this.metrics = metrics;
        this.resumedFrom = resumedFrom;
    }

    /**
     * A new run {@code root/name}; fails if that run already has metrics (resume it instead) or if another writer holds
     * it ({@link RunLock}). The run is this object's until {@link #close}.
     */
    public static RunDir create(Path root, String name, Map<String, Object> config, long seed) {
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new IllegalArgumentException("RunDir.create: name must be a plain directory name, got '" + name
                    + "'");
        }
        Path dir = root.resolve(name);
        return opened("RunDir.create", dir, lock -> {
            if (Files.exists(dir.resolve(METRICS))) {
                throw new IllegalArgumentException("RunDir.create: run " + dir + " already exists; choose another name"
                        + " or resume it with RunDir.resume");
            }
            removeLeftovers(dir);
            Files.createDirectories(dir.resolve("checkpoints"));
            writeJson(dir.resolve("config.json"), config);
            writeJson(dir.resolve("env.json"), environment(seed));
            return new RunDir(dir, lock, appender(dir.resolve(METRICS)), List.of());
        });
    }

    /** What opens a run once its lock is held. */
    private interface Opening {
        RunDir open(RunLock lock) throws IOException;
    }

    /** Takes the run's lock, then opens it; on any failure the lock is let go and an IO error names {@code fn}. */
    private static RunDir opened(String fn, Path dir, Opening opening) {
        RunLock lock = RunLock.acquire(fn, dir);
        try {
            return opening.open(lock);
        } catch (IOException e) {
            lock.close();
            throw new UncheckedIOException(fn + "(" + dir + "): " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Reopens a run to continue it from optimizer step {@code fromStep}: metric lines of later steps (logged after
     * the checkpoint being resumed) and a partial last line (a crash while writing) are cut off, so the file reads
     * as one continuous run. The file is cut in place, never replaced, so nothing that has it open writes into a
     * deleted copy; and the run is locked first ({@link RunLock}), so nothing else writes to it at all.
     */
    public static RunDir resume(Path dir, long fromStep) {
        Path file = dir.resolve(METRICS);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("RunDir.resume: " + dir + " has no " + METRICS);
        }
        return opened("RunDir.resume", dir, lock -> {
            removeLeftovers(dir);
            List<Map<String, Object>> kept = cut(file, fromStep);
            try (var others = Files.list(dir)) { // the run's other logs (rollouts.jsonl, ...) are cut alike
                for (Path log : others.filter(p -> p.getFileName().toString().endsWith(".jsonl") && !p.equals(file))
                        .toList()) {
                    cut(log, fromStep);
                }
            }
            return new RunDir(dir, lock, appender(file), List.copyOf(kept));
        });
    }

    /**
     * Cuts a JSON-lines log after its last complete line whose {@code "step"} is at most {@code fromStep}, in place;
     * returns the lines kept.
     */
    private static List<Map<String, Object>> cut(Path file, long fromStep) throws IOException {
        List<Map<String, Object>> kept = new java.util.ArrayList<>();
        long keep = 0;
        byte[] bytes = Files.readAllBytes(file);
        int lineStart = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            Map<String, Object> m = parseLine(new String(bytes, lineStart, i - lineStart, StandardCharsets.UTF_8));
            if (m == null || ((Number) m.getOrDefault("step", 0)).longValue() > fromStep) {
                break;
            }
            kept.add(m);
            lineStart = i + 1;
            keep = lineStart;
        }
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(keep);
            f.getFD().sync();
        }
        return kept;
    }

    /** The metric lines a {@link #resume} kept, oldest first; empty for a new run. */
    public List<Map<String, Object>> resumedLines() {
        return resumedFrom;
    }

    private static final String METRICS = "metrics.jsonl";

    /**
     * Removes what a kill or a full disk left behind in a run: temporary files of atomic writes (this code's and the
     * {@code metricsNNN.tmp} / {@code NAME.jsonNNN.tmp} of earlier versions), and checkpoint folders that were being
     * written ({@code step-N.tmp-*}) or swapped out ({@code step-N.old-*}). Called with the run locked.
     */
    static void removeLeftovers(Path dir) throws IOException {
        for (Path folder : new Path[] {dir, dir.resolve("checkpoints")}) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            List<Path> stale;
            try (var s = Files.list(folder)) {
                stale = s.filter(p -> isLeftover(p.getFileName().toString())).toList();
            }
            for (Path p : stale) {
                FileTrees.delete(p);
            }
        }
    }

    static boolean isLeftover(String name) {
        return AtomicFiles.isTemporary(name) || AtomicFiles.isSetAside(name)
                || name.matches("step-\\d+\\.(tmp|old)-.*") || name.matches("(metrics|config\\.json|env\\.json|result\\.json)\\d*\\.tmp");
    }

    /**
     * A FileOutputStream in append mode rather than an NIO channel: a thread interrupt (the notebook's stop button)
     * closes channels, and must not cost the run its metrics file.
     */
    private static BufferedWriter appender(Path file) throws IOException {
        return new BufferedWriter(new java.io.OutputStreamWriter(new java.io.FileOutputStream(file.toFile(), true),
                StandardCharsets.UTF_8));
    }

    /** A line of metrics.jsonl as a map, or null if it is not a complete JSON object. */
    static Map<String, Object> parseLine(String line) {
        if (line.isBlank()) {
            return null;
        }
        try {
            return LINE.fromJson(line, MAP);
        } catch (com.google.gson.JsonParseException e) {
            return null;
        }
    }

    public Path dir() {
        return dir;
    }

    public Path checkpoints() {
        return dir.resolve("checkpoints");
    }

    /** Appends one step's metrics and flushes. */
    public synchronized void log(Map<String, ?> step) {
        try {
            append(metrics, step);
        } catch (IOException e) {
            throw new UncheckedIOException("RunDir.log(" + dir + "): " + e.getMessage(), e);
        }
    }

    /** One JSON line, flushed. */
    private static void append(BufferedWriter w, Map<String, ?> line) throws IOException {
        w.write(LINE.toJson(line));
        w.write('\n');
        w.flush();
    }

    /**
     * Appends one line to the run's JSON-lines log {@code name} (e.g. {@code rollouts.jsonl}) and flushes; the line
     * should carry the {@code "step"} it belongs to, so that {@link #resume} cuts the log where it cuts the metrics.
     */
    public synchronized void log(String name, Map<String, ?> line) {
        if (!name.endsWith(".jsonl") || name.contains("/") || name.equals(METRICS)) {
            throw new IllegalArgumentException("RunDir.log: name must be a plain file name ending in .jsonl, other than "
                    + METRICS + ", got '" + name + "'");
        }
        try {
            BufferedWriter w = logs.get(name);
            if (w == null) {
                w = appender(dir.resolve(name));
                logs.put(name, w);
            }
            append(w, line);
        } catch (IOException e) {
            throw new UncheckedIOException("RunDir.log(" + dir.resolve(name) + "): " + e.getMessage(), e);
        }
    }

    /** Writes {@code name} in the run directory atomically (e.g. a summary). */
    public void writeJson(String name, Object value) {
        try {
            writeJson(dir.resolve(name), value);
        } catch (IOException e) {
            throw new UncheckedIOException("RunDir.writeJson(" + name + "): " + e.getMessage(), e);
        }
    }

    static void writeJson(Path file, Object value) throws IOException {
        AtomicFiles.writeString(file, GSON.toJson(value));
    }

    static Map<String, Object> environment(long seed) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("java", System.getProperty("java.version"));
        env.put("java_vendor", System.getProperty("java.vendor"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        Torch.Info info = Torch.info();
        env.put("djl", info.djlVersion());
        env.put("engine", info.engine() + " " + info.engineVersion());
        env.put("device", info.device());
        env.put("threads", info.threads());
        env.put("cpu_blas", info.cpuBlas());
        env.put("allocator", info.allocator());
        env.put("bf16", info.bf16());
        env.put("seed", seed);
        env.put("git_commit", gitCommit(Path.of("").toAbsolutePath()));
        return env;
    }

    /** The commit checked out in the repository containing {@code from}, read from .git without running git. */
    static String gitCommit(Path from) {
        for (Path p = from; p != null; p = p.getParent()) {
            Path git = p.resolve(".git");
            try {
                if (Files.isRegularFile(git)) { // a worktree: "gitdir: <path>"
                    String line = Files.readString(git).trim();
                    if (line.startsWith("gitdir:")) {
                        git = p.resolve(line.substring(7).trim());
                    }
                }
                if (Files.isDirectory(git)) {
                    String head = Files.readString(git.resolve("HEAD")).trim();
                    if (!head.startsWith("ref:")) {
                        return head;
                    }
                    String ref = head.substring(4).trim();
                    for (Path base : List.of(git, commonDir(git))) {
                        Path refFile = base.resolve(ref);
                        if (Files.isRegularFile(refFile)) {
                            return Files.readString(refFile).trim();
                        }
                        Path packed = base.resolve("packed-refs");
                        if (Files.isRegularFile(packed)) {
                            for (String l : Files.readAllLines(packed)) {
                                if (l.endsWith(" " + ref)) {
                                    return l.substring(0, l.indexOf(' '));
                                }
                            }
                        }
                    }
                    return null;
                }
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    private static Path commonDir(Path git) throws IOException {
        Path common = git.resolve("commondir");
        return Files.isRegularFile(common) ? git.resolve(Files.readString(common).trim()).normalize() : git;
    }

    @Override
    public synchronized void close() {
        try {
            metrics.close();
            for (BufferedWriter w : logs.values()) {
                w.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("RunDir.close(" + dir + "): " + e.getMessage(), e);
        } finally {
            lock.close();
        }
    }
}
