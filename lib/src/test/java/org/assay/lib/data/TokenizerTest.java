package org.assay.lib.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TokenizerTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "hello world", "héllo wörld ✓ 日本 𝄞", "  \t\n  runs of   space  "})
    void bytesAndCharactersRoundTripExactly(String text) {
        ByteTokenizer bytes = new ByteTokenizer();
        assertEquals(text, bytes.decode(bytes.encode(text)));
        assertEquals(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, bytes.encode(text).length);
        if (!text.isEmpty()) {
            CharTokenizer chars = CharTokenizer.fit(text);
            assertEquals(text, chars.decode(chars.encode(text)));
            assertEquals(text.codePointCount(0, text.length()), chars.encode(text).length);
        }
    }

    @Test
    void characterVocabularyIsSortedAndUnknownCharactersAreNamed() {
        CharTokenizer chars = CharTokenizer.fit("banana");
        assertEquals("abn", chars.alphabet());
        assertArrayEquals(new int[] {1, 0, 2}, chars.encode("ban"));
        var e = assertThrows(IllegalArgumentException.class, () -> chars.encode("bax"));
        assertEquals("CharTokenizer.encode: character 'x' (U+78) at index 2 is not in the vocabulary", e.getMessage());
    }

    @Test
    void invalidBytesDecodeToReplacementCharacters() {
        assertEquals("a\uFFFD", new ByteTokenizer().decode(new int[] {97, 0xC3}));
        var e = assertThrows(IllegalArgumentException.class, () -> new ByteTokenizer().decode(new int[] {256}));
        assertEquals("ByteTokenizer.decode: token ids must be in [0, 256), got 256 at position 0", e.getMessage());
    }
}
