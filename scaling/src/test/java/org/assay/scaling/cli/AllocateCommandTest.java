package org.assay.scaling.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.assay.scaling.ChinchillaLaw;
import org.assay.scaling.InferenceAwareAllocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AllocateCommandTest {

    @Test
    void jsonLinesCarryTheAllocationOfEachDemand() {
        CommandRun r = CommandRun.allocate("--law", "epoch2024", "--loss", "2.1", "--inference-tokens", "0,1e12",
                "--json");
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length);
        InferenceAwareAllocation a = ChinchillaLaw.epoch2024().allocateForLoss(2.1, 1e12);
        assertTrue(lines[1].contains("\"parameters\": " + a.parameters() + ","), lines[1]);
        assertTrue(lines[1].contains("\"totalFlops\": " + a.totalFlops() + "}"), lines[1]);
        assertTrue(lines[0].startsWith("{\"targetLoss\": 2.1, \"inferenceTokens\": 0.0,"), lines[0]);
    }

    @Test
    void aLawOfFiveNumbersAndABudgetPrintATable() {
        CommandRun r = CommandRun.allocate("--law", "1.69,406.4,410.7,0.34,0.28", "--budget", "1e23",
                "--inference-tokens", "1e12");
        assertEquals(0, r.status(), r.err());
        InferenceAwareAllocation a = ChinchillaLaw.hoffmann2022().allocateForBudget(1e23, 1e12);
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "%12.4g", a.parameters())), r.out());
        assertTrue(r.out().startsWith("L(N, D) = 1.69 + 406.4/N^0.34 + 410.7/D^0.28"), r.out());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '#', value = {
        "--law epoch2024 --loss 1.8 --inference-tokens 0 # allocate: ChinchillaLaw.allocateForLoss: targetLoss must"
            + " be finite and > E = 1.8172 (the irreducible loss, which no finite model and data reach), got 1.8",
        "--law chinchilla --loss 2 --inference-tokens 0 # allocate: --law must be hoffmann2022, epoch2024 or five"
            + " numbers E,A,B,alpha,beta, got 'chinchilla'",
        "--law 1.7,400,400,x,0.3 --loss 2 --inference-tokens 0 # allocate: --law alpha must be a finite number,"
            + " got 'x'",
        "--law epoch2024 --inference-tokens 0 # allocate: give one of --loss and --budget; usage: allocate --law"
            + " hoffmann2022|epoch2024|E,A,B,alpha,beta (--loss L | --budget FLOPS) --inference-tokens T[,T...]"
            + " [--json]",
        "--law epoch2024 --loss 2 --inference-tokens 1e12,-5 # allocate: ChinchillaLaw.allocateForLoss:"
            + " inferenceTokens must be finite and >= 0, got -5.0",
        "--law epoch2024 --loss 2 --inference-tokens # allocate: --inference-tokens needs a value; usage: allocate"
            + " --law hoffmann2022|epoch2024|E,A,B,alpha,beta (--loss L | --budget FLOPS) --inference-tokens"
            + " T[,T...] [--json]",
    })
    void badInputIsOneLineNamingTheOptionAndValue(String args, String message) {
        CommandRun r = CommandRun.allocate(args.split(" "));
        assertEquals(2, r.status());
        assertEquals(message, r.err().strip());
        assertEquals("", r.out());
    }
}
