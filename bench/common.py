"""What the benchmarks share: running a side that prints its result as the last line of JSON, and the CPU's name."""
import json
import subprocess
import sys


def run_json(bench, what, command, env=None):
    """Runs command; returns the JSON object on the last line of its stdout, or exits naming the bench and the side."""
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"bench {bench}: {what} failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        sys.exit(f"bench {bench}: {what} printed no JSON:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            return next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), None)
    except OSError:
        return None
