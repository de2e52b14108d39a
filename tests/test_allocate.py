"""`./assay allocate` end to end through its JVM: the lifetime-optimal N and D_train (Sardana et al. 2023) against an
independent search written here — golden-section search for the fewest lifetime FLOPs along the curve of constant loss,
with no use of the equation the Java code solves."""
import json
import math
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
CLASSPATH = "%s:%s/*" % (ROOT / "kernel/target/assay-kernel.jar", ROOT / "kernel/target/lib")
LAWS = {"hoffmann2022": (1.69, 406.4, 410.7, 0.34, 0.28), "epoch2024": (1.8172, 482.01, 2085.43, 0.3478, 0.3658)}


def allocate(*args):
    return subprocess.run(["java", "-cp", CLASSPATH, "org.assay.scaling.cli.AllocateCommand", *args],
                          capture_output=True, text=True, timeout=120)


def lifetime_flops(law, loss, tokens, ln_n):
    e, a, b, alpha, beta = law
    rest = loss - e - a * math.exp(-alpha * ln_n)
    if rest <= 0:
        return math.inf
    d = (b / rest) ** (1 / beta)
    return 6 * math.exp(ln_n) * d + 2 * math.exp(ln_n) * tokens


def golden_minimum(f, lo, hi, iterations=200):
    g = (math.sqrt(5) - 1) / 2
    for _ in range(iterations):
        x1, x2 = hi - g * (hi - lo), lo + g * (hi - lo)
        if f(x1) < f(x2):
            hi = x2
        else:
            lo = x1
    return (lo + hi) / 2


@pytest.mark.parametrize("name", sorted(LAWS))
def test_the_command_finds_the_cheapest_model_over_its_life(name):
    law = LAWS[name]
    loss = law[0] + 0.3
    demands = [0, 1e11, 1e12, 1e13]
    run = allocate("--law", name, "--loss", str(loss), "--inference-tokens", ",".join(map(str, demands)), "--json")
    assert run.returncode == 0, run.stderr
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert [r["inferenceTokens"] for r in rows] == demands
    for r, t in zip(rows, demands):
        ln_n_min = math.log(law[1] / (loss - law[0])) / law[3]  # below it no D reaches the loss
        ln_n = golden_minimum(lambda x: lifetime_flops(law, loss, t, x), ln_n_min + 1e-9, ln_n_min + 40)
        assert r["parameters"] == pytest.approx(math.exp(ln_n), rel=1e-6)
        assert r["totalFlops"] == pytest.approx(lifetime_flops(law, loss, t, ln_n), rel=1e-9)
        assert r["targetLoss"] == loss


def test_an_unreachable_loss_is_one_line_with_exit_status_2():
    run = allocate("--law", "hoffmann2022", "--loss", "1.5", "--inference-tokens", "1e12")
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.strip() == ("allocate: ChinchillaLaw.allocateForLoss: targetLoss must be finite and > E = 1.69"
                                  " (the irreducible loss, which no finite model and data reach), got 1.5")
