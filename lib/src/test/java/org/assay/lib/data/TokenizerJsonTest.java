package org.assay.lib.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.assay.lib.model.GptConfig;
import org.assay.lib.train.TrainingClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our tokenizers written as tokenizer.json and read back by the Rust library give the same ids for any text. */
class TokenizerJsonTest {

    /** Characters whose whitespace-ness differs between Java, regular expressions and Unicode, among others. */
    static final String ALPHABET = "ab cd\t\n\r\u000B\f\u001C\u001F\u0085\u00A0\u1680\u2007\u2009\u2028\u202F\u3000"
            + "é東😀'.,!0123 ";

    static List<String> texts() {
        List<String> out = new ArrayList<>(PretrainedTokenizerTest.HARD);
        SplittableRandom random = new SplittableRandom(7);
        int[] cps = ALPHABET.codePoints().toArray();
        for (int i = 0; i < 300; i++) {
            StringBuilder sb = new StringBuilder();
            int n = random.nextInt(1, 40);
            for (int j = 0; j < n; j++) {
                sb.appendCodePoint(cps[random.nextInt(cps.length)]);
            }
            out.add(sb.toString());
        }
        return out;
    }

    static void assertSameTokens(Tokenizer ours, Path dir) {
        TokenizerJson.save(ours, dir);
        try (PretrainedTokenizer theirs = Tokenizer.fromPretrained(dir)) {
            assertEquals(ours.vocabSize(), theirs.vocabSize());
            for (String text : texts()) {
                int[] ids = ours.encode(text);
                assertArrayEquals(ids, theirs.encode(text), () -> ours.name() + " on '" + escape(text) + "'");
                assertEquals(ours.decode(ids), theirs.decode(ids), () -> ours.name() + " decoding '" + escape(text)
                        + "'");
            }
        }
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(c -> sb.append(c < 0x20 || (c > 0x7E && c < 0xA1) || Character.isSpaceChar(c)
                && c != ' ' ? String.format("\\u%04X", c) : new String(Character.toChars(c))));
        return sb.toString();
    }

    @Test
    void bytes(@TempDir Path dir) {
        assertSameTokens(new ByteTokenizer(), dir);
    }

    @Test
    void bpeTrainedHere(@TempDir Path dir) {
        String corpus = String.join("\n", texts()).repeat(3);
        BpeTokenizer bpe = BpeTokenizer.train(corpus, 600);
        assertTrue(bpe.vocabSize() > 500, "enough merges to matter: " + bpe.vocabSize());
        assertSameTokens(bpe, dir);
    }

    @Test
    void characters(@TempDir Path dir) {
        assertSameTokens(CharTokenizer.fit(String.join("", texts())), dir);
    }

    @Test
    void savePretrainedWritesTheTokenizerBesideTheModel(@TempDir Path dir) throws java.io.IOException {
        BpeTokenizer bpe = BpeTokenizer.train(String.join("\n", texts()), 300);
        Path out = dir.resolve("model");
        java.nio.file.Files.createDirectories(out);
        java.nio.file.Files.writeString(out.resolve("tokenizer.json"), "stale");
        java.nio.file.Files.writeString(out.resolve("README.md"), "kept");
        TrainingClient client = TrainingClient.create(GptConfig.tiny(bpe.vocabSize()), 3);
        client.savePretrained(out, bpe);
        String text = "they'll say  it\n\nagain";
        try (PretrainedTokenizer back = Tokenizer.fromPretrained(out)) {
            assertArrayEquals(bpe.encode(text), back.encode(text), "the stale tokenizer.json was replaced");
            Path copy = dir.resolve("copy");
            client.savePretrained(copy, back);
            try (PretrainedTokenizer again = Tokenizer.fromPretrained(copy)) {
                assertArrayEquals(bpe.encode(text), again.encode(text), "a read tokenizer's files are copied");
            }
        }
        assertEquals("kept", java.nio.file.Files.readString(out.resolve("README.md")));
        assertEquals(bpe.vocabSize(), org.assay.lib.model.Pretrained.config(out).vocabSize());
    }

    @Test
    void aTokenizerTheFormatCannotHoldIsAnError() {
        Tokenizer other = new Tokenizer() {
            public String name() {
                return "mine";
            }

            public int vocabSize() {
                return 1;
            }

            public int[] encode(String text) {
                return new int[0];
            }

            public String decode(int[] tokens) {
                return "";
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenizerJson.of(other));
        assertTrue(e.getMessage().contains("must be a ByteTokenizer, BpeTokenizer or CharTokenizer"), e.getMessage());
    }
}
