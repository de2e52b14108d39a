package org.assay.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InferenceAwareAllocationTest {

    static Stream<Arguments> lawsAndBudgets() {
        return Stream.of(ChinchillaLaw.hoffmann2022(), ChinchillaLaw.epoch2024())
                .flatMap(law -> Stream.of(1e18, 1e21, 5.76e23, 1e26).map(c -> Arguments.of(law, c)));
    }

    static Stream<Arguments> lawsAndDemands() {
        return Stream.of(ChinchillaLaw.hoffmann2022(), ChinchillaLaw.epoch2024())
                .flatMap(law -> Stream.of(1e6, 1e9, 1e11, 1e13, 1e16).map(t -> Arguments.of(law, t)));
    }

    @ParameterizedTest
    @MethodSource("lawsAndBudgets")
    void withoutInferenceItIsTheChinchillaAllocationAtTheBudgetOfThatLoss(ChinchillaLaw law, double budget) {
        ChinchillaLaw.Allocation chinchilla = law.allocate(budget);
        InferenceAwareAllocation a = law.allocateForLoss(chinchilla.loss(), 0);
        assertEquals(1, a.parameters() / chinchilla.parameters(), 1e-9);
        assertEquals(1, a.trainingTokens() / chinchilla.tokens(), 1e-9);
        assertEquals(1, a.totalFlops() / budget, 1e-9);
        assertEquals(0, a.inferenceFlops());
        InferenceAwareAllocation dual = law.allocateForBudget(budget, 0);
        assertEquals(chinchilla.parameters(), dual.parameters());
        assertEquals(chinchilla.loss(), dual.targetLoss());
    }

    /**
     * Optimality checked without the solver's equation: along the curve of constant loss (D from N in closed form),
     * moving N either way by 0.1% or 1% costs more FLOPs in all.
     */
    @ParameterizedTest
    @MethodSource("lawsAndDemands")
    void noModelSizeOnTheCurveOfThatLossCostsLess(ChinchillaLaw law, double inferenceTokens) {
        double loss = law.allocate(1e22).loss();
        InferenceAwareAllocation a = law.allocateForLoss(loss, inferenceTokens);
        assertEquals(loss, law.predict(a.parameters(), a.trainingTokens()), 1e-12);
        assertEquals(a.trainingFlops() + a.inferenceFlops(), a.totalFlops(), 1e-9 * a.totalFlops());
        for (double factor : new double[] {0.99, 0.999, 1.001, 1.01}) {
            double n = a.parameters() * factor;
            double d = Math.pow(law.B() / (loss - law.E() - law.A() / Math.pow(n, law.alpha())), 1 / law.beta());
            double total = 6 * n * d + 2 * n * inferenceTokens;
            assertTrue(total > a.totalFlops(), "N x " + factor + " costs " + total + " < " + a.totalFlops());
        }
    }

    @ParameterizedTest
    @MethodSource("lawsAndDemands")
    void theBudgetOfAnAllocationBuysBackItsLoss(ChinchillaLaw law, double inferenceTokens) {
        InferenceAwareAllocation a = law.allocateForLoss(law.allocate(1e22).loss(), inferenceTokens);
        InferenceAwareAllocation dual = law.allocateForBudget(a.totalFlops(), inferenceTokens);
        assertEquals(1, dual.parameters() / a.parameters(), 1e-9);
        assertEquals(1, dual.trainingTokens() / a.trainingTokens(), 1e-9);
        assertEquals(a.targetLoss(), dual.targetLoss(), 1e-12);
    }

    @Test
    void moreInferenceMakesTheModelSmallerAndLongerTrained() {
        ChinchillaLaw law = ChinchillaLaw.hoffmann2022();
        double loss = law.allocate(1e23).loss();
        InferenceAwareAllocation previous = law.allocateForLoss(loss, 0);
        for (double t = 1e9; t <= 1e15; t *= 10) {
            InferenceAwareAllocation a = law.allocateForLoss(loss, t);
            assertTrue(a.parameters() < previous.parameters(), "N at " + t);
            assertTrue(a.tokensPerParameter() > previous.tokensPerParameter(), "D/N at " + t);
            assertTrue(a.totalFlops() > previous.totalFlops(), "total at " + t);
            previous = a;
        }
    }

    @Test
    void unreachableLossesAndBadDemandsAreNamed() {
        ChinchillaLaw law = ChinchillaLaw.hoffmann2022();
        var e = assertThrows(IllegalArgumentException.class, () -> law.allocateForLoss(1.69, 1e12));
        assertEquals("ChinchillaLaw.allocateForLoss: targetLoss must be finite and > E = 1.69 (the irreducible loss,"
                + " which no finite model and data reach), got 1.69", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> law.allocateForLoss(2.0, -1));
        assertEquals("ChinchillaLaw.allocateForLoss: inferenceTokens must be finite and >= 0, got -1.0",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> law.allocateForBudget(0, 1e12));
        assertEquals("ChinchillaLaw.allocateForBudget: totalFlops must be finite and > 0, got 0.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> law.allocateForBudget(1e22, Double.POSITIVE_INFINITY));
        assertEquals("ChinchillaLaw.allocateForBudget: inferenceTokens must be finite and >= 0, got Infinity",
                e.getMessage());
    }
}
