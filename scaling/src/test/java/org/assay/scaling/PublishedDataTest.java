package org.assay.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/**
 * Reproduces a published fit from shipped public data: Gadre et al. 2024, Figure 1 (RedPajama training, C4-eval
 * loss). Their fit uses five runs (four model sizes at M = 20 tokens per parameter and the 11M model at M = 320),
 * the Chinchilla form with one exponent for both terms, and least squares on the loss; it predicts the 1.4B, M = 640
 * and 6.9B, M = 20 runs with relative errors 0.7103% and 0.7320% (printed by the authors' scaling_explorer.ipynb).
 */
class PublishedDataTest {

    private static final String[] FIT_MODELS = {"d=96_l=8_h=4", "d=512_l=8_h=4", "d=576_l=24_h=8", "d=1024_l=24_h=8"};

    @Test
    void gadre2024LoadsEveryModelWithItsColumns() {
        Table t = PublishedData.gadre2024();
        assertEquals(104, t.rowCount());
        assertEquals(15, t.columnCount());
        assertEquals(3, t.stringColumn("dataset").unique().size());
        assertTrue(PublishedData.license("gadre2024").startsWith("MIT License"));
        var e = assertThrows(IllegalArgumentException.class, () -> PublishedData.license("nope"));
        assertTrue(e.getMessage().contains("'nope-LICENSE.txt'"), e.getMessage());
    }

    @Test
    void gadre2024Figure1ExtrapolationIsReproduced() {
        Table rpj = PublishedData.gadre2024().where(t -> t.stringColumn("dataset").isEqualTo("rpj"));
        Table fitRows = rpj.where(t -> t.stringColumn("model").isIn(FIT_MODELS).and(t.doubleColumn("M").isEqualTo(20))
                .or(t.stringColumn("model").isEqualTo(FIT_MODELS[0]).and(t.doubleColumn("M").isEqualTo(320))));
        assertEquals(5, fitRows.rowCount());
        ScalingData data = ScalingData.fromTable(fitRows, "N", "D", "loss_c4_val", null);

        ChinchillaFit.Result fit = ChinchillaFit.hoffmann2022().withLoss(ChinchillaFit.Loss.SQUARED)
                .withTiedExponents().fit(data.parameters(), data.tokens(), data.loss());
        assertEquals(fit.law().alpha(), fit.law().beta());

        assertEquals(0.7103, 100 * relativeError(fit.law(), rpj, "rpj-open_lm_1b-32.0"), 5e-5);
        assertEquals(0.7320, 100 * relativeError(fit.law(), rpj, "rpj-open_lm_7b-1.0"), 5e-5);

        // Hoffmann et al.'s objective (Huber on log loss) on the same five points gives a different law: the choice
        // of objective, not only of data, moves the extrapolation.
        ChinchillaLaw huber = ChinchillaFit.hoffmann2022().withTiedExponents()
                .fit(data.parameters(), data.tokens(), data.loss()).law();
        assertTrue(Math.abs(100 * relativeError(huber, rpj, "rpj-open_lm_1b-32.0") - 0.7103) > 0.1);
    }

    private static double relativeError(ChinchillaLaw law, Table rows, String name) {
        Table row = rows.where(t -> t.stringColumn("name").isEqualTo(name));
        assertEquals(1, row.rowCount(), name);
        double observed = row.doubleColumn("loss_c4_val").get(0);
        double predicted = law.predict(row.doubleColumn("N").get(0), row.doubleColumn("D").get(0));
        return Math.abs(predicted - observed) / observed;
    }
}
