#!/usr/bin/env python3
"""bench/train: training throughput (tokens/s, step time, MFU against each side's measured matmul peak) for the
reference GPT (4 layers, width 128, 4 heads, context 128, batch 16, bytes) and a larger one (6 layers, width 256,
8 heads), and sampling tokens/s with and without a KV cache at 256 new tokens — Assay (DJL + PyTorch engine) and a
PyTorch eager peer with the same shapes, optimizer and thread count, in the same run. Prints one JSON object.
Run: ./assay bench train [--steps S] [--warmup W] [--threads T]"""
import argparse
import json
import os
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    args = ap.parse_args()
    jar = ROOT / "kernel/target/assay-kernel.jar"
    if not jar.exists():
        sys.exit(f"bench train: {jar} is missing; run ./assay build first")
    classpath = os.pathsep.join([str(jar), str(ROOT / "kernel/target/lib/*")])
    env = dict(os.environ, ASSAY_THREADS=str(args.threads))
    java = subprocess.run(["java", "-cp", classpath, str(HERE / "TrainBench.java"), str(args.steps), str(args.warmup)],
                          capture_output=True, text=True, env=env)
    if java.returncode != 0:
        sys.exit("bench train: the Java side failed:\n" + java.stderr[-3000:])
    assay = json.loads(java.stdout.strip().splitlines()[-1])
    peer = subprocess.run([sys.executable, str(HERE / "torch_peer.py"), str(args.steps), str(args.warmup),
                           str(args.threads)], capture_output=True, text=True)
    if peer.returncode != 0:
        sys.exit("bench train: the PyTorch peer failed (Debian packages python3-torch and libopenblas0-openmp):\n"
                 + peer.stderr[-3000:])
    torch = json.loads(peer.stdout)
    ratios = {f"train_tokens_per_sec_assay_over_pytorch_{k}":
              round(assay[k]["tokens_per_sec"] / torch[k]["tokens_per_sec"], 3) for k in ("reference", "larger")}
    ratios["kv_cache_speedup_assay_n1"] = assay["sampling"]["n1"]["speedup"]
    ratios["sampling_kv_tokens_per_sec_assay_over_pytorch_n1"] = round(
        assay["sampling"]["n1"]["kv_cache_tokens_per_sec"] / torch["sampling"]["n1"]["kv_cache_tokens_per_sec"], 3)
    targets = {"train_ratio": 1.1, "mfu_reference": 0.35, "mfu_larger": 0.50, "kv_cache_speedup": 5}
    print(json.dumps({
        "benchmark": "train",
        "machine": {"cores": os.cpu_count(), "threads": args.threads},
        "assay": assay,
        "pytorch": torch,
        "ratios": ratios,
        "targets": targets,
        "meets_targets": {
            "train_ratio_reference": ratios["train_tokens_per_sec_assay_over_pytorch_reference"] >= 1.1,
            "train_ratio_larger": ratios["train_tokens_per_sec_assay_over_pytorch_larger"] >= 1.1,
            "mfu_reference": assay["reference"]["mfu"] >= 0.35,
            "mfu_larger": assay["larger"]["mfu"] >= 0.50,
            "kv_cache_speedup": assay["sampling"]["n1"]["speedup"] >= 5,
        },
    }, indent=2))


if __name__ == "__main__":
    main()
