#!/usr/bin/env python3
"""bench/train: training and sampling throughput, Assay against a PyTorch eager peer, printed as one JSON object.
Training: tokens/s, median step time and MFU (against each side's measured matmul peak) for the reference GPT
(GptConfig.small(256): 4 layers, width 128, 4 heads, context 128, batch 16, random bytes) and a larger one (6 layers,
width 256, 8 heads). Sampling: tokens/s with and without a KV cache (16-token prompt, 256 new tokens, 1 and 8
samples). bfloat16: both training configurations again with bfloat16 matrix products and float32 master weights (the
peer under torch.autocast), and Assay's loss gap between bfloat16 and float32 after the same 300 steps on a synthetic
language.
Both sides use the same shapes, optimizer, steps and thread count, in the same run. Builds nothing: run ./assay build
first (./assay bench train builds when needed).
Run: ./assay bench train [--steps S] [--warmup W] [--threads T]
     ./assay bench train --decoders   (cached decoding per step, Java decoder against libtorch, by rows: the auto rule)"""
import argparse
import json
import os
import pathlib
import platform
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))
from common import cpu_model, run_json  # noqa: E402

PEER_PYTHON = "/usr/bin/python3"  # Debian's python3-torch
MALLOC_ENV = ("MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")  # LaunchEnv.MALLOC
TARGETS = {"train_ratio": 1.1, "mfu_reference": 0.35, "mfu_larger": 0.50, "kv_cache_speedup": 5,
           "long_generation_ratio_n1": 2.0, "long_generation_ratio_n16": 1.2}


def run(what, command, env=None):
    return run_json("train", what, command, env)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=30, help="timed training steps per configuration (default 30)")
    ap.add_argument("--warmup", type=int, default=10,
                    help="untimed steps first: at least this many (default 10, nanoGPT bench.py's burn-in) "
                         "and at least 10 s (the JIT compiling)")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="intra-op threads, both sides (default: cores)")
    ap.add_argument("--decoders", action="store_true",
                    help="instead: time cached decoding with each decoder (ASSAY_DECODER=java, libtorch) by rows")
    args = ap.parse_args()
    if args.steps < 1 or args.warmup < 0 or args.threads < 1:
        ap.error(f"need --steps >= 1, --warmup >= 0, --threads >= 1, got {args.steps}, {args.warmup}, {args.threads}")
    jar = ROOT / "kernel/target/assay-kernel.jar"
    if not jar.exists():
        sys.exit(f"bench train: {jar} is missing; run ./assay build first")
    peer_python = PEER_PYTHON if os.access(PEER_PYTHON, os.X_OK) else sys.executable
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None

    classpath = os.pathsep.join([str(jar), str(ROOT / "kernel/target/lib/*")])
    if args.decoders:
        return decoders(classpath, args.threads, load)
    assay = run("the Java side (TrainBench.java)",
                ["java", "-cp", classpath, str(HERE / "TrainBench.java"), str(args.steps), str(args.warmup)],
                env=dict(os.environ, ASSAY_THREADS=str(args.threads)))
    pytorch = run(f"the PyTorch peer ({peer_python} torch_peer.py; Debian: python3-torch and libopenblas0-openmp)",
                  [peer_python, str(HERE / "torch_peer.py"), str(args.steps), str(args.warmup), str(assay["threads"])])

    configs = ("reference", "larger")
    ns = ("n1", "n8")
    ratios = {
        "train_tokens_per_sec_assay_over_pytorch": {
            k: round(assay[k]["tokens_per_sec"] / pytorch[k]["tokens_per_sec"], 3) for k in configs},
        "step_ms_median_pytorch_over_assay": {
            k: round(pytorch[k]["step_ms_median"] / assay[k]["step_ms_median"], 3) for k in configs},
        "kv_cache_speedup_assay": {n: assay["sampling"][n]["kv_cache_speedup"] for n in ns},
        "kv_cache_speedup_pytorch": {n: pytorch["sampling"][n]["kv_cache_speedup"] for n in ns},
        "sampling_kv_cache_tokens_per_sec_assay_over_pytorch": {
            n: round(assay["sampling"][n]["kv_cache_tokens_per_sec"]
                     / pytorch["sampling"][n]["kv_cache_tokens_per_sec"], 3) for n in ns},
        "matmul_peak_assay_over_pytorch": round(assay["matmul_peak_flops"] / pytorch["matmul_peak_flops"], 3),
        "long_generation_tokens_per_sec_assay_over_pytorch": {
            n: round(assay["long_generation"][n]["tokens_per_sec"] / pytorch["long_generation"][n]["tokens_per_sec"], 3)
            for n in ("n1", "n16")},
        "bf16_over_f32_tokens_per_sec_assay": {
            k: round(assay["bf16"][k]["tokens_per_sec"] / assay[k]["tokens_per_sec"], 3) for k in configs},
        "bf16_over_f32_tokens_per_sec_pytorch": {
            k: round(pytorch["bf16"][k]["tokens_per_sec"] / pytorch[k]["tokens_per_sec"], 3) for k in configs},
        "bf16_train_tokens_per_sec_assay_over_pytorch": {
            k: round(assay["bf16"][k]["tokens_per_sec"] / pytorch["bf16"][k]["tokens_per_sec"], 3) for k in configs},
    }
    # Each side's MFU is against its own BLAS's peak; the same hardware can do the higher of the two
    best_peak = max(assay["matmul_peak_flops"], pytorch["matmul_peak_flops"])
    mfu_common = {"peak_flops": best_peak, **{
        side: {k: round(r[k]["tokens_per_sec"] * r[k]["flops_per_token"] / best_peak, 4) for k in configs}
        for side, r in (("assay", assay), ("pytorch", pytorch))}}
    checks = {  # what makes the comparison fair; any false here is worth a look before reading the ratios
        "same_threads": assay["threads"] == pytorch["threads"],
        "same_parameter_counts": all(assay[k]["parameters"] == pytorch[k]["parameters"] for k in configs),
        "same_flops_per_token": all(assay[k]["flops_per_token"] == pytorch[k]["flops_per_token"] for k in configs),
        "peer_blas": pytorch["blas"]["name"],
        "peer_blas_ok": not pytorch["blas"]["warnings"],
        "peer_openblas_core": pytorch["blas"].get("openblas_core"),
        "assay_cpu_blas": assay["cpu_blas"],
        # Both sides start from this process's environment: the same glibc malloc settings (./assay sets them)
        "malloc_env_both_sides": {k: os.environ.get(k) for k in MALLOC_ENV},
        # Random bytes: both losses sit near ln 256 = 5.545; a broken BLAS path on either side would show here
        # The warm-up rule is written on each side (TrainBench.java, torch_peer.py): it must be the same
        "same_warmup": assay["train_warmup_seconds"] == pytorch["train_warmup_seconds"]
        and all(assay["sampling"][k] == pytorch["sampling"][k] for k in ("warmup_seconds", "timed_seconds")),
        "last_losses_agree": all(abs(assay[k]["last_loss"] - pytorch[k]["last_loss"]) < 0.05 for k in configs),
        "bf16_last_losses_agree": all(abs(assay["bf16"][k]["last_loss"] - pytorch["bf16"][k]["last_loss"]) < 0.05
                                      for k in configs),
        # bfloat16 products run natively only with AVX-512 BF16 or AMX (or on a GPU); elsewhere they are converted
        "bf16_native": assay["bf16"]["native"],
        # 2 (keys, values) · layers · kvHeads · headDim · 4 bytes, against what a filled cache holds
        "kv_cache_bytes_per_token_match_formula": assay["long_generation"]["kv_cache_bytes_per_token"]
        == assay["long_generation"]["kv_cache_bytes_per_token_formula"],
        "same_long_generation": all(assay["long_generation"][k] == pytorch["long_generation"][k]
                                    for k in ("config", "new_tokens", "warmup_seconds", "timed_seconds")),
    }
    print(json.dumps({
        "benchmark": "train",
        "machine": {"cores": os.cpu_count(), "cpu": cpu_model(), "os": platform.platform(),
                    "load_average_1min_at_start": load, "threads": args.threads},
        "settings": {"steps": args.steps, "warmup_min_steps": args.warmup,
                     "train_warmup_min_seconds": assay["train_warmup_seconds"],
                     "sampling_warmup_seconds": assay["sampling"]["warmup_seconds"],
                     "sampling_timed_seconds": assay["sampling"]["timed_seconds"], "batch": 16, "vocab": 256},
        "assay": assay,
        "pytorch": pytorch,
        "checks": checks,
        "ratios": ratios,
        "mfu_against_the_higher_peak": mfu_common,
        "targets": TARGETS,
        "meets_targets": {
            "train_ratio_reference": ratios["train_tokens_per_sec_assay_over_pytorch"]["reference"]
            >= TARGETS["train_ratio"],
            "train_ratio_larger": ratios["train_tokens_per_sec_assay_over_pytorch"]["larger"] >= TARGETS["train_ratio"],
            "mfu_reference": assay["reference"]["mfu"] >= TARGETS["mfu_reference"],
            "mfu_larger": assay["larger"]["mfu"] >= TARGETS["mfu_larger"],
            "kv_cache_speedup_n1": ratios["kv_cache_speedup_assay"]["n1"] >= TARGETS["kv_cache_speedup"],
            "kv_cache_speedup_n8": ratios["kv_cache_speedup_assay"]["n8"] >= TARGETS["kv_cache_speedup"],
            "long_generation_n1": ratios["long_generation_tokens_per_sec_assay_over_pytorch"]["n1"]
            >= TARGETS["long_generation_ratio_n1"],
            "long_generation_n16": ratios["long_generation_tokens_per_sec_assay_over_pytorch"]["n16"]
            >= TARGETS["long_generation_ratio_n16"],
        },
    }, indent=2))


def decoders(classpath, threads, load):
    """ms per cached decoding step for 1-256 rows of three models, each decoder forced in turn, and auto's pick."""
    sides = {}
    for mode in ("java", "libtorch"):
        env = dict(os.environ, ASSAY_DECODER=mode, ASSAY_THREADS=str(threads))
        sides[mode] = run(f"DecoderBench.java with ASSAY_DECODER={mode}",
                          ["java", "-cp", classpath, str(HERE / "DecoderBench.java")], env)
    auto = run("DecoderBench.java with ASSAY_DECODER=auto", ["java", "-cp", classpath,
               str(HERE / "DecoderBench.java")], dict(os.environ, ASSAY_DECODER="auto", ASSAY_THREADS=str(threads)))
    out = {"benchmark": "train --decoders", "machine": {"cores": os.cpu_count(), "cpu": cpu_model(),
                                                       "load_average_1min_at_start": load, "threads": threads}}
    for model, java in sides["java"].items():
        rows = {}
        for n, j in java["rows"].items():
            t = sides["libtorch"][model]["rows"][n]["ms_per_step"]
            a = auto[model]["rows"][n]
            rows[n] = {"java_ms": j["ms_per_step"], "libtorch_ms": t, "faster": "java" if j["ms_per_step"] < t
                       else "libtorch", "auto_picks": a["decoder"], "auto_ms": a["ms_per_step"]}
        out[model] = {"config": java["config"], "new_tokens": java["new_tokens"], "rows": rows}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
