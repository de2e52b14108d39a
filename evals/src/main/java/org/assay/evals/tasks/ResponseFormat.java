package org.assay.evals.tasks;

/**
 * How a prompt asks for the answer and how the answer is read back from a completion: an {@link AnswerFormat}
 * ({@code Answer: 42}, {@code #### 42}, …) or a {@link ThinkingFormat} (a thinking segment, then the answer).
 * {@code Eval}, {@code EvalResult} and the RL verifiers read answers through this.
 */
public interface ResponseFormat {
    /** The name results carry, e.g. {@code ANSWER_LINE}. */
    String name();

    /** The task's prompt as this format asks it. */
    String prompt(Task task);

    /** The extracted answer, normalised ({@link AnswerFormat#normalise}), or null when there is none. */
    String extract(String completion);

    /** Exact match after normalisation. */
    default boolean isCorrect(Task task, String completion) {
        return isAnswer(task, extract(completion));
    }

    /** Whether an extracted answer ({@code null}: none) is the task's, after normalisation. */
    static boolean isAnswer(Task task, String extracted) {
        return extracted != null && extracted.equals(AnswerFormat.normalise(task.answer()));
    }
}
