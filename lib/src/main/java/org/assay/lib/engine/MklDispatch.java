package org.assay.lib.engine;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Lets the MKL inside libtorch run its fast kernels on non-Intel x86 CPUs.
 *
 * <p>The CPU build of libtorch does its float32 matrix products with Intel's oneMKL, linked into
 * {@code libtorch_cpu.so}. MKL picks a code path from the CPU's features only when its vendor check
 * ({@code mkl_serv_intel_cpu_true}, exported by libtorch) says "GenuineIntel"; on an AMD EPYC with AVX-512 it otherwise
 * takes a generic path. Measured on the 2-core CI machine (AMD EPYC, AVX-512): 1024³ matmul peak 206 → 475 GFLOP/s,
 * and a training step of the larger bench/train model 436 → 245 ms. The widely used fix is to make that one function
 * return 1 (an {@code LD_PRELOAD} shim; see Intel's community forum and the "MKL on AMD" write-ups); MKL then still
 * chooses the path from the CPUID feature bits, so a CPU without AVX-512 gets the AVX2 kernels.
 *
 * <p>Assay does this in-process, right after libtorch loads and before its first product: it finds the function in
 * the ELF dynamic symbol table of the mapped {@code libtorch_cpu.so}, checks that the bytes in memory are the file's
 * bytes, writes {@code mov eax, 1; ret} through {@code /proc/self/mem} (the page becomes a private copy; the file is
 * untouched) and reads them back. Anything unexpected leaves the code as it is and says why in {@link #status()}.
 * {@code ASSAY_MKL_VENDOR_CHECK=keep} turns this off. Results stay deterministic for a given machine and thread count;
 * the last bits of float32 sums differ from the generic path's, as they do between any two BLAS kernels.
 */
final class MklDispatch {
    static final String SYMBOL = "mkl_serv_intel_cpu_true";
    static final String OPT_OUT = "ASSAY_MKL_VENDOR_CHECK";
    /** {@code mov eax, 1; ret}: "this is an Intel CPU". */
    static final byte[] RETURN_ONE = {(byte) 0xB8, 1, 0, 0, 0, (byte) 0xC3};

    private static String status = "engine not loaded";

    private MklDispatch() {
    }

    static synchronized String status() {
        return status;
    }

    /** Called once by {@link Torch#engine()} after libtorch is loaded. */
    static synchronized void apply() {
        status = decide();
        if (status.startsWith("MKL generic path")) {
            System.err.println("Torch: " + status);
        }
    }

    private static String decide() {
        String optOut = System.getenv(OPT_OUT);
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        String vendor = cpuVendor();
        String reason = skipReason(optOut, os, arch, vendor);
        if (reason != null) {
            return reason;
        }
        Path lib;
        long loadStart;
        try {
            Mapping m = mapping("libtorch_cpu.so");
            if (m == null) {
                return "no libtorch_cpu.so mapped: MKL left as it is";
            }
            lib = m.path();
            loadStart = m.start();
        } catch (IOException e) {
            return "MKL generic path: cannot read /proc/self/maps (" + e.getMessage() + ")";
        }
        try {
            Elf.Symbol sym = Elf.dynamicSymbol(lib, SYMBOL);
            if (sym == null) {
                return "no MKL in " + lib.getFileName() + " (no " + SYMBOL + "): left as it is";
            }
            if (sym.size() < RETURN_ONE.length) {
                return "MKL generic path: " + SYMBOL + " is " + sym.size() + " bytes, too short to replace";
            }
            long address = loadStart + sym.value() - sym.loadBias();
            byte[] file = Elf.read(lib, sym.fileOffset(), RETURN_ONE.length);
            try (RandomAccessFile mem = new RandomAccessFile("/proc/self/mem", "rw")) {
                byte[] now = read(mem, address, RETURN_ONE.length);
                if (Arrays.equals(now, RETURN_ONE)) {
                    return "MKL with its CPU-feature dispatch (vendor check already bypassed)";
                }
                if (!Arrays.equals(now, file)) {
                    return "MKL generic path: the code of " + SYMBOL + " in memory (" + HexFormat.of().formatHex(now)
                            + ") is not the file's (" + HexFormat.of().formatHex(file) + "), left alone";
                }
                mem.seek(address);
                mem.write(RETURN_ONE);
                if (!Arrays.equals(read(mem, address, RETURN_ONE.length), RETURN_ONE)) {
                    return "MKL generic path: writing " + SYMBOL + " did not take";
                }
            }
            return "MKL with its CPU-feature dispatch (vendor check bypassed on this " + vendor + " CPU)";
        } catch (IOException | RuntimeException e) {
            return "MKL generic path: could not bypass its vendor check (" + e + "); matrix products run about 2x "
                    + "slower on this CPU; " + OPT_OUT + "=keep silences this";
        }
    }

    /** Why nothing is to be done, or null when the vendor check should be bypassed. */
    static String skipReason(String optOut, String os, String arch, String vendor) {
        if (optOut != null && optOut.trim().equalsIgnoreCase("keep")) {
            return "MKL as shipped (" + OPT_OUT + "=keep)";
        }
        if (optOut != null && !optOut.isBlank() && !optOut.trim().equalsIgnoreCase("bypass")) {
            throw new IllegalArgumentException("Torch: " + OPT_OUT + " must be 'keep' or 'bypass', got '" + optOut
                    + "'");
        }
        if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return "MKL as shipped (not Linux x86-64)";
        }
        if (vendor == null) {
            return "MKL as shipped (CPU vendor unknown)";
        }
        if (vendor.equals("GenuineIntel")) {
            return "MKL as shipped (Intel CPU)";
        }
        return null;
    }

    static String cpuVendor() {
        try {
            return Torch.cpuinfo("vendor_id");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    record Mapping(Path path, long start) {
    }

    /** The lowest address at which a file whose name is {@code fileName} is mapped from offset 0, or null. */
    static Mapping mapping(String fileName) throws IOException {
        Mapping best = null;
        List<String> lines = Files.readAllLines(Path.of("/proc/self/maps"), StandardCharsets.UTF_8);
        for (String line : lines) {
            String[] f = line.trim().split("\\s+", 6); // start-end perms offset dev inode path
            if (f.length < 6 || !f[5].endsWith("/" + fileName) || Long.parseUnsignedLong(f[2], 16) != 0) {
                continue;
            }
            long start = Long.parseUnsignedLong(f[0].substring(0, f[0].indexOf('-')), 16);
            if (best == null || Long.compareUnsigned(start, best.start()) < 0) {
                best = new Mapping(Path.of(f[5]), start);
            }
        }
        return best;
    }

    private static byte[] read(RandomAccessFile mem, long address, int n) throws IOException {
        byte[] b = new byte[n];
        mem.seek(address);
        mem.readFully(b);
        return b;
    }

    /** Just enough of ELF64 (little-endian) to find an exported function and where its code sits in the file. */
    static final class Elf {
        private static final int PT_LOAD = 1;
        private static final int SHT_DYNSYM = 11;
        private static final int STT_FUNC = 2;

        /**
         * @param value      the symbol's virtual address (st_value)
         * @param size       its size in bytes
         * @param fileOffset where its bytes are in the file
         * @param loadBias   the virtual address of the segment mapped from file offset 0 (0 for ordinary libraries)
         */
        record Symbol(long value, long size, long fileOffset, long loadBias) {
        }

        private Elf() {
        }

        static Symbol dynamicSymbol(Path file, String name) throws IOException {
            try (FileChannel ch = FileChannel.open(file)) {
                ByteBuffer h = readAt(ch, 0, 64);
                if (h.getInt(0) != 0x464C457F || h.get(4) != 2 || h.get(5) != 1) { // "\x7FELF", 64-bit, little-endian
                    throw new IOException(file + " is not a little-endian ELF64 file");
                }
                long phoff = h.getLong(0x20);
                long shoff = h.getLong(0x28);
                int phentsize = Short.toUnsignedInt(h.getShort(0x36));
                int phnum = Short.toUnsignedInt(h.getShort(0x38));
                int shentsize = Short.toUnsignedInt(h.getShort(0x3A));
                int shnum = Short.toUnsignedInt(h.getShort(0x3C));
                ByteBuffer sh = readAt(ch, shoff, shentsize * shnum);
                Long value = null;
                long size = 0;
                for (int i = 0; i < shnum && value == null; i++) {
                    if (sh.getInt(i * shentsize + 4) != SHT_DYNSYM) {
                        continue;
                    }
                    long symOff = sh.getLong(i * shentsize + 0x18);
                    long symSize = sh.getLong(i * shentsize + 0x20);
                    long entSize = sh.getLong(i * shentsize + 0x38);
                    int link = sh.getInt(i * shentsize + 0x28);
                    long strOff = sh.getLong(link * shentsize + 0x18);
                    long strSize = sh.getLong(link * shentsize + 0x20);
                    ByteBuffer syms = ch.map(FileChannel.MapMode.READ_ONLY, symOff, symSize)
                            .order(ByteOrder.LITTLE_ENDIAN);
                    ByteBuffer strs = ch.map(FileChannel.MapMode.READ_ONLY, strOff, strSize);
                    byte[] want = (name + "\0").getBytes(StandardCharsets.US_ASCII);
                    for (long s = 0; s + entSize <= symSize; s += entSize) {
                        int nameAt = syms.getInt((int) s);
                        int type = syms.get((int) s + 4) & 0xF;
                        long v = syms.getLong((int) s + 8);
                        if (type == STT_FUNC && v != 0 && nameAt + want.length <= strSize
                                && matches(strs, nameAt, want)) {
                            value = v;
                            size = syms.getLong((int) s + 16);
                            break;
                        }
                    }
                }
                if (value == null) {
                    return null;
                }
                ByteBuffer ph = readAt(ch, phoff, phentsize * phnum);
                Long bias = null;
                Long fileOffset = null;
                for (int i = 0; i < phnum; i++) {
                    int at = i * phentsize;
                    if (ph.getInt(at) != PT_LOAD) {
                        continue;
                    }
                    long offset = ph.getLong(at + 0x08);
                    long vaddr = ph.getLong(at + 0x10);
                    long filesz = ph.getLong(at + 0x20);
                    long align = Math.max(1, ph.getLong(at + 0x30));
                    if (offset == 0 && bias == null) {
                        bias = vaddr & -align;
                    }
                    if (value >= vaddr && value + size <= vaddr + filesz) {
                        fileOffset = value - vaddr + offset;
                    }
                }
                if (bias == null || fileOffset == null) {
                    throw new IOException(file + ": no loadable segment holds " + name);
                }
                return new Symbol(value, size, fileOffset, bias);
            }
        }

        static byte[] read(Path file, long offset, int n) throws IOException {
            byte[] b = new byte[n];
            try (FileChannel ch = FileChannel.open(file)) {
                readAt(ch, offset, n).get(b);
            }
            return b;
        }

        private static boolean matches(ByteBuffer strs, int at, byte[] want) {
            for (int k = 0; k < want.length; k++) {
                if (strs.get(at + k) != want[k]) {
                    return false;
                }
            }
            return true;
        }

        private static ByteBuffer readAt(FileChannel ch, long offset, int n) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining()) {
                if (ch.read(b, offset + b.position()) < 0) {
                    throw new IOException("unexpected end of file at offset " + (offset + b.position()));
                }
            }
            return b.flip();
        }
    }
}
