package org.assay.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutputRouterTest {

    @ParameterizedTest
    @CsvSource({
            "a, 1, 1",      // ASCII: complete
            "é, 1, 0",      // 2-byte char cut after its lead byte
            "é, 2, 2",
            "€, 2, 0",      // 3-byte char cut inside
            "😀, 3, 0",     // 4-byte char cut inside
            "a😀, 5, 5",
    })
    void publishesOnlyWholeUtf8Characters(String text, int bytesWritten, int expectedPrefix) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(expectedPrefix, OutputRouter.completeUtf8Prefix(bytes, bytesWritten));
    }

    @ParameterizedTest
    @CsvSource({"héllo wörld 😀, 3", "ascii only, 4"})
    void splitWritesReassembleExactly(String text, int chunk) {
        RecordingOutput out = new RecordingOutput();
        OutputRouter router = new OutputRouter("stdout", () -> out);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += chunk) {
            router.write(bytes, i, Math.min(chunk, bytes.length - i));
            router.publish();
        }
        assertEquals(text, out.stdout.toString());
    }
}
