"""./assay report: notebooks executed into a static site (kernel/scripts/report.py), and the committed docs/results/."""
import hashlib
import json
import os
import pathlib
import subprocess
import sys

import pytest

from conftest import KERNEL_NAME, write_notebook

ROOT = pathlib.Path(__file__).resolve().parent.parent
REPORT = ROOT / "kernel" / "scripts" / "report.py"
RESULTS = ROOT / "docs" / "results"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _notebook(path, title, cells):
    return write_notebook(path, [("markdown", f"# {title}\n\nA test notebook.")] + [("code", c) for c in cells])


def _report(*args, out):
    return subprocess.run([sys.executable, str(REPORT), *map(str, args), "--budget", "small", "--out", str(out),
                           "--kernel", KERNEL_NAME], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("report")
    good = _notebook(work / "good.ipynb", "A good notebook", [
        "XYChart c = Charts.xy(480, 300, \"Loss\", \"step\", \"loss\");\n"
        "c.addSeries(\"train\", new double[] {1, 2, 3}, new double[] {3, 2, 1.5});\nc",
        "var rng = new Random(7);\nint answer = 40 + 2;",
        "String.format(\"checks passed: answer %d on the %s budget\", answer, budget())"])
    out = work / "site"
    proc = _report(good, out=out)
    return work, out, proc


def test_a_report_has_the_row_the_pages_and_the_figures(site):
    work, out, proc = site
    assert proc.returncode == 0, proc.stderr
    assert "[1/1] good: cell 1/3" in proc.stderr and "good: pass in" in proc.stderr, proc.stderr
    rows = json.loads((out / "index.json").read_text())
    row = rows["good"]
    assert row["title"] == "A good notebook" and row["status"] == "pass" and row["budget"] == "small"
    assert row["headline"] == "checks passed: answer 42 on the small budget", row["headline"]
    assert row["seconds"] > 0 and row["seeds"] == ["7"]
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    assert row["commit"] == head and isinstance(row["dirty"], bool)
    stamp = row["stamp"]
    assert stamp["java"][0].isdigit(), stamp
    assert stamp["djl"][0].isdigit() and stamp["libtorch"].startswith("PyTorch "), stamp
    assert int(stamp["threads"]) >= 1 and row["cpus"] >= 1 and row["cpu"], row
    assert sorted(pathlib.Path(f).suffix for f in row["figures"]) == [".png", ".svg"], row["figures"]
    for f in row["figures"]:
        size = (out / "good" / f).stat().st_size
        assert 1000 < size <= 100 * 1024, (f, size)
    assert (out / "good" / row["figures"][0]).read_bytes()[:4] in (b"\x89PNG", b"<?xm", b"<svg")
    index = (out / "index.html").read_text()
    assert "A good notebook" in index and "checks passed: answer 42" in index and 'href="good/index.html"' in index
    assert "small" in index and "libtorch threads" in index and head[:12] in index
    page = (out / "good" / "index.html").read_text()
    assert "figures/good-cell1-" in page, "the page shows the figure files, not a second copy"
    assert '<link rel="stylesheet" href="../notebook.css">' in page and "<style" not in page.split("</head>")[0]
    assert len((out / "notebook.css").read_text()) > 10_000, "nbconvert's style sheet, once for every page"
    assert "checks passed" in (out / "good" / "README.md").read_text()
    assert "| [A good notebook](good/README.md) |" in (out / "README.md").read_text()
    assert not any(p.name.startswith(".") and p.name != ".lock" for p in out.iterdir()), list(out.iterdir())


def test_a_failing_notebook_is_marked_and_the_other_rows_are_kept(site):
    work, out, _ = site
    bad = _notebook(work / "bad.ipynb", "A failing notebook", ["int x = 1;", "throw new IllegalStateException(\"boom\");",
                                                              "x"])
    proc = _report(bad, out=out)
    assert proc.returncode == 1, proc.stderr
    rows = json.loads((out / "index.json").read_text())
    assert set(rows) == {"good", "bad"} and rows["good"]["status"] == "pass"
    assert rows["bad"]["status"] == "fail" and "cell 2 of 3" in rows["bad"]["failure"], rows["bad"]
    assert "boom" in rows["bad"]["headline"], rows["bad"]
    assert 'class="fail"' in (out / "index.html").read_text()
    assert "**FAIL**" in (out / "README.md").read_text()


def test_one_report_writes_a_folder_at_a_time(site):
    import fcntl
    _, out, _ = site
    with open(out / ".lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        proc = _report(out / "none.ipynb", out=out)
    assert proc.returncode == 2 and "no such notebook" in proc.stderr, proc.stderr
    good = next(out.parent.glob("good.ipynb"))
    with open(out / ".lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        proc = _report(good, out=out)
    assert proc.returncode == 2 and "another ./assay report is writing" in proc.stderr, proc.stderr


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_committed_report_is_there_and_current(path):
    """docs/results/ holds a passing report of every notebook, made from the notebook as it is now."""
    rows = json.loads((RESULTS / "index.json").read_text())
    row = rows.get(path.stem)
    assert row, f"docs/results has no report of {path.name}: run ./assay report notebooks/{path.name}"
    assert row["status"] == "pass", row
    assert row["source_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest(), (
        f"{path.name} changed since its report: run ./assay report notebooks/{path.name}")
    assert row["headline"] and row["budget"] in ("small", "full")
    for f in row["figures"]:
        assert (RESULTS / path.stem / f).stat().st_size <= 100 * 1024, f
    assert (RESULTS / path.stem / "index.html").exists() and (RESULTS / path.stem / "README.md").exists()
    assert (RESULTS / "notebook.css").exists()
