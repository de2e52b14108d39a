package org.assay.lib.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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

    /** A UTF-8 text file's lines; a missing file, text that is not UTF-8 or a read error names {@code fn}. */
    public static java.util.List<String> readLines(String fn, Path file) {
        try {
            return Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(fn + ": no such file " + file);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(fn + ": " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new UncheckedIOException(fn + ": cannot read " + file, e);
        }
    }

    /** Copies {@code from} to {@code to} through a temporary sibling and a rename; a failure names {@code fn}. */
    public static void copyAtomically(String fn, Path from, Path to) {
        try {
            AtomicFiles.write(to, out -> Files.copy(from, out));
        } catch (IOException e) {
            throw new UncheckedIOException(fn + ": copying " + from + " to " + to + ": " + e, e);
        }
    }

    /**
     * Reads a file that must hold one JSON object; a missing file, invalid JSON or another JSON value is an
     * {@link IllegalArgumentException} starting with {@code fn}, which should name the file.
     */
    public static JsonObject readJsonObject(String fn, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(fn + ": no such file");
        }
        try {
            JsonElement e = JsonParser.parseString(Files.readString(file));
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException(fn + ": must hold a JSON object, got " + abbreviate(e.toString()));
            }
            return e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(fn + ": not valid JSON (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(fn + ": " + e, e);
        }
    }

    /** {@code s} cut to 60 characters for an error message, "..." marking the cut. */
    public static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** A JSON object's string field; an error starting with {@code where} names the field and what it holds. */
    public static String jsonString(String where, JsonObject o, String field) {
        JsonElement v = o.get(field);
        if (v == null || !v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException(where + "\"" + field + "\" must be a string, got "
                    + (v == null ? "none" : abbreviate(v.toString())));
        }
        return v.getAsString();
    }

    /** Like {@link java.util.Objects#requireNonNull}, but an {@link IllegalArgumentException} in the house style. */
    static <T> T requireNonNull(String fn, String parameter, T value) {
        if (value == null) {
            throw new IllegalArgumentException(fn + ": " + parameter + " must not be null, got null");
        }
        return value;
    }
}
