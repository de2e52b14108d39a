package org.assay.evals.tasks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Generated task suites with exact answers and difficulty knobs, reproducible from a seed: multi-digit arithmetic,
 * multi-step word problems (GSM-style, templated), sorting, copying and reversal, parity. No downloads.
 */
public final class TaskSuites {
    private TaskSuites() {
    }

    /** {@code a op b} with operands of {@code digits} digits; op among +, −, ×. */
    public static List<Task> arithmetic(int count, int digits, long seed) {
        check("arithmetic", count, digits, 1, 9);
        SplittableRandom rng = new SplittableRandom(seed);
        List<Task> tasks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long a = number(rng, digits);
            long b = number(rng, digits);
            int op = rng.nextInt(3);
            String sym = op == 0 ? "+" : op == 1 ? "-" : "*";
            long result = op == 0 ? a + b : op == 1 ? a - b : a * b;
            tasks.add(new Task("arithmetic-" + i, "What is " + a + " " + sym + " " + b + "?", Long.toString(result),
                    "arithmetic" + sym, digits));
        }
        return tasks;
    }

    static final String[] NAMES = {"Ada", "Ben", "Chen", "Dana", "Eli", "Fatima", "Goran", "Hana"};
    static final String[] ITEMS = {"apples", "marbles", "stickers", "books", "coins", "shells"};

    /**
     * Word problems of {@code steps} operations (gain, lose, double, share), GSM8K-style: a person starts with some
     * items and the story changes the count; the answer is the final count, a non-negative integer.
     */
    public static List<Task> wordProblems(int count, int steps, long seed) {
        check("wordProblems", count, steps, 1, 8);
        SplittableRandom rng = new SplittableRandom(seed);
        List<Task> tasks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = NAMES[rng.nextInt(NAMES.length)];
            String item = ITEMS[rng.nextInt(ITEMS.length)];
            long value = 2 + rng.nextInt(19);
            StringBuilder story = new StringBuilder(name + " has " + value + " " + item + ".");
            StringBuilder template = new StringBuilder("word");
            for (int s = 0; s < steps; s++) {
                int kind = rng.nextInt(4);
                if (kind == 1 && value < 2) {
                    kind = 0;
                }
                switch (kind) {
                    case 0 -> {
                        long k = 1 + rng.nextInt(15);
                        value += k;
                        story.append(" Then ").append(name).append(" finds ").append(k).append(" more.");
                    }
                    case 1 -> {
                        long k = 1 + rng.nextInt((int) Math.min(value, 15));
                        value -= k;
                        story.append(" Then ").append(name).append(" gives away ").append(k).append('.');
                    }
                    case 2 -> {
                        value *= 2;
                        story.append(" Then the number of ").append(item).append(" doubles.");
                    }
                    default -> {
                        long k = 2 + rng.nextInt(3);
                        long extra = (k - value % k) % k; // make the share come out even
                        value += extra;
                        if (extra > 0) {
                            story.append(" Then ").append(name).append(" buys ").append(extra).append(" more");
                            story.append(" and shares them equally among ").append(k).append(" friends, keeping one share.");
                        } else {
                            story.append(" Then ").append(name).append(" shares them equally among ").append(k)
                                    .append(" friends, keeping one share.");
                        }
                        value /= k;
                    }
                }
                template.append('-').append(kind);
            }
            story.append(" How many ").append(item).append(" does ").append(name).append(" have now?");
            tasks.add(new Task("word-" + i, story.toString(), Long.toString(value), template.toString(), steps));
        }
        return tasks;
    }

    /** Sort {@code length} integers ascending; the answer is space-separated. */
    public static List<Task> sorting(int count, int length, long seed) {
        check("sorting", count, length, 1, 100);
        SplittableRandom rng = new SplittableRandom(seed);
        List<Task> tasks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int[] v = IntStream.range(0, length).map(j -> rng.nextInt(100)).toArray();
            int[] sorted = v.clone();
            Arrays.sort(sorted);
            tasks.add(new Task("sort-" + i, "Sort ascending: " + join(v), join(sorted), "sort", length));
        }
        return tasks;
    }

    /** Copy ({@code reverse = false}) or reverse a string of {@code length} lowercase letters. */
    public static List<Task> copying(int count, int length, boolean reverse, long seed) {
        check(reverse ? "reversal" : "copying", count, length, 1, 1000);
        SplittableRandom rng = new SplittableRandom(seed);
        List<Task> tasks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder s = new StringBuilder();
            for (int j = 0; j < length; j++) {
                s.append((char) ('a' + rng.nextInt(26)));
            }
            String text = s.toString();
            tasks.add(new Task((reverse ? "reverse-" : "copy-") + i, (reverse ? "Reverse: " : "Copy: ") + text,
                    reverse ? s.reverse().toString() : text, reverse ? "reverse" : "copy", length));
        }
        return tasks;
    }

    /** Parity of a bit string of {@code length} bits: the answer is 1 if the count of ones is odd. */
    public static List<Task> parity(int count, int length, long seed) {
        check("parity", count, length, 1, 1000);
        SplittableRandom rng = new SplittableRandom(seed);
        List<Task> tasks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder s = new StringBuilder();
            int ones = 0;
            for (int j = 0; j < length; j++) {
                int bit = rng.nextInt(2);
                ones += bit;
                s.append(bit);
            }
            tasks.add(new Task("parity-" + i, "Parity of " + s + "?", Integer.toString(ones % 2), "parity", length));
        }
        return tasks;
    }

    static long number(SplittableRandom rng, int digits) {
        long lo = digits == 1 ? 0 : (long) Math.pow(10, digits - 1);
        long hi = (long) Math.pow(10, digits);
        return lo + rng.nextLong(hi - lo);
    }

    private static String join(int[] v) {
        return Arrays.stream(v).mapToObj(Integer::toString).collect(Collectors.joining(" "));
    }

    static void check(String fn, int count, int knob, int min, int max) {
        if (count < 1) {
            throw new IllegalArgumentException(fn + ": count must be >= 1, got " + count);
        }
        if (knob < min || knob > max) {
            throw new IllegalArgumentException(fn + ": difficulty must be in [" + min + ", " + max + "], got " + knob);
        }
    }
}
