package org.assay.lib.train;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.assay.base.FileTrees;
import org.assay.lib.model.GptConfig;
import org.assay.base.AtomicFiles;

/**
 * A checkpoint directory: {@code state.json} (configuration, step, seed, the caller's extra state) and
 * {@code weights.bin} / {@code optimizer.bin} (named float32 tensors, each file ending in a CRC-32 of its bytes).
 * Written into a temporary sibling directory and renamed into place, so a crash leaves either the old checkpoint or
 * the new one, never a half-written one; a corrupt file is detected on reading.
 */
record Checkpoint(GptConfig config, long step, long seed, Map<String, String> extra, Map<String, float[]> weights,
                  Map<String, float[]> firstMoments, Map<String, float[]> secondMoments) {

    private static final int MAGIC = 0x41535359; // "ASSY"
    private static final int VERSION = 1;
    private static final Gson GSON = RunSpec.GSON;

    static void write(Path dir, GptConfig config, Map<String, float[]> weights, Map<String, float[]> m,
                      Map<String, float[]> v, long step, long seed, Map<String, String> extra) {
        Path target = dir.toAbsolutePath();
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
                + System.nanoTime());
        try {
            Files.createDirectories(target.getParent());
            Files.createDirectory(tmp);
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("format", "assay-checkpoint");
            state.put("version", VERSION);
            state.put("step", step);
            state.put("seed", seed);
            state.put("config", config);
            state.put("extra", extra);
            writeUtf8(tmp.resolve("state.json"), GSON.toJson(state));
            writeTensors(tmp.resolve("weights.bin"), weights);
            if (!m.isEmpty()) {
                Map<String, float[]> both = new LinkedHashMap<>();
                m.forEach((k, x) -> both.put("m." + k, x));
                v.forEach((k, x) -> both.put("v." + k, x));
                writeTensors(tmp.resolve("optimizer.bin"), both);
            }
            AtomicFiles.replaceDirectory(tmp, target);
        } catch (IOException e) {
            try {
                FileTrees.delete(tmp);
            } catch (IOException ignored) {
                // the original error matters more
            }
            throw new UncheckedIOException("saveState(" + dir + "): " + e.getMessage(), e);
        }
    }

    static Checkpoint read(Path dir) {
        String fn = "loadState(" + dir + ")";
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(fn + ": no checkpoint directory there");
        }
        try {
            Map<String, Object> state = GSON.fromJson(Files.readString(dir.resolve("state.json")),
                    new TypeToken<Map<String, Object>>() { }.getType());
            if (state == null) {
                throw new IllegalArgumentException(fn + ": state.json is empty");
            }
            if (!"assay-checkpoint".equals(state.get("format"))) {
                throw new IllegalArgumentException(fn + ": state.json is not an Assay checkpoint");
            }
            GptConfig config = GSON.fromJson(GSON.toJson(state.get("config")), GptConfig.class);
            // Gson builds records through their constructor, which validates; older files read as GptConfigJson says
            Map<String, String> extra = GSON.fromJson(GSON.toJson(state.get("extra")),
                    new TypeToken<Map<String, String>>() { }.getType());
            Map<String, float[]> weights = readTensors(fn, dir.resolve("weights.bin"));
            Map<String, float[]> m = new LinkedHashMap<>();
            Map<String, float[]> v = new LinkedHashMap<>();
            Path opt = dir.resolve("optimizer.bin");
            if (Files.exists(opt)) {
                readTensors(fn, opt).forEach((k, x) -> (k.startsWith("m.") ? m : v).put(k.substring(2), x));
            }
            return new Checkpoint(config, ((Number) state.get("step")).longValue(),
                    ((Number) state.get("seed")).longValue(), extra == null ? Map.of() : extra, weights, m, v);
        } catch (IOException e) {
            throw new UncheckedIOException(fn + ": " + e.getMessage(), e);
        } catch (com.google.gson.JsonParseException | NullPointerException | ClassCastException e) {
            throw new IllegalArgumentException(fn + ": state.json is malformed: " + e.getMessage(), e);
        }
    }

    private static void writeTensors(Path file, Map<String, float[]> tensors) throws IOException {
        // FileOutputStream, not an NIO channel: a thread interrupt (the notebook's stop button) must not abort the
        // checkpoint that the interrupt asked for.
        try (java.io.FileOutputStream fos = new java.io.FileOutputStream(file.toFile());
             OutputStream raw = new BufferedOutputStream(fos, 1 << 16)) {
            CRC32 crc = new CRC32();
            DataOutputStream out = new DataOutputStream(new CheckedOutputStream(raw, crc));
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(tensors.size());
            for (Map.Entry<String, float[]> e : tensors.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().length);
                for (float x : e.getValue()) {
                    out.writeFloat(x);
                }
            }
            out.flush();
            DataOutputStream tail = new DataOutputStream(raw);
            tail.writeLong(crc.getValue());
            tail.flush();
            fos.getFD().sync();
        }
    }

    /** Writes text with a FileOutputStream (not interruptible) and syncs it to disk. */
    static void writeUtf8(Path file, String text) throws IOException {
        try (java.io.FileOutputStream fos = new java.io.FileOutputStream(file.toFile())) {
            fos.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            fos.getFD().sync();
        }
    }

    private static Map<String, float[]> readTensors(String fn, Path file) throws IOException {
        long size = Files.size(file);
        try (InputStream raw = new BufferedInputStream(new java.io.FileInputStream(file.toFile()), 1 << 16)) {
            CRC32 crc = new CRC32();
            DataInputStream in = new DataInputStream(new CheckedInputStream(raw, crc));
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new IllegalArgumentException(fn + ": " + file.getFileName() + " is not an Assay tensor file");
            }
            int count = in.readInt();
            Map<String, float[]> tensors = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                int n = in.readInt();
                if (n < 0 || 4L * n > size) {
                    throw new IllegalArgumentException(fn + ": " + file.getFileName() + " is corrupt (tensor '" + name
                            + "' claims " + n + " values)");
                }
                float[] x = new float[n];
                for (int j = 0; j < n; j++) {
                    x[j] = in.readFloat();
                }
                tensors.put(name, x);
            }
            long expected = crc.getValue();
            long stored = new DataInputStream(raw).readLong();
            if (stored != expected) {
                throw new IllegalArgumentException(fn + ": " + file.getFileName() + " is corrupt (checksum mismatch)");
            }
            return tensors;
        } catch (java.io.EOFException e) {
            throw new IllegalArgumentException(fn + ": " + file.getFileName() + " is truncated", e);
        }
    }
}
