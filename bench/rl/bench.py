#!/usr/bin/env python3
"""bench/rl: one GRPO step's time split into sampling, scoring and training (Assay, tiny model, 16 prompts × 16
samples), and the rollout tokens/s of the same model's sampling in PyTorch eager (Debian's python3-torch) in the same
run. Prints one JSON object. Run: ./assay bench rl [--steps 10] [--warmup 2] [--new-tokens 12]"""
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
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--new-tokens", type=int, default=12)
    args = ap.parse_args()
    classpath = os.pathsep.join([str(ROOT / "kernel/target/assay-kernel.jar"), str(ROOT / "kernel/target/lib/*")])
    java = subprocess.run(["java", "-cp", classpath, str(HERE / "RlBench.java"), str(args.steps), str(args.warmup),
                           str(args.new_tokens)], capture_output=True, text=True)
    if java.returncode != 0:
        sys.exit("RlBench failed:\n" + java.stderr[-3000:])
    assay = json.loads(java.stdout.strip().splitlines()[-1])
    # The peer runs twice: with the environment Assay's JVM had (./assay sets GOMP_SPINCOUNT=10000 for libgomp, which
    # Debian's torch uses too) and with libgomp's default spin; the faster of the two is the peer.
    peers = {}
    for name, env in (("assay_env", dict(os.environ)),
                      ("gomp_default", {k: v for k, v in os.environ.items() if k != "GOMP_SPINCOUNT"})):
        peer = subprocess.run([sys.executable, str(HERE / "torch_peer.py"), str(assay["vocab"]),
                               str(round(assay["mean_prompt_tokens"])), str(args.new_tokens), str(args.steps),
                               str(args.warmup), str(assay["threads"])], capture_output=True, text=True, check=True,
                              env=env)
        peers[name] = json.loads(peer.stdout.strip().splitlines()[-1])
        peers[name]["GOMP_SPINCOUNT"] = env.get("GOMP_SPINCOUNT", "unset (libgomp's default)")
    torch = max(peers.values(), key=lambda p: p["rollout_tokens_per_sec"])
    print(json.dumps({
        "benchmark": "rl",
        "machine": {"cores": os.cpu_count(), "load_average_1min_at_start": os.getloadavg()[0]},
        "assay": assay, "pytorch": torch, "pytorch_runs": peers,
        "ratio_rollout_tokens_per_sec_assay_over_pytorch":
            round(assay["rollout_tokens_per_sec"] / torch["rollout_tokens_per_sec"], 2),
    }, indent=2))


if __name__ == "__main__":
    main()
