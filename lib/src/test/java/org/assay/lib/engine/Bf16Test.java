package org.assay.lib.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;
import org.assay.lib.model.Safetensors;
import org.junit.jupiter.api.Test;

/**
 * bfloat16 products against a reference computed here: operands rounded to bfloat16 (nearest, ties to even), products
 * summed in double, the sum rounded to bfloat16. libtorch sums in float32 in its own order, so an output may land one
 * bfloat16 step from the reference where the exact sum sits near a rounding boundary; every output must lie on the
 * bfloat16 grid (low 16 bits zero), which a float32 product would not.
 */
class Bf16Test {
    private static final SplittableRandom RNG = new SplittableRandom(7);

    @Test
    void linearIsTheRoundedProductOfRoundedOperands() {
        try (NDManager m = Torch.engine().newBaseManager()) {
            int rows = 37;
            int in = 96;
            int out = 53;
            float[] x = gaussian(rows * in);
            float[] w = gaussian(out * in);
            float[] b = gaussian(out);
            float[] y = Bf16.get().linear(m.create(x, new Shape(rows, in)), m.create(w, new Shape(out, in)),
                    m.create(b, new Shape(out))).toFloatArray();
            double[] ref = new double[rows * out];
            for (int r = 0; r < rows; r++) {
                for (int o = 0; o < out; o++) {
                    double s = round(b[o]);
                    for (int i = 0; i < in; i++) {
                        s += (double) round(x[r * in + i]) * round(w[o * in + i]);
                    }
                    ref[r * out + o] = s;
                }
            }
            assertOnGridAndNear(ref, y, "linear");
            float[] noBias = Bf16.get().linear(m.create(x, new Shape(rows, in)), m.create(w, new Shape(out, in)),
                    null).toFloatArray();
            float[] f32 = m.create(x, new Shape(rows, in)).matMul(m.create(w, new Shape(out, in)).transpose())
                    .toFloatArray();
            int differ = 0;
            for (int r = 0; r < rows; r++) {
                for (int o = 0; o < out; o++) {
                    double magnitude = 0; // Σ|x||w|: each operand's rounding moves a term by at most 2^-9 of it
                    for (int i = 0; i < in; i++) {
                        magnitude += Math.abs(x[r * in + i] * w[o * in + i]);
                    }
                    int i = r * out + o;
                    differ += noBias[i] != f32[i] ? 1 : 0;
                    assertEquals(f32[i], noBias[i], (magnitude + Math.abs(f32[i])) / 256, "near float32 at " + i);
                }
            }
            assertTrue(differ > f32.length / 2, "bfloat16 results differ from float32 ones: " + differ);
        }
    }

    @Test
    void batchedMatMulIsTheRoundedProduct() {
        try (NDManager m = Torch.engine().newBaseManager()) {
            int batch = 6;
            int n = 9;
            int k = 40;
            int p = 11;
            float[] a = gaussian(batch * n * k);
            float[] c = gaussian(batch * k * p);
            NDArray y = Bf16.get().matMul(m.create(a, new Shape(2, 3, n, k)), m.create(c, new Shape(2, 3, k, p)));
            assertEquals(new Shape(2, 3, n, p), y.getShape());
            assertEquals(DataType.FLOAT32, y.getDataType());
            double[] ref = new double[batch * n * p];
            for (int g = 0; g < batch; g++) {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < p; j++) {
                        double s = 0;
                        for (int q = 0; q < k; q++) {
                            s += (double) round(a[(g * n + i) * k + q]) * round(c[(g * k + q) * p + j]);
                        }
                        ref[(g * n + i) * p + j] = s;
                    }
                }
            }
            assertOnGridAndNear(ref, y.toFloatArray(), "matmul");
        }
    }

    /** d(Σ g∘(x·Wᵀ))/dW = gᵀ·x and /dx = g·W, each product in bfloat16 (autocast's backward), widened to float32. */
    @Test
    void gradientsReachFloat32LeavesThroughBfloat16Products() {
        try (NDManager m = Torch.engine().newBaseManager()) {
            int rows = 12;
            int in = 24;
            int out = 10;
            float[] x = gaussian(rows * in);
            float[] w = gaussian(out * in);
            float[] g = gaussian(rows * out);
            NDArray xa = m.create(x, new Shape(rows, in));
            NDArray wa = m.create(w, new Shape(out, in));
            xa.setRequiresGradient(true);
            wa.setRequiresGradient(true);
            try (GradientCollector collector = Torch.engine().newGradientCollector()) {
                NDArray y = Bf16.get().linear(xa, wa);
                collector.backward(y.mul(m.create(g, new Shape(rows, out))).sum());
            }
            assertEquals(DataType.FLOAT32, wa.getGradient().getDataType());
            double[] dw = new double[out * in];
            double[] dx = new double[rows * in];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    for (int r = 0; r < rows; r++) {
                        dw[o * in + i] += (double) round(g[r * out + o]) * round(x[r * in + i]);
                        dx[r * in + i] += (double) round(g[r * out + o]) * round(w[o * in + i]);
                    }
                }
            }
            assertOnGridAndNear(dw, wa.getGradient().toFloatArray(), "dW");
            assertOnGridAndNear(dx, xa.getGradient().toFloatArray(), "dx");
        }
    }

    @Test
    void theArchiveIsTheSameBytesEveryTime() {
        assertArrayEquals(Bf16.archive(), Bf16.archive());
    }

    @Test
    void nativeSupportNamesWhatTheMachineHas() {
        String s = Bf16.nativeSupport();
        assertTrue(s.equals("avx512_bf16") || s.equals("amx_bf16") || s.equals("cuda") || s.startsWith("emulated: ")
                || s.startsWith("unknown: "), s);
    }

    /** Each value on the bfloat16 grid, and equal to the reference rounded to it, or one step away. */
    private static void assertOnGridAndNear(double[] ref, float[] got, String what) {
        assertEquals(ref.length, got.length, what + ": size");
        int exact = 0;
        for (int i = 0; i < ref.length; i++) {
            assertEquals(0, Float.floatToRawIntBits(got[i]) & 0xFFFF, what + "[" + i + "] = " + got[i]
                    + " is not a bfloat16 value");
            float want = round((float) ref[i]);
            float step = Math.ulp(want) * 65536; // one bfloat16 step at want's magnitude
            assertEquals(want, got[i], step * 1.01, what + "[" + i + "]: reference " + ref[i]);
            exact += want == got[i] ? 1 : 0;
        }
        assertTrue(exact >= 0.9 * ref.length, what + ": only " + exact + " of " + ref.length + " exactly rounded");
    }

    /** float32 → bfloat16 → float32, round to nearest, ties to even (as torch's conversion; Safetensors'). */
    private static float round(float f) {
        return Float.intBitsToFloat((Safetensors.floatToBf16(f) & 0xFFFF) << 16);
    }

    private static float[] gaussian(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) RNG.nextGaussian();
        }
        return v;
    }
}
