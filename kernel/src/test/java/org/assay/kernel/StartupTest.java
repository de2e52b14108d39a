package org.assay.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupTest {
    @TempDir
    Path tmp;

    @Test
    void userStartupFilesExtendTheSessionAndBrokenSnippetsAreSkipped() throws Exception {
        Path file = tmp.resolve("startup.jsh");
        Files.writeString(file, """
                import java.util.concurrent.atomic.*;
                int brokenOnPurpose = "not an int";
                String projectName() { return "assay"; }
                """);
        try (Session s = new Session(new RecordingOutput(), new SessionOptions(true, List.of(file)))) {
            ExecutionResult r = s.execute("new AtomicLong(41).incrementAndGet() + projectName().length()");
            assertTrue(r.ok(), () -> r.error().text());
            assertEquals(47L, r.value());
        }
    }
}
