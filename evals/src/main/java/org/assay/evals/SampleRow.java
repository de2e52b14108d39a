package org.assay.evals;

/**
 * One completion as {@link EvalResult#table()} shows it and {@code samples.jsonl} stores it: the columns are these
 * components, in this order, named in snake case ({@link RecordRows}).
 *
 * @param tokens         tokens generated, the thinking included
 * @param thinkingTokens tokens of the thinking segment (0 without one)
 * @param answer         the answer the format extracted; null (an empty cell in the table) when there was none
 */
public record SampleRow(String item, String template, int difficulty, int sample, int promptTokens, int tokens,
                        int thinkingTokens, String expected, String answer, boolean correct, double score,
                        String completion) {
}
