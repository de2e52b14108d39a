package org.assay.scaling.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.assay.scaling.ChinchillaLaw;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FitCommandTest {
    @TempDir
    Path tmp;

    /** 25 points from a known law, with compute as a column too. */
    private Path csv() throws Exception {
        ChinchillaLaw law = new ChinchillaLaw(1.8, 480, 1100, 0.36, 0.30);
        StringBuilder b = new StringBuilder("params,tokens,compute,loss\n");
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                double n = Math.pow(10, 6 + 0.75 * i);
                double d = Math.pow(10, 8 + 0.75 * j);
                b.append(n).append(',').append(d).append(',').append(6 * n * d).append(',').append(law.predict(n, d))
                        .append('\n');
            }
        }
        Path f = tmp.resolve("runs.csv");
        Files.writeString(f, b);
        return f;
    }

    private static CommandRun run(String... args) {
        return CommandRun.fit(args);
    }

    @Test
    void jsonHasTheDocumentedKeysAndIntervalsWithBootstrap() throws Exception {
        CommandRun r = run("chinchilla", csv().toString(), "--n-col", "params", "--d-col", "tokens", "--loss-col", "loss",
                "--bootstrap", "20", "--seed", "3", "--json", "--threads", "2");
        assertEquals(0, r.status(), r.err());
        for (String key : new String[] {"\"A\": ", "\"B\": ", "\"E\": ", "\"alpha\": ", "\"beta\": ", "\"objective\": ",
                "\"starts\": 4500", "\"converged\": ", "\"ci\": {", "\"seed\": 3"}) {
            assertTrue(r.out().contains(key), key + " in " + r.out());
        }
        var json = com.google.gson.JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(0.36, json.get("alpha").getAsDouble(), 0.01);
        assertEquals(2, json.getAsJsonObject("ci").getAsJsonArray("alpha").size());
    }

    @Test
    void tokensCanBeDerivedFromCompute() throws Exception {
        CommandRun r = run("chinchilla", csv().toString(), "--n-col", "params", "--c-col", "compute", "--loss-col", "loss",
                "--json");
        assertEquals(0, r.status(), r.err());
        var json = com.google.gson.JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(0.30, json.get("beta").getAsDouble(), 0.01);
    }

    @Test
    void textOutputNamesParametersAndConvergence() throws Exception {
        CommandRun r = run("chinchilla", csv().toString(), "--n-col", "params", "--d-col", "tokens", "--loss-col", "loss");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("alpha") && r.out().contains("4500 starts"), r.out());
    }

    @Test
    void lossAndTiedExponentsAreOptions() throws Exception {
        CommandRun r = run("chinchilla", csv().toString(), "--n-col", "params", "--d-col", "tokens", "--loss-col", "loss",
                "--loss", "squared", "--tied-exponents", "--json");
        assertEquals(0, r.status(), r.err());
        var json = com.google.gson.JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals("squared", json.get("loss").getAsString());
        assertTrue(json.get("tied_exponents").getAsBoolean());
        assertEquals(json.get("alpha").getAsDouble(), json.get("beta").getAsDouble());
        assertEquals(900, json.get("starts").getAsInt(), "the beta grid is unused when tied");
        CommandRun bad = run("chinchilla", csv().toString(), "--n-col", "params", "--d-col", "tokens", "--loss-col", "loss",
                "--loss", "l1");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("--loss must be huber or squared, got 'l1'"), bad.err());
    }

    @Test
    void badInputFailsWithStatus2AndAClearMessage() throws Exception {
        Path f = csv();
        CommandRun missing = run("chinchilla", f.toString(), "--n-col", "N", "--d-col", "tokens", "--loss-col", "loss");
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("no column 'N'; the columns are [params, tokens, compute, loss]"), missing.err());
        Files.writeString(f, Files.readString(f).replaceFirst("\n1000000.0,", "\n-5,"));
        CommandRun negative = run("chinchilla", f.toString(), "--n-col", "params", "--d-col", "tokens", "--loss-col", "loss");
        assertEquals(2, negative.status());
        assertTrue(negative.err().contains("readCsv(" + f + "): column 'params' must be > 0, got -5.0 at row 1"),
                negative.err());
        CommandRun law = run("kaplan", f.toString());
        assertTrue(law.err().contains("unknown law 'kaplan'"), law.err());
        CommandRun option = run("chinchilla", f.toString(), "--frobnicate");
        assertTrue(option.err().contains("unknown option '--frobnicate'"), option.err());
    }

    @Test
    void sigmoidAndPowerLawFitFromColumns() throws Exception {
        StringBuilder b = new StringBuilder("compute,reward,loss\n");
        for (int i = 0; i < 20; i++) {
            double c = Math.pow(10, 2 + 5 * i / 19.0);
            b.append(c).append(',').append(0.2 + 0.55 / (1 + Math.pow(3e4 / c, 1.3))).append(',')
                    .append(1.8 + 30 * Math.pow(c, -0.15)).append('\n');
        }
        Path f = tmp.resolve("rl.csv");
        Files.writeString(f, b);
        CommandRun sigmoid = run("sigmoid", f.toString(), "--x-col", "compute", "--y-col", "reward", "--r0", "0.2", "--json");
        assertEquals(0, sigmoid.status(), sigmoid.err());
        var json = com.google.gson.JsonParser.parseString(sigmoid.out()).getAsJsonObject();
        assertEquals(0.75, json.get("A").getAsDouble(), 1e-3);
        assertEquals(1.3, json.get("B").getAsDouble(), 1e-2);
        CommandRun power = run("power-law", f.toString(), "--x-col", "compute", "--y-col", "loss", "--bootstrap", "20");
        assertEquals(0, power.status(), power.err());
        assertTrue(power.out().contains("alpha") && power.out().contains("95% CI"), power.out());
        // data whose sigmoid heads for 1.2: the open fit finds it, --ceiling 1 holds A at or below 1
        StringBuilder early = new StringBuilder("compute,accuracy\n");
        for (int i = 0; i < 12; i++) {
            double c = Math.pow(10, 2 + 2 * i / 11.0);
            early.append(c).append(',').append(0.3 + 0.9 / (1 + Math.pow(1e3 / c, 0.8))).append('\n');
        }
        Path g = tmp.resolve("early.csv");
        Files.writeString(g, early);
        CommandRun open = run("sigmoid", g.toString(), "--x-col", "compute", "--y-col", "accuracy", "--r0", "0.3", "--json");
        assertEquals(0, open.status(), open.err());
        assertEquals(1.2, com.google.gson.JsonParser.parseString(open.out()).getAsJsonObject().get("A").getAsDouble(),
                1e-3, open.out());
        CommandRun capped = run("sigmoid", g.toString(), "--x-col", "compute", "--y-col", "accuracy", "--r0", "0.3",
                "--ceiling", "1", "--json");
        assertEquals(0, capped.status(), capped.err());
        double a = com.google.gson.JsonParser.parseString(capped.out()).getAsJsonObject().get("A").getAsDouble();
        assertTrue(a <= 1 && a > 0.3, capped.out());
        CommandRun noR0 = run("sigmoid", g.toString(), "--x-col", "compute", "--y-col", "accuracy", "--ceiling", "1");
        assertEquals(2, noR0.status());
        assertTrue(noR0.err().startsWith("fit: " + g + ": --ceiling needs --r0"), noR0.err());
        CommandRun low = run("sigmoid", g.toString(), "--x-col", "compute", "--y-col", "accuracy", "--r0", "0.3",
                "--ceiling", "0.2");
        assertEquals(2, low.status());
        assertTrue(low.err().contains("ceiling must be finite and > r0"), low.err());
        CommandRun missing = run("sigmoid", f.toString(), "--x-col", "compute");
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("--y-col is required"), missing.err());
    }
}
