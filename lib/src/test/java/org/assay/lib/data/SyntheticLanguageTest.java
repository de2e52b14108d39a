package org.assay.lib.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
