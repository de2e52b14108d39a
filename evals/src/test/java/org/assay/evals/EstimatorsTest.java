package org.assay.evals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EstimatorsTest {

    @Test
    void passAtKHandCases() {
        assertEquals(0.05, PassAtK.estimate(200, 10, 1), 1e-15);
        assertEquals(0.4085478660814171, PassAtK.estimate(200, 10, 10), 1e-12); // 1 - C(190,10)/C(200,10)
        assertEquals(1.0, PassAtK.estimate(10, 5, 6), 0, "any 6 of 10 include one of the 5 correct");
        assertEquals(0.0, PassAtK.estimate(10, 0, 5), 0);
        assertEquals(0.5, PassAtK.mean(new int[] {10, 10}, new int[] {0, 10}, 3), 1e-15);
    }

    @Test
    void productFormEqualsTheBinomialFormAndStaysFiniteForLargeN() {
        for (int n = 1; n <= 60; n += 7) {
            for (int c = 0; c <= n; c += 3) {
                for (int k = 1; k <= n; k += 4) {
                    assertEquals(PassAtK.binomialForm(n, c, k), PassAtK.estimate(n, c, k), 1e-12, n + "," + c + "," + k);
                }
            }
        }
        double big = PassAtK.estimate(1_000_000, 3, 10_000);
        assertEquals(PassAtK.binomialForm(1_000_000, 3, 10_000), big, 1e-9);
        assertTrue(big > 0.029 && big < 0.03, "≈ 1 - 0.99^3: " + big);
    }

    @ParameterizedTest
    @CsvSource({"11, 10, 1, 'passAtK: c (correct) must be in [0, n=10], got 11'",
            "-1, 10, 1, 'passAtK: c (correct) must be in [0, n=10], got -1'",
            "3, 10, 11, 'passAtK: k must be in [1, n=10], got 11'",
            "0, 0, 1, 'passAtK: n (samples) must be >= 1, got 0'"})
    void passAtKRejectsImpossibleCounts(int c, int n, int k, String message) {
        var e = assertThrows(IllegalArgumentException.class, () -> PassAtK.estimate(n, c, k));
        assertEquals(message, e.getMessage());
    }

    /** Reference values computed with scipy.stats (norm.ppf, beta.ppf) for the same formulas. */
    @ParameterizedTest
    @CsvSource({"0, 10, 0.0, 0.2775327998628892, 0.0, 0.3084971078187608",
            "10, 10, 0.7224672001371107, 1.0, 0.6915028921812392, 1.0",
            "5, 10, 0.236593090512564, 0.7634069094874361, 0.18708602844739855, 0.8129139715526015",
            "7, 20, 0.18119182410108206, 0.5671457233147638, 0.1539092047845412, 0.5921885345328282"})
    void wilsonAndClopperPearsonMatchReferenceValues(int k, int n, double wLo, double wHi, double cpLo, double cpHi) {
        Proportion.Interval w = Proportion.wilson(k, n, 0.95);
        Proportion.Interval cp = Proportion.clopperPearson(k, n, 0.95);
        assertEquals(wLo, w.lower(), 1e-9);
        assertEquals(wHi, w.upper(), 1e-9);
        assertEquals(cpLo, cp.lower(), 1e-8);
        assertEquals(cpHi, cp.upper(), 1e-8);
        assertTrue(w.upper() > w.lower() && cp.upper() > cp.lower(), "never zero width, even at 0% or 100%");
    }

    @Test
    void bootstrapIsSeededAndClusteringWidensCorrelatedItems() {
        Random rng = new Random(1);
        double[] items = new double[200];
        int[] cluster = new int[200];
        for (int g = 0; g < 20; g++) {
            double groupCorrect = rng.nextDouble() < 0.5 ? 1 : 0; // ten items per template, all alike
            for (int j = 0; j < 10; j++) {
                items[g * 10 + j] = groupCorrect;
                cluster[g * 10 + j] = g;
            }
        }
        var plain = Resampling.bootstrap(items, Resampling::mean, 2000, 7, 0.95);
        assertEquals(plain, Resampling.bootstrap(items, Resampling::mean, 2000, 7, 0.95));
        var clustered = Resampling.clustered(items, cluster, Resampling::mean, 2000, 7, 0.95);
        assertTrue(clustered.upper() - clustered.lower() > 2 * (plain.upper() - plain.lower()),
                "clustered " + clustered + " vs plain " + plain);
    }

    @Test
    void pairedBootstrapSeesADifferenceOnlyWhenThereIsOne() {
        Random rng = new Random(3);
        double[] a = new double[300];
        double[] same = new double[300];
        double[] better = new double[300];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextDouble() < 0.5 ? 1 : 0;
            same[i] = a[i];
            better[i] = a[i] == 1 || rng.nextDouble() < 0.3 ? 1 : 0;
        }
        Resampling.Paired none = Resampling.paired(a, same, 1000, 1, 0.95);
        assertEquals(0, none.meanDifference(), 0);
        assertEquals(1.0, none.pValue(), 0);
        Resampling.Paired diff = Resampling.paired(a, better, 1000, 1, 0.95);
        assertTrue(diff.lower() > 0 && diff.pValue() < 0.01, diff.toString());
        var e = assertThrows(IllegalArgumentException.class, () -> Resampling.paired(a, new double[3], 10, 1, 0.95));
        assertTrue(e.getMessage().contains("same items"), e.getMessage());
    }

    @Test
    void bradleyTerryRecoversKnownStrengths() {
        double[] truth = {800, 900, 1000, 1100, 1200};
        Random rng = new Random(11);
        List<BradleyTerry.Game> games = new ArrayList<>();
        for (int g = 0; g < 4000; g++) {
            int i = rng.nextInt(5);
            int j = (i + 1 + rng.nextInt(4)) % 5;
            double pWin = 1 / (1 + Math.pow(10, (truth[j] - truth[i]) / 400));
            games.add(new BradleyTerry.Game(i, j, rng.nextDouble() < pWin ? 1 : 0));
        }
        BradleyTerry.Ratings r = BradleyTerry.fit(5, games, 100, 2);
        for (int i = 0; i < 5; i++) {
            assertEquals(truth[i], r.elo()[i], 40, "player " + i + ": " + Arrays.toString(r.elo()));
            assertTrue(r.lower()[i] < r.elo()[i] && r.elo()[i] < r.upper()[i]);
        }
        var e = assertThrows(IllegalArgumentException.class,
                () -> BradleyTerry.fit(2, List.of(new BradleyTerry.Game(0, 1, 1))));
        assertTrue(e.getMessage().contains("player 0 never lost"), e.getMessage());
    }

    @Test
    void calibrationHandCases() {
        assertEquals(0.4, Calibration.expectedCalibrationError(new double[] {0.9, 0.9}, new boolean[] {true, false}, 10),
                1e-12);
        assertEquals(0.41, Calibration.brier(new double[] {0.9, 0.9}, new boolean[] {true, false}), 1e-12);
        Random rng = new Random(5);
        double[] conf = new double[20000];
        boolean[] hit = new boolean[conf.length];
        for (int i = 0; i < conf.length; i++) {
            conf[i] = rng.nextDouble();
            hit[i] = rng.nextDouble() < conf[i];
        }
        assertTrue(Calibration.expectedCalibrationError(conf, hit, 10) < 0.02, "a calibrated model has a small ECE");
        var e = assertThrows(IllegalArgumentException.class,
                () -> Calibration.brier(new double[] {1.2}, new boolean[] {true}));
        assertEquals("brier: confidence must be in [0, 1], got 1.2 at row 1", e.getMessage());
    }

    @Test
    void bitsPerByteAndPerplexityHandCases() {
        assertEquals(1.0, LanguageModelMetrics.bitsPerByte(Math.log(2), 100, 100), 1e-15);
        assertEquals(0.25, LanguageModelMetrics.bitsPerByte(Math.log(2), 100, 400), 1e-15, "4 bytes per token");
        assertEquals(Math.E, LanguageModelMetrics.perplexity(1), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> LanguageModelMetrics.bitsPerByte(1, 0, 10));
    }

    @Test
    void majorityVoteAndItsTies() {
        assertEquals(1.0, MajorityVote.vote(List.of("4", "4", "5"), "4"));
        assertEquals(0.0, MajorityVote.vote(List.of("4", "5", "5"), "4"));
        assertEquals(0.5, MajorityVote.vote(List.of("4", "5"), "4"), "a two-way tie is worth half");
        assertEquals(0.0, MajorityVote.vote(Arrays.asList(null, null), "4"));
        List<String> answers = List.of("4", "4", "4", "5", "6");
        assertEquals(MajorityVote.vote(answers, "4"), MajorityVote.majAtK(answers, "4", 5, 10, 1));
        double maj1 = MajorityVote.majAtK(answers, "4", 1, 20000, 1);
        assertEquals(0.6, maj1, 0.02, "maj@1 is the accuracy of one sample");
        assertThrows(IllegalArgumentException.class, () -> MajorityVote.majAtK(answers, "4", 6, 10, 1));
    }

    @Test
    void agreementIsTheShareOfThePluralityAnswer() {
        assertEquals(1.0, MajorityVote.agreement(List.of("4", "4")));
        assertEquals(0.6, MajorityVote.agreement(List.of("4", "4", "4", "5", "6")), 1e-12);
        assertEquals(0.5, MajorityVote.agreement(Arrays.asList("4", null)), "an unparsed answer never agrees");
        assertEquals(0.0, MajorityVote.agreement(Arrays.asList(null, null)));
        assertEquals(0.0, MajorityVote.agreement(List.of()));
    }
}
