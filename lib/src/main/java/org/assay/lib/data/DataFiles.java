package org.assay.lib.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/** File helpers shared by the savers and loaders of this package (and the sweep's spec files). */
public final class DataFiles {

    private DataFiles() {
    }

    /**
     * Writes {@code text} as UTF-8 so that a reader never sees a half-written file: first to a hidden temporary file in
     * the same directory (so the move stays on one file system), then moved over {@code file} atomically.
     */
    public static void writeAtomically(String fn, Path file, String text) {
        requireNonNull(fn, "file", file);
        Path absolute = file.toAbsolutePath();
        Path tmp = absolute.resolveSibling("." + absolute.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
            Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(fn + ": cannot write " + file + ": " + e, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the temporary file is hidden and harmless; the error that matters was thrown above
            }
        }
    }

    static String readString(String fn, Path file) {
        requireNonNull(fn, "file", file);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(fn + ": file must be an existing regular file, got " + file);
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(fn + ": cannot read " + file + ": " + e, e);
        }
    }

    /** Like {@link java.util.Objects#requireNonNull}, but an {@link IllegalArgumentException} in the house style. */
    static <T> T requireNonNull(String fn, String parameter, T value) {
        if (value == null) {
            throw new IllegalArgumentException(fn + ": " + parameter + " must not be null, got null");
        }
        return value;
    }
}
