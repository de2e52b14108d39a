package org.assay.evals.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TasksTest {

    @Test
    void suitesAreReproducibleFromTheirSeed() {
        assertEquals(TaskSuites.arithmetic(20, 3, 7), TaskSuites.arithmetic(20, 3, 7));
        assertFalse(TaskSuites.arithmetic(20, 3, 7).equals(TaskSuites.arithmetic(20, 3, 8)));
        assertEquals(TaskSuites.wordProblems(10, 4, 1), TaskSuites.wordProblems(10, 4, 1));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 6})
    void arithmeticAnswersAreExactAndOperandsHaveTheRequestedDigits(int digits) {
        Pattern p = Pattern.compile("What is (\\d+) ([+*-]) (\\d+)\\?");
        for (Task t : TaskSuites.arithmetic(200, digits, digits)) {
            Matcher m = p.matcher(t.prompt());
            assertTrue(m.matches(), t.prompt());
            long a = Long.parseLong(m.group(1));
            long b = Long.parseLong(m.group(3));
            assertTrue(m.group(1).length() == digits && m.group(3).length() == digits, t.prompt());
            long expected = switch (m.group(2)) {
                case "+" -> a + b;
                case "-" -> a - b;
                default -> a * b;
            };
            assertEquals(Long.toString(expected), t.answer());
        }
    }

    /** Re-reads each story sentence by sentence and recomputes the answer, independently of the generator. */
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8})
    void wordProblemsAnswerWhatTheStorySays(int steps) {
        for (Task t : TaskSuites.wordProblems(200, steps, steps)) {
            assertEquals(t.answer(), answerOf(t, steps), t.prompt());
        }
    }

    /** The story's answer by reading it, checking that it has {@code steps} steps and every share comes out even. */
    private static String answerOf(Task t, int steps) {
        String[] sentences = t.prompt().split("(?<=[.?]) ");
        Matcher start = Pattern.compile("\\w+ has (\\d+) \\w+\\.").matcher(sentences[0]);
        assertTrue(start.matches(), sentences[0]);
        long v = Long.parseLong(start.group(1));
        int ops = 0;
        for (String s : sentences) {
            Matcher m;
            if ((m = Pattern.compile("Then \\w+ finds (\\d+) more\\.").matcher(s)).matches()) {
                v += Long.parseLong(m.group(1));
            } else if ((m = Pattern.compile("Then \\w+ gives away (\\d+)\\.").matcher(s)).matches()) {
                v -= Long.parseLong(m.group(1));
            } else if (s.matches("Then the number of \\w+ doubles\\.")) {
                v *= 2;
            } else if ((m = Pattern.compile("Then \\w+ (?:buys (\\d+) more and )?shares them equally among (\\d+)"
                    + " friends, keeping one share\\.").matcher(s)).matches()) {
                long k = Long.parseLong(m.group(2));
                v += m.group(1) == null ? 0 : Long.parseLong(m.group(1));
                assertEquals(0, v % k, "shares come out even: " + t.prompt());
                v /= k;
            } else {
                continue;
            }
            ops++;
            assertTrue(v >= 0, t.prompt());
        }
        assertEquals(steps, ops, t.prompt());
        return Long.toString(v);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void twinsKeepTheWordingChangeTheNumbersAndAnswerThemselves(int steps) {
        int changedAnswers = 0;
        for (Task t : TaskSuites.wordProblems(100, steps, 40 + steps)) {
            Task twin = TaskSuites.withNewNumbers(t, 5);
            assertEquals(t.prompt().replaceAll("\\d+", "#"), twin.prompt().replaceAll("\\d+", "#"), twin.prompt());
            assertTrue(!twin.prompt().equals(t.prompt()), twin.prompt());
            assertEquals(answerOf(twin, steps), twin.answer(), twin.prompt());
            assertEquals(twin, TaskSuites.withNewNumbers(t, 5), "same seed, same twin");
            changedAnswers += twin.answer().equals(t.answer()) ? 0 : 1;
        }
        assertTrue(changedAnswers > 70, "most twins have another answer: " + changedAnswers);
        var arithmetic = TaskSuites.arithmetic(50, 2, 9);
        long distinctTwins = arithmetic.stream().map(t -> TaskSuites.withNewNumbers(t, 5).prompt()).distinct().count();
        assertTrue(distinctTwins > 45, "each item draws its own twin: " + distinctTwins + " distinct of 50");
        for (Task t : TaskSuites.arithmetic(100, 2, 3)) {
            Task twin = TaskSuites.withNewNumbers(t, 1);
            Matcher m = Pattern.compile("What is (\\d\\d) ([+*-]) (\\d\\d)\\?").matcher(twin.prompt());
            assertTrue(m.matches(), twin.prompt());
            long a = Long.parseLong(m.group(1));
            long b = Long.parseLong(m.group(3));
            long expected = m.group(2).equals("+") ? a + b : m.group(2).equals("-") ? a - b : a * b;
            assertEquals(Long.toString(expected), twin.answer());
            assertEquals(t.template(), twin.template());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> TaskSuites.withNewNumbers(
                TaskSuites.sorting(1, 3, 1).get(0), 1));
        assertEquals("TaskSuites.withNewNumbers: only arithmetic and word-problem tasks have twins, got template 'sort'"
                + " (task 'sort-0')", e.getMessage());
    }

    @Test
    void sortingCopyingReversalAndParityAreExact() {
        for (Task t : TaskSuites.sorting(50, 7, 1)) {
            int[] v = Arrays.stream(t.prompt().substring("Sort ascending: ".length()).split(" "))
                    .mapToInt(Integer::parseInt).sorted().toArray();
            assertEquals(String.join(" ", Arrays.stream(v).mapToObj(Integer::toString).toList()), t.answer());
        }
        for (Task t : TaskSuites.copying(20, 12, true, 2)) {
            assertEquals(new StringBuilder(t.prompt().substring("Reverse: ".length())).reverse().toString(), t.answer());
        }
        for (Task t : TaskSuites.copying(20, 12, false, 2)) {
            assertEquals(t.prompt().substring("Copy: ".length()), t.answer());
        }
        for (Task t : TaskSuites.parity(50, 9, 3)) {
            long ones = t.prompt().chars().filter(c -> c == '1').count();
            assertEquals(Long.toString(ones % 2), t.answer());
        }
    }

    @Test
    void badKnobsAreRejectedWithTheValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> TaskSuites.arithmetic(5, 12, 1));
        assertEquals("arithmetic: difficulty must be in [1, 9], got 12", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TaskSuites.parity(0, 3, 1));
        assertEquals("parity: count must be >= 1, got 0", e.getMessage());
    }

    @Test
    void answersAreExtractedInEachFormatAndTheLastOneWins() {
        Task t = new Task("t", "What is 40 + 2?", "42", "x", 1);
        assertTrue(AnswerFormat.ANSWER_LINE.isCorrect(t, "Let me think.\nAnswer: 41\nWait.\nAnswer: 42."));
        assertTrue(AnswerFormat.HASHES.isCorrect(t, "40 + 2 = 42\n#### 42"));
        assertTrue(AnswerFormat.BOXED.isCorrect(t, "so \\boxed{42}"));
        assertTrue(AnswerFormat.BARE.isCorrect(t, "40 plus 2 is 42"));
        assertFalse(AnswerFormat.HASHES.isCorrect(t, "Answer: 42"), "the wrong format is not accepted");
        assertNull(AnswerFormat.BOXED.extract("no box here"));
        assertEquals("1234", AnswerFormat.ANSWER_LINE.extract("Answer: 1,234"));
        assertTrue(AnswerFormat.ANSWER_LINE.prompt(t).endsWith("'Answer: <answer>'."));
        Task sort = new Task("s", "Sort ascending: 3 1 2", "1 2 3", "sort", 3);
        assertTrue(AnswerFormat.ANSWER_LINE.isCorrect(sort, "Answer:  1  2 3"));
    }
}
