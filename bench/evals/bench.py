#!/usr/bin/env python3
"""bench/evals: pass@k over 10^6 (n, c, k) triples in Assay (Java) and in numpy/scipy in the same run, the
evaluation runner's scoring throughput with an instant fake sampler, and end-to-end samples/s of a tiny model.
Prints one JSON object. Run: ./assay bench evals [--triples N] [--repeats R]"""
import argparse
import json
import os
import pathlib
import platform
import random
import struct
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def make_triples(path, count, seed=7):
    """n in [1, 1000] (log-uniform, so small and large n both appear), c in [0, n], k in [1, n]."""
    rng = random.Random(seed)
    with open(path, "wb") as f:
        buf = bytearray()
        for _ in range(count):
            n = max(1, min(1000, int(round(10 ** rng.uniform(0, 3)))))
            buf += struct.pack("<3i", n, rng.randint(0, n), rng.randint(1, n))
        f.write(buf)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    classpath = os.pathsep.join([str(ROOT / "kernel/target/assay-kernel.jar"), str(ROOT / "kernel/target/lib/*")])
    with tempfile.TemporaryDirectory() as tmp:
        triples = pathlib.Path(tmp) / "triples.bin"
        results = pathlib.Path(tmp) / "assay.bin"
        make_triples(triples, args.triples)
        java = subprocess.run(["java", "-cp", classpath, str(HERE / "EvalsBench.java"), str(triples), str(results),
                               str(args.repeats)], capture_output=True, text=True)
        if java.returncode != 0:
            sys.exit("EvalsBench failed:\n" + java.stderr[-3000:])
        assay = json.loads(java.stdout.strip().splitlines()[-1])
        peer = subprocess.run([sys.executable, str(HERE / "numpy_peer.py"), str(triples), str(results),
                               str(args.repeats)], capture_output=True, text=True, check=True)
        numpy = json.loads(peer.stdout)
    assay_rate = assay["pass_at_k"]["triples_per_sec"]
    print(json.dumps({
        "benchmark": "evals",
        "machine": {"cores": os.cpu_count(), "cpu": platform.processor() or platform.machine(),
                    "load_average_1min_at_start": os.getloadavg()[0]},
        "triples": {"count": args.triples, "n": "log-uniform in [1, 1000]", "c": "uniform in [0, n]",
                    "k": "uniform in [1, n]", "seed": 7},
        "assay": assay,
        "peer": numpy,
        "ratios": {
            "pass_at_k_assay_over_chen_et_al_loop": round(assay_rate / numpy["chen_et_al_loop"]["triples_per_sec"], 1),
            "pass_at_k_assay_over_scipy_vectorised":
                round(assay_rate / numpy["scipy_vectorised"]["triples_per_sec"], 2),
        },
        # the same product form as Chen et al.'s code gives the same doubles; the log-gamma form is good to ~1e-11
        "agree": {"with_chen_et_al_exactly": numpy["max_abs_difference"]["assay_vs_chen_et_al"] == 0.0,
                  "with_scipy_to_1e-9": numpy["max_abs_difference"]["assay_vs_scipy_vectorised"] <= 1e-9},
    }, indent=2))


if __name__ == "__main__":
    main()
