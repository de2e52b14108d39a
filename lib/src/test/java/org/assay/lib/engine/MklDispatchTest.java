package org.assay.lib.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MKL vendor-check bypass: when it applies, that it found the right bytes (memory = the file's bytes before, the
 * replacement after), and that matrix products on whatever path MKL then takes are still right.
 */
class MklDispatchTest {
    @TempDir
    Path tmp;

    @Test
    void appliesOnlyToNonIntelLinuxX86UnlessKept() {
        assertNull(MklDispatch.skipReason(null, "linux", "amd64", "AuthenticAMD"));
        assertNull(MklDispatch.skipReason("bypass", "linux", "amd64", "HygonGenuine"));
        assertTrue(MklDispatch.skipReason("keep", "linux", "amd64", "AuthenticAMD").contains("=keep"));
        assertTrue(MklDispatch.skipReason(null, "linux", "amd64", "GenuineIntel").contains("Intel CPU"));
        assertTrue(MklDispatch.skipReason(null, "linux", "aarch64", "AuthenticAMD").contains("not Linux x86-64"));
        assertTrue(MklDispatch.skipReason(null, "mac os x", "x86_64", "AuthenticAMD").contains("not Linux x86-64"));
        assertTrue(MklDispatch.skipReason(null, "linux", "amd64", null).contains("unknown"));
        var e = assertThrows(IllegalArgumentException.class,
                () -> MklDispatch.skipReason("off", "linux", "amd64", "AuthenticAMD"));
        assertEquals("Torch: ASSAY_MKL_VENDOR_CHECK must be 'keep' or 'bypass', got 'off'", e.getMessage());
    }

    @Test
    void findsTheExportedFunctionAndEitherReplacedItOrSaysWhyNot() throws IOException {
        Torch.engine();
        String status = MklDispatch.status();
        MklDispatch.Mapping lib = MklDispatch.mapping("libtorch_cpu.so");
        assertNotNull(lib, "libtorch_cpu.so is mapped once the engine is loaded");
        MklDispatch.Elf.Symbol sym = MklDispatch.Elf.dynamicSymbol(lib.path(), MklDispatch.SYMBOL);
        assertNotNull(sym, "the CPU build of libtorch exports " + MklDispatch.SYMBOL);
        assertTrue(sym.size() >= MklDispatch.RETURN_ONE.length && sym.fileOffset() > 0, sym.toString());
        byte[] file = MklDispatch.Elf.read(lib.path(), sym.fileOffset(), MklDispatch.RETURN_ONE.length);
        byte[] memory = new byte[MklDispatch.RETURN_ONE.length];
        try (RandomAccessFile mem = new RandomAccessFile("/proc/self/mem", "r")) {
            mem.seek(lib.start() + sym.value() - sym.loadBias());
            mem.readFully(memory);
        }
        boolean wanted = MklDispatch.skipReason(System.getenv(MklDispatch.OPT_OUT), System.getProperty("os.name")
                .toLowerCase(java.util.Locale.ROOT), System.getProperty("os.arch"), MklDispatch.cpuVendor()) == null;
        if (wanted && status.contains("bypassed")) {
            assertArrayEquals(MklDispatch.RETURN_ONE, memory, status);
        } else {
            // Not wanted (an Intel CPU, ASSAY_MKL_VENDOR_CHECK=keep), or it could not be done: the code is the file's
            assertArrayEquals(file, memory, status);
            assertTrue(!wanted || status.startsWith("MKL generic path"), status);
        }
    }

    @Test
    void symbolLookupMissesCleanlyAndRefusesNonElfFiles() throws IOException {
        Torch.engine();
        Path lib = MklDispatch.mapping("libtorch_cpu.so").path();
        assertNull(MklDispatch.Elf.dynamicSymbol(lib, "no_such_function_in_libtorch"));
        Path text = Files.writeString(tmp.resolve("not-elf.so"), "just text, long enough to hold an ELF header......"
                + "................................................................");
        var e = assertThrows(IOException.class, () -> MklDispatch.Elf.dynamicSymbol(text, MklDispatch.SYMBOL));
        assertTrue(e.getMessage().contains("not a little-endian ELF64 file"), e.getMessage());
    }

    /** Whichever kernels MKL picked, products of awkward shapes must match a double-precision product. */
    @Test
    void matrixProductsAreRightOnThePathMklTakes() {
        SplittableRandom rng = new SplittableRandom(7);
        int m = 67;
        int k = 301;
        int n = 45;
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        float[] product;
        float[] batched;
        try (NDManager manager = Torch.engine().newBaseManager(Torch.device())) {
            NDArray x = manager.create(a, new Shape(m, k));
            NDArray y = manager.create(b, new Shape(k, n));
            product = x.matMul(y).toFloatArray();
            NDArray xs = x.reshape(1, m, k).repeat(0, 3); // (3, m, k)
            NDArray ys = y.reshape(1, k, n).repeat(0, 3);
            batched = xs.matMul(ys).toFloatArray();     // bmm
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double exact = 0;
                for (int p = 0; p < k; p++) {
                    exact += (double) a[i * k + p] * b[p * n + j];
                }
                assertEquals(exact, product[i * n + j], 1e-4, "(" + i + ", " + j + ")");
                for (int r = 0; r < 3; r++) {
                    assertEquals(exact, batched[r * m * n + i * n + j], 1e-4, "batch " + r + " (" + i + ", " + j + ")");
                }
            }
        }
    }
}
