package org.assay.evals.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReasoningTasksTest {
    private static final ThinkingFormat THINK = ThinkingFormat.defaults();

    /** Each suite with its easiest and hardest difficulty. */
    static Stream<Arguments> suites() {
        return Stream.of(
                suite("addition", d -> ReasoningSuites.addition(30, d, d), 1, 30),
                suite("multiplication", d -> ReasoningSuites.multiplication(30, d, d), 1, 9),
                suite("chained", d -> ReasoningSuites.chained(30, d, d), 1, 60),
                suite("selectionSort", d -> ReasoningSuites.selectionSort(30, d, d), 2, 30),
                suite("runningParity", d -> ReasoningSuites.runningParity(30, d, d), 1, 40));
    }

    private static Arguments suite(String name, IntFunction<List<ReasoningTask>> suite, int easy, int hard) {
        return Arguments.of(name, suite, easy, hard);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void everyReferenceTraceIsRightStepByStepAndReadsAsWellFormed(String name, IntFunction<List<ReasoningTask>> suite,
                                                                  int easy, int hard) {
        for (int d = easy; d <= hard; d += Math.max(1, (hard - easy) / 5)) {
            for (ReasoningTask t : suite.apply(d)) {
                assertEquals(-1, t.firstWrongStep(t.trace()), t.task().id() + " " + t.trace());
                assertTrue(t.isRightTrace(t.traceText()), t.task().id());
                String completion = THINK.completion(t);
                ThinkingFormat.Verdict v = THINK.verdict(t, completion);
                assertEquals(new ThinkingFormat.Verdict(true, true, t.steps(), -1, true), v, completion);
                assertEquals(d, t.task().difficulty());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void aWrongResultIsCaughtAtItsStep(String name, IntFunction<List<ReasoningTask>> suite, int easy, int hard) {
        for (ReasoningTask t : suite.apply(Math.min(hard, easy + 3))) {
            for (int i = 0; i < t.steps(); i++) {
                List<String> written = new ArrayList<>(t.trace());
                written.set(i, corrupt(written.get(i)));
                assertEquals(i, t.firstWrongStep(written), t.task().id() + " " + written);
                assertFalse(t.isRightTrace(String.join("\n", written)));
            }
            List<String> short1 = t.trace().subList(0, t.steps() - 1);
            assertEquals(-1, t.firstWrongStep(short1), "a trace cut short has no wrong step");
            assertFalse(t.isRightTrace(String.join("\n", short1)), "but it is not a whole solution");
            assertFalse(t.check().isRight(0, null, "not a step"));
        }
    }

    /** An addition step's newest digit plus one; the result of an {@code a op b=c} step plus one; a pick plus one. */
    private static String corrupt(String step) {
        int colon = step.indexOf(':');
        if (colon >= 0) {
            char d = step.charAt(colon + 1);
            return step.substring(0, colon + 1) + (char) ('0' + (d - '0' + 1) % 10) + step.substring(colon + 2);
        }
        int eq = step.lastIndexOf('=');
        if (eq >= 0) {
            return step.substring(0, eq + 1) + new BigInteger(step.substring(eq + 1)).add(BigInteger.ONE);
        }
        int bar = step.indexOf('|');
        if (step.matches("[01 ]*\\|[01]")) {
            return step.substring(0, bar + 1) + (1 - (step.charAt(bar + 1) - '0'));   // the parity flipped
        }
        return (Integer.parseInt(step.substring(0, bar)) + 1) + step.substring(bar);
    }

    @Test
    void aStepIsJudgedGivenTheStepBeforeItAsWritten() {
        ReasoningTask t = ReasoningSuites.addition(1, 3, 5).get(0);
        Matcher m = Pattern.compile("What is (\\d+) \\+ (\\d+)\\?").matcher(t.task().prompt());
        assertTrue(m.matches());
        String a = m.group(1);
        String b = m.group(2);
        int ones = (a.charAt(2) - '0') + (b.charAt(2) - '0');
        assertEquals(a.substring(0, 2) + "+" + b.substring(0, 2) + ":" + ones % 10 + " c" + ones / 10, t.trace().get(0));
        // a wrong first digit, and a second step that follows from it
        int wrong = (ones % 10 + 1) % 10;
        String wrong0 = a.substring(0, 2) + "+" + b.substring(0, 2) + ":" + wrong + " c" + ones / 10;
        int tens = (a.charAt(1) - '0') + (b.charAt(1) - '0') + ones / 10;
        String consistent1 = a.charAt(0) + "+" + b.charAt(0) + ":" + tens % 10 + wrong + " c" + tens / 10;
        assertFalse(t.check().isRight(0, null, wrong0));
        assertTrue(t.check().isRight(1, wrong0, consistent1), "right given the step as written");
        assertEquals(0, t.firstWrongStep(List.of(wrong0, consistent1)));
        assertFalse(t.check().isRight(3, t.trace().get(2), "+:0 c0"), "no digits are left after the last step");
    }

    @Test
    void aNumberTooLongToParseIsAWrongStepNotACrash() {
        String huge = "4".repeat(25);
        for (ReasoningTask t : List.of(ReasoningSuites.multiplication(1, 3, 1).get(0),
                ReasoningSuites.chained(1, 3, 1).get(0), ReasoningSuites.selectionSort(1, 3, 1).get(0))) {
            assertEquals(0, t.firstWrongStep(List.of(huge + "*9=" + huge)), t.task().id());
            assertEquals(0, t.firstWrongStep(List.of(huge + "|1 2")), t.task().id());
            List<String> written = new ArrayList<>(t.trace());
            written.set(1, huge + "+" + huge + "=" + huge);
            assertEquals(1, t.firstWrongStep(written), t.task().id());
        }
        assertFalse(THINK.verdict(ReasoningSuites.chained(1, 2, 1).get(0), huge + "+1=" + huge + "\n</think>\nAnswer: 1")
                .rightTrace());
    }

    @Test
    void theDifficultyKnobTakesATraceFromAFewTokensToSeveralHundred() {
        // characters, which are the tokens of a character tokenizer
        assertTrue(THINK.completion(ReasoningSuites.addition(1, 1, 1).get(0)).length() <= 30);
        assertTrue(ReasoningSuites.addition(1, 1, 1).get(0).traceText().length() >= 5);
        assertTrue(ReasoningSuites.selectionSort(1, 2, 1).get(0).traceText().length() <= 12);
        for (ReasoningTask t : List.of(ReasoningSuites.addition(1, 16, 1).get(0),
                ReasoningSuites.multiplication(1, 9, 1).get(0), ReasoningSuites.chained(1, 60, 1).get(0),
                ReasoningSuites.selectionSort(1, 30, 1).get(0), ReasoningSuites.runningParity(1, 17, 1).get(0))) {
            assertTrue(t.traceText().length() >= 300, t.task().id() + ": " + t.traceText().length());
        }
    }

    @Test
    void answersAreExact() {
        Pattern add = Pattern.compile("What is (\\d+) \\+ (\\d+)\\?");
        for (ReasoningTask t : ReasoningSuites.addition(50, 25, 3)) {
            Matcher m = add.matcher(t.task().prompt());
            assertTrue(m.matches());
            assertEquals(25, m.group(1).length());
            assertEquals(new BigInteger(m.group(1)).add(new BigInteger(m.group(2))).toString(), t.task().answer());
        }
        Pattern mul = Pattern.compile("What is (\\d+) \\* (\\d+)\\?");
        for (ReasoningTask t : ReasoningSuites.multiplication(50, 6, 3)) {
            Matcher m = mul.matcher(t.task().prompt());
            assertTrue(m.matches());
            assertEquals(Long.parseLong(m.group(1)) * Long.parseLong(m.group(2)), Long.parseLong(t.task().answer()));
            assertEquals(2 * 6 - 1, t.steps());
            assertTrue(t.trace().get(t.steps() - 1).endsWith("=" + t.task().answer()));
        }
        for (ReasoningTask t : ReasoningSuites.chained(50, 20, 3)) {
            assertTrue(t.trace().get(t.steps() - 1).endsWith("=" + t.task().answer()), t.trace().toString());
            long v = Long.parseLong(t.task().answer());
            assertTrue(v >= 1 && v < 1000, t.task().answer());
        }
        for (ReasoningTask t : ReasoningSuites.runningParity(50, 9, 3)) {
            long ones = t.task().prompt().chars().filter(c -> c == '1').count();
            assertEquals(Long.toString(ones % 2), t.task().answer(), t.task().prompt());
            assertEquals("|" + t.task().answer(), t.trace().get(t.steps() - 1));
        }
        for (ReasoningTask t : ReasoningSuites.selectionSort(50, 12, 3)) {
            int[] in = Arrays.stream(t.task().prompt().substring("Sort ascending: ".length()).split(" "))
                    .mapToInt(Integer::parseInt).sorted().toArray();
            assertEquals(Arrays.stream(in).mapToObj(Integer::toString).reduce((x, y) -> x + " " + y).orElseThrow(),
                    t.task().answer());
        }
    }

    @Test
    void suitesAreReproducibleFromTheirSeed() {
        assertEquals(ReasoningSuites.tasks(ReasoningSuites.chained(20, 5, 7)),
                ReasoningSuites.tasks(ReasoningSuites.chained(20, 5, 7)));
        assertEquals(ReasoningSuites.addition(5, 9, 7).get(3).trace(), ReasoningSuites.addition(5, 9, 7).get(3).trace());
        assertFalse(ReasoningSuites.tasks(ReasoningSuites.addition(20, 5, 7))
                .equals(ReasoningSuites.tasks(ReasoningSuites.addition(20, 5, 8))));
    }

    @Test
    void theAnswerIsReadOnlyAfterTheThinking() {
        ReasoningTask t = ReasoningSuites.chained(1, 3, 2).get(0);
        String answer = t.task().answer();
        assertEquals(answer, THINK.extract("x\nAnswer: 0\n</think>\nAnswer: " + answer));
        assertNull(THINK.extract("Answer: " + answer), "never closed: no answer");
        assertFalse(THINK.parse("Answer: " + answer).wellFormed());
        assertTrue(THINK.verdict(t, THINK.answerOnly(t.task())).correct());
        assertEquals(0, THINK.verdict(t, THINK.answerOnly(t.task())).steps());
        assertFalse(THINK.verdict(t, THINK.answerOnly(t.task())).rightTrace());
        assertFalse(THINK.parse("a\n</think>\n<think>\nAnswer: 1").wellFormed(), "reopened");
        assertFalse(THINK.parse("a\n</think>\nno answer").wellFormed());
        assertTrue(THINK.parse("<think>\na\n</think>\nAnswer: 1").wellFormed(), "an opening delimiter at the start");
        ThinkingFormat bare = THINK.withAnswer(AnswerFormat.BARE);
        assertFalse(bare.parse("a\n</think>\n  \n").wellFormed(), "nothing after the thinking is no answer");
        assertNull(bare.extract("a\n</think>"));
        assertNull(THINK.extract(null));
        for (AnswerFormat f : AnswerFormat.values()) {
            assertEquals("-42", f.extract("some work\n" + f.write("-42")), f.name());
            assertEquals(answer, THINK.withAnswer(f).extract(THINK.withAnswer(f).answerOnly(t.task())), f.name());
        }
        assertNull(AnswerFormat.BARE.extract(" \n "), "a blank completion has no answer");
        assertEquals(t.task().prompt() + "\n<think>\n", THINK.prompt(t.task()));
        ThinkingFormat boxed = THINK.withDelimiters("[[", "]]").withAnswer(AnswerFormat.BOXED);
        assertEquals(answer, boxed.extract(boxed.completion(t)));
        assertEquals("THINK_BOXED", boxed.name());
    }

    @Test
    void badInputGetsClearErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> ReasoningSuites.addition(3, 31, 1));
        assertTrue(e.getMessage().contains("addition: difficulty must be in [1, 30], got 31"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ReasoningSuites.selectionSort(0, 5, 1));
        assertTrue(e.getMessage().contains("selectionSort: count must be >= 1, got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> THINK.withDelimiters("<t>", " "));
        assertTrue(e.getMessage().contains("open and close must be non-blank"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> THINK.withDelimiters("<t>", "<t>end"));
        assertTrue(e.getMessage().contains("close must not start with open"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ReasoningTask(
                new Task("x", "p", "1", "t", 1), List.of("a\nb"), (i, p, s) -> true));
        assertTrue(e.getMessage().contains("a step must be one line"), e.getMessage());
    }

    @Test
    void idsNameTheDifficultySoSuitesOfSeveralCombineWithoutClashing() {
        var ids = new java.util.HashSet<String>();
        for (int d = 1; d <= 3; d++) {
            for (var t : ReasoningSuites.addition(5, d, 1)) {
                assertTrue(ids.add(t.task().id()), "repeated id " + t.task().id());
            }
        }
        assertEquals("addition-3-4", ReasoningSuites.addition(5, 3, 1).get(4).task().id());
    }
}
