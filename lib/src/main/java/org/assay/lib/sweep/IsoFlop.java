package org.assay.lib.sweep;

import org.assay.lib.model.GptConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.assay.lib.train.RunSpec;

/**
 * IsoFLOP slices (Hoffmann et al. 2022, Approach 2): for each compute budget C and each model shape, the run that
 * spends exactly C, with the tokens D = C / (FLOPs per token) from the model's own accounting
 * ({@link GptConfig#trainingFlopsPerToken()}, 6N plus the attention term) rounded to whole steps.
 */
public final class IsoFlop {
    private IsoFlop() {
    }

    /** A model shape: layers, width and heads (the rest comes from the base model). */
    public record Shape(int layers, int dModel, int heads) {
        public Shape {
            if (layers < 1 || dModel < 1 || heads < 1) {
                throw new IllegalArgumentException("IsoFlop.Shape: layers, dModel and heads must be >= 1, got layers="
                        + layers + ", dModel=" + dModel + ", heads=" + heads);
            }
        }

        public GptConfig apply(GptConfig base) {
            return base.withLayers(layers).withWidth(dModel, heads);
        }
    }

    /** The planned runs, and the (budget, shape) pairs left out because they would train for too few steps. */
    public record Plan(List<RunSpec> runs, List<String> skipped) {
    }

    /** Runs for every budget × shape, named {@code C<budget>-L<layers>-d<width>}; fewer than minSteps steps: skipped. */
    public static Plan plan(RunSpec base, double[] budgets, List<Shape> shapes, long minSteps) {
        String fn = "IsoFlop.plan";
        if (budgets.length == 0 || shapes.isEmpty()) {
            throw new IllegalArgumentException(fn + ": budgets and shapes must not be empty, got " + budgets.length
                    + " budgets and " + shapes.size() + " shapes");
        }
        for (int i = 0; i < budgets.length; i++) {
            if (!(budgets[i] > 0) || Double.isInfinite(budgets[i])) {
                throw new IllegalArgumentException(fn + ": budgets must be finite and > 0, got " + budgets[i]
                        + " at index " + i);
            }
        }
        long tokensPerStep = (long) base.data().rows() * base.data().contextLength();
        List<RunSpec> runs = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (double c : budgets) {
            for (Shape s : shapes) {
                GptConfig model = s.apply(base.model());
                double tokens = c / model.trainingFlopsPerToken();
                long steps = Math.round(tokens / tokensPerStep);
                String name = String.format(Locale.ROOT, "C%.2e-L%d-d%d", c, s.layers(), s.dModel()).replace("+", "");
                if (steps < minSteps) {
                    skipped.add(String.format(Locale.ROOT, "%s: %d steps < minSteps %d", name, steps, minSteps));
                    continue;
                }
                runs.add(new RunSpec(name, model, base.data(), base.train().withSteps(steps)));
            }
        }
        return new Plan(List.copyOf(runs), List.copyOf(skipped));
    }
}
