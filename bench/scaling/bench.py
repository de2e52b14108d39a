#!/usr/bin/env python3
"""bench/scaling: the full 4,500-start Chinchilla Approach-3 fit on 245 points generated from known parameters,
Assay (Java) and a scipy reference (L-BFGS-B, same grid and objective) in the same run. Prints one JSON object with
both times, the ratio, and whether both reach the same objective to 1e-6 relative.
Run: ./assay bench scaling [--repeats R]"""
import argparse
import json
import math
import os
import pathlib
import random
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
TRUE = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}  # Hoffmann et al. 2022, Approach 3


def make_data(path, points=245, noise=0.01, seed=2022):
    rng = random.Random(seed)
    with open(path, "w") as f:
        f.write("N,D,loss\n")
        for _ in range(points):
            n = 10 ** rng.uniform(7, 10)
            d = 10 ** rng.uniform(9, 12)
            loss = TRUE["E"] + TRUE["A"] / n ** TRUE["alpha"] + TRUE["B"] / d ** TRUE["beta"]
            f.write(f"{n!r},{d!r},{loss * math.exp(noise * rng.gauss(0, 1))!r}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--resamples", type=int, default=1000)
    args = ap.parse_args()
    classpath = os.pathsep.join([str(ROOT / "kernel/target/assay-kernel.jar"), str(ROOT / "kernel/target/lib/*")])
    with tempfile.TemporaryDirectory() as tmp:
        data = pathlib.Path(tmp) / "chinchilla-245.csv"
        make_data(data)
        java = subprocess.run(["java", "-cp", classpath, str(HERE / "ScalingBench.java"), str(data), str(args.repeats),
                               str(args.resamples)],
                              capture_output=True, text=True, check=True)
        assay = json.loads(java.stdout)
        peer = subprocess.run([sys.executable, str(HERE / "scipy_peer.py"), str(data), str(args.resamples),
                               json.dumps(assay["optima_log_space"])], capture_output=True, text=True, check=True)
        scipy = json.loads(peer.stdout)
    assay_time = assay[f"fit_s_best_of_{args.repeats}"] if args.repeats else assay["fit_s_first"]
    rel = abs(assay["objective"] - scipy["objective"]) / max(abs(scipy["objective"]), 1e-300)
    print(json.dumps({
        "benchmark": "scaling",
        "data": {"points": assay["points"], "generated_from": TRUE, "noise_sd_log": 0.01, "seed": 2022},
        "assay": assay,
        "scipy": scipy,
        "ratio_scipy_over_assay_fit": round(scipy["fit_s"] / assay_time, 1),
        "ratio_scipy_over_assay_bootstrap": round(scipy["bootstrap"]["seconds"] / assay["bootstrap"]["seconds"], 1),
        "objective_relative_difference": rel,
        "same_objective_to_1e-6": rel <= 1e-6,
        "targets": {"full_fit_s": 5.0, "bootstrap_1000_s": 60.0},
        "meets_targets": {"full_fit": assay_time <= 5.0, "bootstrap": assay["bootstrap"]["seconds"] <= 60.0},
    }, indent=2))


if __name__ == "__main__":
    main()
