package org.assay.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesAndReplaces() throws IOException {
        Path f = dir.resolve("a.json");
        AtomicFiles.writeString(f, "one");
        AtomicFiles.writeString(f, "two ✓");
        assertEquals("two ✓", Files.readString(f));
        assertEquals(List.of("a.json"), names());
    }

    @Test
    void aFailureWhileWritingLeavesTheOldFileAndNoTemporary() throws IOException {
        Path f = dir.resolve("a.json");
        AtomicFiles.writeString(f, "old");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("half of the new".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("old", Files.readString(f));
        assertEquals(List.of("a.json"), names());
    }

    @Test
    void aFailedRenameLeavesTheOldTargetAndNoTemporary() throws IOException {
        // A non-empty folder cannot be replaced by a file: the rename (after the data was written and synced) fails.
        Path target = dir.resolve("out");
        Files.createDirectory(target);
        Files.writeString(target.resolve("kept"), "x");
        assertThrows(IOException.class, () -> AtomicFiles.writeString(target, "new"));
        assertTrue(Files.isDirectory(target));
        assertEquals("x", Files.readString(target.resolve("kept")));
        assertEquals(List.of("out"), names());
    }

    @Test
    void concurrentWritersDoNotCollide() throws Exception {
        Path f = dir.resolve("shared.txt");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                String text = ("writer " + w + "\n").repeat(2000);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        AtomicFiles.writeString(f, text);
                    }
                    return null;
                }));
            }
            for (Future<?> d : done) {
                d.get();
            }
        } finally {
            pool.shutdown();
        }
        String last = Files.readString(f);
        assertEquals(2000, last.lines().count());
        assertEquals(1, last.lines().distinct().count(), "one writer's whole content, not a mix");
        assertEquals(List.of("shared.txt"), names());
    }

    @Test
    void newFilesGetTheDefaultPermissionsNotOwnerOnly() throws IOException {
        Path plain = dir.resolve("plain");
        Files.writeString(plain, "x");
        Path atomic = dir.resolve("atomic");
        AtomicFiles.writeString(atomic, "x");
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
        assertEquals(expected, Files.getPosixFilePermissions(atomic));
    }

    @Test
    void aFolderIsReplacedByRenamesAndAFailedSwapPutsTheOldOneBack() throws IOException {
        Path target = dir.resolve("ckpt");
        Path staging = dir.resolve("ckpt.tmp-1");
        Files.createDirectories(staging);
        Files.writeString(staging.resolve("w"), "one");
        AtomicFiles.replaceDirectory(staging, target); // no target yet
        Files.createDirectories(staging);
        Files.writeString(staging.resolve("w"), "two");
        AtomicFiles.replaceDirectory(staging, target);
        assertEquals("two", Files.readString(target.resolve("w")));
        assertEquals(List.of("ckpt"), names(), "the old folder is gone, the staging one renamed");
        assertThrows(IOException.class, () -> AtomicFiles.replaceDirectory(dir.resolve("missing"), target));
        assertEquals("two", Files.readString(target.resolve("w")), "a failed swap puts the old folder back");
        assertEquals(List.of("ckpt"), names());
        assertTrue(AtomicFiles.isSetAside(".ckpt.old-1234"));
    }

    @Test
    void temporaryNamesAreUniqueAndRecognised() {
        Path a = AtomicFiles.temporarySibling(dir.resolve("x.json"));
        Path b = AtomicFiles.temporarySibling(dir.resolve("x.json"));
        assertTrue(!a.equals(b));
        assertTrue(AtomicFiles.isTemporary(a.getFileName().toString()));
        assertTrue(!AtomicFiles.isTemporary("x.json"));
    }

    @Test
    void deletingAFolderLeavesNothingUnderItsNameOrAside(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path target = dir.resolve("step-00000005");
        Files.createDirectories(target.resolve("sub"));
        Files.writeString(target.resolve("state.json"), "{}");
        AtomicFiles.deleteDirectory(target);
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.toList());
        }
    }
}
