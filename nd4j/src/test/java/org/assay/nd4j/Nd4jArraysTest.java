package org.assay.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.assay.lib.engine.Torch;
import org.assay.scaling.ChinchillaLaw;
import org.assay.scaling.CurveFit;
import org.assay.scaling.Laws;
import org.assay.scaling.ScalingData;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class Nd4jArraysTest {
    @Test
    void vectorsAreFitInputs() {
        ChinchillaLaw truth = ChinchillaLaw.hoffmann2022();
        double[] n = {1e8, 3e8, 1e9, 3e9};
        double[] d = {2e9, 6e9, 2e10, 6e10};
        double[] loss = new double[4];
        for (int i = 0; i < 4; i++) {
            loss[i] = truth.predict(n[i], d[i]);
        }
        ScalingData data = Nd4jArrays.scalingData(Nd4j.create(n), Nd4j.create(d).reshape(4, 1),
                Nd4j.create(loss).castTo(DataType.FLOAT));
        assertArrayEquals(n, data.parameters());
        assertArrayEquals(d, data.tokens(), "a column matrix is a vector too");
        assertEquals(loss[2], data.loss()[2], 1e-6, "float32 loss kept to its precision");

        double[] x = {1, 2, 4, 8, 16, 32};
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = 1 + 0.5 * Math.log(x[i]);
        }
        var fit = Nd4jArrays.fit(CurveFit.create(), Laws.logLinear(), Nd4j.create(x), Nd4j.create(y));
        assertEquals(0.5, fit.get("b"), 1e-6);
        assertEquals(1, fit.get("a"), 1e-6);
    }

    @Test
    void badFitInputsSayWhatIsWrong() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Nd4jArrays.scalingData(Nd4j.zeros(2, 2), Nd4j.zeros(4), Nd4j.zeros(4)));
        assertTrue(e.getMessage().contains("'parameters' must be a vector") && e.getMessage().contains("[2, 2]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Nd4jArrays.scalingData(Nd4j.ones(3), Nd4j.ones(4), Nd4j.ones(4)));
        assertTrue(e.getMessage().contains("got 3, 4 and 4"), e.getMessage());
    }

    @Test
    void djlArraysRoundTripWithValuesShapeAndType() {
        try (NDManager manager = Torch.engine().newBaseManager()) {
            INDArray matrix = Nd4j.create(new double[][] {{1.5, -2}, {3, 4.25}, {5, 6}});
            NDArray djl = Nd4jArrays.toNDArray(matrix, manager);
            assertEquals(new ai.djl.ndarray.types.Shape(3, 2), djl.getShape());
            assertEquals(ai.djl.ndarray.types.DataType.FLOAT64, djl.getDataType());
            assertArrayEquals(new double[] {1.5, -2, 3, 4.25, 5, 6}, djl.toDoubleArray());
            assertEquals(matrix, Nd4jArrays.fromNDArray(djl));

            INDArray view = matrix.transpose().castTo(DataType.FLOAT); // a view: not in row-major order
            assertArrayEquals(new float[] {1.5f, 3, 5, -2, 4.25f, 6}, Nd4jArrays.toNDArray(view, manager).toFloatArray());
            for (DataType type : new DataType[] {DataType.INT, DataType.LONG, DataType.BYTE, DataType.UBYTE,
                DataType.BOOL, DataType.HALF}) {
                INDArray a = Nd4j.create(new double[] {0, 1, 2, 3}, new long[] {2, 2}, DataType.DOUBLE).castTo(type);
                INDArray back = Nd4jArrays.fromNDArray(Nd4jArrays.toNDArray(a, manager));
                assertEquals(type, back.dataType(), type.toString());
                assertEquals(a, back, type.toString());
            }
            NDArray scalar = manager.create(2.5f);
            assertEquals(2.5, Nd4jArrays.fromNDArray(scalar).getDouble(0), 0);
            assertEquals(0, Nd4jArrays.fromNDArray(scalar).rank());
        }
    }

    @Test
    void tablesRoundTrip() {
        INDArray m = Nd4j.create(new double[][] {{1, 10}, {2, 20}, {3, 30}});
        Table t = Nd4jArrays.toTable(m, "sweep", "step", "loss");
        assertEquals(3, t.rowCount());
        assertArrayEquals(new double[] {10, 20, 30}, t.doubleColumn("loss").asDoubleArray());
        assertEquals(m, Nd4jArrays.fromTable(t));
        assertEquals(Nd4j.create(new double[][] {{10}, {20}, {30}}), Nd4jArrays.fromTable(t, "loss"));
        assertEquals(java.util.List.of("c0"), Nd4jArrays.toTable(Nd4j.create(new double[] {4, 5}), "v").columnNames());

        Table mixed = Table.create("runs", DoubleColumn.create("loss", new double[] {1, Double.NaN}),
                StringColumn.create("name", "a", "b"));
        var e = assertThrows(IllegalArgumentException.class, () -> Nd4jArrays.fromTable(mixed, "name"));
        assertTrue(e.getMessage().contains("column 'name' is STRING, not numeric"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Nd4jArrays.fromTable(mixed, "loss"));
        assertTrue(e.getMessage().contains("column 'loss', row 1 is missing"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Nd4jArrays.fromTable(mixed, "lr"));
        assertTrue(e.getMessage().contains("no column 'lr'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Nd4jArrays.toTable(m, "t", "only-one"));
        assertTrue(e.getMessage().contains("each of the 2 columns"), e.getMessage());
    }
}
