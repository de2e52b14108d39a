#!/usr/bin/env python3
"""bench/sweep: a sweep of 16 tiny runs through each executor — in this JVM, as subprocesses 1 and 2 at a time, by 1
and 2 warm worker JVMs, and
as a Slurm job array on a real single-node cluster (started here when Slurm is installed and we are root) — and the
overhead per run (process start, engine load, data generation) as a share of the total. Prints one JSON object.
Run: ./assay bench sweep [--runs 16] [--steps 60]"""
import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from slurm_cluster import SlurmCluster, why_not  # noqa: E402


def spec(runs, steps):
    s = json.loads((HERE / "tiny-sweep.json").read_text())
    s["name"] = "bench"
    s["base"]["train"]["steps"] = steps
    s["grid"] = {"train.seed": list(range(1, runs + 1))}
    s["zip"] = {}
    s["resources"] = {"cpus": 1, "memory": "1G", "gpus": 0, "time": "00:30:00"}
    return s


def training_seconds(out, name):
    """The run's own training time: the elapsed time of its last logged step."""
    last = (out / name / "metrics.jsonl").read_text().strip().splitlines()[-1]
    return json.loads(last)["elapsed"]


def measure(label, spec_file, out, args, env=None):
    t0 = time.perf_counter()
    p = subprocess.run([str(ROOT / "assay"), "sweep", str(spec_file), "--out", str(out), *args],
                       capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        return {"executor": label, "error": (p.stdout + p.stderr)[-2000:]}
    names = [l.split()[1] for l in p.stdout.splitlines() if l.startswith("SUCCEEDED")]
    train = sum(training_seconds(out, n) for n in names)
    return {"executor": label, "runs": len(names), "wall_seconds": round(wall, 2),
            "runs_per_minute": round(60 * len(names) / wall, 1),
            "training_seconds_summed": round(train, 2),
            # what is not training: JVM and engine start, data generation, evaluation, checkpoints, scheduling
            "overhead_share": round(1 - train / (wall * min(len(names), parallel_of(args))), 3)}


def parallel_of(args):
    for flag in ("--parallel", "--workers"):
        if flag in args:
            return int(args[args.index(flag) + 1])
    return 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=16)
    ap.add_argument("--steps", type=int, default=60)
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        spec_file = tmp / "sweep.json"
        spec_file.write_text(json.dumps(spec(args.runs, args.steps)))
        results.append(measure("local, in this JVM", spec_file, tmp / "inproc", ["--in-process"]))
        results.append(measure("local, 1 subprocess at a time", spec_file, tmp / "sub1", ["--parallel", "1"]))
        results.append(measure("local, 2 subprocesses at a time", spec_file, tmp / "sub2", ["--parallel", "2"]))
        results.append(measure("local, 1 warm worker", spec_file, tmp / "work1", ["--workers", "1"]))
        results.append(measure("local, 2 warm workers", spec_file, tmp / "work2", ["--workers", "2"]))
        reason = why_not()
        if reason is None:
            cluster = SlurmCluster.start(str(tmp / "slurm"))
            try:
                results.append(measure("slurm job array, 2 tasks at a time", spec_file, tmp / "slurmruns",
                                       ["--executor", "slurm", "--parallel", "2"], env=cluster.env))
            finally:
                cluster.stop()
        else:
            results.append({"executor": "slurm", "skipped": reason})
    print(json.dumps({"benchmark": "sweep", "machine": {"cores": os.cpu_count(),
                                                        "load_average_1min_at_start": os.getloadavg()[0]},
                      "sweep": {"runs": args.runs, "steps_per_run": args.steps,
                                "model": "tiny-sweep.json base: 2 layers, width 64, context 32, batch 8"},
                      "results": results}, indent=2))


if __name__ == "__main__":
    main()
