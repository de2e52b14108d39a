"""The `slurm` executor end to end on a real single-node Slurm cluster: a sweep submitted as one job array, one task
made to fail (its corpus file is missing), reported with its log tail, then retried alone once the file exists; a
rerun skips what finished. Skipped, with the reason, where Slurm cannot be started (not root, not installed)."""
import json
import os
import pathlib
import subprocess

import pytest

from run_specs import TINY_MODEL, text_data
from slurm_cluster import SlurmCluster, why_not

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    reason = why_not()
    if reason:
        pytest.skip(reason)
    folder = str(tmp_path_factory.mktemp("slurm"))
    try:
        c = SlurmCluster.start(folder)
    except Exception as e:  # installed but this machine will not run the daemons: say why, do not pass
        logs = ""
        for name in ("slurmctld.log", "slurmd.log", "munged.log"):
            path = os.path.join(folder, name)
            if os.path.exists(path):
                logs += "\n%s: %s" % (name, open(path).read()[-600:])
        pytest.skip("Slurm is installed but the test cluster could not start: %s%s" % (e, logs))
    yield c
    c.stop()


def sweep(cluster, *args):
    return subprocess.run([str(ROOT / "assay"), "sweep", *args], capture_output=True, text=True, env=cluster.env,
                          timeout=600)


def test_a_sweep_runs_as_a_job_array_and_a_failed_task_is_retried_alone(cluster, tmp_path):
    corpus_a, corpus_b = tmp_path / "a.txt", tmp_path / "b.txt"
    corpus_a.write_text("abcdefgh" * 3000)                    # b.txt is missing: that task fails
    base = {
        "name": "base",
        "model": TINY_MODEL,
        "data": text_data(corpus_a),
        "train": {"steps": 5, "learningRate": 0.01, "schedule": "cosine", "warmupFraction": 0.0, "minLrRatio": 0.1,
                  "evalEvery": 0, "evalBatches": 2, "checkpointEvery": 0, "seed": 1},
    }
    spec = {"name": "slurmtest", "base": base, "grid": {"data.path": [str(corpus_a), str(corpus_b)]},
            "resources": {"cpus": 1, "memory": "1G", "gpus": 0, "time": "00:10:00"}}
    spec_file = tmp_path / "sweep.json"
    spec_file.write_text(json.dumps(spec))
    out = tmp_path / "runs"

    first = sweep(cluster, str(spec_file), "--executor", "slurm", "--out", str(out), "--parallel", "2")
    assert first.returncode == 1, first.stdout + first.stderr
    lines = {l.split()[1]: l.split()[0] for l in first.stdout.splitlines() if l.startswith(("SUCCEEDED", "FAILED"))}
    ok = [n for n, s in lines.items() if s == "SUCCEEDED"]
    bad = [n for n, s in lines.items() if s == "FAILED"]
    assert len(ok) == 1 and len(bad) == 1, first.stdout
    assert "b.txt" in first.stdout, "the failed task's log tail names the missing file:\n" + first.stdout
    assert (out / ok[0] / "result.json").exists()
    assert not (out / bad[0] / "result.json").exists()
    assert list((out / "logs").glob("assay-runs-*_1.log")), "one Slurm log per array task"

    dry = sweep(cluster, str(spec_file), "--executor", "slurm", "--out", str(out), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "#SBATCH --array=0-0" in dry.stdout and "b.txt" in dry.stdout, "only the unfinished run is submitted"

    corpus_b.write_text("hgfedcba" * 3000)                    # the cause fixed; retry that task alone
    retry = sweep(cluster, str(spec_file), "--executor", "slurm", "--out", str(out), "--only", bad[0])
    assert retry.returncode == 0, retry.stdout + retry.stderr
    assert "SUCCEEDED  " + bad[0] in retry.stdout
    assert (out / bad[0] / "result.json").exists()

    again = sweep(cluster, str(spec_file), "--executor", "slurm", "--out", str(out))
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.count("SKIPPED") == 2
