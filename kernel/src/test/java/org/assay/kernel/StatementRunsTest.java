package org.assay.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.assay.kernel.StatementRuns.Kind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatementRunsTest {
    static RecordingOutput out;
    static Session session;

    @BeforeAll
    static void start() {
        out = new RecordingOutput();
        session = new Session(out);
    }

    @AfterAll
    static void stop() {
        session.close();
    }

    @BeforeEach
    void clear() {
        out.clear();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            c.addSeries("sin", xs, ys);                       | CONTINUES
            System.out.println("a; b // c");                  | CONTINUES
            x = 5;                                            | CONTINUES
            a[i] += f(1, 2);                                  | CONTINUES
            this.n = 2;                                       | CONTINUES
            new Thread(r).start();                            | CONTINUES
            new Counter();                                    | CONTINUES
            xs.forEach(v -> total.add(v));                    | CONTINUES
            for (int i = 0; i < 100; i++) { xs[i] = i; }      | CONTINUES
            for (int i = 0, n = 3; i < n; i++) s += i;        | CONTINUES
            for (var x : List.of(1, 2)) print(x);             | CONTINUES
            if (x > 0) print(x);                              | CONTINUES
            if (x > 0) { print(x); } else { print(-x); }      | ENDS
            for (;;) { }                                      | ENDS
            for (int i = 0; true; i++) { }                    | ENDS
            for (final int i = 0; i < 3; ) { }                | ENDS
            while (true) { }                                  | ENDS
            do { x++; } while (x < 3);                        | ENDS
            try { f(); } catch (Exception e) { }              | ENDS
            throw new IllegalStateException("no");            | ENDS
            { int y = 2; print(y); }                          | ENDS
            int x = 5;                                        | ALONE
            var y = f();                                      | ALONE
            List<String> names = new ArrayList<>();           | ALONE
            java.util.List<String> names = List.of();         | ALONE
            String[] parts = s.split(",");                    | ALONE
            void f() { }                                      | ALONE
            record P(int x) { }                               | ALONE
            import java.util.*;                               | ALONE
            1 + 1                                             | ALONE
            c                                                 | ALONE
            c.title                                           | ALONE
            f() + 1                                           | ALONE
            switch (x) { case 1 -> f(); default -> g(); }     | ALONE
            return;                                           | ALONE
            x++;                                              | ALONE
            Collections.<String>emptyList().size();           | ALONE
            new Runnable() { public void run() { } }.run();   | ALONE
            xs.forEach(v -> { a(); b(); });                   | ALONE
            label: for (;;) { break label; }                  | ALONE
            """)
    void kindOf(String source, Kind kind) {
        assertEquals(kind, StatementRuns.kindOf(source));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            1 + 1                         | true
            c                             | true
            fit.params                    | true
            xs[0]                         | true
            xs.size() * 2                 | true
            "a" + x                       | true
            -x                            | true
            !done;                        | true
            (a + b)                       | true
            new Point(1, 2)               | true
            x instanceof String s         | true
            a ? b : c                     | true
            null                          | true
            f()                           | false
            chart.show()                  | false
            new Thread(r).start()         | false
            "abc".chars().count()         | false
            x = 5                         | false
            int x = 5                     | false
            List<String> xs               | false
            a < b                         | false
            (int) x                       | false
            String::length                | false
            x++                           | false
            new int[] {1, 2}              | false
            () -> 1                       | false
            """)
    void isValue(String source, boolean value) {
        assertEquals(value, StatementRuns.isValue(source));
    }

    @Test
    void aLastExpressionRunAsAStatementShowsTheSameValues() {
        assertEquals(2, Cells.ok(session, "1 + 1").value());
        assertEquals("ab", Cells.ok(session, "String s1 = \"a\";\ns1 + \"b\" // a comment").value());
        assertEquals(3L, Cells.ok(session, "long[] ls = {3L};\nls[0]").value());
        assertEquals(false, Cells.ok(session, "Object nothing = null;\nnothing").hasValue());
        assertEquals(true, Cells.ok(session, "ls instanceof long[]").value());
    }

    @Test
    void aLastExpressionThatDoesNotCompileGivesJShellsOwnError() {
        CellError e = Cells.fails(session, "int[] q = {1};\nq[0] + undefinedName");
        String shown = String.join("\n", e.traceback());
        assertTrue(shown.contains("cannot find symbol") && shown.contains("line 2, column 8"), shown);
        assertTrue(!shown.contains("CellValue"), shown);
        // a void call in parentheses: not a value, so it runs as written and JShell says why
        CellError v = Cells.fails(session, "(System.out.println(\"x\"))");
        assertTrue(!String.join("\n", v.traceback()).contains("CellValue"), v.toString());
    }

    @Test
    void tokensSkipCommentsAndLiterals() {
        assertEquals(List.of("f", "(", "\"", ",", "'", ",", "\"\"\"", ")", ";"),
                StatementRuns.tokens("f(\"a\\\"); //\", /* x */ '\\'', \"\"\"\n  )\\\"\"\" \n\"\"\"); // end"));
        assertEquals(null, StatementRuns.tokens("f(\"open"));
        assertEquals(null, StatementRuns.tokens("/* open"));
    }

    private static List<Session.Chunk> runs(String code) {
        return StatementRuns.merge(code, session.split(code));
    }

    @Test
    void runsOfStatementsBecomeOneBlockAndTheLastExpressionStaysAlone() {
        String code = """
                double[] xs = new double[3];
                for (int i = 0; i < 3; i++) { xs[i] = i; }
                // a comment between
                System.out.println(xs[2]);
                xs.length
                """;
        List<Session.Chunk> chunks = runs(code);
        assertEquals(3, chunks.size(), chunks.toString());
        Session.Chunk block = chunks.get(1);
        assertEquals(1, block.prefix());
        assertTrue(code.substring(block.start()).strip().startsWith("for (int i"), block.toString());
        assertTrue(block.source().startsWith("{") && block.source().strip().endsWith("(xs[2]);\n}"), block.source());
        assertTrue(block.source().contains("// a comment between"), block.source());
        assertEquals(0, chunks.get(2).prefix());
        assertEquals("xs.length", chunks.get(2).source().strip().replace(";", ""));
    }

    @Test
    void aCellOfStatementsRunsAsBeforeAndShowsItsValue() {
        ExecutionResult r = Cells.ok(session, """
                int[] total = {0};
                for (int i = 1; i <= 4; i++) { total[0] += i; }
                System.out.println("sum " + total[0]);
                total[0] = total[0] * 10;
                if (total[0] > 50) System.out.println("big");
                total[0]
                """);
        assertEquals(100, r.value());
        assertEquals("sum 10\nbig\n", out.stdout.toString());
    }

    @Test
    void aCellEndingInAStatementRunShowsNothing() {
        ExecutionResult r = Cells.ok(session, """
                StringBuilder sb = new StringBuilder();
                sb.append("a");
                sb.append("b");
                for (int i = 0; i < 2; i++) sb.append(i);
                """);
        assertEquals(false, r.hasValue());
        assertEquals("ab01", Cells.ok(session, "sb.toString()").value());
    }

    @Test
    void aLoopThatNeverEndsMayOnlyEndARun() {
        // were it merged with what follows, javac would reject the println as unreachable
        CellError e = Cells.fails(session, """
                int[] n = {0};
                n[0]++;
                while (true) { if (++n[0] > 3) throw new IllegalStateException("stop at " + n[0]); }
                System.out.println("never");
                """);
        assertEquals("java.lang.IllegalStateException", e.ename());
        assertEquals("stop at 4", e.evalue());
    }

    @Test
    void aCompileErrorInARunNamesTheCellsLineAndColumn() {
        CellError e = Cells.fails(session, """
                StringBuilder log = new StringBuilder();
                log.append("x");
                log.apend("y");
                log.append("z");
                """);
        String shown = String.join("\n", e.traceback());
        assertTrue(shown.contains("line 3, column 1: cannot find symbol"), shown); // javac marks from `log`
        assertTrue(shown.contains("log.apend(\"y\");"), shown);
    }

    @Test
    void aRuntimeErrorInARunNamesTheCellsLine() {
        CellError e = Cells.fails(session, """
                int[] a = new int[2];
                a[0] = 1;
                System.out.println("before");
                a[5] = 2;
                System.out.println("after");
                """);
        assertEquals("java.lang.ArrayIndexOutOfBoundsException", e.ename());
        String shown = String.join("\n", e.traceback());
        assertTrue(shown.contains("line 4"), shown);
        assertEquals("before\n", out.stdout.toString());
    }

    @Test
    void theLastRunAndTheValueBecomeOneBlockThatKeepsTheCellsLines() {
        String code = """
                double[] xs = new double[3];
                for (int i = 0; i < 3; i++) { xs[i] = i; }
                System.out.println(xs[2]); // a comment
                xs.length
                """;
        Session.Chunk both = StatementRuns.runWithValue(code, session.split(code));
        assertEquals(1, both.prefix());
        String run = code.substring(both.start());
        assertTrue(run.strip().startsWith("for (int i"), both.toString());
        assertEquals(session.split(code).get(3).end(), both.end()); // the value's end
        assertEquals(run.lines().toList().indexOf("xs.length"), both.source().lines().toList().indexOf("xs.length"),
                both.source()); // the value on the same line of the block as of the cell's text from the run on
        // JShell's last snippet starts at the comment, which the call's argument then holds: still the same lines
        assertTrue(both.source().contains("System.out.println(xs[2]);")
                && both.source().contains(org.assay.kernel.exec.CellValue.class.getName() + ".set(// a comment\n")
                && both.source().endsWith("\nxs.length\n); }"), both.source());
        assertEquals(3, Cells.ok(session, code).value());
        for (String none : List.of("int a = 1;\na", "f();\nint b = 2;", "x = 1;\ng()", "1 + 1",
                "while (n > 0) n--;\nn")) {
            assertEquals(null, StatementRuns.runWithValue(none, session.split(none)), none);
        }
    }

    @Test
    void aValueAfterARunShowsAndItsErrorsAreTheCodesAsWritten() {
        assertEquals(12, Cells.ok(session, "int[] w = {5};\nw[0] += 1;\nw[0] *= 2;\nw[0]").value());
        CellError e = Cells.fails(session, "w[0] = 1;\nw[0] + undefinedName");
        String shown = String.join("\n", e.traceback());
        assertTrue(shown.contains("cannot find symbol") && shown.contains("line 2, column 8"), shown);
        assertTrue(!shown.contains("CellValue"), shown);
        assertEquals(1, Cells.ok(session, "w[0]").value()); // the run before the value ran once
        CellError r = Cells.fails(session, "System.out.println(\"a\");\nw[0] = w[3];\nw[0]");
        assertEquals("java.lang.ArrayIndexOutOfBoundsException", r.ename());
        assertTrue(String.join("\n", r.traceback()).contains("line 2"), r.toString());
        CellError c = Cells.fails(session, "w[0] = 2;\nw[0] = \"x\";\nw[0]");
        assertTrue(String.join("\n", c.traceback()).contains("line 2"), c.toString());
        assertEquals(1, Cells.ok(session, "w[0]").value()); // a compile error runs nothing of the run
    }
}
