package org.assay.lib.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Matrix products in bfloat16 on float32 tensors, with autograd: what {@code torch.autocast(dtype=torch.bfloat16)}
 * does to {@code linear} and {@code matmul}. Each product casts its float32 operands to bfloat16, multiplies them
 * (float32 accumulation in oneDNN/MKL on a CPU, cuBLAS on a GPU) and widens the bfloat16 result back to float32, so
 * everything around it — norms, softmax, the loss, the gradients reaching float32 master weights, the optimizer —
 * stays in float32. Autocast would keep the result in bfloat16 until the next op that asks for float32; widening it
 * at once costs a pass over the output and keeps every tensor the rest of Assay sees in float32.
 *
 * <p>Why a TorchScript module: DJL's PyTorch JNI (every version to 0.36, {@code GetScalarTypeFromDType}) maps no
 * dtype to bfloat16 and aborts the JVM when asked for one, so no DJL call can make a bfloat16 tensor. libtorch itself
 * can, and it compiles TorchScript source when it loads a module: this class writes a module of three methods in
 * TorchScript's archive format (a zip of the source, a pickled object and a version; {@link #archive}) and runs them
 * through DJL's {@code moduleRunMethod} with autograd on, so the bfloat16 tensors live and die inside libtorch.
 * {@code moduleRunMethod} with training on is not public in DJL (its public {@code runMethod} turns autograd off), so
 * it is reached by a method handle; a DJL without it fails here with its version named.
 *
 * <p>Speed, measured on 2 cores of an AMD EPYC with AVX-512 BF16 (2026-12-08): a (2048, 768) × (768, 768) product,
 * casts included, at 594 GFLOP/s against float32's 361; whole training steps 1.12–1.24× as many tokens/s as float32
 * on bench/train's larger model (width 256), 0.95–1.18× on its reference model (width 128), over three runs. Without AVX-512 BF16 or AMX ({@link #nativeSupport}) libtorch converts and may be slower
 * than float32. A call costs about 25 µs more than DJL's own {@code linear}, which small models feel.
 */
public final class Bf16 {
    /** TorchScript source of the module; dtype 15 is bfloat16 and 6 float32 (c10::ScalarType). */
    static final String SOURCE = String.join("\n",
            "class Bf16(Module):",
            "  __parameters__ = []",
            "  __buffers__ = []",
            "  training : bool",
            "  def forward(self: __torch__.Bf16,",
            "    x: Tensor) -> Tensor:",
            "    return x",
            "  def linear(self: __torch__.Bf16,",
            "    x: Tensor,",
            "    w: Tensor) -> Tensor:",
            "    y = torch.linear(torch.to(x, 15), torch.to(w, 15))",
            "    return torch.to(y, 6)",
            "  def linear_bias(self: __torch__.Bf16,",
            "    x: Tensor,",
            "    w: Tensor,",
            "    b: Tensor) -> Tensor:",
            "    y = torch.linear(torch.to(x, 15), torch.to(w, 15), torch.to(b, 15))",
            "    return torch.to(y, 6)",
            "  def matmul(self: __torch__.Bf16,",
            "    a: Tensor,",
            "    b: Tensor) -> Tensor:",
            "    y = torch.matmul(torch.to(a, 15), torch.to(b, 15))",
            "    return torch.to(y, 6)",
            "");

    private static volatile Bf16 instance;

    private final PtSymbolBlock module;
    private final MethodHandle runMethod;    // PyTorchLibrary.moduleRunMethod(long, String, long[], boolean, boolean)
    private final MethodHandle ivalueOf;     // new IValue(long)

    private Bf16(PtSymbolBlock module, MethodHandle runMethod, MethodHandle ivalueOf) {
        this.module = module;
        this.runMethod = runMethod;
        this.ivalueOf = ivalueOf;
    }

    /** The module, loaded into libtorch once per JVM. */
    public static Bf16 get() {
        Bf16 b = instance;
        if (b == null) {
            synchronized (Bf16.class) {
                b = instance;
                if (b == null) {
                    b = load();
                    instance = b;
                }
            }
        }
        return b;
    }

    private static Bf16 load() {
        Torch.engine();
        MethodHandle run;
        MethodHandle ivalue;
        try {
            Class<?> library = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(library, MethodHandles.lookup());
            Object lib = lookup.findStaticVarHandle(library, "LIB", library).get();
            run = lookup.findVirtual(library, "moduleRunMethod", MethodType.methodType(long.class, long.class,
                    String.class, long[].class, boolean.class, boolean.class)).bindTo(lib);
            ivalue = MethodHandles.privateLookupIn(IValue.class, MethodHandles.lookup())
                    .findConstructor(IValue.class, MethodType.methodType(void.class, long.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("Bf16: DJL " + Torch.DJL_VERSION + " lacks PyTorchLibrary.moduleRunMethod"
                    + "(long, String, long[], boolean, boolean) or IValue(long), which bfloat16 products need (DJL"
                    + " 0.33-0.36 have them): " + e, e);
        }
        PtNDManager manager = (PtNDManager) Torch.engine().newBaseManager(); // held for the JVM's life
        try {
            PtSymbolBlock module = JniUtils.loadModule(manager, new ByteArrayInputStream(archive()), true, false);
            return new Bf16(module, run, ivalue);
        } catch (IOException e) {
            throw new UncheckedIOException("Bf16: loading its TorchScript module: " + e, e);
        }
    }

    /** {@code x·Wᵀ} in bfloat16, as float32: x (..., in), w (out, in) → (..., out). */
    public NDArray linear(NDArray x, NDArray w) {
        return run("linear", x, w);
    }

    /** {@code x·Wᵀ + b} in bfloat16, as float32; {@code b} null for none. */
    public NDArray linear(NDArray x, NDArray w, NDArray b) {
        return b == null ? run("linear", x, w) : run("linear_bias", x, w, b);
    }

    /** {@code a·b} (batched as {@code torch.matmul}) in bfloat16, as float32. */
    public NDArray matMul(NDArray a, NDArray b) {
        return run("matmul", a, b);
    }

    private NDArray run(String method, NDArray... inputs) {
        IValue[] in = new IValue[inputs.length];
        long[] handles = new long[inputs.length];
        try {
            for (int i = 0; i < inputs.length; i++) {
                in[i] = IValue.from((PtNDArray) inputs[i]);
                handles[i] = in[i].getHandle();
            }
            long handle = module.getHandle();
            long result = (long) runMethod.invokeExact(handle, method, handles, true, false);
            try (IValue out = (IValue) ivalueOf.invokeExact(result)) {
                return out.toTensor((PtNDManager) inputs[0].getManager());
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("Bf16." + method + ": " + e, e);
        } finally {
            for (IValue v : in) {
                if (v != null) {
                    v.close();
                }
            }
        }
    }

    /**
     * The module as a TorchScript archive: {@code bf16/code/__torch__.py} (the source above, compiled by libtorch
     * when it loads), {@code bf16/data.pkl} (the module object: a pickle of class {@code __torch__.Bf16} with its
     * {@code training} flag), {@code bf16/constants.pkl} (an empty tuple) and {@code bf16/version}; entries stored,
     * not deflated, as torch.jit.save writes them.
     */
    static byte[] archive() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            stored(zip, "bf16/data.pkl", dataPickle());
            stored(zip, "bf16/code/__torch__.py", SOURCE.getBytes(StandardCharsets.UTF_8));
            stored(zip, "bf16/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'}); // PROTO 2, EMPTY_TUPLE, STOP
            stored(zip, "bf16/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Pickle protocol 2: {@code __torch__.Bf16} made with no arguments, then its state {training: True} set. */
    private static byte[] dataPickle() {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2);                                                   // PROTO 2
        p.writeBytes("c__torch__\nBf16\n".getBytes(StandardCharsets.US_ASCII)); // GLOBAL
        p.write(')');                                                 // EMPTY_TUPLE
        p.write(0x81);                                                // NEWOBJ
        p.write('}');                                                 // EMPTY_DICT
        byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
        p.write('X');                                                 // BINUNICODE, 4-byte little-endian length
        p.write(key.length);
        p.write(0);
        p.write(0);
        p.write(0);
        p.writeBytes(key);
        p.write(0x88);                                                // NEWTRUE
        p.write('s');                                                 // SETITEM
        p.write('b');                                                 // BUILD
        p.write('.');                                                 // STOP
        return p.toByteArray();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        e.setTime(315532800000L); // 1980-01-01, the zip epoch: the same bytes every time
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /**
     * Whether this machine multiplies bfloat16 natively: "avx512_bf16" or "amx_bf16" from /proc/cpuinfo on a CPU
     * (else "emulated: ..." with what it has), "cuda" on a GPU (compute capability 8.0 or newer does it in tensor
     * cores; older GPUs convert).
     */
    public static String nativeSupport() {
        if (Torch.device().isGpu()) {
            return "cuda";
        }
        try {
            String flags = Objects.requireNonNullElse(Torch.cpuinfo("flags"), "").toLowerCase(Locale.ROOT);
            for (String f : new String[] {"amx_bf16", "avx512_bf16"}) {
                if ((" " + flags + " ").contains(" " + f + " ")) {
                    return f;
                }
            }
            return "emulated: the CPU reports neither avx512_bf16 nor amx_bf16";
        } catch (IOException | RuntimeException e) {
            return "unknown: /proc/cpuinfo unreadable (" + e.getMessage() + ")";
        }
    }
}
