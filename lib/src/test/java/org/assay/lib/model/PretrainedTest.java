package org.assay.lib.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assay.lib.train.AdamW;
import org.assay.lib.train.TrainingClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hugging Face checkpoints against an independent float64 forward in Python with Debian's torch
 * ({@code src/test/python/hf_reference.py}: its own safetensors reader and writer, transformers' equations, no Assay
 * code). The random tiny models have sharp attention, so a wrong RoPE layout or a transposed Conv1D fails by far —
 * checked below by asking the reference for Meta's interleaved RoPE instead.
 */
public class PretrainedTest {
    static final Path SCRIPT = Stream.of("src/test/python/hf_reference.py", "lib/src/test/python/hf_reference.py")
            .map(Path::of).filter(Files::exists).findFirst().orElse(Path.of("src/test/python/hf_reference.py"));
    static final int[][] TOKENS = {{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3}, {2, 7, 1, 8, 2, 8, 1, 8, 2, 8,
            4, 5, 9, 0, 4, 5}}; // two rows of the context length, 16

    @TempDir
    Path tmp;

    /** type, dtype, shards, key prefix, tied head. */
    static Stream<Object[]> checkpoints() {
        return Stream.of(new Object[] {"gpt2", "F32", 1, true, true}, new Object[] {"gpt2", "BF16", 3, false, true},
                new Object[] {"gpt2", "F32", 1, true, false}, new Object[] {"llama", "F32", 1, true, false},
                new Object[] {"llama", "BF16", 2, true, true}, new Object[] {"llama", "F32", 1, false, false},
                new Object[] {"qwen2", "F32", 1, true, false}, new Object[] {"qwen2", "BF16", 3, true, true});
    }

    @ParameterizedTest(name = "{0} {1} shards={2} prefix={3} tied={4}")
    @MethodSource("checkpoints")
    void logitsEqualTheReferenceForward(String type, String dtype, int shards, boolean prefix, boolean tied)
            throws Exception {
        Path dir = tmp.resolve("m");
        List<String> args = new ArrayList<>(List.of("make", dir.toString(), "--type", type, "--dtype", dtype,
                "--shards", String.valueOf(shards), "--seed", "7"));
        if (!prefix) {
            args.add("--no-prefix");
        }
        if (!tied) {
            args.add("--untied");
        }
        python(args);
        try (Gpt model = Pretrained.load(dir)) {
            assertEquals(type, Pretrained.modelType(model.config()));
            float[] ours = logits(model, TOKENS);
            double[] ref = reference(dir, TOKENS, "rotate-half");
            double err = relativeError(ours, ref);
            assertTrue(err < 1e-5, type + ": max |ours − reference| / max |reference| = " + err);
            if (!type.equals("gpt2")) {
                double wrong = relativeError(ours, reference(dir, TOKENS, "interleaved"));
                assertTrue(wrong > 0.05, "the interleaved RoPE layout must differ by far on these weights: " + wrong);
            }
            CpuDecoderTest.assertDecodesLikeAFullForward(model); // the KV cache and the Java decoder, too
        }
    }

    @Test
    void loadSaveLoadGivesIdenticalLogitsAndBf16IsReadBackByTheReference() throws Exception {
        for (String type : List.of("gpt2", "llama", "qwen2")) {
            Path dir = tmp.resolve(type);
            python(List.of("make", dir.toString(), "--type", type, "--seed", "3", "--untied"));
            try (Gpt model = Pretrained.load(dir)) {
                float[] first = logits(model, TOKENS);
                Path again = tmp.resolve(type + "-again");
                Pretrained.save(model, again);
                try (Gpt reloaded = Pretrained.load(again)) {
                    assertEquals(model.config(), reloaded.config());
                    assertArrayEquals(first, logits(reloaded, TOKENS), type + ": load → save → load");
                }
                Path sharded = tmp.resolve(type + "-bf16");
                Pretrained.save(model, sharded, Pretrained.SaveOptions.defaults()
                        .withDtype(Safetensors.DType.BF16).withMaxShardBytes(20_000));
                assertTrue(Files.exists(sharded.resolve(Pretrained.INDEX)), "shards above 20 kB");
                try (Gpt bf16 = Pretrained.load(sharded)) {
                    double err = relativeError(logits(bf16, TOKENS), reference(sharded, TOKENS, "rotate-half"));
                    assertTrue(err < 1e-5, type + " in BF16 shards, against the reference reading them: " + err);
                    double rounding = relativeError(logits(bf16, TOKENS), toDouble(first));
                    assertTrue(rounding > 0 && rounding < 0.1, type + ": BF16 rounds the weights, a little: "
                            + rounding);
                }
            }
        }
    }

    /** Models born here — trained a few steps, without biases, LoRA folded in — read right in the reference. */
    @Test
    void aModelTrainedHereReadsCorrectlyInTheReference() throws Exception {
        GptConfig gpt2 = GptConfig.tiny(61).withContextLength(16).withWidth(32, 4);
        GptConfig llama = GptConfig.llamaStyle(61, 2, 32, 4).withContextLength(16).withTiedEmbeddings(false);
        GptConfig qwen2 = llama.withBiases(true, false, false).withRopeTheta(1e6).withMlpHidden(40);
        for (GptConfig c : List.of(gpt2, llama, qwen2)) {
            try (TrainingClient client = TrainingClient.create(c, 11)) {
                int[] in = TOKENS[0];
                int[] out = TOKENS[1];
                for (int step = 0; step < 3; step++) {
                    client.forwardBackward(in, out, 1);
                    client.optimStep(AdamW.defaults().withLearningRate(1e-2));
                }
                if (c == qwen2) {
                    client.model().addLora(2, 4, java.util.Set.of("attn.qkv", "mlp.up"), 5);
                    client.forwardBackward(in, out, 1);
                    client.optimStep(AdamW.defaults().withLearningRate(5e-2));
                }
                Path dir = tmp.resolve("trained-" + Pretrained.modelType(c));
                client.savePretrained(dir);
                float[] ours = logits(client.model(), TOKENS);
                double err = relativeError(ours, reference(dir, TOKENS, "rotate-half"));
                assertTrue(err < 1e-5, Pretrained.modelType(c) + " trained here, in the reference: " + err);
                try (TrainingClient back = TrainingClient.fromPretrained(dir, 1)) {
                    assertTrue(relativeError(logits(back.model(), TOKENS), toDouble(ours)) < 1e-6,
                            "and read back here");
                }
            }
        }
    }

    @Test
    void savingKeepsOtherFilesAndWritesTransformersConfig() throws Exception {
        Path dir = tmp.resolve("keep");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        Files.writeString(dir.resolve("model-00001-of-00009.safetensors"), "stale");
        try (Gpt model = Gpt.create(GptConfig.llamaStyle(40, 1, 16, 2), 1)) {
            Pretrained.save(model, dir);
        }
        assertEquals("{}", Files.readString(dir.resolve("tokenizer.json")));
        assertFalse(Files.exists(dir.resolve("model-00001-of-00009.safetensors")), "a stale shard is not kept");
        JsonObject cfg = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
        assertEquals("llama", cfg.get("model_type").getAsString());
        assertEquals(1, cfg.get("num_key_value_heads").getAsInt());
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of("keep"), files.map(p -> p.getFileName().toString()).toList(), "no staging left");
        }
    }

    static float[] logits(Gpt model, int[][] rows) {
        int[] flat = Stream.of(rows).flatMapToInt(java.util.Arrays::stream).toArray();
        return model.logits(flat, rows.length);
    }

    static double relativeError(float[] ours, double[] ref) {
        assertEquals(ref.length, ours.length, "logit count");
        double maxRef = 0;
        double maxDiff = 0;
        for (int i = 0; i < ref.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
            maxDiff = Math.max(maxDiff, Math.abs(ours[i] - ref[i]));
        }
        return maxDiff / maxRef;
    }

    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    double[] reference(Path dir, int[][] rows, String rope) throws Exception {
        Path out = Files.createTempFile(tmp, "logits", ".json");
        StringBuilder tokens = new StringBuilder();
        for (int[] row : rows) {
            if (tokens.length() > 0) {
                tokens.append('/');
            }
            tokens.append(String.join(",", java.util.Arrays.stream(row).mapToObj(String::valueOf).toList()));
        }
        python(List.of("logits", dir.toString(), "--tokens", tokens.toString(), "--rope", rope, "--out",
                out.toString()));
        var json = JsonParser.parseString(Files.readString(out)).getAsJsonObject().getAsJsonArray("logits");
        double[] ref = new double[json.size()];
        for (int i = 0; i < ref.length; i++) {
            ref[i] = json.get(i).getAsDouble();
        }
        return ref;
    }

    /** Runs the reference script with the Python that has torch ({@code $PYTHON}, as ./assay sets it, or python3). */
    public static void python(List<String> args) throws IOException, InterruptedException {
        String python = System.getenv().getOrDefault("PYTHON", "python3");
        List<String> cmd = new ArrayList<>(List.of(python, SCRIPT.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            fail("the reference (" + String.join(" ", cmd) + ") failed; it needs Debian's python3-torch, which"
                    + " ./assay test installs:\n" + output);
        }
    }
}
