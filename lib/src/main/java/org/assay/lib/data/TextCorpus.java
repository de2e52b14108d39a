package org.assay.lib.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A text corpus read from disk: one UTF-8 file, or every file under a folder.
 *
 * @param text       the files' text, joined with "\n" between files
 * @param files      the files read, in the order their text appears
 * @param totalBytes the files' sizes in bytes, summed (the "\n" separators not counted)
 */
public record TextCorpus(String text, List<Path> files, long totalBytes) {

    public TextCorpus {
        DataFiles.requireNonNull("TextCorpus", "text", text);
        files = List.copyOf(DataFiles.requireNonNull("TextCorpus", "files", files));
        if (totalBytes < 0) {
            throw new IllegalArgumentException("TextCorpus: totalBytes must be >= 0, got " + totalBytes);
        }
    }

    /**
     * Reads a UTF-8 file, or all regular files under a folder recursively, sorted by path so that the text is the same
     * on every machine. Hidden files and folders (name starting with '.') under the folder are skipped. Invalid UTF-8
     * is an error naming the file and byte offset, rather than silently replaced.
     */
    public static TextCorpus read(Path fileOrFolder) {
        String fn = "TextCorpus.read";
        DataFiles.requireNonNull(fn, "fileOrFolder", fileOrFolder);
        if (!Files.exists(fileOrFolder)) {
            throw new IllegalArgumentException(fn + ": fileOrFolder must exist, got " + fileOrFolder);
        }
        List<Path> files = Files.isDirectory(fileOrFolder) ? filesUnder(fileOrFolder) : List.of(fileOrFolder);
        if (files.isEmpty()) {
            throw new IllegalArgumentException(fn + ": fileOrFolder must contain at least one non-hidden regular file,"
                    + " got an empty folder " + fileOrFolder);
        }
        StringBuilder text = new StringBuilder();
        long totalBytes = 0;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException(fn + ": cannot read " + file + ": " + e, e);
            }
            if (i > 0) {
                text.append('\n');
            }
            text.append(decodeUtf8(bytes, file));
            totalBytes += bytes.length;
        }
        return new TextCorpus(text.toString(), files, totalBytes);
    }

    /** A summary: the text itself can be megabytes, too long to print. */
    @Override
    public String toString() {
        return "TextCorpus[files=" + files.size() + ", totalBytes=" + totalBytes + ", chars=" + text.length() + "]";
    }

    private static List<Path> filesUnder(Path folder) {
        try (Stream<Path> walk = Files.walk(folder)) {
            List<Path> files = new ArrayList<>();
            walk.filter(Files::isRegularFile)
                    .filter(p -> !isHidden(folder.relativize(p)))
                    .sorted()
                    .forEach(files::add);
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("TextCorpus.read: cannot list " + folder + ": " + e, e);
        }
    }

    /** True when any part of the path below the folder starts with '.'. */
    private static boolean isHidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String decodeUtf8(byte[] bytes, Path file) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never gives more chars than bytes
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw new IllegalArgumentException("TextCorpus.read: " + file + " must be valid UTF-8, got an invalid "
                    + result.length() + "-byte sequence at byte offset " + in.position());
        }
        decoder.flush(out);
        return out.flip().toString();
    }
}
