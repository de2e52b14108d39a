package org.assay.lib.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assay.lib.train.TokenBatches;

/**
 * Conversations in TRL's conversational format: a JSON Lines file, one {@code {"messages": [{"role": "user",
 * "content": "..."}, {"role": "assistant", "content": "..."}]}} object per line (other fields ignored, blank lines
 * skipped). As training data each conversation is rendered by a {@link ChatFormat} into a row of its own, trained on
 * the assistant's turns only (TRL's {@code assistant_only_loss}), as Tinker's supervised examples are built.
 */
public record ChatCorpus(Path file, List<List<Message>> conversations) {

    public ChatCorpus {
        List<List<Message>> copy = new ArrayList<>(conversations.size());
        for (int i = 0; i < conversations.size(); i++) {
            List<Message> c = conversations.get(i);
            if (c == null || c.stream().noneMatch(m -> m != null && m.isAssistant())) {
                throw new IllegalArgumentException("ChatCorpus: conversation " + (i + 1) + " has no assistant"
                        + " message; there would be nothing to learn");
            }
            copy.add(List.copyOf(c));
        }
        conversations = List.copyOf(copy);
    }

    /** Conversations held in memory ({@code file} is then only a name in messages). */
    public static ChatCorpus of(List<List<Message>> conversations) {
        return new ChatCorpus(Path.of("(in memory)"), conversations);
    }

    /** Reads a JSONL file; a bad line is an error naming the file, the line and what is wrong with it. */
    public static ChatCorpus read(Path file) {
        String fn = "ChatCorpus.read";
        DataFiles.requireNonNull(fn, "file", file);
        List<String> lines = DataFiles.readLines(fn, file);
        List<List<Message>> conversations = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                conversations.add(parse(fn + ": " + file + " line " + (i + 1) + ": ", lines.get(i)));
            }
        }
        if (conversations.isEmpty()) {
            throw new IllegalArgumentException(fn + ": " + file + " has no conversations (one JSON object per line,"
                    + " with \"messages\")");
        }
        return new ChatCorpus(file, conversations);
    }

    private static List<Message> parse(String where, String text) {
        JsonElement json;
        try {
            json = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(where + "not JSON (" + e.getMessage() + ")");
        }
        JsonElement messages = json.isJsonObject() ? json.getAsJsonObject().get("messages") : null;
        if (messages == null || !messages.isJsonArray() || messages.getAsJsonArray().isEmpty()) {
            throw new IllegalArgumentException(where + "must be a JSON object with a non-empty \"messages\" list,"
                    + " got " + DataFiles.abbreviate(text));
        }
        List<Message> out = new ArrayList<>();
        boolean assistant = false;
        JsonArray list = messages.getAsJsonArray();
        for (int j = 0; j < list.size(); j++) {
            String at = where + "messages[" + j + "]: ";
            JsonElement m = list.get(j);
            if (!m.isJsonObject()) {
                throw new IllegalArgumentException(at + "must be an object with \"role\" and \"content\", got "
                        + DataFiles.abbreviate(m.toString()));
            }
            String role = DataFiles.jsonString(at, m.getAsJsonObject(), "role");
            String content = DataFiles.jsonString(at, m.getAsJsonObject(), "content");
            try {
                out.add(new Message(role, content));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + e.getMessage());
            }
            assistant |= role.equals(Message.ASSISTANT);
        }
        if (!assistant) {
            throw new IllegalArgumentException(where + "has no \"assistant\" message; there would be nothing to"
                    + " learn");
        }
        return out;
    }


    /** Writes {@code conversations} as a JSONL file, atomically. */
    public static void write(Path file, List<List<Message>> conversations) {
        String fn = "ChatCorpus.write";
        DataFiles.requireNonNull(fn, "conversations", conversations);
        StringBuilder out = new StringBuilder();
        for (List<Message> c : new ChatCorpus(file, conversations).conversations()) {
            JsonArray list = new JsonArray();
            for (Message m : c) {
                JsonObject o = new JsonObject();
                o.addProperty("role", m.role());
                o.addProperty("content", m.content());
                list.add(o);
            }
            JsonObject line = new JsonObject();
            line.add("messages", list);
            out.append(line).append('\n');
        }
        DataFiles.writeAtomically(fn, file, out.toString());
    }

    /** Every message's content, joined: for fitting a character tokenizer or measuring bytes per token. */
    public String text() {
        StringBuilder s = new StringBuilder();
        conversations.forEach(c -> c.forEach(m -> s.append(m.content())));
        return s.toString();
    }

    /**
     * The conversations rendered by {@code format} as training batches: one a row at position 0, padded to
     * {@code contextLength}, weighted as {@link ChatFormat#render} weighs them (the assistant's turns); row r of
     * training batch i is a uniform draw from the first {@code 1 - validationFraction} of the conversations, a pure
     * function of (seed, i, r); the rest are held out, read in order.
     */
    public TokenBatches dataset(Tokenizer tokenizer, ChatFormat format, int rows, int contextLength,
                                double validationFraction, long seed) {
        String fn = "ChatCorpus.dataset";
        DataFiles.requireNonNull(fn, "format", format);
        int trainCount = WeightedRows.trainCount(fn, file, conversations.size(), rows, contextLength,
                validationFraction);
        int[][] tokens = new int[conversations.size()][];
        float[][] weights = new float[conversations.size()][];
        for (int i = 0; i < conversations.size(); i++) {
            ChatFormat.Rendered r = format.render(conversations.get(i), tokenizer);
            WeightedRows.requireFits(fn, "conversation " + (i + 1) + " of " + file + " rendered by " + format.name(),
                    r.tokens().length, contextLength);
            tokens[i] = r.tokens();
            weights[i] = r.weights();
        }
        return WeightedRows.batches(fn, tokens, weights, rows, contextLength, trainCount,
                tokenizer.bytesPerToken(text()), seed);
    }
}
