package org.assay.nd4j;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.assay.scaling.CurveFit;
import org.assay.scaling.CurveForm;
import org.assay.scaling.ScalingData;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * ND4J arrays where Assay takes numbers: as the columns of a scaling fit ({@link #scalingData}, {@link #fit}), to and
 * from DJL's {@link NDArray} (the training core's tensors; values, shape and type kept) and to and from Tablesaw
 * tables. Every conversion copies: a later change to one side does not reach the other.
 */
public final class Nd4jArrays {
    private Nd4jArrays() {
    }

    // ----------------------------------------------------------------------------------------------------- fit inputs

    /** The values of a vector (1-D, or a row or column matrix) as doubles, in order. */
    public static double[] toDoubles(INDArray vector, String name) {
        if (vector == null) {
            throw new IllegalArgumentException("toDoubles: '" + name + "' is null");
        }
        if (!vector.isVectorOrScalar() || vector.isEmpty()) {
            throw new IllegalArgumentException("toDoubles: '" + name + "' must be a vector (1-D, or one row or column),"
                    + " got shape " + Arrays.toString(vector.shape()));
        }
        if (!vector.dataType().isNumerical()) {
            throw new IllegalArgumentException("toDoubles: '" + name + "' must be numeric, got " + vector.dataType());
        }
        return vector.castTo(DataType.DOUBLE).toDoubleVector();
    }

    /** A scaling sweep from three vectors: parameters N, training tokens D and final loss, one run per entry. */
    public static ScalingData scalingData(INDArray parameters, INDArray tokens, INDArray loss) {
        double[] n = toDoubles(parameters, "parameters");
        double[] d = toDoubles(tokens, "tokens");
        double[] l = toDoubles(loss, "loss");
        if (n.length != d.length || n.length != l.length) {
            throw new IllegalArgumentException("scalingData: parameters, tokens and loss must have one entry per run,"
                    + " got " + n.length + ", " + d.length + " and " + l.length);
        }
        return new ScalingData(n, d, l);
    }

    /** {@link CurveFit#fit(CurveForm, double[], double[], String, String)} with vectors for x and y. */
    public static CurveFit.Result fit(CurveFit fit, CurveForm form, INDArray x, INDArray y) {
        return fit.fit(form, toDoubles(x, form.xName()), toDoubles(y, form.yName()), form.xName(), form.yName());
    }

    // ----------------------------------------------------------------------------------------------------------- DJL

    /** A DJL array in {@code manager} with the same values, shape and type. */
    public static NDArray toNDArray(INDArray array, NDManager manager) {
        INDArray c = array.dup('c');
        Shape shape = new Shape(c.shape());
        return switch (c.dataType()) {
            case DOUBLE -> manager.create(c.data().asDouble(), shape);
            case FLOAT -> manager.create(c.data().asFloat(), shape);
            case HALF, BFLOAT16 -> manager.create(c.castTo(DataType.FLOAT).data().asFloat(), shape)
                    .toType(c.dataType() == DataType.HALF ? ai.djl.ndarray.types.DataType.FLOAT16
                            : ai.djl.ndarray.types.DataType.BFLOAT16, false);
            case LONG -> manager.create(c.data().asLong(), shape);
            case INT -> manager.create(c.data().asInt(), shape);
            case BYTE -> manager.create(toBytes(c.data().asInt()), shape);
            case UBYTE -> manager.create(toBytes(c.data().asInt()), shape).toType(ai.djl.ndarray.types.DataType.UINT8,
                    false);
            case BOOL -> manager.create(toBooleans(c.castTo(DataType.INT).data().asInt()), shape);
            default -> throw new IllegalArgumentException("toNDArray: ND4J type " + c.dataType()
                    + " has no DJL counterpart here (double, float, half, bfloat16, long, int, byte, ubyte, bool)");
        };
    }

    /** An ND4J array with the same values, shape and type as a DJL array (read from wherever it lives). */
    public static INDArray fromNDArray(NDArray array) {
        long[] shape = array.getShape().getShape();
        return switch (array.getDataType()) {
            case FLOAT64 -> Nd4j.create(array.toDoubleArray(), shape, 'c');
            case FLOAT32 -> Nd4j.create(array.toFloatArray(), shape, 'c');
            case FLOAT16 -> Nd4j.create(array.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray(),
                    shape, 'c').castTo(DataType.HALF);
            case INT64 -> Nd4j.create(array.toLongArray(), shape, DataType.LONG);
            case INT32 -> Nd4j.create(array.toIntArray(), shape, DataType.INT);
            case INT8 -> Nd4j.create(ints(array.toType(ai.djl.ndarray.types.DataType.INT32, false)), shape,
                    DataType.INT).castTo(DataType.BYTE);
            case UINT8 -> Nd4j.create(ints(array.toType(ai.djl.ndarray.types.DataType.INT32, false)), shape,
                    DataType.INT).castTo(DataType.UBYTE);
            case BOOLEAN -> Nd4j.create(ints(array.toType(ai.djl.ndarray.types.DataType.INT32, false)), shape,
                    DataType.INT).castTo(DataType.BOOL);
            default -> throw new IllegalArgumentException("fromNDArray: DJL type " + array.getDataType()
                    + " has no ND4J counterpart here (float64, float32, float16, int64, int32, int8, uint8, boolean)");
        };
    }

    private static int[] ints(NDArray int32) {
        try (int32) {
            return int32.toIntArray();
        }
    }

    private static byte[] toBytes(int[] values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static boolean[] toBooleans(int[] values) {
        boolean[] b = new boolean[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = values[i] != 0;
        }
        return b;
    }

    // ------------------------------------------------------------------------------------------------------ Tablesaw

    /**
     * A table with a double column per column of a matrix (a vector: one column); names default to {@code c0, c1...}.
     */
    public static Table toTable(INDArray array, String name, String... columns) {
        INDArray m = array.rank() == 1 ? array.reshape(array.length(), 1) : array;
        if (m.rank() != 2) {
            throw new IllegalArgumentException("toTable: the array must be 1-D or 2-D, got shape "
                    + Arrays.toString(array.shape()));
        }
        if (!m.dataType().isNumerical()) {
            throw new IllegalArgumentException("toTable: the array must be numeric, got " + m.dataType());
        }
        int cols = (int) m.columns();
        if (columns.length != 0 && columns.length != cols) {
            throw new IllegalArgumentException("toTable: give a name for each of the " + cols + " columns or none, got "
                    + columns.length + " " + Arrays.toString(columns));
        }
        INDArray d = m.castTo(DataType.DOUBLE);
        Table table = Table.create(name);
        for (int j = 0; j < cols; j++) {
            table.addColumns(DoubleColumn.create(columns.length == 0 ? "c" + j : columns[j],
                    d.getColumn(j).dup().toDoubleVector()));
        }
        return table;
    }

    /** A rows × columns double matrix of the named numeric columns (all of them when none are named). */
    public static INDArray fromTable(Table table, String... columns) {
        String[] names = columns.length == 0 ? table.columnNames().toArray(String[]::new) : columns;
        double[][] rows = new double[table.rowCount()][names.length];
        for (int j = 0; j < names.length; j++) {
            if (!table.columnNames().contains(names[j])) {
                throw new IllegalArgumentException("fromTable(" + table.name() + "): no column '" + names[j]
                        + "'; columns: " + table.columnNames());
            }
            Column<?> column = table.column(names[j]);
            if (!(column instanceof NumericColumn<?> numeric)) {
                throw new IllegalArgumentException("fromTable(" + table.name() + "): column '" + names[j] + "' is "
                        + column.type() + ", not numeric");
            }
            for (int i = 0; i < rows.length; i++) {
                if (numeric.isMissing(i)) {
                    throw new IllegalArgumentException("fromTable(" + table.name() + "): column '" + names[j]
                            + "', row " + i + " is missing");
                }
                rows[i][j] = numeric.getDouble(i);
            }
        }
        return rows.length == 0 ? Nd4j.create(DataType.DOUBLE, 0, names.length) : Nd4j.create(rows);
    }
}
