package org.assay.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Residuals, outliers, the extrapolation check, and data that cannot identify the law. */
class DiagnosticsTest {
    static final ChinchillaLaw TRUTH = ChinchillaFitTest.TRUTH;

    @Test
    void residualsOfTheTrueLawAreTheNoiseAndAPlantedOutlierStandsOut() {
        double[][] xyz = ChinchillaFitTest.data(TRUTH, 0.01, 8);
        xyz[2][10] *= 1.2; // a 20% bad point at row 11
        Residuals r = Residuals.of(TRUTH, xyz[0], xyz[1], xyz[2]);
        assertEquals(49, r.perPoint().length);
        assertEquals(-Math.log(1.2), r.perPoint()[10], 0.05);
        assertEquals(List.of(11), r.outliers(4));
        Residuals exact = Residuals.of(TRUTH, xyz[0], xyz[1],
                java.util.stream.IntStream.range(0, 49).mapToDouble(i -> TRUTH.predict(xyz[0][i], xyz[1][i])).toArray());
        assertEquals(0, exact.maxAbs(), 1e-12);
    }

    @Test
    void extrapolationFromSmallRunsPredictsTheLargeOnes() {
        double[][] s = IsoFlopFitTest.sweeps(IsoFlopFitTest.BUDGETS);
        Extrapolation e = Extrapolation.check(ChinchillaFitTest.smallGrid(), s[0], s[1], s[2], 2e19);
        assertEquals(27, e.trainPoints());
        assertEquals(18, e.heldOutPoints());
        assertTrue(e.meanRelativeError() < 1e-3, "noise-free data extrapolate almost exactly: " + e.meanRelativeError());
        var none = assertThrows(IllegalArgumentException.class,
                () -> Extrapolation.check(ChinchillaFitTest.smallGrid(), s[0], s[1], s[2], 1e30));
        assertTrue(none.getMessage().contains("nothing to predict"), none.getMessage());
    }

    @Test
    void dataThatCannotIdentifyTheLawAreAClearError() {
        double[][] xyz = ChinchillaFitTest.data(TRUTH, 0.01, 8);
        java.util.Arrays.fill(xyz[0], 1e8);
        var e = assertThrows(IllegalArgumentException.class,
                () -> ChinchillaFitTest.smallGrid().fit(xyz[0], xyz[1], xyz[2]));
        assertEquals("fitChinchilla: column 'N' has one value (1.0E8) in all 49 rows, so the data cannot identify"
                + " alpha and A", e.getMessage());
    }

    @Test
    void outliersAreDroppedOnlyOnRequestAndListed() {
        double[][] xyz = ChinchillaFitTest.data(TRUTH, 0.005, 8);
        xyz[2][20] *= 1.5;
        ChinchillaFit fit = ChinchillaFitTest.smallGrid();
        ChinchillaFit.Robust robust = fit.fitDroppingOutliers(xyz[0], xyz[1], xyz[2], 4);
        assertEquals(List.of(21), robust.droppedRows());
        assertEquals(TRUTH.alpha(), robust.result().law().alpha(), 0.03);
        assertTrue(fit.fit(xyz[0], xyz[1], xyz[2]).starts() > 0, "a plain fit keeps every point");
    }

    @Test
    void tablesAreReadByColumnNameWithClearErrors() {
        var table = tech.tablesaw.api.Table.create("runs",
                tech.tablesaw.api.DoubleColumn.create("N", 1e6, 2e6, 4e6),
                tech.tablesaw.api.DoubleColumn.create("C", 6e15, 2.4e16, 9.6e16),
                tech.tablesaw.api.DoubleColumn.create("loss", 3.0, 2.9, 2.8),
                tech.tablesaw.api.StringColumn.create("name", "a", "b", "c"));
        ScalingData data = ScalingData.fromTable(table, "N", null, "loss", "C");
        assertEquals(1e9, data.tokens()[0], 1e-3);
        assertEquals(4e9, data.tokens()[2], 1e-3);
        var e = assertThrows(IllegalArgumentException.class, () -> ScalingData.fromTable(table, "name", null, "loss", "C"));
        assertEquals("fromTable(runs): column 'name' must be numeric, got STRING", e.getMessage());
        table.doubleColumn("loss").setMissing(1);
        e = assertThrows(IllegalArgumentException.class, () -> ScalingData.fromTable(table, "N", null, "loss", "C"));
        assertEquals("fromTable(runs): column 'loss' has a missing value at row 2", e.getMessage());
    }
}
