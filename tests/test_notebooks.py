"""Every notebook under notebooks/ runs headless with nbconvert, and the tour's outputs are what they should be."""
import base64
import io
import os
import pathlib
import struct
import subprocess
import sys

import nbformat
import pytest

from conftest import KERNEL_NAME

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
JUPYTER = pathlib.Path(sys.executable).parent / "jupyter"


def run_notebook(path, out_dir):
    out = out_dir / path.name
    env = dict(os.environ, ASSAY_BUDGET=os.environ.get("ASSAY_BUDGET", "small"))
    proc = subprocess.run(
        [str(JUPYTER), "nbconvert", "--to", "notebook", "--execute", f"--ExecutePreprocessor.kernel_name={KERNEL_NAME}",
         "--ExecutePreprocessor.timeout=600", "--output-dir", str(out_dir), str(path)],
        capture_output=True, text=True, env=env, cwd=path.parent)
    assert proc.returncode == 0, f"{path.name} failed:\n{proc.stderr[-4000:]}"
    return nbformat.read(out, as_version=4)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("executed")
    return {p.name: run_notebook(p, out_dir) for p in NOTEBOOKS}


def test_there_are_notebooks():
    assert any(p.name == "00-tour.ipynb" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_text_holds_no_control_characters(path):
    """A LaTeX command written into a notebook through a string that was not raw (\\approx, \\times) turns into a
    control character (a bell, a tab) and the formula renders broken."""
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        bad = [(at, repr(ch)) for at, ch in enumerate(cell.source) if ord(ch) < 32 and ch != "\n"]
        assert not bad, f"{path.name}, cell {i} ({cell.cell_type}): control characters (offset, character) {bad[:5]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_charts_are_made_in_the_one_theme(path):
    """Charts.xy/Charts.category give the theme when the chart is made; XChart's builders would give its default."""
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            for builder in ("XYChartBuilder", "CategoryChartBuilder", "PieChartBuilder", "BubbleChartBuilder"):
                assert builder not in cell.source, f"{path.name}, cell {i}: use Charts.xy/Charts.category, not {builder}"


@pytest.mark.parametrize("name", [p.name for p in NOTEBOOKS])
def test_notebook_runs_headless_without_unexpected_errors(executed, name):
    nb = executed[name]
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        expected = "raises-exception" in cell.metadata.get("tags", [])
        assert bool(errors) == expected, f"cell {cell.source[:60]!r}: errors={errors}"


def tagged(nb, tag):
    cells = [c for c in nb.cells if tag in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"one cell tagged {tag!r} expected"
    return cells[0]


def png_size(data):
    raw = base64.b64decode(data)
    assert raw[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", raw[16:24])
    return width, height


def test_tour_chart_is_a_png_of_the_requested_size(executed):
    outputs = tagged(executed["00-tour.ipynb"], "chart").outputs
    data = outputs[-1]["data"]
    assert png_size(data["image/png"]) == (640, 400)
    assert outputs[-1]["metadata"]["image/png"] == {"width": 640, "height": 400}


def test_tour_table_shows_head_tail_and_row_count(executed):
    html = tagged(executed["00-tour.ipynb"], "table").outputs[-1]["data"]["text/html"]
    assert "100 rows × 2 columns" in html
    assert html.count("<tr>") == 1 + 10 + 1 + 10, "header, head, ellipsis row, tail"


def test_tour_records_render_as_a_table(executed):
    html = tagged(executed["00-tour.ipynb"], "records").outputs[-1]["data"]["text/html"]
    assert "<th>params</th>" in html and "6 rows" in html


def test_tour_progress_and_live_chart_end_complete(executed):
    outputs = tagged(executed["00-tour.ipynb"], "progress").outputs
    bars = [o for o in outputs if o.output_type == "display_data" and "<progress" in o["data"].get("text/html", "")]
    assert len(bars) == 1, "one bar, updated in place"
    assert "200/200" in bars[0]["data"]["text/plain"]
    charts = [o for o in outputs if o.output_type == "display_data" and "image/png" in o["data"]]
    assert len(charts) == 1 and png_size(charts[0]["data"]["image/png"]) == (640, 360)
    streamed = "".join(o.text for o in outputs if o.output_type == "stream")
    assert "step 150" in streamed


def test_tour_errors_carry_the_exception_name(executed):
    nb = executed["00-tour.ipynb"]
    error = tagged(nb, "error").outputs[-1]
    assert error.output_type == "error" and error.ename == "java.lang.IllegalArgumentException"
    assert any("in perplexity()" in line for line in error.traceback)
    assert tagged(nb, "compile-error").outputs[-1].ename == "CompilationException"
    assert "ExitRefusedException" in tagged(nb, "exit").outputs[-1].ename
    alive = tagged(nb, "alive").outputs[-1]["data"]["text/plain"]
    assert alive == "budget=6, runs=6, table rows=100"


def test_tour_time_magic_reports_and_keeps_the_value(executed):
    outputs = tagged(executed["00-tour.ipynb"], "time").outputs
    assert "Wall time:" in "".join(o.text for o in outputs if o.output_type == "stream")
    assert outputs[-1]["data"]["text/plain"] == "149999997"


def test_an_unexpected_error_makes_nbconvert_fail(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Java (Assay)", "language": "java"}
    nb.cells = [nbformat.v4.new_code_cell("int ok = 1;"), nbformat.v4.new_code_cell('throw new RuntimeException("boom");'),
                nbformat.v4.new_code_cell("int never = 2;")]
    path = tmp_path / "failing.ipynb"
    nbformat.write(nb, path)
    proc = subprocess.run(
        [str(JUPYTER), "nbconvert", "--to", "notebook", "--execute", f"--ExecutePreprocessor.kernel_name={KERNEL_NAME}",
         "--output-dir", str(tmp_path / "out"), str(path)], capture_output=True, text=True)
    assert proc.returncode != 0
    assert "java.lang.RuntimeException" in proc.stderr and "boom" in proc.stderr


def test_assay_run_writes_what_ran_even_when_a_cell_fails(tmp_path):
    def notebook(name, sources):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Java (Assay)", "language": "java"}
        nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
        path = tmp_path / name
        nbformat.write(nb, path)
        return path

    ok = notebook("ok.ipynb", ['System.out.println("fine " + (6 * 7));'])
    failing = notebook("failing.ipynb", ['System.out.println("before");', 'throw new RuntimeException("boom");',
                                         'System.out.println("never");'])
    out = tmp_path / "out"
    proc = subprocess.run([str(ROOT / "assay"), "run", str(ok), str(failing), "--out", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "FAILED: " + str(failing) in proc.stderr
    good = nbformat.read(out / "ok.ipynb", as_version=4)
    assert good.cells[0].outputs[0].text == "fine 42\n"
    bad = nbformat.read(out / "failing.ipynb", as_version=4)
    assert bad.cells[0].outputs[0].text == "before\n"
    assert bad.cells[1].outputs[-1].output_type == "error" and "boom" in bad.cells[1].outputs[-1].evalue
    assert bad.cells[2].outputs == [] and bad.cells[2].execution_count is None, "cells after the failure stay unrun"
    assert "boom" in (out / "failing.html").read_text() and "fine 42" in (out / "ok.html").read_text()
    assert not list(out.glob(".*.tmp")), "no temporary files left behind"
