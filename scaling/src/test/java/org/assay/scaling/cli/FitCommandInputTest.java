package org.assay.scaling.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input to {@code ./assay fit}: one line that names the file, column, row and value; never a stack trace. */
class FitCommandInputTest {
    /** Every one-variable law the command fits, with --r0 where the law needs it to fit few points. */
    static final List<String> CURVE_LAWS = List.of("power-law", "log-linear", "sigmoid", "coverage",
            "bon-overoptimization", "rl-overoptimization");

    @TempDir
    Path tmp;

    private static CommandRun run(String... args) {
        return CommandRun.fit(args);
    }

    /**
     * Status 2, a first line on stderr that names the file (a usage text may follow), and nothing that looks like a
     * Java stack trace.
     */
    private static CommandRun fails(Path file, String... args) {
        CommandRun r = run(args);
        assertEquals(2, r.status(), "status for " + List.of(args) + ": " + r.err() + r.out());
        assertEquals("", r.out());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("fit: ") && first.contains(file.toString()), "names the file " + file + ": "
                + r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "no stack trace: " + r.err());
        return r;
    }

    /** 20 points of y = 1.8 + 30 x^-0.15 (compute, loss) and a sigmoid (reward), in (0, 1]. */
    private Path curves(String name) throws Exception {
        StringBuilder b = new StringBuilder("compute,reward,loss\n");
        for (int i = 0; i < 20; i++) {
            double c = Math.pow(10, 2 + 5 * i / 19.0);
            b.append(c).append(',').append(0.2 + 0.55 / (1 + Math.pow(3e4 / c, 1.3))).append(',')
                    .append(1.8 + 30 * Math.pow(c, -0.15)).append('\n');
        }
        return write(name, b.toString());
    }

    private Path write(String name, String text) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    /** The file with the cell of {@code column} in data row {@code row} (from 1) replaced. */
    private static Path replaceCell(Path f, int row, int column, String value) throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(f));
        String[] cells = lines.get(row).split(",", -1);
        cells[column] = value;
        lines.set(row, String.join(",", cells));
        Files.write(f, lines);
        return f;
    }

    @Test
    void powerLawWithANonPositiveXNamesFileColumnRowAndValue() throws Exception {
        Path f = replaceCell(curves("neg.csv"), 3, 0, "-5");
        CommandRun r = fails(f, "power-law", f.toString(), "--x-col", "compute", "--y-col", "loss");
        assertTrue(r.err().contains("column 'compute' must be > 0, got -5.0 at row 3"), r.err());
        Path zero = replaceCell(curves("zero.csv"), 7, 0, "0");
        r = fails(zero, "power-law", zero.toString(), "--x-col", "compute", "--y-col", "loss", "--bootstrap", "5");
        assertTrue(r.err().contains("column 'compute' must be > 0, got 0.0 at row 7"), r.err());
    }

    @Test
    void sigmoidNamesTheCsvColumnsNotItsOwn() throws Exception {
        Path f = replaceCell(curves("neg.csv"), 2, 0, "-1e3");
        CommandRun r = fails(f, "sigmoid", f.toString(), "--x-col", "compute", "--y-col", "reward", "--r0", "0.2");
        assertTrue(r.err().contains("column 'compute' must be > 0, got -1000.0 at row 2"), r.err());
        assertFalse(r.err().contains("'C'"), r.err());
        Path nan = replaceCell(curves("nan.csv"), 4, 1, "NaN");
        r = fails(nan, "sigmoid", nan.toString(), "--x-col", "compute", "--y-col", "reward");
        assertTrue(r.err().contains("column 'reward' must be finite, got NaN at row 4"), r.err());
        assertFalse(r.err().contains("'y'"), r.err());
        Path over = replaceCell(curves("over.csv"), 5, 1, "1.5");
        r = fails(over, "coverage", over.toString(), "--x-col", "compute", "--y-col", "reward");
        assertTrue(r.err().contains("column 'reward' must be in (0, 1], got 1.5 at row 5"), r.err());
    }

    @Test
    void aDuplicateHeaderNamesBothPositions() throws Exception {
        Path f = write("dup.csv", "x,y,z,x\n1,2,30,1\n2,3,20,2\n3,5,10,3\n4,7,5,4\n");
        CommandRun r = fails(f, "log-linear", f.toString(), "--x-col", "x", "--y-col", "y");
        assertTrue(r.err().contains("column 'x' appears more than once in the header, at positions 1 and 4"), r.err());
        r = fails(f, "log-linear", f.toString(), "--x-col", "y", "--y-col", "x");
        assertTrue(r.err().contains("column 'x' appears more than once in the header, at positions 1 and 4"), r.err());
        // a duplicate that is not asked for is no ambiguity
        CommandRun ok = run("log-linear", f.toString(), "--x-col", "y", "--y-col", "z", "--json");
        assertEquals(0, ok.status(), ok.err());
    }

    static Stream<Arguments> lawsAndIdenticalPoints() {
        List<Arguments> cases = new ArrayList<>();
        for (String law : CURVE_LAWS) {
            cases.add(Arguments.of(law, "x,y\n3,0.5\n3,0.5\n3,0.5\n3,0.5\n3,0.5\n3,0.5\n")); // every row the same
            cases.add(Arguments.of(law, "x,y\n3,0.1\n3,0.2\n3,0.3\n3,0.4\n3,0.5\n3,0.6\n")); // every x the same
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("lawsAndIdenticalPoints")
    void identicalXValuesAreRejectedWithTheDistinctCount(String law, String csv) throws Exception {
        Path f = write("same.csv", csv);
        CommandRun r = fails(f, law, f.toString(), "--x-col", "x", "--y-col", "y");
        assertTrue(r.err().contains("column 'x' has 1 distinct value (3.0) in 6 rows"), r.err());
        assertTrue(r.err().contains("needs at least"), r.err());
    }

    @Test
    void twoDistinctXValuesAreTooFewForThreeParameters() throws Exception {
        Path f = write("two.csv", "x,y\n1,3\n1,3.1\n10,2\n10,2.1\n");
        CommandRun r = fails(f, "power-law", f.toString(), "--x-col", "x", "--y-col", "y");
        assertTrue(r.err().contains("has 2 distinct values in 4 rows; a fit of 3 parameters needs at least 3"), r.err());
        CommandRun line = run("log-linear", f.toString(), "--x-col", "x", "--y-col", "y", "--json");
        assertEquals(0, line.status(), "two parameters, two distinct x: " + line.err());
    }

    @Test
    void aLeadingByteOrderMarkIsDropped() throws Exception {
        Path plain = curves("plain.csv");
        Path bom = tmp.resolve("bom.csv");
        byte[] text = Files.readAllBytes(plain);
        byte[] withBom = new byte[text.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(text, 0, withBom, 3, text.length);
        Files.write(bom, withBom);
        CommandRun a = run("power-law", plain.toString(), "--x-col", "compute", "--y-col", "loss", "--json");
        CommandRun b = run("power-law", bom.toString(), "--x-col", "compute", "--y-col", "loss", "--json");
        assertEquals(0, b.status(), b.err());
        assertEquals(a.out(), b.out());
        Path missing = bom;
        CommandRun r = fails(missing, "power-law", bom.toString(), "--x-col", "N", "--y-col", "loss");
        assertTrue(r.err().contains("the columns are [compute, reward, loss]"), r.err());
    }

    @Test
    void aLatin1ByteNamesTheEncodingAndTheLine() throws Exception {
        Path f = tmp.resolve("latin1.csv");
        byte[] head = "compute,loss\n1,3.0\n10,2.5\n100,2.2\n".getBytes(StandardCharsets.US_ASCII);
        byte[] bad = "1000,2.0 caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + bad.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(bad, 0, all, head.length, bad.length);
        Files.write(f, all);
        CommandRun r = fails(f, "power-law", f.toString(), "--x-col", "compute", "--y-col", "loss");
        assertTrue(r.err().contains("not valid UTF-8"), r.err());
        assertTrue(r.err().contains("byte 0xE9 at line 5"), r.err());
        assertFalse(r.err().contains("Input length"), r.err());
    }

    static Stream<Arguments> numericOptions() {
        return Stream.of(
                Arguments.of("--seed", "x1", "--seed must be an integer (64-bit), got 'x1'"),
                Arguments.of("--seed", "1.5", "--seed must be an integer (64-bit), got '1.5'"),
                Arguments.of("--bootstrap", "ten", "--bootstrap must be an integer >= 1, got 'ten'"),
                Arguments.of("--bootstrap", "0", "--bootstrap must be an integer >= 1, got '0'"),
                Arguments.of("--bootstrap", "99999999999", "--bootstrap must be an integer >= 1, got '99999999999'"),
                Arguments.of("--r0", "abc", "--r0 must be a finite number, got 'abc'"),
                Arguments.of("--r0", "NaN", "--r0 must be a finite number, got 'NaN'"),
                Arguments.of("--r0", "Infinity", "--r0 must be a finite number, got 'Infinity'"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("numericOptions")
    void numericOptionErrorsNameTheOptionValueAndType(String option, String value, String message) throws Exception {
        Path f = curves("rl.csv");
        List<String> laws = option.equals("--r0") ? List.of("sigmoid") : CURVE_LAWS;
        for (String law : laws) {
            List<String> args = new ArrayList<>(List.of(law, f.toString(), "--x-col", "compute", "--y-col", "reward"));
            if (!option.equals("--bootstrap")) {
                args.addAll(List.of("--bootstrap", "2"));
            }
            args.addAll(List.of(option, value));
            CommandRun r = fails(f, args.toArray(String[]::new));
            assertTrue(r.err().contains(message), law + ": " + r.err());
        }
    }

    @Test
    void chinchillaOptionsAndFitErrorsNameTheFileAndTheColumns() throws Exception {
        StringBuilder b = new StringBuilder("params,tokens,loss\n");
        for (int i = 0; i < 6; i++) {
            b.append(1e6).append(',').append(1e9 * (i + 1)).append(',').append(3.0 - 0.1 * i).append('\n');
        }
        Path f = write("runs.csv", b.toString());
        String[] base = {"chinchilla", f.toString(), "--n-col", "params", "--d-col", "tokens", "--loss-col", "loss"};
        CommandRun r = fails(f, base);
        assertTrue(r.err().contains("column 'params' has one value (1000000.0) in all 6 rows"), r.err());
        CommandRun seed = fails(f, concat(base, "--bootstrap", "3", "--seed", "x1"));
        assertTrue(seed.err().contains("--seed must be an integer (64-bit), got 'x1'"), seed.err());
        CommandRun threads = fails(f, concat(base, "--threads", "0"));
        assertTrue(threads.err().contains("--threads must be an integer >= 1, got '0'"), threads.err());
        Path few = write("few.csv", "params,tokens,loss\n1e6,1e9,3\n2e6,2e9,2.9\n");
        CommandRun short_ = fails(few, "chinchilla", few.toString(), "--n-col", "params", "--d-col", "tokens", "--loss-col",
                "loss");
        assertTrue(short_.err().contains("needs at least as many points as parameters (5), got 2"), short_.err());
        Path nan = write("nan.csv", "params,compute,loss\n1e6,6e15,3\n2e6,NaN,2.9\n");
        CommandRun c = fails(nan, "chinchilla", nan.toString(), "--n-col", "params", "--c-col", "compute", "--loss-col",
                "loss");
        assertTrue(c.err().contains("column 'compute' must be finite, got NaN at row 2"), c.err());
    }

    /** Everything the command can be told wrong, for every law: each message names the file. */
    @Test
    void everyErrorNamesTheFile() throws Exception {
        Path f = curves("rl.csv");
        Path text = replaceCell(curves("text.csv"), 2, 2, "n/a");
        Path ragged = write("ragged.csv", "compute,loss\n1,2\n3\n");
        Path empty = write("empty.csv", "\n\n");
        Path absent = tmp.resolve("absent.csv");
        for (String law : CURVE_LAWS) {
            fails(f, law, f.toString(), "--x-col", "compute");
            fails(f, law, f.toString(), "--x-col", "nope", "--y-col", "reward");
            fails(f, law, f.toString(), "--x-col", "compute", "--y-col", "reward", "--frobnicate");
            fails(f, law, f.toString(), "--x-col", "compute", "--y-col", "reward", "--bootstrap");
            CommandRun cell = fails(text, law, text.toString(), "--x-col", "compute", "--y-col", "loss");
            assertTrue(cell.err().contains("column 'loss' must be a number, got 'n/a' at row 2"), cell.err());
            fails(ragged, law, ragged.toString(), "--x-col", "compute", "--y-col", "loss");
            fails(empty, law, empty.toString(), "--x-col", "compute", "--y-col", "loss");
            CommandRun none = fails(absent, law, absent.toString(), "--x-col", "compute", "--y-col", "loss");
            assertTrue(none.err().contains("no such file"), none.err());
        }
        fails(f, "kaplan", f.toString(), "--x-col", "compute", "--y-col", "reward");
        fails(f, "sigmoid", f.toString(), "--x-col", "compute", "--y-col", "reward", "--ceiling", "1");
        fails(f, "sigmoid", f.toString(), "--x-col", "compute", "--y-col", "reward", "--r0", "0.5", "--ceiling", "0.4");
        fails(f, "chinchilla", f.toString(), "--n-col", "compute", "--loss-col", "loss");
        fails(f, "chinchilla", f.toString(), "--n-col", "compute", "--d-col", "reward", "--loss-col", "loss",
                "--loss", "l1");
    }

    /** Refits are kept, so a bootstrap far beyond memory fails at once: one line, exit 1, no stack trace. */
    @Test
    void aBootstrapBeyondMemoryIsOneLine() throws Exception {
        Path f = curves("rl.csv");
        CommandRun r = run("power-law", f.toString(), "--x-col", "compute", "--y-col", "loss", "--bootstrap",
                String.valueOf(Integer.MAX_VALUE));
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().startsWith("fit: " + f + ": out of memory"), r.err());
        assertTrue(r.err().contains("fewer --bootstrap resamples"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }
}
