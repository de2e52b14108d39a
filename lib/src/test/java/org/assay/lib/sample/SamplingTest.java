package org.assay.lib.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SamplingTest {

    /** The merge sort gives the order of a stable sort of boxed ids by descending probability, ties included. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 255, 256, 1000})
    void sortsLikeAStableBoxedSort(int v) {
        SplittableRandom rng = new SplittableRandom(v);
        for (int trial = 0; trial < 20; trial++) {
            double[] prob = new double[v];
            for (int i = 0; i < v; i++) {
                prob[i] = trial % 2 == 0 ? rng.nextDouble() : rng.nextInt(4) / 4.0; // odd trials: many ties
            }
            Integer[] boxed = new Integer[v];
            int[] ids = new int[v];
            for (int i = 0; i < v; i++) {
                boxed[i] = i;
                ids[i] = i;
            }
            Arrays.sort(boxed, (a, b) -> Double.compare(prob[b], prob[a]));
            Sampling.sortByProbability(ids, prob);
            assertArrayEquals(Arrays.stream(boxed).mapToInt(Integer::intValue).toArray(), ids, "v=" + v);
        }
    }
}
