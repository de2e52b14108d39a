package org.assay.evals.tasks;

import java.util.Objects;

/**
 * A thinking segment between delimiters, then the answer in an {@link AnswerFormat}: {@code <think>} … {@code
 * </think>} {@code Answer: 42}, the format of reasoning models such as DeepSeek-R1. The prompt ends with the opening
 * delimiter, as those models' chat templates do, so a completion starts inside the thinking; the answer is read only
 * after the closing delimiter, and whether the completion was well-formed is reported apart from whether it was
 * right.
 *
 * @param open   the opening delimiter, e.g. {@code <think>}
 * @param close  the closing delimiter, e.g. {@code </think>}
 * @param answer how the answer after the thinking is written and read
 */
public record ThinkingFormat(String open, String close, AnswerFormat answer) implements ResponseFormat {

    public ThinkingFormat {
        Objects.requireNonNull(answer, "ThinkingFormat: answer must not be null");
        if (open == null || open.isBlank() || close == null || close.isBlank()) {
            throw new IllegalArgumentException("ThinkingFormat: open and close must be non-blank, got open='" + open
                    + "', close='" + close + "'");
        }
        if (close.startsWith(open)) {
            throw new IllegalArgumentException("ThinkingFormat: close must not start with open, got open='" + open
                    + "', close='" + close + "'");
        }
    }

    /** {@code <think>} … {@code </think>} then {@code Answer: X}. */
    public static ThinkingFormat defaults() {
        return new ThinkingFormat("<think>", "</think>", AnswerFormat.ANSWER_LINE);
    }

    public ThinkingFormat withDelimiters(String openDelimiter, String closeDelimiter) {
        return new ThinkingFormat(openDelimiter, closeDelimiter, answer);
    }

    public ThinkingFormat withAnswer(AnswerFormat a) {
        return new ThinkingFormat(open, close, a);
    }

    @Override
    public String name() {
        return "THINK_" + answer.name();
    }

    /**
     * The task's prompt, then the opening delimiter on a line of its own: no instruction, since a model that thinks in
     * this format was trained on it.
     */
    @Override
    public String prompt(Task task) {
        return task.prompt() + "\n" + open + "\n";
    }

    /** What a model should write after {@link #prompt}: the reference trace, the closing delimiter, the answer. */
    public String completion(ReasoningTask task) {
        return task.traceText() + "\n" + close + "\n" + answer.write(task.task().answer());
    }

    /** The completion of a model trained on answers alone: an empty thinking segment, then the answer. */
    public String answerOnly(Task task) {
        return close + "\n" + answer.write(task.answer());
    }

    /**
     * A completion read apart: the thinking (before the closing delimiter, an opening one at its start dropped), the
     * text after it, and whether it was well-formed: closed exactly once, not reopened, an answer after it.
     *
     * @param thinking the thinking segment; the whole completion when it was never closed
     * @param after    the text after the closing delimiter; empty when it was never closed
     */
    public record Parsed(String thinking, String after, boolean closed, boolean wellFormed) {
    }

    public Parsed parse(String completion) {
        if (completion == null) {
            return new Parsed("", "", false, false);
        }
        String text = completion.startsWith(open) ? completion.substring(open.length()) : completion;
        int at = text.indexOf(close);
        if (at < 0) {
            return new Parsed(text, "", false, false);
        }
        String thinking = text.substring(0, at);
        String after = text.substring(at + close.length());
        boolean wellFormed = !thinking.contains(open) && !after.contains(close) && !after.contains(open)
                && answer.extract(after) != null;
        return new Parsed(thinking, after, true, wellFormed);
    }

    /** The answer after the closing delimiter; null when the thinking was never closed or no answer follows. */
    @Override
    public String extract(String completion) {
        return answerOf(parse(completion));
    }

    private String answerOf(Parsed p) {
        return p.closed() ? answer.extract(p.after()) : null;
    }

    /**
     * How a completion of a reasoning task fares.
     *
     * @param correct        the answer after the thinking is right (what the verifier scores)
     * @param wellFormed     {@link Parsed#wellFormed}
     * @param steps          steps written (non-blank lines of the thinking)
     * @param firstWrongStep the first step wrong given the one before it, -1 when none is
     * @param rightTrace     every step right and as many as the reference
     */
    public record Verdict(boolean correct, boolean wellFormed, int steps, int firstWrongStep, boolean rightTrace) {
        /** The right answer reached through a wrong step (Lightman et al. 2023's false positives of outcome checks). */
        public boolean rightAnswerWrongStep() {
            return correct && firstWrongStep >= 0;
        }
    }

    /** The completion parsed once, and each written step checked once. */
    public Verdict verdict(ReasoningTask task, String completion) {
        Parsed p = parse(completion);
        var written = ReasoningTask.stepsOf(p.thinking());
        int firstWrong = task.firstWrongStep(written);
        return new Verdict(ResponseFormat.isAnswer(task.task(), answerOf(p)), p.wellFormed(), written.size(),
                firstWrong, task.isRightTrace(written, firstWrong));
    }
}
