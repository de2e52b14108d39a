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

        ByteTokenizer bytes = new ByteTokenizer();
        TrainingClient.create(GptConfig.tiny(bytes.vocabSize()), 1).savePretrained(dir, bytes);
        int context = GptConfig.tiny(256).contextLength();
        r = run("--model", dir.toString(), "--prompt", "x".repeat(context));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("the prompt is " + context + " tokens; the model's context is " + context),
                r.err());
    }
}
