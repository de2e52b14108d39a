package org.assay.evals.tasks;

/**
 * One generated, verifiable item: the prompt a model sees, the exact answer, and where it came from.
 *
 * @param id        stable id within its suite ({@code arithmetic-17})
 * @param prompt    the question, without any answer-format instruction (see {@link AnswerFormat})
 * @param answer    the exact answer, canonical text (e.g. {@code "-42"}, {@code "1 3 7"})
 * @param template  which template or generator produced it (for clustered intervals)
 * @param difficulty the knob value it was generated with (digits, steps, length)
 */
public record Task(String id, String prompt, String answer, String template, int difficulty) {
}
