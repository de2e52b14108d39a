package org.assay.lib.sample;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assay.lib.data.ChatFormat;
import org.assay.lib.data.Message;
import org.assay.lib.data.PretrainedTokenizer;
import org.assay.lib.data.Tokenizer;
import org.assay.lib.model.Gpt;
import org.assay.lib.model.Precision;
import org.assay.lib.model.Pretrained;

/**
 * {@code ./assay sample --model DIR --prompt TEXT [--max-tokens N] [--temperature T] [--top-p P] [--top-k K]
 * [--seed S] [--n K] [--chat FORMAT] [--system TEXT] [--dtype float32|bfloat16]}: text from a model folder in Hugging Face's layout (from
 * {@code savePretrained} or the Hub), as nanoGPT's {@code sample.py}. The first sample is printed as it is generated;
 * the others (with {@code --n}) follow it, each after a line of dashes. Without {@code --chat} the prompt is encoded as
 * transformers would (a BOS first when the tokenizer adds one) and a sample ends at an end-of-sequence token; with
 * {@code --chat plain|chatml|llama3} the prompt is a user message in that format and the reply ends with the turn.
 * {@code --dtype bfloat16} runs the model's matrix products in bfloat16 ({@link Precision}). Timings go to standard
 * error. Exit status 0, 1 when the model or prompt is refused (the reason on stderr), 2 for a usage error.
 */
public final class SampleCommand {
    private SampleCommand() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        System.exit(run(args, out, System.err));
    }

    /** What the command was asked. */
    record Options(Path model, String prompt, int maxTokens, double temperature, double topP, int topK, long seed,
                   int n, ChatFormat chat, String system, Precision precision) {
    }

    /** The command in this JVM, for tests: its exit status, without exiting. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("sample: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        try {
            sample(o, out, err);
            return 0;
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            err.println("sample: " + e.getMessage());
            return 1;
        }
    }

    static final String USAGE = "usage: ./assay sample --model DIR --prompt TEXT [--max-tokens N] [--temperature T]"
            + " [--top-p P] [--top-k K] [--seed S] [--n K] [--chat plain|chatml|llama3] [--system TEXT]"
            + " [--dtype float32|bfloat16]";

    static Options parse(String[] args) {
        Path model = null;
        String prompt = null;
        int maxTokens = 0;
        double temperature = 0.8;
        double topP = 1.0;
        int topK = 0;
        long seed = 0;
        int n = 1;
        ChatFormat chat = null;
        String system = null;
        Precision precision = Precision.FLOAT32;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag.startsWith("--") ? flag + " needs a value"
                        : "unknown argument '" + flag + "'");
            }
            String v = args[++i];
            switch (flag) {
                case "--model" -> model = Path.of(v);
                case "--prompt" -> prompt = v;
                case "--max-tokens" -> maxTokens = (int) number(flag, v, 1, Integer.MAX_VALUE, true);
                case "--temperature" -> temperature = number(flag, v, 0, Double.MAX_VALUE, false);
                case "--top-p" -> topP = number(flag, v, Double.MIN_VALUE, 1, false);
                case "--top-k" -> topK = (int) number(flag, v, 0, Integer.MAX_VALUE, true);
                case "--seed" -> seed = (long) number(flag, v, Long.MIN_VALUE, Long.MAX_VALUE, true);
                case "--n" -> n = (int) number(flag, v, 1, 1024, true);
                case "--chat" -> chat = ChatFormat.named(v);
                case "--system" -> system = v;
                case "--dtype" -> {
                    precision = Precision.ofId(v);
                    if (precision == null) {
                        throw new IllegalArgumentException("--dtype must be float32 or bfloat16, got '" + v + "'");
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument '" + flag + "'");
            }
        }
        if (model == null || prompt == null) {
            throw new IllegalArgumentException("--model and --prompt are required");
        }
        if (system != null && chat == null) {
            throw new IllegalArgumentException("--system needs --chat");
        }
        return new Options(model, prompt, maxTokens, temperature, topP, topK, seed, n, chat, system, precision);
    }

    private static double number(String flag, String v, double min, double max, boolean integer) {
        double x;
        try {
            x = integer ? Long.parseLong(v) : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be " + (integer ? "an integer" : "a number") + ", got '"
                    + v + "'");
        }
        if (!(x >= min && x <= max)) {
            throw new IllegalArgumentException(flag + " must be in [" + (integer ? (long) min : min) + ", "
                    + (integer ? (long) max : max) + "], got " + v);
        }
        return x;
    }

    static void sample(Options o, PrintStream out, PrintStream err) {
        long t0 = System.nanoTime();
        PretrainedTokenizer tokenizer = Tokenizer.fromPretrained(o.model());
        try (tokenizer; Gpt model = Pretrained.load(o.model())) {
            model.setPrecision(o.precision());
            if (tokenizer.vocabSize() > model.config().vocabSize()) {
                throw new IllegalArgumentException("the tokenizer of " + o.model() + " has " + tokenizer.vocabSize()
                        + " tokens, more than the model's vocab_size " + model.config().vocabSize());
            }
            int[] prompt = promptTokens(o, tokenizer);
            int context = model.config().contextLength();
            if (prompt.length >= context) {
                throw new IllegalArgumentException("the prompt is " + prompt.length + " tokens; the model's context"
                        + " is " + context + ", so nothing is left to sample");
            }
            int maxTokens = o.maxTokens() == 0 ? Math.min(256, context - prompt.length) : o.maxTokens();
            List<int[]> stop = new ArrayList<>();
            if (o.chat() != null) {
                stop.addAll(o.chat().stop(tokenizer));
            } else {
                for (int id : tokenizer.stopTokens()) {
                    stop.add(new int[] {id});
                }
            }
            SamplingParams params = new SamplingParams(o.temperature(), o.topP(), o.topK(), maxTokens, stop,
                    o.seed(), true, null);
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            Stream stream = new Stream(o, tokenizer, out);
            long start = System.nanoTime();
            List<Sample> samples = Generator.sample(model, List.of(prompt), new long[] {o.seed()}, params, o.n(),
                    stream).get(0);
            double seconds = (System.nanoTime() - start) / 1e9;
            stream.finish(samples.get(0).tokens());
            int tokens = 0;
            for (int i = 0; i < samples.size(); i++) {
                tokens += samples.get(i).tokens().length;
                if (i > 0) {
                    out.println("---------------");
                    out.println(text(o, tokenizer, samples.get(i).tokens()));
                }
            }
            out.flush();
            err.printf("[%s: loaded in %.2f s; %d prompt tokens; %d tokens sampled in %.2f s, %.1f tokens/s; first"
                            + " token after %.0f ms]%n", o.model().getFileName(), loadSeconds, prompt.length, tokens,
                    seconds, tokens / seconds, stream.firstTokenMillis(start));
        }
    }

    static int[] promptTokens(Options o, PretrainedTokenizer tokenizer) {
        if (o.chat() != null) {
            List<Message> history = new ArrayList<>();
            if (o.system() != null) {
                history.add(Message.system(o.system()));
            }
            history.add(Message.user(o.prompt()));
            return o.chat().prompt(history, tokenizer);
        }
        int[] text = tokenizer.encode(o.prompt());
        if (!tokenizer.addsBos()) {
            if (text.length == 0) {
                throw new IllegalArgumentException("the prompt encodes to no tokens, and the tokenizer has no BOS to"
                        + " start from; give a prompt");
            }
            return text;
        }
        int[] withBos = new int[text.length + 1];
        withBos[0] = tokenizer.bos().getAsInt();
        System.arraycopy(text, 0, withBos, 1, text.length);
        return withBos;
    }

    /** A sample as it is shown: the reply of a chat turn, or the text without special tokens. */
    static String text(Options o, PretrainedTokenizer tokenizer, int[] tokens) {
        return o.chat() != null ? o.chat().parse(tokens, tokenizer).message().content()
                : tokenizer.decode(tokens, true);
    }

    /**
     * Prints the first sample as its tokens come: the text so far, less an unfinished UTF-8 character (shown as
     * U+FFFD until its last byte arrives) and, in a chat, less what could still turn out to be the stop text.
     */
    private static final class Stream implements TokenListener {
        private final Options o;
        private final PretrainedTokenizer tokenizer;
        private final PrintStream out;
        private final List<Integer> tokens = new ArrayList<>();
        private final int holdBack;
        private int printed;
        private long firstToken;

        Stream(Options o, PretrainedTokenizer tokenizer, PrintStream out) {
            this.o = o;
            this.tokenizer = tokenizer;
            this.out = out;
            this.holdBack = o.chat() == ChatFormat.plain() ? "\n\nUser:".length() : 0;
        }

        @Override
        public void onToken(int row, int token) {
            if (row != 0) {
                return;
            }
            if (firstToken == 0) {
                firstToken = System.nanoTime();
            }
            tokens.add(token);
            String text = text(o, tokenizer, tokens.stream().mapToInt(Integer::intValue).toArray());
            int stable = text.length() - holdBack;
            while (stable > 0 && text.charAt(stable - 1) == '\uFFFD') {
                stable--;
            }
            if (stable > printed) {
                out.print(text.substring(printed, stable));
                out.flush();
                printed = stable;
            }
        }

        void finish(int[] all) {
            String text = text(o, tokenizer, all);
            if (text.length() > printed) {
                out.print(text.substring(printed));
            }
            out.println();
        }

        double firstTokenMillis(long start) {
            return firstToken == 0 ? 0 : (firstToken - start) / 1e6;
        }
    }
}
