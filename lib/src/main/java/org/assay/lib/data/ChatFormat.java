package org.assay.lib.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How a conversation becomes tokens and a sampled reply becomes a message again: Tinker's renderers, transformers'
 * chat templates. {@link #render} weights the tokens so that only the assistant's turns train (TRL's
 * {@code assistant_only_loss}); {@link #prompt} is what a model continues to reply; {@link #parse} reads the reply.
 * Three formats: {@link #plain()} (role and colon, any tokenizer), {@link #chatml()} (Qwen2's) and {@link #llama3()}
 * (Llama 3's headers), the last two needing their special tokens in the tokenizer's vocabulary.
 */
public interface ChatFormat {

    String name();

    /**
     * A conversation's tokens and per-token weights: 1 on each assistant turn's content and on the tokens that end it
     * (the end-of-turn token, or the text that starts the next user turn), 0 elsewhere. Weight i belongs to token i as
     * a target, the token a model predicts at position i - 1.
     */
    Rendered render(List<Message> conversation, Tokenizer tokenizer);

    /** The tokens of {@code history} followed by the start of an assistant turn: what a model continues to reply. */
    int[] prompt(List<Message> history, Tokenizer tokenizer);

    /** Token sequences that end an assistant turn, for {@code SamplingParams.withStop}. */
    List<int[]> stop(Tokenizer tokenizer);

    /** A sampled reply (the tokens after {@link #prompt}) as a message, cut where the turn ends. */
    Reply parse(int[] sampled, Tokenizer tokenizer);

    /** Tokens with their training weights, one each. */
    record Rendered(int[] tokens, float[] weights) {
        public Rendered {
            if (tokens.length != weights.length) {
                throw new IllegalArgumentException("ChatFormat.Rendered: tokens and weights must have one length, got "
                        + tokens.length + " and " + weights.length);
            }
        }

        /** How many tokens train (weight > 0). */
        public int trainedTokens() {
            int n = 0;
            for (float w : weights) {
                n += w > 0 ? 1 : 0;
            }
            return n;
        }
    }

    /** A parsed reply; {@code ended} is false when sampling stopped before the turn's end (out of tokens). */
    record Reply(Message message, boolean ended) {
    }

    /**
     * Tinker's role-colon format for any tokenizer: {@code "User: hi\n\nAssistant: hello\n\n"}. An assistant turn
     * trains on {@code " hello\n\n"} and on the {@code "User:"} that follows it (added after a final reply), so a
     * model learns to end its turn with the stop text {@code "\n\nUser:"}.
     */
    static ChatFormat plain() {
        return Template.PLAIN;
    }

    /** ChatML, Qwen2's format: {@code <|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n}; ends at <|im_end|>. */
    static ChatFormat chatml() {
        return Template.CHATML;
    }

    /**
     * Llama 3's: {@code <|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>}, content stripped as
     * its template does; ends at {@code <|eot_id|>}.
     */
    static ChatFormat llama3() {
        return Template.LLAMA3;
    }

    /** A format by name: {@code plain}, {@code chatml} or {@code llama3}. */
    static ChatFormat named(String name) {
        for (ChatFormat f : List.of(plain(), chatml(), llama3())) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("ChatFormat.named: name must be plain, chatml or llama3, got '" + name
                + "'");
    }

    /** The three formats as data: what opens a conversation, a turn's header, what ends it, and the stops. */
    final class Template implements ChatFormat {
        /** A piece of a turn: text to encode, or a special token looked up by its spelling. */
        private record Piece(String text, boolean special) {
            static Piece text(String t) {
                return new Piece(t, false);
            }

            static Piece special(String t) {
                return new Piece(t, true);
            }
        }

        static final Template PLAIN = new Template("plain", List.of(), null, "", List.of(Piece.text("\n\n")),
                List.of(), false, true, List.of(), "\n\nUser:");
        static final Template CHATML = new Template("chatml", List.of(), "<|im_start|>", "\n",
                List.of(Piece.special("<|im_end|>")), List.of(Piece.text("\n")), false, false,
                List.of("<|im_end|>"), null);
        static final Template LLAMA3 = new Template("llama3", List.of(Piece.special("<|begin_of_text|>")),
                "<|start_header_id|>", "<|end_header_id|>", List.of(Piece.special("<|eot_id|>")), List.of(), true,
                false, List.of("<|eot_id|>"), null);

        private final String name;
        private final List<Piece> begin;
        private final String headerOpen;   // null: the role-colon header
        private final String headerClose;  // ChatML: text after the role; Llama 3: a special token and "\n\n"
        private final List<Piece> end;     // trained: ends a turn
        private final List<Piece> after;   // not trained: between turns
        private final boolean strip;
        private final boolean colon;
        private final List<String> stopTokens;
        private final String stopText;

        private Template(String name, List<Piece> begin, String headerOpen, String headerClose, List<Piece> end,
                         List<Piece> after, boolean strip, boolean colon, List<String> stopTokens, String stopText) {
            this.name = name;
            this.begin = begin;
            this.headerOpen = headerOpen;
            this.headerClose = headerClose;
            this.end = end;
            this.after = after;
            this.strip = strip;
            this.colon = colon;
            this.stopTokens = stopTokens;
            this.stopText = stopText;
        }

        @Override
        public String name() {
            return name;
        }

        private List<Piece> header(String role) {
            if (colon) {
                return List.of(Piece.text(role.substring(0, 1).toUpperCase(Locale.ROOT) + role.substring(1) + ":"));
            }
            if (headerClose.equals("\n")) {
                return List.of(Piece.special(headerOpen), Piece.text(role + "\n"));
            }
            return List.of(Piece.special(headerOpen), Piece.text(role), Piece.special(headerClose),
                    Piece.text("\n\n"));
        }

        private String content(Message m) {
            String c = strip ? m.content().strip() : m.content();
            return colon ? " " + c : c;
        }

        @Override
        public Rendered render(List<Message> conversation, Tokenizer tokenizer) {
            return render("render", conversation, tokenizer, true);
        }

        private Rendered render(String fn, List<Message> conversation, Tokenizer tokenizer, boolean closeLastReply) {
            DataFiles.requireNonNull(name + "." + fn, "conversation", conversation);
            DataFiles.requireNonNull(name + "." + fn, "tokenizer", tokenizer);
            Out out = new Out(tokenizer);
            out.add(begin, 0);
            for (int i = 0; i < conversation.size(); i++) {
                Message m = conversation.get(i);
                if (m == null) {
                    throw new IllegalArgumentException(name + "." + fn + ": conversation[" + i + "] is null");
                }
                boolean replyEnds = colon && i > 0 && conversation.get(i - 1).isAssistant();
                out.add(header(m.role()), replyEnds ? 1 : 0);
                float w = m.isAssistant() ? 1 : 0;
                out.add(List.of(Piece.text(content(m))), w);
                out.add(end, w);
                out.add(after, 0);
            }
            if (colon && closeLastReply && !conversation.isEmpty()
                    && conversation.get(conversation.size() - 1).isAssistant()) {
                out.add(header(Message.USER), 1);
            }
            return out.rendered();
        }

        @Override
        public int[] prompt(List<Message> history, Tokenizer tokenizer) {
            Out out = new Out(tokenizer);
            Rendered h = render("prompt", history, tokenizer, false);
            out.tokens(h.tokens());
            out.add(header(Message.ASSISTANT), 0);
            return out.rendered().tokens();
        }

        @Override
        public List<int[]> stop(Tokenizer tokenizer) {
            if (stopText != null) {
                return List.of(tokenizer.encode(stopText));
            }
            List<int[]> out = new ArrayList<>();
            for (String t : stopTokens) {
                out.add(new int[] {special(tokenizer, t)});
            }
            return out;
        }

        @Override
        public Reply parse(int[] sampled, Tokenizer tokenizer) {
            DataFiles.requireNonNull(name + ".parse", "sampled", sampled);
            if (stopText != null) {
                String text = tokenizer.decode(sampled);
                int at = text.indexOf(stopText);
                String content = at < 0 ? text : text.substring(0, at);
                content = content.startsWith(" ") ? content.substring(1) : content;   // the space after the colon
                return new Reply(Message.assistant(content), at >= 0);
            }
            int[] stops = stop(tokenizer).stream().mapToInt(s -> s[0]).toArray();
            for (int i = 0; i < sampled.length; i++) {
                for (int s : stops) {
                    if (sampled[i] == s) {
                        return new Reply(Message.assistant(tokenizer.decode(Arrays.copyOf(sampled, i))), true);
                    }
                }
            }
            return new Reply(Message.assistant(tokenizer.decode(sampled)), false);
        }

        private int special(Tokenizer tokenizer, String token) {
            return tokenizer.tokenId(token).orElseThrow(() -> new IllegalArgumentException("ChatFormat " + name
                    + ": the tokenizer " + tokenizer.name() + " has no token '" + token + "'; this format needs a"
                    + " tokenizer that has it (" + (name.equals("chatml") ? "Qwen2's" : "Llama 3's")
                    + "), or use ChatFormat.plain()"));
        }

        /** Tokens and weights being rendered. */
        private final class Out {
            private final Tokenizer tokenizer;
            private final List<int[]> parts = new ArrayList<>();
            private final List<Float> weights = new ArrayList<>();

            Out(Tokenizer tokenizer) {
                this.tokenizer = tokenizer;
            }

            void add(List<Piece> pieces, float weight) {
                for (Piece p : pieces) {
                    int[] ids = p.special() ? new int[] {special(tokenizer, p.text())} : tokenizer.encode(p.text());
                    parts.add(ids);
                    weights.add(weight);
                }
            }

            void tokens(int[] ids) {
                parts.add(ids);
                weights.add(0f);
            }

            Rendered rendered() {
                int n = parts.stream().mapToInt(a -> a.length).sum();
                int[] tokens = new int[n];
                float[] w = new float[n];
                int at = 0;
                for (int i = 0; i < parts.size(); i++) {
                    int[] p = parts.get(i);
                    System.arraycopy(p, 0, tokens, at, p.length);
                    Arrays.fill(w, at, at + p.length, weights.get(i));
                    at += p.length;
                }
                return new Rendered(tokens, w);
            }
        }

        @Override
        public String toString() {
            return "ChatFormat." + name;
        }
    }
}
