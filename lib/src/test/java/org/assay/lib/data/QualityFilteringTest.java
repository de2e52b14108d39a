package org.assay.lib.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QualityFilteringTest {
    static final SyntheticLanguage LANG = SyntheticLanguage.small(2);

    @Test
    void anNgramModelOfTheLanguageScoresItsTextNearTheEntropyRateAndCorruptedTextHigher() {
        String alphabet = LANG.alphabet();
        NgramModel m = NgramModel.fit(2, 0.1, alphabet, List.of(LANG.generate(200_000, 1)));
        String clean = LANG.generate(5_000, 2);
        assertEquals(LANG.entropyRateNats(), m.crossEntropy(clean), 0.05, "order 2 is the language's own order");
        SplittableRandom rng = new SplittableRandom(3);
        assertTrue(m.crossEntropy(Corruption.SHUFFLED.apply(clean, 0, alphabet, rng)) > m.crossEntropy(clean) + 0.2);
        assertTrue(m.crossEntropy(Corruption.NOISED.apply(clean, 0.3, alphabet, rng)) > m.crossEntropy(clean) + 0.1);
        // by hand: order 0, k = 1, alphabet "ab", reference "aab": P(a) = (2+1)/(3+2), P(b) = (1+1)/(3+2)
        NgramModel u = NgramModel.fit(0, 1, "ab", List.of("aab"));
        assertEquals(-(Math.log(0.6) + Math.log(0.4)) / 2, u.crossEntropy("ab"), 1e-12);
        var e = assertThrows(IllegalArgumentException.class, () -> u.crossEntropy("abc"));
        assertEquals("NgramModel.crossEntropy: character 'c' at index 2 is not in the alphabet", e.getMessage());
    }

    @Test
    void corruptionsKeepLengthAndAlphabetAtTheirRates() {
        String clean = LANG.generate(10_000, 4);
        SplittableRandom rng = new SplittableRandom(5);
        String shuffled = Corruption.SHUFFLED.apply(clean, 0, LANG.alphabet(), rng);
        assertEquals(sorted(clean), sorted(shuffled), "the same characters");
        assertNotEquals(clean, shuffled);
        String noised = Corruption.NOISED.apply(clean, 0.2, LANG.alphabet(), rng);
        int changed = 0;
        for (int i = 0; i < clean.length(); i++) {
            changed += clean.charAt(i) == noised.charAt(i) ? 0 : 1;
        }
        // replaced with probability 0.2, by the same character 1/8 of the time: 17.5% differ (sd 0.4%)
        assertEquals(0.175, changed / 10_000.0, 0.015);
        String repeated = Corruption.REPEATED.apply(clean, 0.01, LANG.alphabet(), rng);
        assertEquals(clean.length(), repeated.length());
        assertEquals(repeated.substring(0, 100), repeated.substring(100, 200), "a 100-character snippet, repeated");
        assertTrue(clean.contains(repeated.substring(0, 100)));
        var e = assertThrows(IllegalArgumentException.class, () -> Corruption.NOISED.apply("ab", 1.5, "ab", rng));
        assertEquals("Corruption.NOISED.apply: rate must be in [0, 1], got 1.5", e.getMessage());
    }

    private static String sorted(String s) {
        char[] c = s.toCharArray();
        java.util.Arrays.sort(c);
        return new String(c);
    }
}
