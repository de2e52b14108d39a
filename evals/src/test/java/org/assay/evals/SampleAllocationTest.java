package org.assay.evals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleAllocationTest {

    /** Pools of four samples, each 2 prompt + 8 generated tokens; {@code answers[i][j]} of problem i, expected "4". */
    private static SampleAllocation pools(String[][] answers) {
        List<SampleRow> rows = new ArrayList<>();
        for (int i = 0; i < answers.length; i++) {
            for (int j = answers[i].length - 1; j >= 0; j--) { // out of order: the pool sorts by sample index
                String a = answers[i][j];
                rows.add(new SampleRow("p" + i, "t", 1, j, 2, 8, 0, "4", a, "4".equals(a), 0, a));
            }
        }
        return SampleAllocation.of(rows);
    }

    private static final String[][] COVERAGE = {
        {"4", "4", "4", "4"},   // solved by its first sample
        {"1", "2", "3", "4"},   // solved by its fourth
        {"1", "1", "1", "1"},   // never
    };

    @Test
    void uniformReadsRoundsUntilTheBudgetStopsEachProblem() {
        SampleAllocation.Result r = pools(COVERAGE).uniform(75, SampleAllocation.Objective.COVERAGE);
        assertArrayEquals(new int[] {3, 2, 2}, r.samplesPerProblem(), "rounds of 30 tokens; the 80th does not fit");
        assertEquals(70, r.tokensSpent());
        assertArrayEquals(new double[] {1, 0, 0}, r.scorePerProblem());
    }

    /**
     * Worked by hand at 80 tokens. Uniform: 3, 3, 2 samples, problem 1 not yet solved (1/3). Adaptive with a pilot of
     * one: problem 0 is solved and gets no more; 1 and 2 alternate (equal gain a/(a+b+n) after equal failures, ties to
     * the lower index) until the budget ends: 1, 4, 3 samples, problem 1 solved (2/3).
     */
    @Test
    void adaptiveCoverageStopsSolvedProblemsAndSpendsOnTheRest() {
        SampleAllocation pools = pools(COVERAGE);
        SampleAllocation.Result uniform = pools.uniform(80, SampleAllocation.Objective.COVERAGE);
        SampleAllocation.Result adaptive = pools.adaptive(80, 1, SampleAllocation.Objective.COVERAGE);
        assertArrayEquals(new int[] {3, 3, 2}, uniform.samplesPerProblem());
        assertArrayEquals(new int[] {1, 4, 3}, adaptive.samplesPerProblem());
        assertEquals(80, adaptive.tokensSpent());
        assertEquals(1.0 / 3, uniform.score().estimate(), 1e-12);
        assertEquals(2.0 / 3, adaptive.score().estimate(), 1e-12);
        assertEquals("adaptive", adaptive.strategy());
    }

    /**
     * Worked by hand at 50 tokens with a pilot of two: problem 0's answers agree (gain (2-2+1)/4 = 1/4), problem 1's
     * split (gain (2-1+1)/4 = 1/2), so its third sample is read and its vote settles on the right answer. Uniform reads
     * problem 0's third instead and leaves problem 1 tied (score 1/2).
     */
    @Test
    void adaptiveMajoritySpendsOnTheContestedProblemFirst() {
        SampleAllocation pools = pools(new String[][] {{"4", "4", "4", "4"}, {"3", "4", "4", "4"}});
        SampleAllocation.Result adaptive = pools.adaptive(50, 2, SampleAllocation.Objective.MAJORITY);
        assertArrayEquals(new int[] {2, 3}, adaptive.samplesPerProblem());
        assertArrayEquals(new double[] {1, 1}, adaptive.scorePerProblem());
        SampleAllocation.Result uniform = pools.uniform(50, SampleAllocation.Objective.MAJORITY);
        assertArrayEquals(new int[] {3, 2}, uniform.samplesPerProblem());
        assertArrayEquals(new double[] {1, 0.5}, uniform.scorePerProblem(), "a tie of two answers scores 1/2");
        SampleAllocation.Result one = pools.adaptive(80, 1, SampleAllocation.Objective.MAJORITY);
        assertEquals(80, one.tokensSpent(), "a pilot of one agrees with itself, and the budget is still spent");
    }

    @Test
    void aBudgetOfThePoolReadsEverySampleEitherWay() {
        SampleAllocation pools = pools(COVERAGE);
        assertEquals(120, pools.poolTokens());
        for (var objective : SampleAllocation.Objective.values()) {
            var u = pools.uniform(pools.poolTokens(), objective);
            var a = pools.adaptive(pools.poolTokens(), 1, objective);
            assertArrayEquals(new int[] {4, 4, 4}, u.samplesPerProblem());
            assertArrayEquals(u.scorePerProblem(), pools.adaptive(1000, 4, objective).scorePerProblem());
            assertTrue(a.tokensSpent() <= pools.poolTokens());
        }
    }

    @Test
    void badArgumentsAreNamed() {
        SampleAllocation pools = pools(COVERAGE);
        var e = assertThrows(IllegalArgumentException.class,
                () -> pools.adaptive(100, 0, SampleAllocation.Objective.COVERAGE));
        assertEquals("SampleAllocation.adaptive: pilot must be >= 1, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pools.uniform(-1, SampleAllocation.Objective.MAJORITY));
        assertEquals("SampleAllocation.uniform: tokenBudget must be >= 0, got -1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SampleAllocation.of(List.of()));
        assertEquals("SampleAllocation.of: needs sample rows, got none", e.getMessage());
        SampleRow a = new SampleRow("addition-0", "t", 1, 0, 2, 8, 0, "4", "4", true, 0, "4");
        SampleRow b = new SampleRow("addition-1", "t", 1, 0, 2, 8, 0, "4", "4", true, 0, "4");
        e = assertThrows(IllegalArgumentException.class, () -> SampleAllocation.of(List.of(a, b, a)));
        assertEquals("SampleAllocation.of: item 'addition-0' comes back at row 3 after other items; a problem's rows"
                + " must be consecutive and its id unique (suites of several difficulties or seeds may reuse ids)",
                e.getMessage());
    }
}
