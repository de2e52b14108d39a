package org.assay.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ComputeFrontierTest {

    private static ComputeFrontier.Config small(int k, double accuracy) {
        return new ComputeFrontier.Config("small", 1e6, k, 1e12, 0, k * 1e8, accuracy, accuracy - 0.05,
                accuracy + 0.05);
    }

    private static ComputeFrontier.Config large(int k, double accuracy) {
        return new ComputeFrontier.Config("large", 1e7, k, 9e12, 1e12, k * 1e9, accuracy, accuracy - 0.05,
                accuracy + 0.05);
    }

    private static final List<ComputeFrontier.Config> CONFIGS = List.of(small(1, 0.3), small(4, 0.6), small(16, 0.75),
            large(1, 0.7), large(4, 0.85));

    private static List<String> names(List<ComputeFrontier.Row> rows) {
        return rows.stream().map(r -> r.model() + "@" + r.samples()).toList();
    }

    /** Worked by hand: with no queries the fixed costs decide; at 10^4 queries the small model's samples add up. */
    @Test
    void theFrontierMovesWithTheQueriesServed() {
        ComputeFrontier f = ComputeFrontier.of(CONFIGS);
        ComputeFrontier.Result none = f.at(0);
        assertEquals(List.of("small@16", "large@4"), names(none.frontier()));
        assertEquals(List.of("small@16", "small@4", "small@1", "large@4", "large@1"), names(none.rows()));

        ComputeFrontier.Result many = f.at(1e4);
        assertEquals(List.of("small@1", "small@4", "small@16", "large@4"), names(many.frontier()));
        ComputeFrontier.Row large1 = many.rows().get(3);
        assertEquals("large@1", large1.model() + "@" + large1.samples());
        assertEquals(9e12, large1.pretrainingFlops());
        assertEquals(1e12, large1.rlFlops());
        assertEquals(1e13, large1.inferenceFlops(), 1);
        assertEquals(2e13, large1.totalFlops(), 1);
        assertTrue(!large1.onFrontier(), "16 samples of the small model are cheaper and more accurate");
        assertEquals("small", many.bestWithin(1.8e13).model());
        assertEquals(0.85, many.bestWithin(1e15).accuracy());
        assertNull(many.bestWithin(1e12));
    }

    @Test
    void breakEvenIsWhereTheTotalsMeet() {
        double q = ComputeFrontier.breakEvenQueries(small(16, 0.75), large(1, 0.7));
        assertEquals(15000, q, 1e-9);
        ComputeFrontier.Result at = ComputeFrontier.of(List.of(small(16, 0.75), large(1, 0.7))).at(q);
        assertEquals(at.rows().get(0).totalFlops(), at.rows().get(1).totalFlops(), 1);
        assertTrue(Double.isNaN(ComputeFrontier.breakEvenQueries(small(1, 0.3), large(1, 0.7))),
                "one sample of the small model is cheaper at any number of queries");
    }

    @Test
    void badConfigurationsAreNamed() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new ComputeFrontier.Config("d64", 1e6, 0, 1e12, 0, 1e8, 0.5, 0.4, 0.6));
        assertEquals("ComputeFrontier.Config(d64): samples must be >= 1, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new ComputeFrontier.Config("d64", 1e6, 2, -1, 0, 1e8, 0.5, 0.4, 0.6));
        assertEquals("ComputeFrontier.Config(d64): pretrainingFlops must be finite and >= 0, got -1.0",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new ComputeFrontier.Config("d64", 1e6, 2, 1, 0, 1e8, 0.7, 0.4, 0.6));
        assertEquals("ComputeFrontier.Config(d64, k=2): needs finite lower <= accuracy <= upper, got 0.4 <= 0.7 <="
                + " 0.6", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ComputeFrontier.of(CONFIGS).at(-1));
        assertEquals("ComputeFrontier.at: queries must be finite and >= 0, got -1.0", e.getMessage());
    }
}
