package org.assay.lib.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assay.base.AtomicFiles;

/**
 * Token ids in nanoGPT's {@code train.bin} form: unsigned 16-bit integers, little-endian, nothing else (what its
 * {@code prepare.py} writes with {@code np.array(ids, dtype=np.uint16).tofile(...)}), so a corpus tokenized elsewhere
 * trains here as it is. Ids must be below 65,536.
 */
public final class TokenFile {
    private TokenFile() {
    }

    /** The ids in {@code file}; an odd byte count (a truncated file) or an empty file is an error naming the file. */
    public static int[] read(Path file) {
        String fn = "TokenFile.read";
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(fn + ": no such file: " + file.toAbsolutePath());
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(fn + ": cannot read " + file + ": " + e.getMessage(), e);
        }
        if (bytes.length == 0 || bytes.length % 2 != 0) {
            throw new IllegalArgumentException(fn + ": " + file + " must hold 2 bytes per token (uint16, little-endian,"
                    + " nanoGPT's .bin), got " + bytes.length + " bytes" + (bytes.length == 0 ? "" : " (truncated?)"));
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int[] ids = new int[bytes.length / 2];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = Short.toUnsignedInt(b.getShort());
        }
        return ids;
    }

    /** Writes {@code ids} to {@code file} atomically; each must be in [0, 65535]. */
    public static void write(Path file, int[] ids) {
        String fn = "TokenFile.write";
        ByteBuffer b = ByteBuffer.allocate(ids.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] > 0xFFFF) {
                throw new IllegalArgumentException(fn + ": ids must be in [0, 65535] (uint16), got " + ids[i]
                        + " at index " + i);
            }
            b.putShort((short) ids[i]);
        }
        try {
            AtomicFiles.write(file, b.array());
        } catch (IOException e) {
            throw new UncheckedIOException(fn + ": cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The largest id of {@code ids} (-1 when empty). */
    public static int maxId(int[] ids) {
        int max = -1;
        for (int id : ids) {
            max = Math.max(max, id);
        }
        return max;
    }
}
