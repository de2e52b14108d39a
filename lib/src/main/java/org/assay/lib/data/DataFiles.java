package org.assay.lib.data;

import java.nio.file.Path;
import org.assay.base.AtomicFiles;

/** File helpers shared by the savers and loaders of this package (and the sweep's spec files). */
public final class DataFiles {

    private DataFiles() {
    }

    /** Writes {@code text} as UTF-8 through {@link AtomicFiles}; a failure names {@code fn} and the file. */
    public static void writeAtomically(String fn, Path file, String text) {
        requireNonNull(fn, "file", file);
        AtomicFiles.writeString(fn, file, text);
    }

    /** Like {@link java.util.Objects#requireNonNull}, but an {@link IllegalArgumentException} in the house style. */
    static <T> T requireNonNull(String fn, String parameter, T value) {
        if (value == null) {
            throw new IllegalArgumentException(fn + ": " + parameter + " must not be null, got null");
        }
        return value;
    }
}
