package org.assay.lib.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {
    @TempDir
    Path root;

    private static RuntimeException fromAnotherThread(Runnable r) throws InterruptedException {
        AtomicReference<RuntimeException> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                thrown.set(e);
            }
        }, "other-writer");
        t.start();
        t.join();
        return thrown.get();
    }

    @Test
    void oneThreadOwnsARunReentrantlyUntilItLetsGo() throws Exception {
        Path run = root.resolve("r");
        try (RunLock outer = RunLock.acquire("test", run)) {
            try (RunLock inner = RunLock.acquire("test", root.resolve("./r"))) { // the same run by another spelling
                assertTrue(RunLock.heldHere(run));
            }
            assertTrue(RunLock.heldHere(run), "the outer hold is still there");
            RuntimeException e = fromAnotherThread(() -> RunLock.acquire("Trainer.run", run).close());
            assertTrue(e instanceof IllegalStateException, String.valueOf(e));
            assertTrue(e.getMessage().startsWith("Trainer.run: run " + run.toRealPath() + " is being written by thread"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
        }
        assertFalse(RunLock.heldHere(run));
        assertEquals(null, fromAnotherThread(() -> RunLock.acquire("test", run).close()));
        assertTrue(Files.readString(run.resolve(RunLock.FILE)).startsWith("pid " + ProcessHandle.current().pid()));
    }

    @Test
    void runDirHoldsTheLockWhileOpenAndResumeRefusesASecondWriter() throws Exception {
        try (RunDir dir = RunDir.create(root, "r", Map.of("a", 1), 0)) {
            dir.log(Map.of("step", 1, "loss", 2.0));
            RuntimeException e = fromAnotherThread(() -> RunDir.resume(root.resolve("r"), 1).close());
            assertTrue(e instanceof IllegalStateException && e.getMessage().startsWith("RunDir.resume: run "),
                    String.valueOf(e));
        }
        try (RunDir again = RunDir.resume(root.resolve("r"), 1)) {
            assertEquals(1, again.resumedLines().size());
        }
    }

    @Test
    void resumeCutsLaterAndTornLinesInPlace() throws Exception {
        try (RunDir dir = RunDir.create(root, "r", Map.of(), 0)) {
            for (int s = 1; s <= 5; s++) {
                dir.log(Map.of("step", s, "loss", 1.0 / s));
            }
        }
        Path metrics = root.resolve("r").resolve("metrics.jsonl");
        Files.writeString(metrics, "{\"step\": 6, \"lo", java.nio.file.StandardOpenOption.APPEND); // a torn line
        Object inode = Files.readAttributes(metrics, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        try (RunDir dir = RunDir.resume(root.resolve("r"), 3)) {
            assertEquals(3, dir.resumedLines().size());
            dir.log(Map.of("step", 4, "loss", 0.5));
        }
        assertEquals(4, Files.readAllLines(metrics).size());
        java.util.List<String> lines = Files.readAllLines(metrics);
        assertEquals(Map.of("step", 4.0, "loss", 0.5), RunDir.parseLine(lines.get(3)));
        assertEquals(3.0, RunDir.parseLine(lines.get(2)).get("step"));
        assertEquals(inode, Files.readAttributes(metrics, java.nio.file.attribute.BasicFileAttributes.class).fileKey(),
                "the same file, cut in place, not a replacement");
    }
}
