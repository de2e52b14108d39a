package org.assay.evals.tasks;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a prompt asks for the answer and how the answer is read back from a completion. Several formats let an
 * evaluation measure format brittleness: the spread of accuracy across formats for the same items.
 */
public enum AnswerFormat implements ResponseFormat {
    /** {@code Answer: 42} */
    ANSWER_LINE("\nGive the final answer on a line of its own as 'Answer: <answer>'.", "(?im)^\\s*answer\\s*:\\s*(.+?)\\s*$"),
    /** GSM8K's {@code #### 42} */
    HASHES("\nEnd with '#### <answer>'.", "####\\s*(.+?)\\s*$"),
    /** LaTeX {@code \boxed{42}} */
    BOXED("\nPut the final answer in \\boxed{}.", "\\\\boxed\\{([^{}]*)\\}"),
    /** Bare: the last number (or, for text answers, the last line) of the completion. */
    BARE("", null);

    private final String instruction;
    private final Pattern pattern;

    AnswerFormat(String instruction, String regex) {
        this.instruction = instruction;
        this.pattern = regex == null ? null : Pattern.compile(regex);
    }

    @Override
    public String prompt(Task task) {
        return task.prompt() + instruction;
    }

    /** The extracted answer, normalised (trimmed, single spaces, no trailing period), or null when there is none. */
    @Override
    public String extract(String completion) {
        if (completion == null) {
            return null;
        }
        String found = null;
        if (pattern != null) {
            Matcher m = pattern.matcher(completion);
            while (m.find()) {
                found = m.group(1); // the last occurrence wins, as a final answer should
            }
        } else {
            Matcher numbers = Pattern.compile("-?\\d+(?:\\.\\d+)?").matcher(completion);
            while (numbers.find()) {
                found = numbers.group();
            }
            if (found == null && !completion.isBlank()) {
                String[] lines = completion.strip().split("\n");
                found = lines[lines.length - 1];
            }
        }
        return found == null ? null : normalise(found);
    }

    /** The answer {@code value} written in this format: {@code Answer: 42}, {@code #### 42}, {@code \\boxed{42}}, {@code 42}. */
    public String write(String value) {
        return switch (this) {
            case ANSWER_LINE -> "Answer: " + value;
            case HASHES -> "#### " + value;
            case BOXED -> "\\boxed{" + value + "}";
            case BARE -> value;
        };
    }

    /** Trimmed, single spaces, no trailing period, no thousands commas: how answers are compared. */
    public static String normalise(String s) {
        String t = s.strip().replaceAll("\\s+", " ");
        if (t.endsWith(".")) {
            t = t.substring(0, t.length() - 1);
        }
        return t.replace(",", "");
    }
}
