package org.assay.evals.tasks;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seeded task suites whose solutions are traces of controllable length, with exact answers and a per-step checker
 * ({@link ReasoningTask}). The difficulty knob (digits, steps, length) takes a trace from a few tokens to several
 * hundred (characters, for a character tokenizer; addition's trace is 1.5d² + 5.5d − 1 for d digits: 281 at 12,
 * 471 at 16):
 * <ul>
 *   <li>{@link #addition}: column addition with the carries written out, right to left, one column per step, the
 *   scratchpad of Nye et al. 2021 ({@code 71+48:8 c0}: what is left of each operand, the result so far, the
 *   carry);</li>
 *   <li>{@link #multiplication}: one partial product per digit of the multiplier ({@code 4567*90=411030}), then a
 *   running sum ({@code 4567+411030=415597});</li>
 *   <li>{@link #chained}: a word problem of k operations, one line per operation ({@code 25-3=22});</li>
 *   <li>{@link #selectionSort}: sorting by selection, one line per pick ({@code 1|5 3 9}: the smallest, then what
 *   is left);</li>
 *   <li>{@link #runningParity}: the parity of a string of bits as a running state ({@code 0 1|1}: the bits left,
 *   the parity so far).</li>
 * </ul>
 */
public final class ReasoningSuites {
    private static final Pattern BINARY = Pattern.compile("(-?\\d+)([-+*/])(\\d+)=(-?\\d+)");
    private static final Pattern PICK = Pattern.compile("(\\d+)\\|([\\d ]*)");
    private static final Pattern STATE = Pattern.compile("([01 ]*)\\|([01])");

    private ReasoningSuites() {
    }

    /**
     * {@code a + b}, both of {@code digits} digits (1 to 30), in the scratchpad of Nye et al. 2021: each step takes the
     * last digit of each operand left, writes what is left of both, the result so far with the new digit in front, and
     * the carry ({@code 712 + 486}: {@code 71+48:8 c0}, {@code 7+4:98 c0}, {@code +:198 c1}; answer 1198). A step
     * is computed from the line before it alone, which a small model can learn.
     */
    public static List<ReasoningTask> addition(int count, int digits, long seed) {
        TaskSuites.check("addition", count, digits, 1, 30);
        SplittableRandom rng = new SplittableRandom(seed);
        List<ReasoningTask> tasks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String a = digitsOf(rng, digits);
            String b = digitsOf(rng, digits);
            List<String> trace = new ArrayList<>(digits);
            Column state = new Column(a, b, "", 0);
            for (int c = 0; c < digits; c++) {
                state = state.next();
                trace.add(state.toString());
            }
            String answer = new BigInteger(a).add(new BigInteger(b)).toString();
            Task task = new Task("addition-" + digits + "-" + i, "What is " + a + " + " + b + "?", answer, "addition",
                    digits);
            Column start = new Column(a, b, "", 0);
            tasks.add(new ReasoningTask(task, trace, guarded((step, previous, line) -> {
                Column before = step == 0 ? start : Column.parse(previous);
                return before != null && !before.a().isEmpty() && before.next().toString().equals(line);
            })));
        }
        return tasks;
    }

    /** One line of the addition scratchpad: what is left of each operand, the result so far, the carry. */
    private record Column(String a, String b, String result, int carry) {
        private static final Pattern LINE = Pattern.compile("(\\d*)\\+(\\d*):(\\d+) c([01])");

        /** The next column: the last digits of a and b and the carry added. */
        Column next() {
            int sum = digitFromRight(a, 0) + digitFromRight(b, 0) + carry;
            return new Column(a.substring(0, a.length() - 1), b.isEmpty() ? "" : b.substring(0, b.length() - 1),
                    sum % 10 + result, sum / 10);
        }

        /** A written line; null when it does not parse. */
        static Column parse(String line) {
            Matcher m = line == null ? null : LINE.matcher(line);
            return m != null && m.matches() ? new Column(m.group(1), m.group(2), m.group(3),
                    Integer.parseInt(m.group(4))) : null;
        }

        @Override
        public String toString() {
            return a + "+" + b + ":" + result + " c" + carry;
        }
    }

    /**
     * {@code a * b}, both of {@code digits} digits (1 to 9): a partial product per digit of b, right to left, then
     * the running sum of the partial products.
     */
    public static List<ReasoningTask> multiplication(int count, int digits, long seed) {
        TaskSuites.check("multiplication", count, digits, 1, 9);
        SplittableRandom rng = new SplittableRandom(seed);
        List<ReasoningTask> tasks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long a = TaskSuites.number(rng, digits);
            long b = TaskSuites.number(rng, digits);
            long[] partial = new long[digits];
            List<String> trace = new ArrayList<>(2 * digits - 1);
            for (int c = 0; c < digits; c++) {
                long multiplier = digitFromRight(Long.toString(b), c) * pow10(c);
                partial[c] = a * multiplier;
                trace.add(a + "*" + multiplier + "=" + partial[c]);
            }
            long sum = partial[0];
            for (int c = 1; c < digits; c++) {
                trace.add(sum + "+" + partial[c] + "=" + (sum + partial[c]));
                sum += partial[c];
            }
            Task task = new Task("multiplication-" + digits + "-" + i, "What is " + a + " * " + b + "?",
                    Long.toString(a * b), "multiplication", digits);
            tasks.add(new ReasoningTask(task, trace, guarded((step, previous, line) -> {
                Matcher m = BINARY.matcher(line);
                if (!m.matches() || step >= 2 * digits - 1) {
                    return false;
                }
                long left = Long.parseLong(m.group(1));
                long right = Long.parseLong(m.group(3));
                long result = Long.parseLong(m.group(4));
                if (step < digits) {
                    return m.group(2).equals("*") && left == a && right == digitFromRight(Long.toString(b), step)
                            * pow10(step) && result == left * right;
                }
                // the first sum starts from the first partial product; each later one from the sum before it
                long start = step == digits ? partial[0] : resultOf(previous);
                return m.group(2).equals("+") && left == start && right == partial[step - digits + 1]
                        && result == left + right;
            })));
        }
        return tasks;
    }

    /**
     * A word problem of {@code steps} operations (1 to 60) on a count of items (gain, lose, double, share evenly
     * keeping one share), one trace line per operation; the count stays between 0 and 999.
     */
    public static List<ReasoningTask> chained(int count, int steps, long seed) {
        TaskSuites.check("chained", count, steps, 1, 60);
        SplittableRandom rng = new SplittableRandom(seed);
        List<ReasoningTask> tasks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = TaskSuites.NAMES[rng.nextInt(TaskSuites.NAMES.length)];   // the word problems' cast
            String item = TaskSuites.ITEMS[rng.nextInt(TaskSuites.ITEMS.length)];
            long start = 2 + rng.nextInt(19);
            long value = start;
            StringBuilder story = new StringBuilder(name + " has " + start + " " + item + ".");
            char[] ops = new char[steps];
            long[] operands = new long[steps];
            List<String> trace = new ArrayList<>(steps);
            for (int s = 0; s < steps; s++) {
                long before = value;
                int kind = rng.nextInt(4);
                long share = 2 + rng.nextInt(3);
                if (kind == 3 && value % share != 0) {
                    kind = rng.nextInt(3);     // shares only where they come out even
                }
                if (kind == 2 && value > 499 || kind == 0 && value > 980) {
                    kind = 1;                  // the count stays below 1000
                }
                if (kind == 1 && value < 2) {
                    kind = 0;                  // and above 0
                }
                switch (kind) {
                    case 0 -> {
                        operands[s] = 1 + rng.nextInt((int) Math.min(15, 999 - value));
                        ops[s] = '+';
                        story.append(" Then ").append(name).append(" finds ").append(operands[s]).append(" more.");
                    }
                    case 1 -> {
                        operands[s] = 1 + rng.nextInt((int) Math.min(value - 1, 15));
                        ops[s] = '-';
                        story.append(" Then ").append(name).append(" gives away ").append(operands[s]).append('.');
                    }
                    case 2 -> {
                        operands[s] = 2;
                        ops[s] = '*';
                        story.append(" Then the number of ").append(item).append(" doubles.");
                    }
                    default -> {
                        operands[s] = share;
                        ops[s] = '/';
                        story.append(" Then ").append(name).append(" shares them equally among ").append(share)
                                .append(" friends, keeping one share.");
                    }
                }
                value = apply(ops[s], value, operands[s]);
                trace.add(before + String.valueOf(ops[s]) + operands[s] + "=" + value);
            }
            Task task = new Task("chained-" + steps + "-" + i, story + " How many " + item + " does " + name
                    + " have now?", Long.toString(value), "chained", steps);
            tasks.add(new ReasoningTask(task, trace, guarded((step, previous, line) -> {
                Matcher m = BINARY.matcher(line);
                if (!m.matches() || step >= steps) {
                    return false;
                }
                long left = Long.parseLong(m.group(1));
                long right = Long.parseLong(m.group(3));
                char op = m.group(2).charAt(0);
                return left == (step == 0 ? start : resultOf(previous)) && op == ops[step] && right == operands[step]
                        && Long.parseLong(m.group(4)) == apply(op, left, right);
            })));
        }
        return tasks;
    }

    /**
     * Sorting {@code length} numbers (2 to 30, each 0–99) ascending by selection: each step takes out the smallest of
     * what is left ({@code 1|5 3 9}); the answer is the sorted list.
     */
    public static List<ReasoningTask> selectionSort(int count, int length, long seed) {
        TaskSuites.check("selectionSort", count, length, 2, 30);
        SplittableRandom rng = new SplittableRandom(seed);
        List<ReasoningTask> tasks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            List<Integer> input = new ArrayList<>(length);
            for (int k = 0; k < length; k++) {
                input.add(rng.nextInt(100));
            }
            List<String> trace = new ArrayList<>(length);
            List<Integer> rest = new ArrayList<>(input);
            while (!rest.isEmpty()) {
                Integer min = takeSmallest(rest);
                trace.add(min + "|" + join(rest));
            }
            Integer[] sorted = input.toArray(new Integer[0]);
            Arrays.sort(sorted);
            Task task = new Task("selectionSort-" + length + "-" + i, "Sort ascending: " + join(input),
                    join(Arrays.asList(sorted)), "selectionSort", length);
            tasks.add(new ReasoningTask(task, trace, guarded((step, previous, line) -> {
                Matcher m = PICK.matcher(line);
                if (!m.matches() || step >= length) {
                    return false;
                }
                List<Integer> before = step == 0 ? input : numbers(PICK.matcher(previous), 2);
                if (before == null || before.isEmpty()) {
                    return false;
                }
                List<Integer> after = new ArrayList<>(before);
                Integer min = takeSmallest(after);
                return Integer.parseInt(m.group(1)) == min && after.equals(numbers(m, 2));
            })));
        }
        return tasks;
    }

    /**
     * The parity of {@code length} bits (1 to 40), as a running state: each step takes the first bit left, writes the
     * bits still left and the parity so far ({@code Parity of 1 0 1?}: {@code 0 1|1}, {@code 1|1}, {@code |0}).
     * Transformers learn parity poorly from the answer alone and far better with such a scratchpad (Anil et al. 2022,
     * "Exploring Length Generalization in Large Language Models"); here each step reads only the line before it.
     */
    public static List<ReasoningTask> runningParity(int count, int length, long seed) {
        TaskSuites.check("runningParity", count, length, 1, 40);
        SplittableRandom rng = new SplittableRandom(seed);
        List<ReasoningTask> tasks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            List<Integer> bits = new ArrayList<>(length);
            for (int k = 0; k < length; k++) {
                bits.add(rng.nextInt(2));
            }
            List<String> trace = new ArrayList<>(length);
            List<Integer> rest = bits;
            int parity = 0;
            while (!rest.isEmpty()) {
                trace.add(parityStep(rest, parity));
                parity ^= rest.get(0);
                rest = rest.subList(1, rest.size());
            }
            Task task = new Task("runningParity-" + length + "-" + i, "Parity of " + join(bits) + "?",
                    Integer.toString(parity), "runningParity", length);
            tasks.add(new ReasoningTask(task, trace, guarded((step, previous, line) -> {
                List<Integer> left;
                int before;
                if (step == 0) {
                    left = bits;
                    before = 0;
                } else {
                    Matcher m = previous == null ? null : STATE.matcher(previous);
                    if (m == null || !m.matches()) {
                        return false;
                    }
                    left = numbers(m, 1);
                    before = Integer.parseInt(m.group(2));
                }
                return !left.isEmpty() && line.equals(parityStep(left, before));
            })));
        }
        return tasks;
    }

    /** A selection step: the smallest of {@code rest} taken out of it (the first of equals), returned. */
    private static Integer takeSmallest(List<Integer> rest) {
        Integer min = rest.stream().min(Integer::compare).orElseThrow();
        rest.remove(min);
        return min;
    }

    /** A parity step from the bits left and the parity so far: the bits after the first, then the new parity. */
    private static String parityStep(List<Integer> left, int before) {
        return join(left.subList(1, left.size())) + "|" + (before ^ left.get(0));
    }

    /**
     * A checker that calls a step wrong, rather than failing, when a number in it is too long to parse: a model caught
     * in a loop writes such numbers, and no right step has them.
     */
    private static ReasoningTask.StepCheck guarded(ReasoningTask.StepCheck check) {
        return (step, previous, line) -> {
            try {
                return check.isRight(step, previous, line);
            } catch (NumberFormatException e) {
                return false;
            }
        };
    }

    /** The tasks alone, for the evaluation runner. */
    public static List<Task> tasks(List<ReasoningTask> suite) {
        return suite.stream().map(ReasoningTask::task).toList();
    }

    private static long apply(char op, long a, long b) {
        return switch (op) {
            case '+' -> a + b;
            case '-' -> a - b;
            case '*' -> a * b;
            default -> b == 0 || a % b != 0 ? Long.MIN_VALUE : a / b; // an uneven share is never right
        };
    }

    private static String digitsOf(SplittableRandom rng, int digits) {
        StringBuilder s = new StringBuilder(digits);
        s.append(digits == 1 ? rng.nextInt(10) : 1 + rng.nextInt(9));
        for (int k = 1; k < digits; k++) {
            s.append(rng.nextInt(10));
        }
        return s.toString();
    }

    private static int digitFromRight(String number, int column) {
        int at = number.length() - 1 - column;
        return at < 0 ? 0 : number.charAt(at) - '0';
    }

    private static long pow10(int k) {
        long p = 1;
        for (int i = 0; i < k; i++) {
            p *= 10;
        }
        return p;
    }

    /** The result of a written {@code a op b=c} step; a value no step starts from when it does not parse. */
    private static long resultOf(String step) {
        Matcher m = BINARY.matcher(step);
        return m.matches() ? Long.parseLong(m.group(4)) : Long.MIN_VALUE;
    }

    private static List<Integer> numbers(Matcher m, int group) {
        if (!m.matches()) {
            return null;
        }
        String s = m.group(group).strip();
        return s.isEmpty() ? List.of() : Arrays.stream(s.split(" +")).map(Integer::valueOf).toList();
    }

    private static String join(List<Integer> v) {
        return v.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(" "));
    }
}
