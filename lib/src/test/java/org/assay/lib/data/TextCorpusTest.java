package org.assay.lib.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextCorpusTest {

    @TempDir
    Path dir;

    @Test
    void readsOneFile() throws IOException {
        Path file = write("a.txt", "héllo\n");
        TextCorpus corpus = TextCorpus.read(file);
        assertEquals("héllo\n", corpus.text());
        assertEquals(List.of(file), corpus.files());
        assertEquals(7, corpus.totalBytes());
    }

    @Test
    void readsAFolderRecursivelyInPathOrderSkippingHiddenFiles() throws IOException {
        Path b = write("b.txt", "bee");
        Path a = write("a.txt", "ay");
        Path nested = write("sub/c.txt", "see ✓");
        write(".hidden", "secret");
        write(".git/config", "secret");
        write("sub/.DS_Store", "secret");
        TextCorpus corpus = TextCorpus.read(dir);
        assertEquals(List.of(a, b, nested), corpus.files());
        assertEquals("ay\nbee\nsee ✓", corpus.text());
        assertEquals(2 + 3 + 7, corpus.totalBytes());
    }

    @Test
    void anEmptyFileStillGetsItsSeparator() throws IOException {
        write("a.txt", "");
        write("b.txt", "b");
        assertEquals("\nb", TextCorpus.read(dir).text());
    }

    @Test
    void invalidUtf8NamesTheFileAndByteOffset() throws IOException {
        Path file = dir.resolve("bad.txt");
        Files.write(file, new byte[] {'a', 'b', (byte) 0xC3, 'c', 'd'}); // 0xC3 must be followed by a continuation byte
        var e = assertThrows(IllegalArgumentException.class, () -> TextCorpus.read(dir));
        assertEquals("TextCorpus.read: " + file + " must be valid UTF-8, got an invalid 1-byte sequence at byte offset 2",
                e.getMessage());
    }

    @Test
    void missingPathsAndEmptyFoldersAreErrors() throws IOException {
        Path missing = dir.resolve("nope");
        var e = assertThrows(IllegalArgumentException.class, () -> TextCorpus.read(missing));
        assertEquals("TextCorpus.read: fileOrFolder must exist, got " + missing, e.getMessage());
        write(".only-hidden", "x");
        e = assertThrows(IllegalArgumentException.class, () -> TextCorpus.read(dir));
        assertEquals("TextCorpus.read: fileOrFolder must contain at least one non-hidden regular file, got an empty"
                + " folder " + dir, e.getMessage());
    }

    private Path write(String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
