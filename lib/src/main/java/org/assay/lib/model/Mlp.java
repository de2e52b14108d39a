package org.assay.lib.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.assay.lib.engine.Torch;

/**
 * A multi-layer perceptron for teaching cells: regression (mean squared error) or classification (cross-entropy
 * over classes), trained with full-batch or mini-batch Adam in a few lines:
 * <pre>{@code
 * try (Mlp net = Mlp.regression(new int[] {1, 32, 32, 1}, 0)) {
 *     for (int i = 0; i < 500; i++) net.step(x, y, 1e-2);
 *     double[] fit = net.predict(x);
 * }
 * }</pre>
 * Hidden layers use tanh; weights start from Glorot-uniform draws made in Java from the seed.
 */
public final class Mlp implements AutoCloseable {
    private final int[] widths;
    private final boolean classification;
    private final NDManager manager;
    private final List<NDArray> weights = new ArrayList<>();
    private final List<NDArray> biases = new ArrayList<>();
    private final List<NDArray[]> moments = new ArrayList<>(); // {m, v} per weight then per bias
    private long steps;

    private Mlp(int[] widths, boolean classification, long seed, Device device) {
        if (widths.length < 2) {
            throw new IllegalArgumentException("Mlp: needs at least an input and an output width, got "
                    + java.util.Arrays.toString(widths));
        }
        for (int w : widths) {
            if (w < 1) {
                throw new IllegalArgumentException("Mlp: widths must be >= 1, got " + java.util.Arrays.toString(widths));
            }
        }
        if (classification && widths[widths.length - 1] < 2) {
            throw new IllegalArgumentException("Mlp.classifier: needs at least 2 classes, got "
                    + widths[widths.length - 1]);
        }
        this.widths = widths.clone();
        this.classification = classification;
        this.manager = Torch.engine().newBaseManager(device);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int l = 0; l + 1 < widths.length; l++) {
            int in = widths[l];
            int out = widths[l + 1];
            double limit = Math.sqrt(6.0 / (in + out)); // Glorot & Bengio 2010
            float[] w = new float[in * out];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) ((2 * rng.nextDouble() - 1) * limit);
            }
            NDArray weight = manager.create(w, new Shape(out, in));
            NDArray bias = manager.zeros(new Shape(out));
            weight.setRequiresGradient(true);
            bias.setRequiresGradient(true);
            weights.add(weight);
            biases.add(bias);
        }
        for (NDArray p : parameters()) {
            moments.add(new NDArray[] {manager.zeros(p.getShape()), manager.zeros(p.getShape())});
        }
    }

    /** Real-valued outputs, mean squared error. {@code widths}: input, hidden..., output. */
    public static Mlp regression(int[] widths, long seed) {
        return new Mlp(widths, false, seed, Torch.device());
    }

    /** Class scores for {@code widths[last]} classes, cross-entropy. */
    public static Mlp classifier(int[] widths, long seed) {
        return new Mlp(widths, true, seed, Torch.device());
    }

    private List<NDArray> parameters() {
        List<NDArray> all = new ArrayList<>(weights);
        all.addAll(biases);
        return all;
    }

    private NDArray forward(NDArray x) {
        for (int l = 0; l < weights.size(); l++) {
            x = x.getNDArrayInternal().linear(x, weights.get(l), biases.get(l)).singletonOrThrow();
            if (l + 1 < weights.size()) {
                x = x.tanh();
            }
        }
        return x;
    }

    private NDArray inputs(double[][] x) {
        int in = widths[0];
        float[] flat = new float[x.length * in];
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != in) {
                throw new IllegalArgumentException("Mlp: row " + i + " of x has " + x[i].length + " values, the input"
                        + " width is " + in);
            }
            for (int j = 0; j < in; j++) {
                flat[i * in + j] = (float) x[i][j];
            }
        }
        return manager.create(flat, new Shape(x.length, in));
    }

    /**
     * One Adam step (β = 0.9, 0.999) on the batch; returns the loss before the step. For regression {@code y} holds
     * the targets row by row (rows × outputs); for classification the class index of each row.
     */
    public double step(double[][] x, double[] y, double learningRate) {
        if (x.length == 0) {
            throw new IllegalArgumentException("Mlp.step: x has no rows");
        }
        int out = widths[widths.length - 1];
        int expected = classification ? x.length : x.length * out;
        if (y.length != expected) {
            throw new IllegalArgumentException("Mlp.step: y must have " + expected + " values, got " + y.length);
        }
        Engine engine = Torch.engine();
        double lossValue;
        try (NDScope scope = new NDScope(); GradientCollector collector = engine.newGradientCollector()) {
            scope.suppressNotUsedWarning();
            NDArray pred = forward(inputs(x));
            NDArray loss;
            if (classification) {
                long[] labels = new long[y.length];
                for (int i = 0; i < y.length; i++) {
                    if (y[i] != Math.rint(y[i]) || y[i] < 0 || y[i] >= out) {
                        throw new IllegalArgumentException("Mlp.step: class labels must be integers in [0, " + out
                                + "), got " + y[i] + " at row " + i);
                    }
                    labels[i] = (long) y[i];
                }
                NDArray idx = manager.create(labels, new Shape(y.length, 1));
                loss = pred.logSoftmax(1).gather(idx, 1).mean().neg();
            } else {
                float[] t = new float[y.length];
                for (int i = 0; i < t.length; i++) {
                    t[i] = (float) y[i];
                }
                loss = pred.sub(manager.create(t, new Shape(x.length, out))).square().mean();
            }
            lossValue = loss.getFloat();
            collector.backward(loss);
            steps++;
            float bc1 = (float) (1 - Math.pow(0.9, steps));
            float bc2 = (float) (1 - Math.pow(0.999, steps));
            List<NDArray> params = parameters();
            for (int i = 0; i < params.size(); i++) {
                NDArray p = params.get(i);
                p.getNDArrayInternal().adamUpdate(new NDList(p, p.getGradient(), moments.get(i)[0], moments.get(i)[1]),
                        new NDList(p), (float) learningRate, (float) (learningRate * Math.sqrt(bc2) / bc1), 0f, 1f,
                        -1f, 0.9f, 0.999f, (float) (1e-8 * Math.sqrt(bc2)), false, true);
                ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) p);
            }
        }
        return lossValue;
    }

    /** Outputs row by row (regression: rows × outputs values; classification: the arg-max class per row). */
    public double[] predict(double[][] x) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray pred = forward(inputs(x));
            if (classification) {
                long[] c = pred.argMax(1).toLongArray();
                return java.util.Arrays.stream(c).asDoubleStream().toArray();
            }
            float[] f = pred.toFloatArray();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            return d;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
