package org.assay.lib.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a checkpoint folder can be wrong is an error naming the file, the tensor, the expectation and the find. */
class PretrainedBadInputTest {
    static final GptConfig LLAMA = GptConfig.llamaStyle(40, 1, 16, 2).withContextLength(8);

    @TempDir
    Path tmp;
    Path dir;

    @BeforeEach
    void save() {
        dir = tmp.resolve("model");
        try (Gpt model = Gpt.create(LLAMA, 1)) {
            Pretrained.save(model, dir);
        }
    }

    private String loadError() {
        return assertThrows(IllegalArgumentException.class, () -> Pretrained.load(dir).close()).getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + p + "' in: " + message);
        }
    }

    @Test
    void missingFilesAndUnknownTypes() throws IOException {
        Files.delete(dir.resolve("model.safetensors"));
        assertMentions(loadError(), "model.safetensors", "model.safetensors.index.json", "neither");
        Files.writeString(dir.resolve("pytorch_model.bin"), "pickle");
        assertMentions(loadError(), "pytorch_model.bin", "only safetensors");
        Files.delete(dir.resolve("config.json"));
        assertMentions(loadError(), "config.json", "no such file");
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"mamba\"}");
        assertMentions(loadError(), "config.json", "model_type", "gpt2, llama, qwen2", "mamba");
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"llama\", \"rope_scaling\": {\"type\":"
                + " \"linear\", \"factor\": 2}}");
        assertMentions(loadError(), "rope_scaling", "linear");
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"llama\", \"hidden_size\": \"wide\"}");
        assertMentions(loadError(), "hidden_size", "must be an integer", "wide");
        Files.writeString(dir.resolve("config.json"), "{not json");
        assertMentions(loadError(), "config.json", "not valid JSON");
        assertThrows(IllegalArgumentException.class, () -> Pretrained.load(tmp.resolve("nowhere")));
    }

    @Test
    void aMissingUnexpectedOrMisshapenTensor() throws IOException {
        Map<String, Safetensors.Tensor> tensors = readAll();
        Safetensors.Tensor q = tensors.remove("model.layers.0.self_attn.q_proj.weight");
        write(tensors);
        assertMentions(loadError(), "model.layers.0.self_attn.q_proj.weight", "missing");

        tensors.put("model.layers.0.self_attn.q_proj.weight", q);
        tensors.put("model.layers.7.mlp.gate_proj.weight", q);
        write(tensors);
        assertMentions(loadError(), "model.layers.7.mlp.gate_proj.weight", "does not have");

        tensors.remove("model.layers.7.mlp.gate_proj.weight");
        Safetensors.Tensor k = tensors.get("model.layers.0.self_attn.k_proj.weight");
        tensors.put("model.layers.0.self_attn.k_proj.weight", new Safetensors.Tensor(k.dtype(), new long[] {16, 8},
                k.bytesSupplier()));
        write(tensors);
        assertMentions(loadError(), "model.layers.0.self_attn.k_proj.weight", "model.safetensors",
                "expected shape [8, 16]", "found [16, 8]");
    }

    @Test
    void aWrongDtypeATruncatedFileAndOffsetsPastTheEnd() throws IOException {
        Path file = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);

        Files.write(file, Arrays.copyOf(bytes, bytes.length - 10));
        assertMentions(loadError(), "model.safetensors", "run past the end", "truncated");

        Files.write(file, Arrays.copyOf(bytes, 6));
        assertMentions(loadError(), "model.safetensors", "6 bytes", "truncated");

        String i32 = header.replaceFirst("\"F32\"", "\"I32\"");
        Files.write(file, withHeader(bytes, n, i32));
        assertMentions(loadError(), "model.safetensors", "dtype must be one of", "I32");

        String grown = header.replaceFirst("\"data_offsets\":\\[0,(\\d+)\\]", "\"data_offsets\":[0,99999999]");
        Files.write(file, withHeader(bytes, n, grown));
        assertMentions(loadError(), "model.safetensors", "run past the end");

        byte[] lying = bytes.clone();
        ByteBuffer.wrap(lying, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
        Files.write(file, lying);
        assertMentions(loadError(), "model.safetensors", "header length");
    }

    @Test
    void anIndexThatNamesAMissingShard() throws IOException {
        Path sharded = tmp.resolve("sharded");
        try (Gpt model = Gpt.create(LLAMA, 1)) {
            Pretrained.save(model, sharded, Pretrained.SaveOptions.defaults().withMaxShardBytes(4000));
        }
        try (var files = Files.list(sharded)) {
            List<Path> shards = files.filter(p -> p.getFileName().toString().matches("model-\\d+-of-\\d+.*"))
                    .sorted().toList();
            assertTrue(shards.size() >= 2, shards.toString());
            Files.delete(shards.get(1));
            String message = assertThrows(IllegalArgumentException.class, () -> Pretrained.load(sharded))
                    .getMessage();
            assertMentions(message, "model.safetensors.index.json", shards.get(1).getFileName().toString(),
                    "not a file");
        }
    }

    @Test
    void aModelNoArchitectureRepresentsIsRefusedAndNothingIsWritten() {
        for (GptConfig c : List.of(GptConfig.tiny(20).withExperts(2, 1),
                GptConfig.tiny(20).withPositions(GptConfig.Positions.ROPE),
                GptConfig.tiny(20).withMlp(GptConfig.Mlp.SWIGLU),
                LLAMA.withNorm(GptConfig.Norm.LAYER_NORM).withPositions(GptConfig.Positions.LEARNED))) {
            Path target = tmp.resolve("refused");
            try (Gpt model = Gpt.create(c, 1)) {
                String message = assertThrows(IllegalArgumentException.class, () -> Pretrained.save(model, target))
                        .getMessage();
                assertTrue(message.startsWith("Pretrained.modelType: ") && message.contains("="), message);
            }
            assertFalse(Files.exists(target));
        }
        assertEquals("gpt2", Pretrained.modelType(GptConfig.tiny(20)));
        assertEquals("llama", Pretrained.modelType(LLAMA));
        assertEquals("qwen2", Pretrained.modelType(LLAMA.withBiases(true, false, false)));
    }

    private byte[] withHeader(byte[] original, long n, String header) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(8 + padded + (int) (original.length - 8 - n)).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(h);
        for (int i = h.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        out.put(original, 8 + (int) n, (int) (original.length - 8 - n));
        return out.array();
    }

    private Map<String, Safetensors.Tensor> readAll() {
        Map<String, Safetensors.Tensor> tensors = new java.util.TreeMap<>();
        try (Safetensors st = Safetensors.open(dir.resolve("model.safetensors"))) {
            st.entries().forEach((name, e) -> {
                ByteBuffer b = st.bytes(name);
                tensors.put(name, new Safetensors.Tensor(e.dtype(), e.shape(), b::duplicate));
            });
        }
        return tensors;
    }

    private void write(Map<String, Safetensors.Tensor> tensors) {
        Safetensors.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
    }
}
