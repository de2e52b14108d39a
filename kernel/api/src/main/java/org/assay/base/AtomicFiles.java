package org.assay.base;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Writes a file so that a reader, a crash, a kill or a full disk never leaves it half-written: the bytes go to a
 * temporary file with a unique name in the same folder (so two writers never collide and the move stays on one file
 * system), the file is synced, moved over the target atomically, and the folder is synced so the rename survives a
 * power cut. On any failure the temporary file is removed and the old file is left as it was.
 *
 * <p>The temporary file is created with the process's default permissions (umask), like the file it replaces would be
 * by {@link Files#writeString}; {@link Files#createTempFile} would make it 0600. Writes go through a
 * {@link FileOutputStream} rather than an NIO channel because a thread interrupt (a notebook's stop button) closes
 * channels and must not cost a run its files.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** What writes the new content. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Replaces {@code file} with {@code text} as UTF-8. */
    public static void writeString(Path file, CharSequence text) throws IOException {
        write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Replaces {@code file} with {@code bytes}. */
    public static void write(Path file, byte[] bytes) throws IOException {
        write(file, out -> out.write(bytes));
    }

    /** Replaces {@code file} with what {@code body} writes; {@code file} is untouched if {@code body} throws. */
    public static void write(Path file, Body body) throws IOException {
        Path target = file.toAbsolutePath();
        Path tmp = temporarySibling(target);
        try {
            try (FileOutputStream out = new FileOutputStream(tmp.toFile())) {
                body.writeTo(out);
                out.flush();
                out.getFD().sync();
            }
            move(tmp, target);
            syncFolder(target.getParent());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** {@link #writeString} for callers that report failures as unchecked: the message names {@code fn} and the file. */
    public static void writeString(String fn, Path file, CharSequence text) {
        try {
            writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(fn + ": cannot write " + file + ": " + e, e);
        }
    }

    /**
     * A fresh name beside {@code target} for staging its replacement: hidden, unique to this call, and recognisable by
     * {@link #isTemporary} so a clean-up after a kill can find it.
     */
    public static Path temporarySibling(Path target) {
        return target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + TMP_SUFFIX);
    }

    /** Whether {@code name} is a name {@link #temporarySibling} makes. */
    public static boolean isTemporary(String name) {
        return name.startsWith(".") && name.endsWith(TMP_SUFFIX);
    }

    private static final String TMP_SUFFIX = ".tmp";

    /** Renames {@code from} to {@code to} atomically, replacing it; falls back to a plain move where atomic is refused. */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Puts the folder {@code staging} (complete, written beside {@code target}) in place of {@code target}, which may
     * not exist, by renames: the old folder is moved aside to {@code .NAME.old-UUID}, {@code staging} renamed to
     * {@code target}, the old one deleted. If the second rename fails the old folder is moved back, so {@code target}
     * is never left missing by an error; a crash in between leaves the old folder aside, found by its name.
     */
    public static void replaceDirectory(Path staging, Path target) throws IOException {
        Path old = Files.exists(target) ? moveAside(target) : null;
        try {
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staging, target);
            }
        } catch (IOException e) {
            if (old != null) {
                Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
            }
            throw e;
        }
        syncFolder(target.getParent());
        if (old != null) {
            FileTrees.delete(old);
        }
    }

    /**
     * Deletes the folder {@code target} so that a crash midway never leaves a part of it under its own name: it is
     * renamed aside first (as {@link #replaceDirectory} does with the folder it replaces), then deleted; a crash leaves
     * only a folder that {@link #isSetAside} finds.
     */
    public static void deleteDirectory(Path target) throws IOException {
        FileTrees.delete(moveAside(target));
    }

    private static Path moveAside(Path target) throws IOException {
        Path old = target.resolveSibling("." + target.getFileName() + ".old-" + UUID.randomUUID());
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        return old;
    }

    /** Whether {@code name} is a folder {@link #replaceDirectory} or {@link #deleteDirectory} moved aside. */
    public static boolean isSetAside(String name) {
        return name.startsWith(".") && name.contains(".old-");
    }

    /** Makes a rename or a new file in {@code folder} durable; a no-op where the platform cannot open a folder. */
    public static void syncFolder(Path folder) {
        if (folder == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a directory; the data itself was synced before the rename.
        }
    }
}
