package org.assay.lib.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SyntheticLanguageTest {

    @ParameterizedTest
    @CsvSource({"4, 0, 1.0", "5, 1, 0.5", "3, 2, 0.3", "8, 2, 0.5"})
    void plugInEntropyOfALongSampleMatchesTheExactRate(int alphabet, int order, double concentration) {
        SyntheticLanguage lang = new SyntheticLanguage(new SyntheticLanguage.Config(alphabet, order, concentration, 7));
        int[] s = lang.generateSymbols(2_000_000, 1);
        // empirical conditional entropy H(X_t | previous `order` symbols)
        int contexts = (int) Math.pow(alphabet, order);
        long[][] counts = new long[contexts][alphabet];
        for (int i = order; i < s.length; i++) {
            int c = 0;
            for (int j = i - order; j < i; j++) {
                c = c * alphabet + s[j];
            }
            counts[c][s[i]]++;
        }
        double h = 0;
        long n = s.length - order;
        for (long[] row : counts) {
            long rowTotal = java.util.Arrays.stream(row).sum();
            for (long k : row) {
                if (k > 0) {
                    h -= (double) k / n * Math.log((double) k / rowTotal);
                }
            }
        }
        assertEquals(lang.entropyRateNats(), h, 0.005);
        assertEquals(h, lang.empiricalEntropyRate(lang.generate(2_000_000, 1)), 1e-9, "the library's plug-in estimate");
    }

    @Test
    void aLongTextKeepsTheRareTransitionsInTheirTrueShare() {
        SyntheticLanguage lang = SyntheticLanguage.small(4);
        double mass = lang.rareMass(0.05);
        assertTrue(mass > 0.005 && mass < 0.2, "a tail worth measuring: " + mass);
        assertEquals(mass, lang.rareFrequency(lang.generate(1_000_000, 2), 0.05), 0.003);
        assertEquals(1.0, lang.rareMass(1.01), 1e-9, "every transition is below a threshold above 1");
        double[] p = lang.nextDistribution(new int[] {1, 2});
        assertEquals(1.0, java.util.Arrays.stream(p).sum(), 1e-12);
        assertEquals(lang.probability(new int[] {1, 2}, 3), p[3]);
        // a text that never leaves its most likely transitions has no rare ones
        assertEquals(0.0, lang.rareFrequency("aaaa".repeat(10), 0.0));
        var e = assertThrows(IllegalArgumentException.class, () -> lang.rareFrequency("abz", 0.1));
        assertEquals("SyntheticLanguage.rareFrequency: character 'z' at index 2 is not in the alphabet 'abcdefgh'",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> lang.nextDistribution(new int[] {1, 9}));
        assertEquals("SyntheticLanguage.nextDistribution: symbols must be in [0, 8), got 9", e.getMessage());
    }

    @Test
    void orderZeroIsTheEntropyOfTheDrawnDistribution() {
        SyntheticLanguage lang = new SyntheticLanguage(new SyntheticLanguage.Config(6, 0, 1.0, 3));
        double h = 0;
        for (int s = 0; s < 6; s++) {
            double p = lang.probability(new int[0], s);
            h -= p * Math.log(p);
        }
        assertEquals(h, lang.entropyRateNats(), 1e-12);
        assertEquals(h / Math.log(2), lang.entropyRateBits(), 1e-12);
    }

    @Test
    void seededTextAndClearErrors() {
        SyntheticLanguage lang = SyntheticLanguage.small(1);
        assertEquals(lang.generate(100, 5), lang.generate(100, 5));
        assertNotEquals(lang.generate(100, 5), lang.generate(100, 6));
        assertEquals("abcdefgh", lang.alphabet());
        var e = assertThrows(IllegalArgumentException.class,
                () -> new SyntheticLanguage.Config(63, 1, 1, 0));
        assertEquals("SyntheticLanguage: alphabetSize must be in [2, 62], got 63", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SyntheticLanguage.Config(10, 6, 1, 0));
        assertEquals("SyntheticLanguage: alphabetSize^(order+1) must be <= 1000000, got 10^7", e.getMessage());
    }
}
