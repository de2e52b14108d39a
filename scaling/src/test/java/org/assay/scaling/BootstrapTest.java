package org.assay.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BootstrapTest {
    static final ChinchillaLaw TRUTH = ChinchillaFitTest.TRUTH;

    private static Bootstrap run(double noise, long dataSeed, int threads, int resamples, long seed) {
        double[][] xyz = ChinchillaFitTest.data(TRUTH, noise, dataSeed);
        ChinchillaFit fit = ChinchillaFitTest.smallGrid().withThreads(threads);
        ChinchillaFit.Result full = fit.fit(xyz[0], xyz[1], xyz[2]);
        return fit.bootstrap(xyz[0], xyz[1], xyz[2], full, resamples, seed);
    }

    @Test
    void sameSeedSameIntervalsWhateverTheThreadCount() {
        Bootstrap one = run(0.01, 21, 1, 40, 7);
        Bootstrap two = run(0.01, 21, 2, 40, 7);
        assertEquals(one, two);
        assertEquals(40, one.fits().size());
    }

    @Test
    void intervalsAreOrderedAndNarrowerWithLessNoise() {
        Bootstrap noisy = run(0.02, 22, 2, 100, 1);
        Bootstrap clean = run(0.002, 22, 2, 100, 1);
        for (var q : java.util.List.<java.util.function.ToDoubleFunction<ChinchillaLaw>>of(
                ChinchillaLaw::alpha, ChinchillaLaw::beta, ChinchillaLaw::E, ChinchillaLaw::a,
                l -> l.allocate(1e21).parameters())) {
            Bootstrap.Interval wide = noisy.interval(q, 0.95);
            Bootstrap.Interval narrow = clean.interval(q, 0.95);
            assertTrue(wide.lower() <= wide.upper() && narrow.lower() <= narrow.upper());
            assertTrue(narrow.upper() - narrow.lower() < wide.upper() - wide.lower(),
                    "less noise, narrower interval: " + narrow + " vs " + wide);
        }
        Bootstrap.Interval alpha = clean.interval(ChinchillaLaw::alpha, 0.95);
        assertTrue(alpha.lower() < TRUTH.alpha() + 0.02 && alpha.upper() > TRUTH.alpha() - 0.02, alpha.toString());
        assertTrue(clean.converged() > 90, "converged " + clean.converged());
    }

    @Test
    void badArgumentsAreRejectedWithTheValue() {
        double[][] xyz = ChinchillaFitTest.data(TRUTH, 0.01, 1);
        ChinchillaFit fit = ChinchillaFitTest.smallGrid();
        ChinchillaFit.Result full = fit.fit(xyz[0], xyz[1], xyz[2]);
        var e = assertThrows(IllegalArgumentException.class, () -> fit.bootstrap(xyz[0], xyz[1], xyz[2], full, 0, 1));
        assertEquals("bootstrapChinchilla: resamples must be >= 1, got 0", e.getMessage());
        Bootstrap b = fit.bootstrap(xyz[0], xyz[1], xyz[2], full, 5, 1);
        e = assertThrows(IllegalArgumentException.class, () -> b.interval(ChinchillaLaw::alpha, 1.5));
        assertEquals("Bootstrap.interval: confidence must be in (0, 1), got 1.5", e.getMessage());
    }
}
