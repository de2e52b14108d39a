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
            long[] value = {2 + rng.nextInt(19)};
            StringBuilder story = new StringBuilder(name + " has " + value[0] + " " + item + ".");
            StringBuilder template = new StringBuilder("word");
            for (int s = 0; s < steps; s++) {
                int kind = rng.nextInt(4);
                if (kind == 1 && value[0] < 2) {
                    kind = 0;
                }
                step(kind, name, item, value, story, rng);
                template.append('-').append(kind);
            }
            story.append(" How many ").append(item).append(" does ").append(name).append(" have now?");
            tasks.add(new Task("word-" + i, story.toString(), Long.toString(value[0]), template.toString(), steps));
        }
        return tasks;
    }

    /** One step of a word problem: draws its numbers, tells it, and changes the count. */
    private static void step(int kind, String name, String item, long[] value, StringBuilder story,
                             SplittableRandom rng) {
        switch (kind) {
            case 0 -> {
                long k = 1 + rng.nextInt(15);
                value[0] += k;
                story.append(" Then ").append(name).append(" finds ").append(k).append(" more.");
            }
            case 1 -> {
                long k = 1 + rng.nextInt((int) Math.min(value[0], 15));
                value[0] -= k;
                story.append(" Then ").append(name).append(" gives away ").append(k).append('.');
            }
            case 2 -> {
                value[0] *= 2;
                story.append(" Then the number of ").append(item).append(" doubles.");
            }
            default -> {
                long k = 2 + rng.nextInt(3);
                long extra = (k - value[0] % k) % k; // make the share come out even
                value[0] += extra;
                if (extra > 0) {
                    story.append(" Then ").append(name).append(" buys ").append(extra).append(" more");
                    story.append(" and shares them equally among ").append(k).append(" friends, keeping one share.");
                } else {
                    story.append(" Then ").append(name).append(" shares them equally among ").append(k)
                            .append(" friends, keeping one share.");
                }
                value[0] /= k;
            }
        }
    }

    /**
     * The perturbation probe's twin of a task: the same wording with other numbers, and its own answer (how
     * contamination of GSM8K was exposed: a model that memorised the item fails its twin; Mirzadeh et al. 2024,
     * GSM-Symbolic), drawn from {@code seed} and the item. For {@link #arithmetic} items, new operands of the same digits; for {@link #wordProblems}, the same
     * person, items and steps, new numbers drawn until every sentence reads as before but for its numbers.
     */
    public static Task withNewNumbers(Task task, long seed) {
        String fn = "TaskSuites.withNewNumbers";
        // the item's own draw: twins of different items differ (String.hashCode is the same in every JVM)
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + task.prompt().hashCode());
        if (task.template().startsWith("arithmetic")) {
            var m = java.util.regex.Pattern.compile("What is (-?\\d+) ([-+*]) (-?\\d+)\\?").matcher(task.prompt());
            if (!m.matches()) {
                throw new IllegalArgumentException(fn + ": task '" + task.id() + "' is not 'What is a op b?': '"
                        + task.prompt() + "'");
            }
            for (int attempt = 0; attempt < 1000; attempt++) {
                long a = number(rng, m.group(1).length());
                long b = number(rng, m.group(3).length());
                if (a == Long.parseLong(m.group(1)) && b == Long.parseLong(m.group(3))) {
                    continue;
                }
                String op = m.group(2);
                long result = op.equals("+") ? a + b : op.equals("-") ? a - b : a * b;
                return new Task(task.id() + "-twin", "What is " + a + " " + op + " " + b + "?", Long.toString(result),
                        task.template(), task.difficulty());
            }
            throw new IllegalArgumentException(fn + ": task '" + task.id() + "' has no other numbers of its digits");
        }
        if (!task.template().startsWith("word-")) {
            throw new IllegalArgumentException(fn + ": only arithmetic and word-problem tasks have twins, got template '"
                    + task.template() + "' (task '" + task.id() + "')");
        }
        var first = java.util.regex.Pattern.compile("(\\p{L}+) has \\d+ (\\p{L}+)\\..*").matcher(task.prompt());
        if (!first.matches()) {
            throw new IllegalArgumentException(fn + ": task '" + task.id() + "' does not start 'NAME has N ITEMS.'");
        }
        String name = first.group(1);
        String item = first.group(2);
        int[] kinds = Arrays.stream(task.template().substring("word-".length()).split("-"))
                .mapToInt(Integer::parseInt).toArray();
        String shape = task.prompt().replaceAll("\\d+", "#");
        for (int attempt = 0; attempt < 10_000; attempt++) {
            long[] value = {2 + rng.nextInt(19)};
            StringBuilder story = new StringBuilder(name + " has " + value[0] + " " + item + ".");
            for (int kind : kinds) {
                if (kind == 1 && value[0] < 1) {
                    break;
                }
                step(kind, name, item, value, story, rng);
            }
            story.append(" How many ").append(item).append(" does ").append(name).append(" have now?");
            String text = story.toString();
            if (text.replaceAll("\\d+", "#").equals(shape) && !text.equals(task.prompt())) {
                return new Task(task.id() + "-twin", text, Long.toString(value[0]), task.template(), task.difficulty());
            }
        }
        throw new IllegalArgumentException(fn + ": no numbers found for a twin of task '" + task.id() + "' in 10000"
                + " draws");
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
