"""Run directories under faults, end to end through the real commands (`./assay train`, `./assay sweep`'s JVM): one
writer owns a run, trainers die with their sweep, a changed spec is refused, a corrupt newest checkpoint is set aside,
and no metric line is ever lost. Each test first reproduces a failure seen before the fix (issue 16).

ASSAY_KILL_TRIALS sets how many times the kill test kills a sweep with each signal, SIGKILL and SIGTERM (default 1
each here; the closing note of issue 16 gives the counts of a 20-trial run)."""
import json
import os
import pathlib
import signal
import subprocess
import time

import pytest

from run_specs import TINY_MODEL, text_data

ROOT = pathlib.Path(__file__).resolve().parent.parent
CLASSPATH = "%s:%s/*" % (ROOT / "kernel/target/assay-kernel.jar", ROOT / "kernel/target/lib")
TRIALS = int(os.environ.get("ASSAY_KILL_TRIALS", "1"))
STEPS = 10000  # of each run the kill test kills: about 20 s a run, two at once on 2 cores (2026-12-08)


def env():
    e = dict(os.environ)
    e["ASSAY_THREADS"] = "1"
    return e


def java(main, *args):
    return ["java", "-Djava.awt.headless=true", "-cp", CLASSPATH, main, *args]


def train(*args, **kw):
    return subprocess.run(java("org.assay.lib.train.TrainCommand", *args), capture_output=True, text=True, env=env(),
                          timeout=300, **kw)


def spec(corpus, name="r", steps=40, lr=0.01, schedule="cosine", checkpoint_every=5, eval_every=5, keep=0):
    return {
        "name": name,
        "model": TINY_MODEL,
        "data": text_data(corpus),
        "train": {"steps": steps, "learningRate": lr, "schedule": schedule, "warmupFraction": 0.0, "minLrRatio": 0.1,
                  "evalEvery": eval_every, "evalBatches": 2, "checkpointEvery": checkpoint_every,
                  "keepCheckpoints": keep, "seed": 1},
    }


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("abcdefgh" * 2000 + "hgfedcba" * 2000)
    return path


def write(path, obj):
    path.write_text(json.dumps(obj))
    return path


def metric_steps(run):
    """The step of every metrics.jsonl line; fails on a torn or non-JSON line."""
    lines = (run / "metrics.jsonl").read_text().splitlines()
    return [json.loads(line)["step"] for line in lines]


def assert_whole(run, steps):
    assert metric_steps(run) == list(range(1, steps + 1)), "metrics.jsonl must have every step once, in order"
    result = json.loads((run / "result.json").read_text())
    assert result["interrupted"] is False and result["steps"] == steps
    assert all(isinstance(result[k], float) for k in ("loss", "val_loss")), result


def trainers_of(out):
    """Pids of TrainCommand and SweepWorker JVMs writing under `out` (found in /proc: they outlive a killed parent)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmd = open("/proc/%s/cmdline" % entry, "rb").read().split(b"\0")
        except OSError:
            continue
        trainer = b"org.assay.lib.train.TrainCommand" in cmd or b"org.assay.lib.sweep.SweepWorker" in cmd
        if trainer and str(out).encode() in b" ".join(cmd):
            pids.append(int(entry))
    return pids


def wait_for(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("waited %.0f s for %s" % (seconds, what))


def losses(run):
    return [json.loads(line)["loss"] for line in (run / "metrics.jsonl").read_text().splitlines()]


def lines(path):
    return len(path.read_text().splitlines()) if path.exists() else 0


@pytest.mark.parametrize("executor", ["--parallel", "--workers"])
def test_killing_the_sweep_stops_its_trainers_and_a_rerun_loses_no_metrics(corpus, tmp_path, executor):
    survived = {signal.SIGKILL: 0, signal.SIGTERM: 0}
    signals = [signal.SIGKILL] * TRIALS + [signal.SIGTERM] * TRIALS
    for trial, sig in enumerate(signals):
        out = tmp_path / ("runs%d" % trial)
        # long enough that both are still training when the test looks: a run that has finished has no trainer left,
        # and a warm worker with nothing more to do exits. At 2500 steps (5 s a run by then) a loaded CI machine once
        # started one worker so late that the other run had finished before it logged 30 steps
        base = spec(corpus, "base", steps=STEPS, checkpoint_every=20, eval_every=50)
        sweep_file = write(tmp_path / ("sweep%d.json" % trial), {"name": "kill", "base": base,
                                                                "grid": {"train.learningRate": [0.01, 0.02]}})
        sweep = subprocess.Popen(java("org.assay.lib.sweep.SweepCommand", str(sweep_file), "--out", str(out),
                                      executor, "2"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 env=env())
        runs = [out / "kill-learningRate=0.01", out / "kill-learningRate=0.02"]
        wait_for(lambda: all(lines(r / "metrics.jsonl") >= 30 for r in runs), 120, "both trainers to log 30 steps")
        trainers = trainers_of(out)
        assert len(trainers) == 2, (trainers, [lines(r / "metrics.jsonl") for r in runs])
        sweep.send_signal(sig)
        sweep.wait(timeout=120)
        wait_for(lambda: not trainers_of(out), 30, "the trainers to stop after their sweep died")
        rerun = subprocess.run(java("org.assay.lib.sweep.SweepCommand", str(sweep_file), "--out", str(out),
                                    executor, "2"), capture_output=True, text=True, env=env(), timeout=600)
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        for r in runs:
            assert_whole(r, STEPS)
        survived[sig] += 1
    for sig, n in survived.items():
        print("%s trials: %d, survived: %d, metric lines lost: 0" % (sig.name, TRIALS, n))


def test_a_worker_that_dies_loses_only_its_run_which_resumes_in_a_new_worker(corpus, tmp_path):
    out = tmp_path / "runs"
    base = spec(corpus, "base", steps=1500, checkpoint_every=20, eval_every=500)  # a few seconds a run
    sweep_file = write(tmp_path / "sweep.json", {"name": "w", "base": base, "grid": {"train.seed": [1, 2, 3]}})
    sweep = subprocess.Popen(java("org.assay.lib.sweep.SweepCommand", str(sweep_file), "--out", str(out),
                                  "--workers", "1"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=env())
    first = out / "w-seed=1"
    wait_for(lambda: lines(first / "metrics.jsonl") >= 50, 120, "the first run to log 50 steps")
    workers = trainers_of(out)
    assert len(workers) == 1, workers
    os.kill(workers[0], signal.SIGKILL)  # as the kernel's OOM killer would
    stdout, stderr = sweep.communicate(timeout=600)
    assert sweep.returncode == 0, stdout + stderr
    assert [l.split()[0] for l in stdout.splitlines() if l.startswith(("SUCCEEDED", "FAILED", "SKIPPED"))] \
        == ["SUCCEEDED"] * 3, stdout
    for seed in (1, 2, 3):
        assert_whole(out / ("w-seed=%d" % seed), 1500)
    assert "w-seed=1 resumed in" in (out / "logs" / "w-seed=1.log").read_text(), "resumed from its checkpoint"
    assert not trainers_of(out), "the workers exit with their sweep"


def test_one_writer_owns_a_run(corpus, tmp_path):
    config = write(tmp_path / "run.json", spec(corpus, steps=20000, checkpoint_every=100, eval_every=400))
    out = tmp_path / "out"
    log = tmp_path / "first.log"
    first = subprocess.Popen(java("org.assay.lib.train.TrainCommand", "--config", str(config), "--out", str(out)),
                             stdout=subprocess.DEVNULL, stderr=log.open("w"), env=env())
    try:
        wait_for(lambda: lines(out / "r" / "metrics.jsonl") >= 5, 120, "the first trainer to log")
        second = train("--config", str(config), "--out", str(out))
        assert second.returncode == 1, second.stdout + second.stderr
        assert "is being written by another process (pid %d" % first.pid in second.stderr, second.stderr
        assert "Exception" not in second.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=120)
    assert first.returncode == 3, log.read_text()[-2000:]  # SIGTERM: stopped after its step, with a checkpoint
    steps = metric_steps(out / "r")
    assert steps == list(range(1, len(steps) + 1)), "every step logged once, up to the stop"
    assert (out / "r" / "checkpoints" / ("step-%08d" % len(steps)) / "state.json").is_file()
    assert json.loads((out / "r" / "result.json").read_text())["interrupted"] is True, "a stopped run is not done"


def test_two_writers_started_together_one_trains_one_is_refused(corpus, tmp_path):
    config = write(tmp_path / "run.json", spec(corpus, steps=400, checkpoint_every=100, eval_every=100))
    out = tmp_path / "out"
    both = [subprocess.Popen(java("org.assay.lib.train.TrainCommand", "--config", str(config), "--out", str(out)),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env()) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in both]  # (stdout, stderr), read as they run: no pipe fills up
    results = [(p.returncode, o, e) for p, (o, e) in zip(both, outputs)]
    codes = sorted(r[0] for r in results)
    messages = " ".join(r[2] for r in results)
    if codes == [0, 0]:  # the second started after the first had finished: it found the run done
        assert any("already done" in r[1] for r in results), results
    else:
        assert codes == [0, 1], results
        assert "is being written by another process" in messages, messages
    assert "not a run directory" not in messages
    assert_whole(out / "r", 400)


def test_a_changed_spec_is_refused_and_a_constant_rate_run_can_be_extended(corpus, tmp_path):
    out = tmp_path / "out"
    config = write(tmp_path / "a.json", spec(corpus, steps=20))
    assert train("--config", str(config), "--out", str(out)).returncode == 0
    before = (out / "r" / "config.json").read_text()

    changed = train("--config", str(write(tmp_path / "b.json", spec(corpus, steps=20, lr=0.05))), "--out", str(out))
    assert changed.returncode == 1
    assert "differs in train.optimizer.learningRate: 0.01 -> 0.05" in changed.stderr, changed.stderr
    longer = train("--config", str(write(tmp_path / "c.json", spec(corpus, steps=30))), "--out", str(out))
    assert longer.returncode == 1 and "train.steps: 20 -> 30" in longer.stderr and "--extend" in longer.stderr
    cosine = train("--config", str(tmp_path / "c.json"), "--out", str(out), "--extend")
    assert cosine.returncode == 1 and "depends on the step count" in cosine.stderr, cosine.stderr
    assert (out / "r" / "config.json").read_text() == before, "a refused spec changes nothing"
    assert_whole(out / "r", 20)

    flat = write(tmp_path / "d.json", spec(corpus, name="flat", steps=20, schedule="constant"))
    assert train("--config", str(flat), "--out", str(out)).returncode == 0
    extended = train("--config", str(write(tmp_path / "e.json", spec(corpus, name="flat", steps=35,
                                                                     schedule="constant"))),
                     "--out", str(out), "--extend")
    assert extended.returncode == 0, extended.stderr
    assert "resumed" in extended.stdout
    assert_whole(out / "flat", 35)
    assert json.loads((out / "flat" / "config.json").read_text())["pretrain"]["steps"] == 35


@pytest.mark.parametrize("damage", ["flipped byte in weights.bin", "empty state.json"])
def test_a_corrupt_newest_checkpoint_is_set_aside_and_the_one_before_is_resumed(corpus, tmp_path, damage):
    out = tmp_path / "out"
    config = write(tmp_path / "a.json", spec(corpus, steps=20, checkpoint_every=5))
    assert train("--config", str(config), "--out", str(out)).returncode == 0
    run = out / "r"
    straight = losses(run)
    # the run as a kill after step 20's checkpoint but before result.json would leave it, its newest checkpoint damaged
    (run / "result.json").unlink()
    newest = run / "checkpoints" / "step-00000020"
    if damage.startswith("flipped"):
        data = bytearray((newest / "weights.bin").read_bytes())
        data[len(data) // 2] ^= 0xFF
        (newest / "weights.bin").write_bytes(bytes(data))
    else:
        (newest / "state.json").write_text("")
    resumed = train("--config", str(config), "--out", str(out))
    assert resumed.returncode == 0, resumed.stderr
    assert "checkpoint step-00000020" in resumed.stderr and "moved it to corrupt-step-00000020" in resumed.stderr
    assert "NullPointerException" not in resumed.stderr
    assert (run / "checkpoints" / "corrupt-step-00000020").is_dir()
    assert_whole(run, 20)
    assert losses(run) == straight, "steps 16-20 retrained bit-identically"


def test_a_kill_after_the_last_checkpoint_leaves_real_losses_not_nan(corpus, tmp_path):
    out = tmp_path / "out"
    config = write(tmp_path / "a.json", spec(corpus, steps=10, checkpoint_every=0, eval_every=0))
    assert train("--config", str(config), "--out", str(out)).returncode == 0
    result = json.loads((out / "r" / "result.json").read_text())
    (out / "r" / "result.json").unlink()
    assert train("--config", str(config), "--out", str(out)).returncode == 0
    again = json.loads((out / "r" / "result.json").read_text())
    assert again == result


def test_leftovers_of_kills_are_cleaned_checkpoints_pruned_and_files_readable(corpus, tmp_path):
    out = tmp_path / "out"
    config = write(tmp_path / "a.json", spec(corpus, steps=200, checkpoint_every=5, eval_every=5, keep=2))
    first = subprocess.Popen(java("org.assay.lib.train.TrainCommand", "--config", str(config), "--out", str(out)),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env())
    run = out / "r"
    wait_for(lambda: lines(run / "metrics.jsonl") >= 12 or first.poll() is not None, 120, "ten steps")
    first.send_signal(signal.SIGKILL)
    first.wait()
    # what kills and full disks left behind in earlier versions and this one
    leftovers = [run / "checkpoints" / "step-00000010.tmp-123-456", run / "checkpoints" / "step-00000005.old-789",
                 run / "metrics123.tmp", run / ".config.json.0b5c.tmp", run / "result.json123.tmp"]
    for p in leftovers:
        if p.name.startswith("step"):
            p.mkdir()
            (p / "state.json").write_text("{}")
        else:
            p.write_text("partial")
    assert train("--config", str(config), "--out", str(out)).returncode == 0
    for p in leftovers:
        assert not p.exists(), p
    assert_whole(run, 200)
    vals = {json.loads(l)["step"]: json.loads(l)["val_loss"] for l in (run / "metrics.jsonl").read_text().splitlines()
            if "val_loss" in json.loads(l)}
    best = min((v, s) for s, v in vals.items() if s % 5 == 0)[1]
    kept = sorted(p.name for p in (run / "checkpoints").iterdir())
    expected = sorted({"step-00000195", "step-00000200", "step-%08d" % best})
    assert kept == expected, (kept, vals)
    for name in ("config.json", "env.json", "result.json", "run.json", "metrics.jsonl"):
        assert (run / name).stat().st_mode & 0o044 == 0o044, "%s must be readable by group and others" % name
