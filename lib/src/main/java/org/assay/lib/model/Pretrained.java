package org.assay.lib.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.assay.base.AtomicFiles;
import org.assay.base.FileTrees;
import org.assay.lib.data.DataFiles;
import org.assay.lib.data.PretrainedTokenizer;
import org.assay.lib.data.Tokenizer;
import org.assay.lib.data.TokenizerJson;
import org.assay.lib.engine.Torch;

/**
 * Hugging Face checkpoints in and out, in the layout of transformers' {@code save_pretrained} and of the Hub:
 * {@code config.json} and {@code model.safetensors}, or shards listed in {@code model.safetensors.index.json}.
 * Three architectures, by {@code model_type}:
 * <ul>
 * <li>{@code gpt2} (GPT2LMHeadModel): LayerNorm, learned positions, GELU (tanh form for {@code gelu_new}), biases on
 *     every projection, Conv1D weights stored (in, out), the head tied to {@code wte};</li>
 * <li>{@code llama} (LlamaForCausalLM): RMSNorm, RoPE in transformers' rotate-half layout with {@code rope_theta},
 *     grouped-query attention, SwiGLU of {@code intermediate_size}, {@code attention_bias} and {@code mlp_bias};</li>
 * <li>{@code qwen2} (Qwen2ForCausalLM): as llama, with biases on q, k and v.</li>
 * </ul>
 * Tensors may be F32, BF16 or F16; the model holds them in float32. Every tensor is checked against the shape the
 * configuration implies, and one that is missing, unexpected, of the wrong shape or dtype, or out of its file's
 * bounds is an error naming the file and the tensor; a model is returned only when every parameter was read.
 */
public final class Pretrained {
    private Pretrained() {
    }

    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";

    /**
     * How {@link #save} writes the weights: the dtype (F32, or BF16 at half the bytes) and the size above which they
     * are split into shards ({@code model-00001-of-00003.safetensors} and an index), 5 GB by default as transformers;
     * and the tokenizer saved beside them (null: none), so the folder is complete for transformers and
     * {@code ./assay sample}: one read by {@code Tokenizer.fromPretrained} has its files copied, one of Assay's own
     * is written as {@code tokenizer.json} ({@link TokenizerJson}).
     */
    public record SaveOptions(Safetensors.DType dtype, long maxShardBytes, Tokenizer tokenizer) {
        public SaveOptions {
            if (dtype != Safetensors.DType.F32 && dtype != Safetensors.DType.BF16) {
                throw new IllegalArgumentException("Pretrained.SaveOptions: dtype must be F32 or BF16, got " + dtype);
            }
            if (maxShardBytes < 1) {
                throw new IllegalArgumentException("Pretrained.SaveOptions: maxShardBytes must be >= 1, got "
                        + maxShardBytes);
            }
        }

        public static SaveOptions defaults() {
            return new SaveOptions(Safetensors.DType.F32, 5_000_000_000L, null);
        }

        public SaveOptions withDtype(Safetensors.DType d) {
            return new SaveOptions(d, maxShardBytes, tokenizer);
        }

        public SaveOptions withMaxShardBytes(long bytes) {
            return new SaveOptions(dtype, bytes, tokenizer);
        }

        public SaveOptions withTokenizer(Tokenizer t) {
            return new SaveOptions(dtype, maxShardBytes, t);
        }
    }

    // ------------------------------------------------------------------------------------------------ configuration

    /** The configuration {@code dir/config.json} describes, checked field by field. */
    public static GptConfig config(Path dir) {
        Path file = dir.resolve(CONFIG);
        String fn = "Pretrained.config(" + file + ")";
        JsonObject json = readJson(fn, file);
        Fields f = new Fields(fn, json);
        String type = f.string("model_type", null);
        if (type == null) {
            throw new IllegalArgumentException(fn + ": model_type is missing; one of gpt2, llama, qwen2 is read");
        }
        return switch (type) {
            case "gpt2" -> gpt2Config(f);
            case "llama", "qwen2" -> llamaConfig(f, type.equals("qwen2"));
            default -> throw new IllegalArgumentException(fn + ": model_type must be one of gpt2, llama, qwen2, got '"
                    + type + "'");
        };
    }

    private static GptConfig gpt2Config(Fields f) {
        int d = f.integer("n_embd", 768);
        int heads = f.integer("n_head", 12);
        String act = f.string("activation_function", "gelu_new");
        GptConfig.Mlp mlp = switch (act) {
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GptConfig.Mlp.GELU_TANH;
            case "gelu" -> GptConfig.Mlp.GELU;
            default -> throw f.unsupported("activation_function", act, "gelu_new, gelu_pytorch_tanh, gelu_fast, gelu");
        };
        f.require("scale_attn_weights", true);
        f.require("scale_attn_by_inverse_layer_idx", false);
        Integer inner = f.optionalInteger("n_inner");
        double dropout = f.number("resid_pdrop", 0.1);
        return f.build(() -> new GptConfig(f.integer("vocab_size", 50257), f.integer("n_positions", 1024),
                f.integer("n_layer", 12), d, heads, heads, mlp, GptConfig.Norm.LAYER_NORM, GptConfig.Positions.LEARNED,
                f.bool("tie_word_embeddings", true), dropout, 0, 0, true, true, true,
                f.number("layer_norm_epsilon", 1e-5), GptConfig.DEFAULT_ROPE_THETA, inner == null ? 4 * d : inner));
    }

    private static GptConfig llamaConfig(Fields f, boolean qwen2) {
        int d = f.integer("hidden_size", 4096);
        int heads = f.integer("num_attention_heads", 32);
        Integer kv = f.optionalInteger("num_key_value_heads");
        Integer headDim = f.optionalInteger("head_dim");
        if (headDim != null && heads > 0 && headDim * heads != d) {
            throw f.unsupported("head_dim", headDim, "hidden_size / num_attention_heads = " + d / heads
                    + " (a head width apart from that is not represented)");
        }
        String act = f.string("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw f.unsupported("hidden_act", act, "silu");
        }
        if (f.json.has("rope_scaling") && !f.json.get("rope_scaling").isJsonNull()) {
            throw f.unsupported("rope_scaling", f.json.get("rope_scaling"), "null (plain RoPE)");
        }
        if (qwen2) {
            f.require("use_sliding_window", false);
        }
        boolean attentionBias = !qwen2 && f.bool("attention_bias", false);
        boolean mlpBias = !qwen2 && f.bool("mlp_bias", false);
        return f.build(() -> new GptConfig(f.integer("vocab_size", qwen2 ? 151936 : 32000),
                f.integer("max_position_embeddings", qwen2 ? 32768 : 2048), f.integer("num_hidden_layers", 32), d,
                heads, kv == null ? heads : kv, GptConfig.Mlp.SWIGLU, GptConfig.Norm.RMS_NORM, GptConfig.Positions.ROPE,
                f.bool("tie_word_embeddings", false), f.number("attention_dropout", 0.0), 0, 0,
                qwen2 || attentionBias, attentionBias, mlpBias, f.number("rms_norm_eps", 1e-6),
                f.number("rope_theta", GptConfig.DEFAULT_ROPE_THETA),
                f.integer("intermediate_size", qwen2 ? 22016 : 11008)));
    }

    /** config.json's fields with transformers' defaults where absent, and errors that name the file and the field. */
    private record Fields(String fn, JsonObject json) {
        int integer(String name, int fallback) {
            Integer v = optionalInteger(name);
            return v == null ? fallback : v;
        }

        Integer optionalInteger(String name) {
            JsonElement e = json.get(name);
            if (e == null || e.isJsonNull()) {
                return null;
            }
            try {
                double v = e.getAsDouble();
                if (v == Math.rint(v) && Math.abs(v) <= Integer.MAX_VALUE) {
                    return (int) v;
                }
            } catch (RuntimeException ignored) {
                // reported below
            }
            throw new IllegalArgumentException(fn + ": " + name + " must be an integer, got " + e);
        }

        double number(String name, double fallback) {
            JsonElement e = json.get(name);
            if (e == null || e.isJsonNull()) {
                return fallback;
            }
            try {
                return e.getAsDouble();
            } catch (RuntimeException ex) {
                throw new IllegalArgumentException(fn + ": " + name + " must be a number, got " + e);
            }
        }

        boolean bool(String name, boolean fallback) {
            JsonElement e = json.get(name);
            if (e == null || e.isJsonNull()) {
                return fallback;
            }
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
                throw new IllegalArgumentException(fn + ": " + name + " must be true or false, got " + e);
            }
            return e.getAsBoolean();
        }

        String string(String name, String fallback) {
            JsonElement e = json.get(name);
            if (e == null || e.isJsonNull()) {
                return fallback;
            }
            if (!e.isJsonPrimitive()) {
                throw new IllegalArgumentException(fn + ": " + name + " must be a string, got " + e);
            }
            return e.getAsString();
        }

        void require(String name, boolean expected) {
            boolean v = bool(name, expected);
            if (v != expected) {
                throw unsupported(name, v, String.valueOf(expected));
            }
        }

        IllegalArgumentException unsupported(String name, Object got, String supported) {
            return new IllegalArgumentException(fn + ": " + name + " must be " + supported + ", got " + got);
        }

        GptConfig build(java.util.function.Supplier<GptConfig> make) {
            try {
                return make.get();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(fn + ": the fields do not make a model: " + e.getMessage(), e);
            }
        }
    }

    private static JsonObject readJson(String fn, Path file) {
        return DataFiles.readJsonObject(fn, file);
    }

    /** {@code model_type} for a configuration, or an error naming the field no architecture represents. */
    public static String modelType(GptConfig c) {
        String fn = "Pretrained.modelType";
        if (c.experts() > 0) {
            throw new IllegalArgumentException(fn + ": experts=" + c.experts() + ": a mixture of experts has no"
                    + " gpt2, llama or qwen2 form");
        }
        if (c.norm() == GptConfig.Norm.LAYER_NORM) {
            if (c.positions() != GptConfig.Positions.LEARNED) {
                throw new IllegalArgumentException(fn + ": positions=" + c.positions() + " with norm=LAYER_NORM: gpt2"
                        + " has learned positions, llama and qwen2 RMSNorm");
            }
            if (!c.mlp().isGelu()) {
                throw new IllegalArgumentException(fn + ": mlp=" + c.mlp() + " with norm=LAYER_NORM: gpt2's MLP is"
                        + " GELU");
            }
            if (c.kvHeads() != c.heads()) {
                throw new IllegalArgumentException(fn + ": kvHeads=" + c.kvHeads() + " with heads=" + c.heads()
                        + ": gpt2 has no grouped-query attention");
            }
            return "gpt2";
        }
        if (c.positions() != GptConfig.Positions.ROPE) {
            throw new IllegalArgumentException(fn + ": positions=" + c.positions() + " with norm=RMS_NORM: llama and"
                    + " qwen2 use RoPE");
        }
        if (c.mlp() != GptConfig.Mlp.SWIGLU) {
            throw new IllegalArgumentException(fn + ": mlp=" + c.mlp() + " with norm=RMS_NORM: llama's and qwen2's MLP"
                    + " is SwiGLU");
        }
        return c.qkvBias() && !c.projBias() && !c.mlpBias() ? "qwen2" : "llama";
    }

    // ------------------------------------------------------------------------------------------------ the weights

    /** One of our parameters as Hugging Face stores it: the tensors it is made of, and how. */
    private record Source(List<String> names, boolean transposed) {
    }

    /** For each of our parameters, where it lives in a {@code model_type} checkpoint whose keys start with {@code p}. */
    private static Map<String, Source> layout(GptConfig c, String type, String p) {
        Map<String, Source> m = new LinkedHashMap<>();
        boolean gpt2 = type.equals("gpt2");
        m.put("wte", one(p + (gpt2 ? "wte.weight" : "embed_tokens.weight"), false));
        if (gpt2) {
            m.put("wpe", one(p + "wpe.weight", false));
        }
        for (int l = 0; l < c.layers(); l++) {
            String ours = "h." + l + ".";
            if (gpt2) {
                String h = p + "h." + l + ".";
                m.put(ours + "ln1.weight", one(h + "ln_1.weight", false));
                m.put(ours + "ln1.bias", one(h + "ln_1.bias", false));
                m.put(ours + "attn.qkv", one(h + "attn.c_attn.weight", true));
                m.put(ours + "attn.qkv.bias", one(h + "attn.c_attn.bias", false));
                m.put(ours + "attn.proj", one(h + "attn.c_proj.weight", true));
                m.put(ours + "attn.proj.bias", one(h + "attn.c_proj.bias", false));
                m.put(ours + "ln2.weight", one(h + "ln_2.weight", false));
                m.put(ours + "ln2.bias", one(h + "ln_2.bias", false));
                m.put(ours + "mlp.fc", one(h + "mlp.c_fc.weight", true));
                m.put(ours + "mlp.fc.bias", one(h + "mlp.c_fc.bias", false));
                m.put(ours + "mlp.proj", one(h + "mlp.c_proj.weight", true));
                m.put(ours + "mlp.proj.bias", one(h + "mlp.c_proj.bias", false));
            } else {
                String h = p + "layers." + l + ".";
                String a = h + "self_attn.";
                m.put(ours + "ln1.weight", one(h + "input_layernorm.weight", false));
                m.put(ours + "attn.qkv", new Source(List.of(a + "q_proj.weight", a + "k_proj.weight",
                        a + "v_proj.weight"), false));
                if (c.qkvBias()) {
                    m.put(ours + "attn.qkv.bias", new Source(List.of(a + "q_proj.bias", a + "k_proj.bias",
                            a + "v_proj.bias"), false));
                }
                m.put(ours + "attn.proj", one(a + "o_proj.weight", false));
                if (c.projBias()) {
                    m.put(ours + "attn.proj.bias", one(a + "o_proj.bias", false));
                }
                m.put(ours + "ln2.weight", one(h + "post_attention_layernorm.weight", false));
                for (String[] pair : new String[][] {{"gate", "gate_proj"}, {"up", "up_proj"}, {"proj", "down_proj"}}) {
                    m.put(ours + "mlp." + pair[0], one(h + "mlp." + pair[1] + ".weight", false));
                    if (c.mlpBias()) {
                        m.put(ours + "mlp." + pair[0] + ".bias", one(h + "mlp." + pair[1] + ".bias", false));
                    }
                }
            }
        }
        m.put("ln_f.weight", one(p + (gpt2 ? "ln_f.weight" : "norm.weight"), false));
        if (gpt2) {
            m.put("ln_f.bias", one(p + "ln_f.bias", false));
        }
        if (!c.tiedEmbeddings()) {
            m.put("lm_head", one("lm_head.weight", false));
        }
        return m;
    }

    private static Source one(String name, boolean transposed) {
        return new Source(List.of(name), transposed);
    }

    /** Tensors a checkpoint may hold that carry no weights: GPT-2's causal-mask buffers, LLaMA's RoPE frequencies. */
    private static boolean ignorable(String name, GptConfig c) {
        return name.endsWith(".attn.bias") || name.endsWith(".attn.masked_bias") || name.endsWith("rotary_emb.inv_freq")
                || c.tiedEmbeddings() && name.equals("lm_head.weight");
    }

    /** The model in {@code dir} on {@link Torch#device()}. */
    public static Gpt load(Path dir) {
        return load(dir, Torch.device());
    }

    /** The model in {@code dir} on {@code device}; nothing half-read is returned. */
    public static Gpt load(Path dir, Device device) {
        String fn = "Pretrained.load(" + dir + ")";
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(fn + ": no such folder");
        }
        GptConfig config = config(dir);
        String type = modelTypeOf(dir);
        Map<String, Safetensors> files = openWeights(fn, dir);
        try {
            Map<String, Safetensors> byTensor = new LinkedHashMap<>();
            files.values().forEach(st -> st.entries().keySet().forEach(name -> byTensor.put(name, st)));
            String prefix = prefix(byTensor.keySet(), type.equals("gpt2") ? "transformer." : "model.");
            Map<String, Source> layout = layout(config, type, prefix);
            Set<String> used = new LinkedHashSet<>();
            layout.values().forEach(s -> used.addAll(s.names()));
            List<String> unexpected = byTensor.keySet().stream()
                    .filter(n -> !used.contains(n) && !ignorable(n, config)).toList();
            if (!unexpected.isEmpty()) {
                throw new IllegalArgumentException(fn + ": " + unexpected.size() + " tensor(s) that a " + type
                        + " model of this config.json does not have: " + abbreviate(unexpected));
            }
            Gpt model = Gpt.blank(config, device);
            try {
                for (Map.Entry<String, NDArray> p : model.parameters().entrySet()) {
                    Source source = layout.get(p.getKey());
                    try (NDScope scope = new NDScope()) {
                        scope.suppressNotUsedWarning();
                        NDArray w = p.getValue();
                        if (!readInPlace(fn, source, byTensor, w, config)) {
                            w.set(new NDIndex("..."), read(fn, source, byTensor, w.getShape(), config,
                                    w.getManager()));
                        }
                        w.setRequiresGradient(true);
                    }
                }
                return model;
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        } finally {
            files.values().forEach(Safetensors::close);
        }
    }

    private static String modelTypeOf(Path dir) {
        Path file = dir.resolve(CONFIG);
        return new Fields("", readJson("Pretrained.config(" + file + ")", file)).string("model_type", "");
    }

    /** The prefix every weight name carries ({@code transformer.} or {@code model.}), or none. */
    private static String prefix(Set<String> names, String candidate) {
        return names.stream().anyMatch(n -> n.startsWith(candidate)) ? candidate : "";
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 6 ? names.toString() : names.subList(0, 6) + " and " + (names.size() - 6) + " more";
    }

    /** The files that hold the weights: the index's shards, or the single file; each opened and checked. */
    private static Map<String, Safetensors> openWeights(String fn, Path dir) {
        Path index = dir.resolve(INDEX);
        List<String> names;
        if (Files.isRegularFile(index)) {
            JsonObject json = readJson("Pretrained.load(" + index + ")", index);
            JsonElement map = json.get("weight_map");
            if (map == null || !map.isJsonObject()) {
                throw new IllegalArgumentException("Pretrained.load(" + index + "): weight_map must be an object of"
                        + " tensor name to shard file, got " + map);
            }
            names = map.getAsJsonObject().entrySet().stream().map(e -> e.getValue().getAsString()).distinct()
                    .toList();
            for (String shard : names) {
                if (shard.contains("/") || shard.contains("\\") || !Files.isRegularFile(dir.resolve(shard))) {
                    throw new IllegalArgumentException("Pretrained.load(" + index + "): it names shard '" + shard
                            + "', which is not a file in " + dir);
                }
            }
        } else if (Files.isRegularFile(dir.resolve(WEIGHTS))) {
            names = List.of(WEIGHTS);
        } else {
            String other = Stream.of("pytorch_model.bin", "model.bin", "tf_model.h5", "flax_model.msgpack")
                    .filter(n -> Files.exists(dir.resolve(n))).findFirst().map(n -> "; " + n + " is there, but only"
                            + " safetensors are read (transformers converts: save_pretrained(safe_serialization=True))")
                    .orElse("");
            throw new IllegalArgumentException(fn + ": neither " + WEIGHTS + " nor " + INDEX + " is there" + other);
        }
        Map<String, Safetensors> files = new LinkedHashMap<>();
        try {
            for (String n : names) {
                files.put(n, Safetensors.open(dir.resolve(n)));
            }
        } catch (RuntimeException e) {
            files.values().forEach(Safetensors::close);
            throw e;
        }
        return files;
    }

    /**
     * Reads a parameter stored as one tensor in our layout straight into its memory (a CPU tensor's); false when it
     * cannot (a GPU tensor, a transposed or split source), and {@link #read} makes it instead.
     */
    private static boolean readInPlace(String fn, Source source, Map<String, Safetensors> byTensor, NDArray w,
                                       GptConfig c) {
        if (source.names().size() != 1 || source.transposed()) {
            return false;
        }
        ByteBuffer view = w.toByteBuffer(true);
        if (!view.isDirect() || view.remaining() != 4 * w.getShape().size()) {
            return false;
        }
        String name = source.names().get(0);
        checkedEntry(fn, name, byTensor, w.getShape(), c);
        byTensor.get(name).readFloat32Into(name, view);
        return true;
    }

    /** The entry of a source tensor, which must exist and have shape {@code expected}. */
    private static Safetensors.Entry checkedEntry(String fn, String name, Map<String, Safetensors> byTensor,
                                                  Shape expected, GptConfig c) {
        Safetensors st = byTensor.get(name);
        if (st == null) {
            throw new IllegalArgumentException(fn + ": tensor '" + name + "' is missing; the " + c.layers()
                    + "-layer model of " + CONFIG + " needs it");
        }
        Safetensors.Entry e = st.entries().get(name);
        if (!new Shape(e.shape()).equals(expected)) {
            throw new IllegalArgumentException(fn + ": tensor '" + name + "' in " + st.file().getFileName()
                    + ": expected shape " + Arrays.toString(expected.getShape()) + ", found "
                    + Arrays.toString(e.shape()));
        }
        return e;
    }

    /**
     * One parameter from its source tensors, as float32 arrays of {@code manager} in the caller's scope; each tensor
     * checked against the shape the configuration implies for it.
     */
    private static NDArray read(String fn, Source source, Map<String, Safetensors> byTensor, Shape shape,
                                GptConfig c, NDManager manager) {
        List<NDArray> parts = new ArrayList<>();
        for (int i = 0; i < source.names().size(); i++) {
            String name = source.names().get(i);
            Shape expected = partShape(source, i, shape, c);
            Safetensors.Entry e = checkedEntry(fn, name, byTensor, expected, c);
            Safetensors st = byTensor.get(name);
            NDArray f = manager.create(expected, DataType.FLOAT32);           // libtorch's memory, uninitialised
            ByteBuffer view = f.toByteBuffer(true);
            if (view.isDirect() && view.remaining() == 4 * e.elements()) {    // a view of it (a CPU tensor): read in
                st.readFloat32Into(name, view);
            } else {                                                          // a GPU tensor: through a copy
                f.close();
                NDArray raw = manager.create(st.float32(name), expected, DataType.FLOAT32);
                f = raw.toType(DataType.FLOAT32, true); // a copy: on the CPU raw lies over the buffer's memory
            }
            parts.add(source.transposed() ? f.transpose(1, 0) : f);
        }
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(new NDList(parts), 0);
    }

    /** The shape of source tensor {@code i} of a parameter of shape {@code shape}: (in, out) for Conv1D; q, k, v rows. */
    private static Shape partShape(Source source, int i, Shape shape, GptConfig c) {
        if (source.transposed()) {
            return new Shape(shape.get(1), shape.get(0));
        }
        if (source.names().size() == 1) {
            return shape;
        }
        long rows = (long) (i == 0 ? c.heads() : c.kvHeads()) * c.headDim(); // q, then k and v
        return shape.dimension() == 1 ? new Shape(rows) : new Shape(rows, shape.get(1));
    }

    // ------------------------------------------------------------------------------------------------ saving

    /** {@link #save(Gpt, Path, SaveOptions)} with the defaults: F32, shards above 5 GB. */
    public static void save(Gpt model, Path dir) {
        save(model, dir, SaveOptions.defaults());
    }

    /**
     * Writes {@code model} to {@code dir} as transformers would save it: {@code config.json} with {@code model_type}
     * ({@link #modelType}), the weights in safetensors (split into shards with an index above
     * {@code options.maxShardBytes()}), names and layouts as transformers' own (GPT-2's Conv1D transposed, q, k and v
     * apart), and zeros for the biases an architecture always has and the model lacks. LoRA adapters are folded into
     * their weights, as PEFT's {@code merge_and_unload}. The folder is written beside {@code dir} and renamed into
     * place, so a crash leaves the old folder or the new one; other files already in {@code dir} (a tokenizer, say)
     * are kept.
     */
    public static void save(Gpt model, Path dir, SaveOptions options) {
        String fn = "Pretrained.save(" + dir + ")";
        GptConfig c = model.config();
        String type = modelType(c);
        boolean gpt2 = type.equals("gpt2");
        boolean attentionBias = c.qkvBias() || c.projBias();
        GptConfig stored = gpt2 ? c.withBiases(true, true, true)
                : type.equals("llama") ? c.withBiases(attentionBias, attentionBias, c.mlpBias()) : c;
        Map<String, Source> layout = layout(stored, type, gpt2 ? "transformer." : "model.");
        Map<String, Safetensors.Tensor> tensors = new TreeMap<>();
        for (Map.Entry<String, Source> e : layout.entrySet()) {
            String ours = e.getKey();
            Source source = e.getValue();
            Shape shape = shapeOf(stored, ours, model);
            for (int i = 0; i < source.names().size(); i++) {
                int part = i;
                Shape partShape = partShape(source, i, shape, stored);
                tensors.put(source.names().get(i), new Safetensors.Tensor(options.dtype(), partShape.getShape(),
                        () -> bytes(model, ours, source, part, partShape, options.dtype())));
            }
        }
        List<Map<String, Safetensors.Tensor>> shards = shard(tensors, options.maxShardBytes());
        Path target = dir.toAbsolutePath();
        Path staging = AtomicFiles.temporarySibling(target);
        try {
            List<Path> kept = keptFiles(fn, target);
            Files.createDirectories(target.getParent());
            Files.createDirectory(staging);
            AtomicFiles.writeString(staging.resolve(CONFIG), new GsonBuilder().setPrettyPrinting().create()
                    .toJson(hfConfig(stored, type, options.dtype())) + "\n");
            Map<String, String> metadata = Map.of("format", "pt");
            if (shards.size() == 1) {
                Safetensors.write(staging.resolve(WEIGHTS), shards.get(0), metadata);
            } else {
                JsonObject weightMap = new JsonObject();
                long total = 0;
                for (int i = 0; i < shards.size(); i++) {
                    String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
                    Safetensors.write(staging.resolve(name), shards.get(i), metadata);
                    for (Map.Entry<String, Safetensors.Tensor> t : shards.get(i).entrySet()) {
                        weightMap.addProperty(t.getKey(), name);
                        total += t.getValue().bytes();
                    }
                }
                JsonObject index = new JsonObject();
                JsonObject meta = new JsonObject();
                meta.addProperty("total_size", total);
                index.add("metadata", meta);
                index.add("weight_map", weightMap);
                AtomicFiles.writeString(staging.resolve(INDEX), new GsonBuilder().setPrettyPrinting().create()
                        .toJson(index) + "\n");
            }
            if (options.tokenizer() instanceof PretrainedTokenizer t) {
                t.copyFilesInto(staging);
            } else if (options.tokenizer() != null) {
                TokenizerJson.save(options.tokenizer(), staging);
            }
            for (Path file : kept) {
                if (!Files.exists(staging.resolve(file.getFileName()))) {    // a tokenizer saved now replaces one
                    Files.copy(file, staging.resolve(file.getFileName()));
                }
            }
            AtomicFiles.replaceDirectory(staging, target);
        } catch (IOException e) {
            deleteQuietly(staging);
            throw new UncheckedIOException(fn + ": " + e, e);
        } catch (RuntimeException e) {
            deleteQuietly(staging);
            throw e;
        }
    }

    private static void deleteQuietly(Path staging) {
        try {
            FileTrees.delete(staging);
        } catch (IOException ignored) {
            // the original error matters more
        }
    }

    /** Files already in {@code dir} that are not this format's own (tokenizer files, a README): they are kept. */
    private static List<Path> keptFiles(String fn, Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            if (Files.exists(dir)) {
                throw new IllegalArgumentException(fn + ": it is a file, not a folder");
            }
            return List.of();
        }
        List<Path> kept = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString();
                if (Files.isDirectory(p)) {
                    throw new IllegalArgumentException(fn + ": the folder holds a folder (" + name + "); save into a"
                            + " new folder or one that holds a model's files only");
                }
                boolean ours = name.equals(CONFIG) || name.equals(WEIGHTS) || name.equals(INDEX)
                        || name.matches("model-\\d+-of-\\d+\\.safetensors");
                if (!ours) {
                    kept.add(p);
                }
            }
        }
        return kept;
    }

    /** Our parameter's shape in the stored configuration (a bias the model lacks has the shape it would have). */
    private static Shape shapeOf(GptConfig stored, String ours, Gpt model) {
        NDArray p = model.parameters().get(ours);
        if (p != null) {
            return p.getShape();
        }
        String weight = ours.substring(0, ours.length() - ".bias".length());
        return new Shape(model.parameters().get(weight).getShape().get(0));
    }

    /** Part {@code part} of our parameter {@code ours} in the stored layout and dtype, as little-endian bytes. */
    private static ByteBuffer bytes(Gpt model, String ours, Source source, int part, Shape partShape,
                                    Safetensors.DType dtype) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray w = model.parameters().get(ours);
            NDManager manager = model.parameters().get("wte").getManager();
            NDArray v = w == null ? manager.zeros(partShape) : withLora(model, ours, w);
            if (source.names().size() > 1) { // q, k, v rows of the fused projection
                long from = part == 0 ? 0 : (long) model.config().heads() * model.config().headDim()
                        + (part - 1) * (long) model.config().kvHeads() * model.config().headDim();
                v = v.get(new NDIndex().addSliceDim(from, from + partShape.get(0)));
            }
            if (source.transposed()) {
                v = v.transpose(1, 0);
            }
            ByteBuffer f32 = v.toDevice(Device.cpu(), false).toType(DataType.FLOAT32, true).toByteBuffer();
            if (dtype == Safetensors.DType.BF16) {
                return Safetensors.toBf16(f32);
            }
            ByteBuffer copy = ByteBuffer.allocateDirect(f32.remaining()).order(ByteOrder.LITTLE_ENDIAN);
            copy.put(f32).flip();
            return copy;
        }
    }

    /** A weight with its LoRA update (alpha/rank)·B·A folded in, or the weight itself. */
    private static NDArray withLora(Gpt model, String name, NDArray w) {
        Double scale = model.loraScale(name);
        if (scale == null) {
            return w.stopGradient();
        }
        NDArray a = model.parameters().get(name + Gpt.LORA + "A");
        NDArray b = model.parameters().get(name + Gpt.LORA + "B");
        return w.stopGradient().add(Gpt.scale(b.stopGradient().matMul(a.stopGradient()), scale));
    }

    /** Tensors in name order, a new shard whenever the next would take the current one past {@code max} bytes. */
    private static List<Map<String, Safetensors.Tensor>> shard(Map<String, Safetensors.Tensor> tensors, long max) {
        List<Map<String, Safetensors.Tensor>> shards = new ArrayList<>();
        Map<String, Safetensors.Tensor> current = new LinkedHashMap<>();
        long size = 0;
        for (Map.Entry<String, Safetensors.Tensor> t : tensors.entrySet()) {
            long b = t.getValue().bytes();
            if (!current.isEmpty() && size + b > max) {
                shards.add(current);
                current = new LinkedHashMap<>();
                size = 0;
            }
            current.put(t.getKey(), t.getValue());
            size += b;
        }
        shards.add(current);
        return shards;
    }

    /** config.json as transformers writes it for {@code type}. */
    private static JsonObject hfConfig(GptConfig c, String type, Safetensors.DType dtype) {
        JsonObject j = new JsonObject();
        j.add("architectures", JsonParser.parseString(switch (type) {
            case "gpt2" -> "[\"GPT2LMHeadModel\"]";
            case "qwen2" -> "[\"Qwen2ForCausalLM\"]";
            default -> "[\"LlamaForCausalLM\"]";
        }));
        j.addProperty("model_type", type);
        j.addProperty("vocab_size", c.vocabSize());
        if (type.equals("gpt2")) {
            j.addProperty("n_positions", c.contextLength());
            j.addProperty("n_ctx", c.contextLength());
            j.addProperty("n_embd", c.dModel());
            j.addProperty("n_layer", c.layers());
            j.addProperty("n_head", c.heads());
            j.addProperty("n_inner", c.mlpHidden());
            j.addProperty("activation_function", c.mlp() == GptConfig.Mlp.GELU ? "gelu" : "gelu_new");
            j.addProperty("layer_norm_epsilon", c.normEps());
            for (String drop : new String[] {"resid_pdrop", "embd_pdrop", "attn_pdrop"}) {
                j.addProperty(drop, c.dropout());
            }
            j.addProperty("scale_attn_weights", true);
        } else {
            j.addProperty("hidden_size", c.dModel());
            j.addProperty("intermediate_size", c.mlpHidden());
            j.addProperty("num_hidden_layers", c.layers());
            j.addProperty("num_attention_heads", c.heads());
            j.addProperty("num_key_value_heads", c.kvHeads());
            j.addProperty("head_dim", c.headDim());
            j.addProperty("hidden_act", "silu");
            j.addProperty("max_position_embeddings", c.contextLength());
            j.addProperty("rms_norm_eps", c.normEps());
            j.addProperty("rope_theta", c.ropeTheta());
            j.add("rope_scaling", com.google.gson.JsonNull.INSTANCE);
            j.addProperty("attention_dropout", c.dropout());
            if (type.equals("llama")) {
                j.addProperty("attention_bias", c.qkvBias());
                j.addProperty("mlp_bias", c.mlpBias());
            } else {
                j.addProperty("use_sliding_window", false);
            }
        }
        j.addProperty("tie_word_embeddings", c.tiedEmbeddings());
        j.addProperty("initializer_range", 0.02);
        j.addProperty("use_cache", true);
        j.addProperty("torch_dtype", dtype == Safetensors.DType.BF16 ? "bfloat16" : "float32");
        return j;
    }
}
