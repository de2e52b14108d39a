package org.assay.lib.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.assay.lib.train.TokenBatch;
import org.assay.lib.train.TokenBatches;
import org.junit.jupiter.api.Test;

class TokenDatasetTest {
    private static final int[] COUNTING = IntStream.range(0, 1000).toArray(); // token i at position i

    @Test
    void batchesAreShiftedWindowsAndAPureFunctionOfTheIndex() {
        TokenDataset d = TokenDataset.of(COUNTING, 4, 8, 0.1, 3, 1);
        TokenBatch batch = d.train(17);
        int[][] b = {batch.inputs(), batch.targets()};
        for (int r = 0; r < 4; r++) {
            for (int i = 0; i < 8; i++) {
                assertEquals(b[0][r * 8 + i] + 1, b[1][r * 8 + i], "targets are the next tokens");
                if (i > 0) {
                    assertEquals(b[0][r * 8 + i - 1] + 1, b[0][r * 8 + i], "contiguous window");
                }
            }
            assertTrue(b[1][r * 8 + 7] < 900, "training windows stay out of the held-out 10%");
        }
        assertArrayEquals(b[0], TokenDataset.of(COUNTING, 4, 8, 0.1, 3, 1).train(17).inputs());
        assertTrue(!java.util.Arrays.equals(b[0], d.train(18).inputs()));
    }

    @Test
    void validationWindowsAreConsecutiveAndDoNotOverlap() {
        TokenDataset d = TokenDataset.of(COUNTING, 2, 10, 0.1, 3, 1);
        List<TokenBatch> v = d.validation(100);
        assertEquals(4, v.size()); // 100 held-out tokens: 9 windows of 10 (+1) → 4 batches of 2 rows
        int expected = 900;
        for (TokenBatch b : v) {
            for (int r = 0; r < 2; r++) {
                assertEquals(expected, b.inputs()[r * 10]);
                expected += 10;
            }
        }
        assertEquals(v.get(0).inputs()[0], d.validation(1).get(0).inputs()[0]);
    }

    @Test
    void mixtureFollowsItsWeightsAndAccountsForEveryToken() {
        Map<String, int[]> sources = new LinkedHashMap<>();
        sources.put("a", new int[500]);
        sources.put("b", IntStream.range(0, 500).map(i -> 1).toArray());
        TokenDataset d = TokenDataset.mixture(sources, new double[] {4, 1}, 10, 5, 0.0, 9, 1);
        long ones = 0;
        for (int i = 0; i < 500; i++) {
            for (int x : d.train(i).inputs()) {
                ones += x;
            }
        }
        Map<String, Long> served = d.tokensBySource(500);
        assertEquals(500L * 10 * 5, served.get("a") + served.get("b"));
        assertEquals(ones, served.get("b"));
        assertEquals(0.2, served.get("b") / 25000.0, 0.02); // 5,000 rows: sd of the share is 0.006
    }

    @Test
    void shortSourcesAndBadWeightsAreClearErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> TokenDataset.of(new int[10], 1, 16, 0, 0, 1));
        assertEquals("TokenDataset: source 'data' has 10 training tokens, fewer than contextLength + 1 = 17",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TokenDataset.mixture(Map.of("x", COUNTING),
                new double[] {0}, 1, 4, 0, 0, 1));
        assertEquals("TokenDataset: at least one mixture weight must be > 0, got [0.0]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TokenDataset.mixture(Map.of("x", COUNTING),
                new double[] {-1}, 1, 4, 0, 0, 1));
        assertEquals("TokenDataset: mixture weights must be >= 0 and finite, got [-1.0]", e.getMessage());
    }

    @Test
    void aSourceOfWeightZeroIsHeldOutAndScoredButNeverTrainedOn() {
        Map<String, int[]> sources = new LinkedHashMap<>();
        sources.put("a", new int[200]);
        sources.put("b", IntStream.range(0, 200).map(i -> 1).toArray());
        sources.put("target", IntStream.range(0, 200).map(i -> 2).toArray());
        TokenDataset d = TokenDataset.mixture(sources, new double[] {3, 1, 0}, 4, 5, 0.2, 3, 1);
        for (int i = 0; i < 300; i++) {
            for (int x : d.train(i).inputs()) {
                assertTrue(x < 2, "a source of weight 0 is not trained on");
            }
        }
        assertEquals(0L, d.tokensBySource(300).get("target"));
        assertEquals(Map.of("a", 0.75, "b", 0.25, "target", 0.0), d.weights());
        // each source's 40 held-out tokens make 7 windows of 5 (+1): a batch of 4 rows and one of 3
        var held = d.heldOutBySource(8);
        assertEquals(List.of("a", "b", "target"), held.stream().map(TokenBatches.HeldOut::source).toList());
        assertEquals(List.of(4, 3), held.get(2).batches().stream().map(TokenBatch::rows).toList());
        for (int x : held.get(2).batches().get(1).targets()) {
            assertEquals(2, x);
        }
        assertEquals(List.of(0.75, 0.25, 0.0), held.stream().map(TokenBatches.HeldOut::weight).toList(),
                "without a target the validation loss is on the training mixture");
        var target = d.withTarget(Map.of("target", 1.0, "a", 1.0)).heldOutBySource(1);
        assertEquals(List.of(0.5, 0.0, 0.5), target.stream().map(TokenBatches.HeldOut::weight).toList());
        assertEquals(1, target.get(0).batches().size(), "at most maxBatches per source");
        assertTrue(TokenDataset.of(COUNTING, 2, 4, 0.2, 0, 1).heldOutBySource(4).isEmpty(), "one source: none");

        var e = assertThrows(IllegalArgumentException.class, () -> d.withTarget(Map.of("c", 1.0)));
        assertEquals("TokenDataset.withTarget: 'c' is not a source; the sources are [a, b, target]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.withTarget(Map.of("a", 0.0)));
        assertEquals("TokenDataset.withTarget: at least one weight must be > 0, got {a=0.0}", e.getMessage());
    }
}
