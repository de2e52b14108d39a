package org.assay.lib.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.assay.base.AtomicFiles;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of JSON naming each tensor's
 * dtype, shape and byte range, then the tensors' bytes, row-major and little-endian. A file is checked whole when it
 * is opened (every range inside the data, of the size its dtype and shape need, none overlapping), so a truncated or
 * inconsistent file is refused before anything is read; errors name the file and the tensor.
 */
public final class Safetensors implements AutoCloseable {

    /** The element types read and written (others, e.g. integer tensors, are refused by name). */
    public enum DType {
        F32(4), F16(2), BF16(2);

        final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }
    }

    /** One tensor's entry in the header; {@code begin} and {@code end} are offsets into the data, end exclusive. */
    public record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        public long elements() {
            return Arrays.stream(shape).reduce(1, Math::multiplyExact);
        }
    }

    private static final long MAX_HEADER = 100L << 20; // the Rust reader's limit

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;
    private ByteBuffer scratch;                   // BF16/F16 bytes on their way to float32, reused

    private Safetensors(Path file, FileChannel channel, long dataStart, Map<String, Entry> entries,
                        Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Opens {@code file} and checks its header against its size; the caller closes it. */
    public static Safetensors open(Path file) {
        String fn = "Safetensors.open(" + file + ")";
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(fn + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException(fn + ": " + e, e);
        }
        try {
            long size = channel.size();
            if (size < 8) {
                throw new IllegalArgumentException(fn + ": the file has " + size + " bytes, fewer than the 8 of the"
                        + " header length; it is truncated or not safetensors");
            }
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, len, 0);
            long n = len.flip().getLong();
            if (n <= 0 || n > MAX_HEADER || n > size - 8) {
                throw new IllegalArgumentException(fn + ": the header length must be in [1, " + Math.min(MAX_HEADER,
                        size - 8) + "] (the file has " + size + " bytes), got " + n
                        + "; the file is truncated or not safetensors");
            }
            ByteBuffer header = ByteBuffer.allocate((int) n);
            readFully(channel, header, 8);
            String json = new String(header.array(), StandardCharsets.UTF_8);
            Safetensors st = parse(fn, file, channel, 8 + n, size - 8 - n, json);
            channel = null; // owned by st now
            return st;
        } catch (IOException e) {
            throw new UncheckedIOException(fn + ": " + e, e);
        } finally {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the original error matters more
                }
            }
        }
    }

    private static Safetensors parse(String fn, Path file, FileChannel channel, long dataStart, long dataSize,
                                     String json) {
        JsonObject root;
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException(fn + ": the header must be a JSON object, got " + abbreviate(json));
            }
            root = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(fn + ": the header is not valid JSON (" + e.getMessage() + ")");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : root.entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                if (e.getValue().isJsonObject()) {
                    e.getValue().getAsJsonObject().entrySet().forEach(m -> metadata.put(m.getKey(),
                            m.getValue().isJsonPrimitive() ? m.getValue().getAsString() : m.getValue().toString()));
                }
                continue;
            }
            entries.put(name, entry(fn, name, e.getValue(), dataSize));
        }
        Entry[] byStart = entries.values().toArray(Entry[]::new);
        Arrays.sort(byStart, (a, b) -> Long.compare(a.begin(), b.begin()));
        for (int i = 1; i < byStart.length; i++) {
            if (byStart[i].begin() < byStart[i - 1].end()) {
                throw new IllegalArgumentException(fn + ": tensors '" + byStart[i - 1].name() + "' and '"
                        + byStart[i].name() + "' overlap (bytes " + byStart[i - 1].begin() + ".." + byStart[i - 1].end()
                        + " and " + byStart[i].begin() + ".." + byStart[i].end() + ")");
            }
        }
        return new Safetensors(file, channel, dataStart, Collections.unmodifiableMap(entries),
                Collections.unmodifiableMap(metadata));
    }

    private static Entry entry(String fn, String name, JsonElement value, long dataSize) {
        String where = fn + ": tensor '" + name + "'";
        try {
            JsonObject o = value.getAsJsonObject();
            String dtypeName = o.get("dtype").getAsString();
            DType dtype;
            try {
                dtype = DType.valueOf(dtypeName);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": dtype must be one of " + Arrays.toString(DType.values())
                        + ", got " + dtypeName);
            }
            long[] shape = new long[o.getAsJsonArray("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = o.getAsJsonArray("shape").get(i).getAsLong();
                if (shape[i] < 0) {
                    throw new IllegalArgumentException(where + ": shape " + o.get("shape") + " has a negative size");
                }
            }
            var offsets = o.getAsJsonArray("data_offsets");
            if (offsets.size() != 2) {
                throw new IllegalArgumentException(where + ": data_offsets must be [begin, end], got " + offsets);
            }
            long begin = offsets.get(0).getAsLong();
            long end = offsets.get(1).getAsLong();
            Entry entry = new Entry(name, dtype, shape, begin, end);
            long expected = Math.multiplyExact(entry.elements(), dtype.bytes);
            if (begin < 0 || end < begin) {
                throw new IllegalArgumentException(where + ": data_offsets must satisfy 0 <= begin <= end, got "
                        + offsets);
            }
            if (end > dataSize) {
                throw new IllegalArgumentException(where + ": data_offsets " + offsets + " run past the end of the"
                        + " data (" + dataSize + " bytes); the file is truncated");
            }
            if (end - begin != expected) {
                throw new IllegalArgumentException(where + ": " + dtype + " " + Arrays.toString(shape) + " needs "
                        + expected + " bytes, data_offsets " + offsets + " hold " + (end - begin));
            }
            return entry;
        } catch (IllegalStateException | NullPointerException | UnsupportedOperationException
                 | NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(where + ": the entry must be {\"dtype\": ..., \"shape\": [...],"
                    + " \"data_offsets\": [begin, end]}, got " + abbreviate(String.valueOf(value)));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += n;
        }
    }

    public Path file() {
        return file;
    }

    /** The tensors by name, in the header's order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    /** The header's {@code __metadata__} (string to string), empty when it has none. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** A tensor's raw bytes (little-endian) in a new direct buffer. */
    public ByteBuffer bytes(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("Safetensors.bytes(" + file + "): no tensor '" + name + "'");
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(e.end() - e.begin()))
                .order(ByteOrder.LITTLE_ENDIAN);
        try {
            readFully(channel, buffer, dataStart + e.begin());
        } catch (IOException ex) {
            throw new UncheckedIOException("Safetensors.bytes(" + file + "): tensor '" + name + "': " + ex, ex);
        }
        return buffer.flip();
    }

    /**
     * A tensor as float32 (little-endian, in a new direct buffer): F32 as stored, BF16 and F16 widened exactly. The
     * widening is done here rather than by libtorch, whose bfloat16 path through DJL aborts the process.
     */
    public ByteBuffer float32(String name) {
        ByteBuffer raw = bytes(name);
        DType dtype = entries.get(name).dtype();
        if (dtype == DType.F32) {
            return raw;
        }
        int n = raw.remaining() / 2;
        ByteBuffer out = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            int h = raw.getShort() & 0xFFFF;
            out.putFloat(dtype == DType.BF16 ? Float.intBitsToFloat(h << 16) : halfToFloat(h));
        }
        return out.flip();
    }

    /**
     * Reads a tensor as float32 straight into {@code target} (little-endian, exactly 4 bytes an element): memory the
     * caller owns, such as a libtorch tensor's, so a load makes no copy of its own that must wait for a garbage
     * collection to be freed. BF16 and F16 pass through one scratch buffer, reused, and are widened exactly.
     */
    public void readFloat32Into(String name, ByteBuffer target) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("Safetensors.readFloat32Into(" + file + "): no tensor '" + name + "'");
        }
        long elements = e.elements();
        if (target.remaining() != 4 * elements) {
            throw new IllegalArgumentException("Safetensors.readFloat32Into(" + file + "): tensor '" + name + "' has "
                    + elements + " elements, so target must have " + 4 * elements + " bytes remaining, got "
                    + target.remaining());
        }
        ByteBuffer out = target.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        try {
            if (e.dtype() == DType.F32) {
                readFully(channel, out, dataStart + e.begin());
                return;
            }
            int n = Math.toIntExact(elements);
            if (scratch == null || scratch.capacity() < 2 * n) {
                scratch = ByteBuffer.allocateDirect(2 * n).order(ByteOrder.LITTLE_ENDIAN);
            }
            ByteBuffer raw = scratch.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            raw.limit(2 * n);
            readFully(channel, raw, dataStart + e.begin());
            java.nio.ShortBuffer in = scratch.duplicate().order(ByteOrder.LITTLE_ENDIAN).limit(2 * n).asShortBuffer();
            java.nio.IntBuffer bits = out.asIntBuffer();
            if (e.dtype() == DType.BF16) {
                for (int i = 0; i < n; i++) {
                    bits.put(i, (in.get(i) & 0xFFFF) << 16);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    bits.put(i, Float.floatToRawIntBits(halfToFloat(in.get(i) & 0xFFFF)));
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("Safetensors.readFloat32Into(" + file + "): tensor '" + name + "': " + ex,
                    ex);
        }
    }

    /** IEEE 754 binary16 to float, exactly (subnormals, infinities and NaN included). */
    static float halfToFloat(int h) {
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | mantissa << 13);
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f; // subnormal: mantissa · 2^-24, exact in float
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | (exponent + 112) << 23 | mantissa << 13);
    }

    /** float32 to bfloat16 bits, rounding to nearest with ties to even as torch does; NaN stays a quiet NaN. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** Little-endian float32 bytes as little-endian bfloat16 bytes, in a new direct buffer. */
    public static ByteBuffer toBf16(ByteBuffer float32) {
        ByteBuffer in = float32.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.allocateDirect(in.remaining() / 2).order(ByteOrder.LITTLE_ENDIAN);
        while (in.hasRemaining()) {
            out.putShort(floatToBf16(in.getFloat()));
        }
        return out.flip();
    }

    @Override
    public void close() {
        scratch = null;
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Safetensors.close(" + file + "): " + e, e);
        }
    }

    /**
     * A tensor to write: its dtype, shape and its bytes (little-endian, row-major), asked for only when it is written,
     * so that one tensor's bytes at a time are in memory.
     */
    public record Tensor(DType dtype, long[] shape, Supplier<ByteBuffer> bytesSupplier) {
        long bytes() {
            return Math.multiplyExact(Arrays.stream(shape).reduce(1, Math::multiplyExact), dtype.bytes);
        }
    }

    /**
     * Writes {@code tensors} (in their map order) and {@code metadata} to {@code file} atomically: a crash leaves the old
     * file or the new one. The header is padded with spaces to a multiple of 8 bytes, as the Rust writer does.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        String fn = "Safetensors.write(" + file + ")";
        JsonObject header = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject m = new JsonObject();
            metadata.forEach(m::addProperty);
            header.add("__metadata__", m);
        }
        long at = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            JsonObject o = new JsonObject();
            o.addProperty("dtype", t.dtype().name());
            var shape = new com.google.gson.JsonArray();
            for (long s : t.shape()) {
                shape.add(s);
            }
            o.add("shape", shape);
            var offsets = new com.google.gson.JsonArray();
            offsets.add(at);
            at += t.bytes();
            offsets.add(at);
            o.add("data_offsets", offsets);
            header.add(e.getKey(), o);
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
        try {
            AtomicFiles.write(file, out -> {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
                out.write(len.array());
                out.write(headerBytes);
                var channel = Channels.newChannel(out);
                for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                    writeTensor(fn, e.getKey(), e.getValue(), channel);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(fn + ": " + e, e);
        }
    }

    private static void writeTensor(String fn, String name, Tensor t, java.nio.channels.WritableByteChannel out)
            throws IOException {
        ByteBuffer buffer = t.bytesSupplier().get();
        if (buffer.remaining() != t.bytes()) {
            throw new IllegalStateException(fn + ": tensor '" + name + "' gave " + buffer.remaining() + " bytes, its "
                    + t.dtype() + " " + Arrays.toString(t.shape()) + " needs " + t.bytes());
        }
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }
}
