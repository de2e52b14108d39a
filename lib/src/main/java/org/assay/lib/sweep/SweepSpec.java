package org.assay.lib.sweep;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assay.lib.train.RunSpec;

/**
 * A sweep: a base run, the axes to vary, and the resources each run gets on a cluster. Axes: {@code grid} (every
 * combination), {@code zip} (lists of equal length varied together), and {@code isoFlop} (budgets × shapes, the
 * tokens set to spend each budget exactly). Keys are dotted paths into the run spec, e.g. {@code "train.learningRate"}
 * or {@code "model.layers"}. Saved and read as JSON.
 *
 * @param name      the sweep's name (run names start with it)
 * @param base      the run every run starts from
 * @param grid      key → values; every combination
 * @param zip       key → values, all lists of one length; the i-th values together
 * @param isoFlop   budgets and shapes, or null
 * @param resources what each run asks of Slurm
 * @param mixtures  data mixtures to train on (the base data must be a mixture), or null
 */
public record SweepSpec(String name, RunSpec base, Map<String, List<JsonElement>> grid,
                        Map<String, List<JsonElement>> zip, IsoFlopAxis isoFlop, Resources resources,
                        MixtureAxis mixtures) {

    public SweepSpec {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("SweepSpec: name must be letters, digits and . _ -, got '" + name + "'");
        }
        if (base == null) {
            throw new IllegalArgumentException("SweepSpec: base must be set");
        }
        grid = axes(grid);
        zip = axes(zip);
        resources = resources == null ? Resources.defaults() : resources;
        int length = -1;
        for (var e : zip.entrySet()) {
            if (length >= 0 && e.getValue().size() != length) {
                throw new IllegalArgumentException("SweepSpec: zip lists must have one length, got " + length
                        + " and " + e.getValue().size() + " for '" + e.getKey() + "'");
            }
            length = e.getValue().size();
        }
        if (mixtures != null && base.data().kind() != RunSpec.Data.Kind.MIXTURE) {
            throw new IllegalArgumentException("SweepSpec: a mixture axis needs base data of kind 'mixture', got '"
                    + base.data().kind() + "'");
        }
        for (var e : grid.entrySet()) {
            if (e.getValue().isEmpty()) {
                throw new IllegalArgumentException("SweepSpec: grid values for '" + e.getKey() + "' must not be empty");
            }
        }
    }

    /** The axes keyed as the current spec names their fields ({@link RunSpec#axis}), in their order. */
    private static Map<String, List<JsonElement>> axes(Map<String, List<JsonElement>> given) {
        Map<String, List<JsonElement>> out = new LinkedHashMap<>();
        if (given != null) {
            given.forEach((key, values) -> out.put(RunSpec.axis(key), values));
        }
        return out;
    }

    /** IsoFLOP slices: compute budgets, model shapes, and the fewest steps a run may have. */
    public record IsoFlopAxis(double[] budgets, List<IsoFlop.Shape> shapes, long minSteps) {
    }

    /**
     * Data mixtures over the sources the base run trains on (weight &gt; 0; sources of weight 0 stay held out):
     * {@code simplex}, every mixture whose weights are multiples of 1/{@code count} (a source may get 0); or
     * {@code dirichlet}, {@code count} random mixtures from Dirichlet(concentration × K × base weights), as RegMix
     * (Liu et al. 2024) samples its proxy runs — with equal base weights a symmetric Dirichlet(concentration), small
     * concentrations giving mixtures dominated by one or two sources.
     *
     * @param kind          "simplex" or "dirichlet"
     * @param count         divisions of the simplex, or random mixtures
     * @param concentration Dirichlet concentration (kind dirichlet), &gt; 0
     * @param seed          draws the random mixtures (kind dirichlet)
     */
    public record MixtureAxis(String kind, int count, double concentration, long seed) {
        public MixtureAxis {
            String fn = "SweepSpec.MixtureAxis";
            if (!"simplex".equals(kind) && !"dirichlet".equals(kind)) {
                throw new IllegalArgumentException(fn + ": kind must be 'simplex' or 'dirichlet', got '" + kind + "'");
            }
            if (count < 1) {
                throw new IllegalArgumentException(fn + ": count must be >= 1, got " + count);
            }
            if ("dirichlet".equals(kind) && (!(concentration > 0) || Double.isInfinite(concentration))) {
                throw new IllegalArgumentException(fn + ": concentration must be > 0 and finite, got " + concentration);
            }
        }

        /** The mixtures, each a weight per trained source of {@code base} (in its order), summing to 1. */
        public List<Map<String, Double>> mixtures(RunSpec.Data base) {
            List<String> trained = new ArrayList<>();
            List<Double> baseWeights = new ArrayList<>();
            base.sources().forEach((k, v) -> {
                if (v.weight() > 0) {
                    trained.add(k);
                    baseWeights.add(v.weight());
                }
            });
            int k = trained.size();
            List<double[]> points = new ArrayList<>();
            if (kind.equals("simplex")) {
                compositions(new int[k], 0, count, points);
            } else {
                double total = baseWeights.stream().mapToDouble(Double::doubleValue).sum();
                double[] alpha = new double[k];
                for (int i = 0; i < k; i++) {
                    alpha[i] = concentration * k * baseWeights.get(i) / total;
                }
                java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
                for (int i = 0; i < count; i++) {
                    points.add(org.assay.lib.data.Dirichlet.sample(alpha, rng));
                }
            }
            List<Map<String, Double>> out = new ArrayList<>();
            for (double[] p : points) {
                Map<String, Double> m = new LinkedHashMap<>();
                for (int i = 0; i < k; i++) {
                    m.put(trained.get(i), p[i]);
                }
                out.add(m);
            }
            return out;
        }

        /** Every way to write {@code count} as an ordered sum of parts.length non-negative parts, as shares. */
        private void compositions(int[] parts, int at, int left, List<double[]> out) {
            if (at == parts.length - 1) {
                parts[at] = left;
                double[] w = new double[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    w[i] = (double) parts[i] / count;
                }
                out.add(w);
                return;
            }
            for (int v = left; v >= 0; v--) {
                parts[at] = v;
                compositions(parts, at + 1, left - v, out);
            }
        }
    }

    /**
     * What each run asks of Slurm.
     *
     * @param cpus      CPUs per task ({@code --cpus-per-task}); also the run's thread count
     * @param memory    memory per task ({@code --mem}, e.g. {@code "4G"})
     * @param gpus      GPUs per task ({@code --gres=gpu:N}), 0 for none
     * @param time      wall-time limit ({@code --time}, e.g. {@code "01:00:00"})
     * @param partition the partition, or null for the cluster's default
     */
    public record Resources(int cpus, String memory, int gpus, String time, String partition) {
        public Resources {
            if (cpus < 1 || gpus < 0) {
                throw new IllegalArgumentException("SweepSpec.Resources: cpus must be >= 1 and gpus >= 0, got cpus="
                        + cpus + ", gpus=" + gpus);
            }
        }

        public static Resources defaults() {
            return new Resources(1, "2G", 0, "01:00:00", null);
        }
    }

    public static SweepSpec of(String name, RunSpec base) {
        return new SweepSpec(name, base, Map.of(), Map.of(), null, Resources.defaults(), null);
    }

    public SweepSpec withGrid(String key, Object... values) {
        Map<String, List<JsonElement>> g = new LinkedHashMap<>(grid);
        g.put(key, json(values));
        return new SweepSpec(name, base, g, zip, isoFlop, resources, mixtures);
    }

    public SweepSpec withZip(String key, Object... values) {
        Map<String, List<JsonElement>> z = new LinkedHashMap<>(zip);
        z.put(key, json(values));
        return new SweepSpec(name, base, grid, z, isoFlop, resources, mixtures);
    }

    public SweepSpec withIsoFlop(double[] budgets, List<IsoFlop.Shape> shapes, long minSteps) {
        return new SweepSpec(name, base, grid, zip, new IsoFlopAxis(budgets, List.copyOf(shapes), minSteps),
                resources, mixtures);
    }

    public SweepSpec withResources(Resources r) {
        return new SweepSpec(name, base, grid, zip, isoFlop, r, mixtures);
    }

    /** Every mixture on the simplex with weights in steps of 1/{@code divisions} (runs named {@code -mixNN}). */
    public SweepSpec withMixtureGrid(int divisions) {
        return new SweepSpec(name, base, grid, zip, isoFlop, resources, new MixtureAxis("simplex", divisions, 0, 0));
    }

    /** {@code count} random mixtures as RegMix draws them ({@link MixtureAxis}; runs named {@code -mixNN}). */
    public SweepSpec withRandomMixtures(int count, double concentration, long seed) {
        return new SweepSpec(name, base, grid, zip, isoFlop, resources,
                new MixtureAxis("dirichlet", count, concentration, seed));
    }

    /**
     * The IsoFLOP points {@link #expand} leaves out because they would train for fewer than the axis's minimum steps,
     * each with the reason ({@link IsoFlop.Plan#skipped}); empty without an IsoFLOP axis.
     */
    public List<String> skipped() {
        return isoFlop == null ? List.of()
                : IsoFlop.plan(base, isoFlop.budgets(), isoFlop.shapes(), isoFlop.minSteps()).skipped();
    }

    /** Every run of the sweep, in a fixed order, each named {@code <sweep>-<axes>}; see {@link #skipped}. */
    public List<RunSpec> expand() {
        List<RunSpec> runs = new ArrayList<>();
        if (isoFlop != null) {
            IsoFlop.plan(base, isoFlop.budgets(), isoFlop.shapes(), isoFlop.minSteps()).runs()
                    .forEach(r -> runs.add(r.withName(name + "-" + r.name())));
        } else {
            runs.add(base.withName(name));
        }
        List<RunSpec> out = runs;
        if (mixtures != null) {
            List<Map<String, Double>> mixes = mixtures.mixtures(base.data());
            String format = "%s-mix%0" + String.valueOf(mixes.size() - 1).length() + "d";
            List<RunSpec> next = new ArrayList<>();
            for (RunSpec r : out) {
                for (int i = 0; i < mixes.size(); i++) {
                    next.add(r.withData(r.data().withWeights(mixes.get(i)))
                            .withName(String.format(java.util.Locale.ROOT, format, r.name(), i)));
                }
            }
            out = next;
        }
        for (var axis : grid.entrySet()) {
            List<RunSpec> next = new ArrayList<>();
            for (RunSpec r : out) {
                for (JsonElement v : axis.getValue()) {
                    next.add(set(r, Map.of(axis.getKey(), v)));
                }
            }
            out = next;
        }
        if (!zip.isEmpty()) {
            int length = zip.values().iterator().next().size();
            List<RunSpec> next = new ArrayList<>();
            for (RunSpec r : out) {
                for (int i = 0; i < length; i++) {
                    Map<String, JsonElement> values = new LinkedHashMap<>();
                    for (var e : zip.entrySet()) {
                        values.put(e.getKey(), e.getValue().get(i));
                    }
                    next.add(set(r, values));
                }
            }
            out = next;
        }
        List<String> names = out.stream().map(RunSpec::name).toList();
        if (names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException("SweepSpec.expand: two runs got one name; the axes repeat a value: "
                    + names);
        }
        return out;
    }

    private static RunSpec set(RunSpec r, Map<String, JsonElement> values) {
        JsonObject tree = r.toJsonTree();
        StringBuilder suffix = new StringBuilder();
        for (var e : values.entrySet()) {
            String[] path = e.getKey().split("\\.");
            JsonObject node = tree;
            for (int i = 0; i < path.length - 1; i++) {
                if (!node.has(path[i]) || !node.get(path[i]).isJsonObject()) {
                    throw new IllegalArgumentException("SweepSpec: axis '" + e.getKey() + "' does not name a field of"
                            + " the run spec (no object '" + path[i] + "')");
                }
                node = node.getAsJsonObject(path[i]);
            }
            String leaf = path[path.length - 1];
            if (!node.has(leaf)) {
                throw new IllegalArgumentException("SweepSpec: axis '" + e.getKey() + "' does not name a field of the"
                        + " run spec (no '" + leaf + "'; there are " + node.keySet() + ")");
            }
            node.add(leaf, e.getValue());
            String value = e.getValue().isJsonPrimitive() ? e.getValue().getAsString() : e.getValue().toString();
            suffix.append('-').append(leaf).append('=').append(value.replaceAll("[^A-Za-z0-9._+-]", ""));
        }
        tree.addProperty("name", r.name() + suffix);
        return RunSpec.fromJson(tree, "run " + r.name() + suffix);
    }

    private static List<JsonElement> json(Object... values) {
        List<JsonElement> out = new ArrayList<>();
        for (Object v : values) {
            out.add(RunSpec.GSON.toJsonTree(v));
        }
        return out;
    }

    public String toJson() {
        return RunSpec.GSON.toJson(this);
    }

    public static SweepSpec read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("SweepSpec.read: no such file: " + file.toAbsolutePath());
        }
        try {
            SweepSpec spec = RunSpec.GSON.fromJson(JsonParser.parseString(Files.readString(file)), SweepSpec.class);
            if (spec == null) {
                throw new IllegalArgumentException("SweepSpec.read: " + file + " is empty");
            }
            return spec;
        } catch (IOException e) {
            throw new UncheckedIOException("SweepSpec.read: cannot read " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw RunSpec.invalid("SweepSpec.read", file.toString(), e);
        }
    }
}
