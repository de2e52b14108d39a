#!/usr/bin/env python3
"""bench/models: loading a GPT-2-small-shaped checkpoint (124M parameters, random weights written by Pretrained.save
in F32 and in BF16) with Pretrained.load, beside Debian's torch reading the same safetensors file, in the same run;
then sampling from it. Each load runs in a fresh process (the JVM's, torch's), so its peak resident memory (VmHWM) is
its own; the median of --repeats is reported. Prints one JSON object.
Run: ./assay bench models [--repeats R] [--threads T] [--dir DIR]"""
import argparse
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))
from common import cpu_model, run_json  # noqa: E402

PEER_PYTHON = "/usr/bin/python3"  # Debian's python3-torch
TARGETS = {"load_seconds_max": 3.0, "peak_rss_max": "1.5 x float32 weight bytes + 300 MB"}


def run(what, command, env=None):
    return run_json("models", what, command, env)


def median_of(runs, keys):
    return {k: round(statistics.median(r[k] for r in runs), 3) for k in keys}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3, help="fresh-process loads per side and dtype (default 3)")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="intra-op threads, both sides")
    ap.add_argument("--dir", help="where to write the checkpoints (default: a temporary folder, removed after)")
    args = ap.parse_args()
    if args.repeats < 1 or args.threads < 1:
        ap.error(f"need --repeats >= 1 and --threads >= 1, got {args.repeats}, {args.threads}")
    jar = ROOT / "kernel/target/assay-kernel.jar"
    if not jar.exists():
        sys.exit(f"bench models: {jar} is missing; run ./assay build first")
    peer_python = PEER_PYTHON if os.access(PEER_PYTHON, os.X_OK) else sys.executable
    classpath = os.pathsep.join([str(jar), str(ROOT / "kernel/target/lib/*")])
    env = dict(os.environ, ASSAY_THREADS=str(args.threads))
    load_avg = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="assay-bench-models-") as tmp:
        folder = pathlib.Path(args.dir) if args.dir else pathlib.Path(tmp)
        written = run("writing the checkpoints (ModelsBench.java write)",
                      ["java", "-cp", classpath, str(HERE / "ModelsBench.java"), "write", str(folder)], env)
        weight_bytes = written["parameters"] * 4
        rss_target = 1.5 * weight_bytes / 2**20 + 300
        result = {}
        for dtype in ("f32", "bf16"):
            assay = [run(f"Pretrained.load of {dtype} (ModelsBench.java load)",
                         ["java", "-cp", classpath, str(HERE / "ModelsBench.java"), "load", str(folder / dtype)], env)
                     for _ in range(args.repeats)]
            torch = [run(f"the torch peer ({peer_python} torch_peer.py; Debian: python3-torch)",
                         [peer_python, str(HERE / "torch_peer.py"), str(folder / dtype), str(args.threads)])
                     for _ in range(args.repeats)]
            a = median_of(assay, ("load_seconds", "peak_rss_mb", "rss_after_load_mb", "rss_before_load_mb",
                                  "engine_start_seconds", "first_token_ms", "tokens_per_sec_after_first"))
            t = median_of(torch, ("load_seconds", "peak_rss_mb", "rss_after_load_mb", "rss_before_load_mb"))
            result[dtype] = {
                "assay": {**a, "decoder": assay[0]["decoder"], "new_tokens": assay[0]["new_tokens"],
                          "loads": [r["load_seconds"] for r in assay]},
                "torch": {**t, "version": torch[0]["torch"], "loads": [r["load_seconds"] for r in torch]},
                "same_parameter_count": torch[0]["parameters_stored"] == assay[0]["parameters"],
                "load_seconds_torch_over_assay": round(t["load_seconds"] / a["load_seconds"], 3),
                "peak_rss_assay_over_torch": round(a["peak_rss_mb"] / t["peak_rss_mb"], 3),
                "meets_targets": {"load_seconds": a["load_seconds"] <= TARGETS["load_seconds_max"],
                                  "peak_rss": a["peak_rss_mb"] <= rss_target},
            }
    print(json.dumps({
        "benchmark": "models",
        "machine": {"cores": os.cpu_count(), "cpu": cpu_model(), "os": platform.platform(),
                    "load_average_1min_at_start": load_avg, "threads": args.threads},
        "checkpoint": {"shape": "GPT-2 small: 12 layers, width 768, 12 heads, vocab 50257, context 1024",
                       **written, "float32_weight_mb": round(weight_bytes / 2**20, 1)},
        "settings": {"repeats": args.repeats, "sampling": "greedy, 16-token prompt, 64 new tokens, 1 row"},
        "targets": {**TARGETS, "peak_rss_max_mb": round(rss_target, 1)},
        **result,
    }, indent=1))


if __name__ == "__main__":
    main()
