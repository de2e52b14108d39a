package org.assay.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SessionTest {
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

    private static ExecutionResult ok(String code) {
        return Cells.ok(session, code);
    }

    private static CellError fails(String code) {
        return Cells.fails(session, code);
    }

    @Test
    void stateAndDeclarationsPersistAcrossCells() {
        ok("int x = 41;");
        ok("import java.util.concurrent.atomic.AtomicInteger;");
        ok("record Point(int x, int y) { int sum() { return x + y; } }");
        ok("int twice(int v) { return 2 * v; }");
        ok("class Counter { int n; void inc() { n++; } }");
        ExecutionResult r = ok("""
                var c = new Counter();
                c.inc(); c.inc();
                var a = new AtomicInteger(x + 1);
                twice(a.get()) + new Point(c.n, 0).sum()
                """);
        assertTrue(r.hasValue());
        assertEquals(86, r.value());
    }

    @Test
    void lastExpressionIsTheValueAndStatementsShowNothing() {
        assertEquals("ab", ok("String s = \"a\";\ns + \"b\"").value());
        assertFalse(ok("int y = 3;").hasValue());
        assertFalse(ok("int z = 0;\nz = 5").hasValue(), "an assignment shows nothing, as in IPython");
        assertFalse(ok("1 + 1;\nSystem.out.println(\"hi\");").hasValue(), "only the last snippet counts");
        assertEquals("hi\n", out.stdout.toString());
        assertFalse(ok("Object o = null;\no").hasValue(), "null shows nothing");
    }

    @Test
    void compileErrorPointsAtLineAndColumn() {
        CellError e = fails("int a = 1;\nint b = \"text\";\n");
        assertEquals("CompilationException", e.ename());
        String text = e.text();
        assertTrue(text.contains("line 2, column 9"), text);
        assertTrue(text.contains("int b = \"text\";"), text);
        assertTrue(text.contains("^^^^^^"), text);
        assertTrue(e.evalue().contains("incompatible types"), e.evalue());
    }

    @Test
    void runtimeErrorShowsExceptionAndUserFramesOnly() {
        ok("int divide(int a, int b) {\n    return a / b;\n}");
        CellError e = fails("int r = 1;\ndivide(r, 0)");
        assertEquals("java.lang.ArithmeticException", e.ename());
        assertEquals("/ by zero", e.evalue());
        String text = e.text();
        assertTrue(text.contains("line 2") && text.contains("in divide()"), text);
        assertFalse(text.contains("org.assay.kernel"), "kernel frames are hidden:\n" + text);
        assertFalse(text.contains("jdk.internal.reflect") || text.contains("java.lang.reflect"), text);
    }

    @Test
    void exceptionCausesAreShown() {
        CellError e = fails("throw new IllegalStateException(\"outer\", new java.io.IOException(\"inner\"));");
        assertEquals("java.lang.IllegalStateException", e.ename());
        assertTrue(e.text().contains("Caused by: ") && e.text().contains("java.io.IOException"), e.text());
    }

    @Test
    void laterSnippetsDoNotRunAfterAnError() {
        fails("int q = 1;\nObject n = null; n.hashCode();\nq = 99;");
        assertEquals(1, ok("q").value());
    }

    @Test
    void systemExitRaisesInsteadOfKillingTheJvm() {
        CellError e = fails("System.exit(3);");
        assertEquals("org.assay.kernel.exec.ExitRefusedException", e.ename());
        assertTrue(e.evalue().contains("System.exit(3)"), e.evalue());
        CellError viaRuntime = fails("Runtime.getRuntime().halt(1);");
        assertTrue(viaRuntime.evalue().contains("Runtime.halt(1)"), viaRuntime.evalue());
        CellError viaReference = fails("java.util.function.IntConsumer quit = System::exit;\nquit.accept(4);");
        assertTrue(viaReference.evalue().contains("System.exit(4)"), viaReference.evalue());
        assertEquals(2, ok("1 + 1").value(), "the session still works");
    }

    private static void assertRefused(String code, String... said) {
        CellError e = fails(code);
        assertEquals("org.assay.kernel.exec.ExitRefusedException", e.ename(), e::text);
        for (String s : said) {
            assertTrue(e.evalue().contains(s), () -> "'" + s + "' in: " + e.evalue());
        }
    }

    @Test
    void exitThroughReflectionOrAMethodHandleIsRefusedToo() {
        ok("import java.lang.invoke.*;\nimport java.lang.reflect.*;");
        assertRefused("System.class.getMethod(\"exit\", int.class).invoke(null, 42);", "System.exit(42)", "reflection");
        assertRefused("Runtime.getRuntime().getClass().getMethod(\"halt\", int.class).invoke(Runtime.getRuntime(), 1);",
                "Runtime.halt(1)");
        assertRefused("MethodHandles.lookup().findStatic(System.class, \"exit\", "
                + "MethodType.methodType(void.class, int.class)).invokeExact(3);", "findStatic", "System.exit");
        assertRefused("MethodHandles.publicLookup().findVirtual(Runtime.class, \"exit\", "
                + "MethodType.methodType(void.class, int.class)).invoke(Runtime.getRuntime(), 5);", "Runtime.exit");
        assertRefused("MethodHandles.lookup().unreflect(System.class.getMethod(\"exit\", int.class));", "unreflect");
        assertRefused("MethodHandles.lookup().bind(Runtime.getRuntime(), \"halt\", "
                + "MethodType.methodType(void.class, int.class));", "bind", "Runtime.halt");
        assertRefused("Arrays.stream(System.class.getMethods()).filter(m -> m.getName().equals(\"exit\")).findFirst()"
                + ".get().invoke(null, 6);", "System.exit(6)");
        assertRefused("Method.class.getMethod(\"invoke\", Object.class, Object[].class)"
                + ".invoke(System.class.getMethod(\"exit\", int.class), null, new Object[] {7});", "System.exit(7)");
        assertRefused("MethodHandles.Lookup.class.getMethod(\"findStatic\", Class.class, String.class, MethodType.class)"
                + ".invoke(MethodHandles.lookup(), System.class, \"exit\", MethodType.methodType(void.class, int.class));",
                "findStatic");
        assertRefused("java.util.function.IntConsumer h = Runtime.getRuntime()::halt;\nh.accept(8);", "Runtime.halt(8)");
        assertRefused("class Quitter { void quit() throws Exception { System.class.getMethod(\"exit\", int.class)"
                + ".invoke(null, 9); } }\nnew Quitter().quit();", "System.exit(9)");
        assertEquals(2, ok("1 + 1").value(), "the session still works");
    }

    @Test
    void ordinaryReflectionAndMethodHandlesStillWork() {
        ok("import java.lang.invoke.*;");
        assertEquals(3, ok("\"abc\".getClass().getMethod(\"length\").invoke(\"abc\")").value());
        ok("class Hidden { int secret() { return 7; } }");
        assertEquals(7, ok("Hidden.class.getDeclaredMethod(\"secret\").invoke(new Hidden())").value(),
                "package access is checked against the cell, which may call it");
        assertEquals(4, ok("MethodHandles.lookup().findStatic(Math.class, \"max\", "
                + "MethodType.methodType(int.class, int.class, int.class)).invoke(3, 4)").value());
        assertEquals(5, ok("MethodHandles.lookup().findVirtual(String.class, \"length\", "
                + "MethodType.methodType(int.class)).invoke(\"hello\")").value());
        assertEquals(8, ok("MethodHandles.lookup().unreflect(Math.class.getMethod(\"abs\", int.class)).invoke(-8)")
                .value());
        CellError missing = fails("System.class.getMethod(\"exist\", int.class)");
        assertEquals("java.lang.NoSuchMethodException", missing.ename());
        CellError npe = fails("((java.lang.reflect.Method) null).invoke(null)");
        assertEquals("java.lang.NullPointerException", npe.ename());
        CellError thrown = fails("Integer.class.getMethod(\"parseInt\", String.class).invoke(null, \"x\")");
        assertEquals("java.lang.reflect.InvocationTargetException", thrown.ename());
    }

    /** The cell's error and how long it ran, interrupted 300 ms after it started. */
    private record Stopped(CellError error, long millis) {
    }

    private static Stopped interruptedAfter300ms(String code) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            timer.schedule(session::interrupt, 300, TimeUnit.MILLISECONDS);
            long t0 = System.nanoTime();
            CellError e = fails(code);
            return new Stopped(e, (System.nanoTime() - t0) / 1_000_000);
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void interruptStopsATightLoopAndKeepsState() {
        ok("long kept = 7;");
        Stopped loop = interruptedAfter300ms("long spins = 0;\nwhile (true) { spins++; }");
        assertEquals("InterruptedException", loop.error().ename());
        assertTrue(loop.millis() < 1300, "stopped within a second of the interrupt, took " + loop.millis() + " ms");
        assertEquals("InterruptedException", interruptedAfter300ms("Thread.sleep(60_000);").error().ename());
        Stopped swallowed = interruptedAfter300ms(
                "while (true) { try { Thread.sleep(10); } catch (Exception ignored) { } }");
        assertEquals("InterruptedException", swallowed.error().ename());
        assertEquals(7L, ok("kept").value());
    }

    @Test
    void interruptStopsLibraryLoopsThatCheckForIt() {
        Stopped s = interruptedAfter300ms("org.assay.kernel.LoopFixture.spinUntilInterrupted()");
        assertEquals("InterruptedException", s.error().ename());
        assertTrue(s.millis() < 1300, "took " + s.millis() + " ms");
    }

    @Test
    void aLoopThatIgnoresInterruptsIsAbandonedAndTheSessionGoesOn() {
        LoopFixture.release = false; // another test may have released it
        try {
            ok("int stillHere = 5;");
            Stopped s = interruptedAfter300ms("org.assay.kernel.LoopFixture.spinIgnoringInterrupts()");
            assertEquals("InterruptedException", s.error().ename());
            assertTrue(s.millis() < 3000, "the kernel gives up on the cell after its grace period, took " + s.millis()
                    + " ms");
            assertEquals(6, ok("stillHere + 1").value(), "a fresh cell thread runs the next cell");
        } finally {
            LoopFixture.release = true;
        }
    }

    /** How a call on this thread ended and how long it took, interrupted 300 ms after it started. */
    private static <T> T interruptingAfter300ms(java.util.function.Supplier<T> call, long[] millis) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            timer.schedule(session::interrupt, 300, TimeUnit.MILLISECONDS);
            long t0 = System.nanoTime();
            T result = call.get();
            millis[0] = (System.nanoTime() - t0) / 1_000_000;
            return result;
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void interruptStopsAValueWhoseToStringNeverReturns() {
        ok("class Slow { public String toString() { while (true) { } } }");
        Object slow = ok("new Slow()").value();
        long[] millis = new long[1];
        Session.Rendered shown = interruptingAfter300ms(() -> session.render(slow), millis);
        assertFalse(shown.ok(), () -> "rendered: " + shown.bundle());
        assertEquals("InterruptedException", shown.error().ename());
        assertTrue(millis[0] < 1300, "stopped within a second of the interrupt, took " + millis[0] + " ms");
        assertEquals(2, ok("1 + 1").value(), "the session goes on");
        assertEquals("2", session.render(2).bundle().get("text/plain"));
    }

    @Test
    void aValueThatTakesTooLongToShowIsReportedAtTheLimit() {
        ok("class Slower { public String toString() { while (true) { } } }");
        Object slow = ok("new Slower()").value();
        long t0 = System.nanoTime();
        Session.Rendered shown = session.render(slow, java.time.Duration.ofMillis(400));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertFalse(shown.ok(), () -> "rendered: " + shown.bundle());
        assertEquals("RenderTimeoutException", shown.error().ename());
        assertTrue(shown.error().evalue().contains("Slower") && shown.error().evalue().contains("0.4 s"),
                shown.error().evalue());
        assertTrue(millis >= 400 && millis < 1400, "stopped at the limit, took " + millis + " ms");
        assertEquals(3, ok("1 + 2").value());
    }

    @Test
    void aLibraryToStringThatIgnoresInterruptsIsAbandonedAtTheLimit() {
        LoopFixture.release = false; // another test may have released it
        try {
            ok("Object spinner = new Object() { public String toString() {"
                    + " org.assay.kernel.LoopFixture.spinIgnoringInterrupts(); return \"done\"; } };");
            long t0 = System.nanoTime();
            Session.Rendered shown = session.render(ok("spinner").value(), java.time.Duration.ofMillis(300));
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertEquals("RenderTimeoutException", shown.error().ename());
            assertTrue(millis < 3000, "given up after the grace period, took " + millis + " ms");
            assertEquals(4, ok("2 + 2").value(), "a fresh cell thread runs the next cell");
        } finally {
            LoopFixture.release = true;
        }
    }

    @Test
    void interruptStopsAnExceptionMessageThatNeverReturns() {
        long[] millis = new long[1];
        CellError e = interruptingAfter300ms(() -> fails("""
                class Endless extends RuntimeException { public String getMessage() { while (true) { } } }
                throw new Endless();
                """), millis);
        assertEquals("InterruptedException", e.ename());
        assertTrue(millis[0] < 1300, "took " + millis[0] + " ms");
        assertEquals(5, ok("2 + 3").value());
    }

    @Test
    void renderingARendererThatThrowsStillShowsItsError() {
        ok("class Broken implements org.assay.display.Renderable { public MimeBundle toMimeBundle() {"
                + " throw new IllegalStateException(\"no bundle\"); } }");
        Session.Rendered shown = session.render(ok("new Broken()").value());
        assertTrue(shown.ok(), () -> shown.error().text());
        assertTrue(shown.bundle().get("text/plain").contains("no bundle"), shown.bundle().get("text/plain"));
    }

    @Test
    void outOfMemoryIsReportedAndTheSessionGoesOn() {
        CellError e = fails("""
                List<long[]> hog = new ArrayList<>();
                while (true) { hog.add(new long[50_000_000]); }
                """);
        assertEquals("java.lang.OutOfMemoryError", e.ename());
        assertEquals(3, ok("1 + 2").value());
    }

    @Test
    void stdoutAndStderrAreCaptured() {
        ok("System.out.println(\"to out\"); System.err.println(\"to err\");");
        assertEquals("to out\n", out.stdout.toString());
        assertEquals("to err\n", out.stderr.toString());
    }

    @Test
    void displayApiSendsRenderedBundles() {
        ok("String id = display(html(\"<b>bold</b>\"));");
        assertEquals(1, out.displays.size());
        assertEquals("<b>bold</b>", out.displays.get(0).bundle().get("text/html"));
        ok("updateDisplay(id, markdown(\"*now*\"));");
        RecordingOutput.Shown update = out.displays.get(1);
        assertTrue(update.update());
        assertEquals(out.displays.get(0).id(), update.id());
        assertEquals("*now*", update.bundle().get("text/markdown"));
        ok("display(\"plain\", \"my-id\");");
        assertEquals("my-id", out.displays.get(2).id());
    }

    @Test
    void progressBarUpdatesOneDisplayInPlace() {
        ok("""
                try (var p = progress("work", 5)) {
                    for (int i = 0; i < 5; i++) { p.step(); }
                }
                """);
        assertTrue(out.displays.size() >= 2, "shown and updated: " + out.displays);
        String id = out.displays.get(0).id();
        assertTrue(out.displays.stream().allMatch(d -> d.id().equals(id)));
        RecordingOutput.Shown last = out.displays.get(out.displays.size() - 1);
        assertTrue(last.update());
        assertTrue(last.bundle().get("text/plain").contains("100%"), last.bundle().get("text/plain"));
        assertTrue(last.bundle().get("text/html").contains("<progress"), last.bundle().get("text/html"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "int x = 1;|complete",
            "for (int i = 0; i < 3; i++) {|incomplete",
            "String s = \"abc|invalid",
            "Math.max(1,|incomplete",
            "%time 1 + 1|complete",
    })
    void isCompleteAnswersForUnfinishedCode(String code, String expected) {
        String verdict = session.isComplete(code);
        switch (expected) {
            case "incomplete" -> assertTrue(verdict.isBlank(), "an indent for unfinished code, got '" + verdict + "'");
            default -> assertEquals(expected, verdict);
        }
    }

    @Test
    void completionSuggestsMembersAndLocals() {
        ok("String greeting = \"hi\";");
        Session.Completion c = session.complete("greeting.toUpp", 14);
        assertTrue(c.matches().stream().anyMatch(m -> m.startsWith("toUpperCase")), c.matches().toString());
        assertEquals(9, c.start());
        assertEquals(14, c.end());
        Session.Completion local = session.complete("int a = 1;\ngree", 16);
        assertTrue(local.matches().contains("greeting"), local.matches().toString());
        assertEquals(11, local.start());
    }

    @Test
    void inspectionGivesSignatures() {
        String doc = session.inspect("Math.max(1, 2)", 6, false);
        assertNotNull(doc);
        assertTrue(doc.contains("max(int"), doc);
        assertNull(session.inspect("   ", 1, false));
        for (String typed : new String[] {"Math.max", "int m = Math.max"}) { // Shift-Tab before the parenthesis
            String named = session.inspect(typed, typed.length(), false);
            assertNotNull(named, typed);
            assertTrue(named.contains("max(int") && named.contains("max(double"), named);
        }
        String type = session.inspect("String", 6, false);
        assertNotNull(type, "a type name documents the type");
    }

    @Test
    void renderersCoverRecordsMapsListsAndFailures() {
        ok("record Run(String name, double loss) { }");
        Object run = ok("new Run(\"a\", 1.5)").value();
        var bundle = session.renderers().render(run);
        assertTrue(bundle.get("text/html").contains("<b>loss</b>"), bundle.get("text/html"));
        Object list = ok("List.of(new Run(\"a\", 1.0), new Run(\"b\", 2.0))").value();
        String html = session.renderers().render(list).get("text/html");
        assertTrue(html.contains("<th>name</th>") && html.contains("2 rows"), html);
        Object map = ok("new TreeMap<>(Map.of(\"lr\", 0.001, \"steps\", 100))").value();
        assertTrue(session.renderers().render(map).get("text/html").contains("<b>lr</b>"));
        ok("class Bad implements org.assay.display.Renderable { public MimeBundle toMimeBundle() { throw new RuntimeException(\"boom\"); } public String toString() { return \"bad!\"; } }");
        var failed = session.renderers().render(ok("new Bad()").value());
        assertTrue(failed.get("text/plain").contains("boom") && failed.get("text/plain").contains("bad!"),
                failed.get("text/plain"));
    }

    @Test
    void unknownMagicListsTheKnownOnes() {
        CellError e = fails("%frobnicate now");
        assertEquals("UnknownMagic", e.ename());
        assertTrue(e.evalue().contains("%classpath") && e.evalue().contains("%%time"), e.evalue());
    }

    @Test
    void aMagicIsAClassOfItsOwnAndMoreCanBeRegistered() {
        session.magics().register(new org.assay.kernel.magic.LineMagic() {
            @Override
            public String name() {
                return "shout";
            }

            @Override
            public String usage() {
                return "%shout WORDS  say them louder";
            }

            @Override
            public Object run(String args, String label) {
                return args.toUpperCase(java.util.Locale.ROOT) + " in " + label;
            }
        });
        assertEquals("HELLO THERE in cell [7]", session.execute("%shout hello there", 7).value());
        assertTrue(ok("%lsmagic").value().toString().contains(" %shout"));
        String help = ((org.assay.display.Markdown) ok("%help").value()).markdown();
        assertTrue(help.contains("| `%shout` | say them louder |") && help.contains("| `%%time` |"), help);
    }

    @Test
    void aMagicThatFailsSaysWhichAndWhy() {
        CellError e = fails("%load");
        assertEquals("MagicError", e.ename());
        assertEquals("%load: give exactly one file, e.g. %load helpers.jsh; got 0", e.evalue());
        assertEquals(List.of("\u001b[1;31mMagicError\u001b[0m: " + e.evalue()), e.traceback());
    }

    @Test
    void timeMagicsReportAndKeepTheValue() {
        ExecutionResult r = ok("%time 6 * 7");
        assertEquals(42, r.value());
        assertTrue(out.stdout.toString().contains("Wall time:"), out.stdout.toString());
        out.clear();
        ExecutionResult cell = ok("%%time\nint t = 2;\nt * 21");
        assertEquals(42, cell.value());
        assertTrue(out.stdout.toString().contains("Wall time:"));
    }

    @Test
    void lineMagicsRunInOrderWithCode() {
        ExecutionResult r = ok("int before = 1;\n%lsmagic\nbefore + 1");
        assertEquals(2, r.value());
        Object listing = ok("%lsmagic").value();
        assertTrue(listing.toString().contains("%maven"), listing.toString());
    }

    @Test
    void multiLineCodeWithPercentOperatorIsNotAMagic() {
        assertEquals(1, ok("int m = 7\n% 3;\nm").value());
    }

    @Test
    void unresolvedReferencesAreExplained() {
        ok("int later() { return notYetDeclared + 1; }");
        assertTrue(out.stderr.toString().contains("notYetDeclared"), out.stderr.toString());
        CellError e = fails("later()");
        assertTrue(e.evalue().contains("notYetDeclared"), e.evalue());
        ok("int notYetDeclared = 1;");
        assertEquals(2, ok("later()").value());
    }

    @Test
    void startupImportsAreAvailable() {
        assertEquals(List.of(1, 2), ok("Stream.of(1, 2).collect(Collectors.toList())").value());
        assertNotNull(ok("new XYChartBuilder().build()").value());
    }
}
