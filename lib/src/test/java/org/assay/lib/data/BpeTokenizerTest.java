package org.assay.lib.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BpeTokenizerTest {
    private static final String CORPUS = "the cat sat on the mat. the cat ate the rat. ".repeat(50)
            + "héllo wörld ✓ 日本\n\n  indented\tline\n";

    @Test
    void chunksKeepALeadingSpaceWithItsWordAndNeverLoseCharacters() {
        assertEquals(List.of("the", " cat", "  ", " sat", "\n", "x", "\t ", " y", " "),
                BpeTokenizer.chunks("the cat   sat\nx\t  y "));
        String s = "  a\n\n b  c\t";
        assertEquals(s, String.join("", BpeTokenizer.chunks(s)));
    }

    @Test
    void theFirstMergeIsTheMostFrequentPairComputedByHand() {
        // chunks "aaab" ×2: pairs (a,a) 4 times, (a,b) 2 times; " aaab" adds (space, a) once
        BpeTokenizer bpe = BpeTokenizer.train("aaab aaab", 257);
        assertEquals(257, bpe.vocabSize());
        assertArrayEquals(new int[] {256, 'a', 'b'}, bpe.encode("aaab"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "the cat", "héllo wörld ✓ 日本 𝄞", "  \t\n  spaces  ", "never seen: xyzzy 42!"})
    void roundTripsExactlyAndCompressesWhatItWasTrainedOn(String text) {
        BpeTokenizer bpe = BpeTokenizer.train(CORPUS, 320);
        assertEquals(text, bpe.decode(bpe.encode(text)));
        assertTrue(bpe.encode(CORPUS).length < CORPUS.getBytes(java.nio.charset.StandardCharsets.UTF_8).length / 2);
    }

    @Test
    void trainingIsDeterministicAndSurvivesSaveAndLoad(@TempDir Path dir) throws Exception {
        BpeTokenizer a = BpeTokenizer.train(CORPUS, 300);
        BpeTokenizer b = BpeTokenizer.train(CORPUS, 300);
        a.save(dir.resolve("a.bpe"));
        b.save(dir.resolve("b.bpe"));
        assertEquals(Files.readString(dir.resolve("a.bpe")), Files.readString(dir.resolve("b.bpe")));
        BpeTokenizer loaded = BpeTokenizer.load(dir.resolve("a.bpe"));
        assertArrayEquals(a.encode(CORPUS), loaded.encode(CORPUS));
        Files.writeString(dir.resolve("bad.bpe"), "assay-bpe 1\nmerges 2\n97 97\n999 1\n");
        var e = assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.load(dir.resolve("bad.bpe")));
        assertTrue(e.getMessage().endsWith("line 4: expected two token ids below 257, got '999 1'"), e.getMessage());
        var small = assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.train(CORPUS, 100));
        assertEquals("BpeTokenizer.train: vocabSize must be >= 256, got 100", small.getMessage());
    }
}
