package org.assay.evals.tasks;

import java.util.List;
import java.util.Objects;

/**
 * A task whose solution is written out in steps: the {@link Task} (prompt, exact answer, template, difficulty), the
 * reference trace, one step per line, and a per-step checker that says whether step i is right given step i−1 as it
 * was written (so a trace that goes wrong once is judged from there on on its own terms: the hook process
 * supervision uses, as in Lightman et al. 2023's labels of the first wrong step).
 *
 * @param trace the reference steps, in order, each without a newline
 * @param check whether a written step is right given the previous written step
 */
public record ReasoningTask(Task task, List<String> trace, StepCheck check) {

    /** Is step {@code i} right, given the step before it ({@code null} for the first)? */
    @FunctionalInterface
    public interface StepCheck {
        boolean isRight(int i, String previous, String step);
    }

    public ReasoningTask {
        Objects.requireNonNull(task, "ReasoningTask: task must not be null");
        Objects.requireNonNull(check, "ReasoningTask: check must not be null");
        trace = List.copyOf(trace);
        if (trace.isEmpty()) {
            throw new IllegalArgumentException("ReasoningTask: trace must hold at least 1 step, got 0 (" + task.id()
                    + ")");
        }
        for (String step : trace) {
            if (step.contains("\n")) {
                throw new IllegalArgumentException("ReasoningTask: a step must be one line, got '" + step + "' ("
                        + task.id() + ")");
            }
        }
    }

    /** Steps in the reference trace. */
    public int steps() {
        return trace.size();
    }

    /** The reference trace as text, one step per line. */
    public String traceText() {
        return String.join("\n", trace);
    }

    /**
     * The index of the first written step that is wrong given the one before it, {@code -1} when every written step
     * is right. Blank lines are not steps. A trace that stops early has no wrong step by this count: see
     * {@link #isRightTrace}.
     */
    public int firstWrongStep(List<String> written) {
        String previous = null;
        int i = 0;
        for (String step : written) {
            String s = step.strip();
            if (s.isEmpty()) {
                continue;
            }
            if (!check.isRight(i, previous, s)) {
                return i;
            }
            previous = s;
            i++;
        }
        return -1;
    }

    /** The written steps of a thinking segment: its non-blank lines, stripped. */
    public static List<String> stepsOf(String thinking) {
        return thinking.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** Every step right and as many steps as the reference: the trace is a whole, correct solution. */
    public boolean isRightTrace(String thinking) {
        List<String> written = stepsOf(thinking);
        return isRightTrace(written, firstWrongStep(written));
    }

    /** {@link #isRightTrace(String)} of steps already written out, whose {@link #firstWrongStep} is known. */
    boolean isRightTrace(List<String> written, int firstWrongStep) {
        return written.size() == steps() && firstWrongStep == -1;
    }
}
