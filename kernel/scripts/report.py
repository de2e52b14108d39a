#!/usr/bin/env python3
"""Runs notebooks and writes what they showed as a static site, for `./assay report`: a reader sees every figure and
headline without running anything.

OUT/index.html (and OUT/README.md, which GitHub renders) has one row per notebook: title, headline (what its last
cell, the self-check, shows), budget, wall time, pass or fail, and its reproducibility stamp (git commit and whether the
tree was dirty, Java, DJL and libtorch versions, CPU and threads, budget, the seeds its code sets, date). Each notebook
gets OUT/NAME/index.html and OUT/NAME/README.md, its figures as PNG and SVG files in OUT/NAME/figures/; the pages
share one style sheet, OUT/notebook.css.

Rows are kept in OUT/index.json, so a run of some notebooks (`--budget small 07-thinking-tokens.ipynb`) replaces
their rows and keeps the others. One report writes a folder at a time (a lock); a notebook's folder is replaced only
once it is complete, so an interrupt or a crash leaves the previous report as it was.
Usage: report.py [NOTEBOOK...] [--budget small|full] [--out DIR] [--kernel NAME] [--timeout SECONDS]
Exit status: 0 when every notebook passed, 1 when one failed, 2 on bad arguments, 130 on an interrupt."""
import argparse
import copy
import datetime
import fcntl
import hashlib
import html
import json
import os
import pathlib
import platform
import re
import shutil
import subprocess
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter, MarkdownExporter
from traitlets.config import Config

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from run_notebook import write_atomically  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIGURE_LIMIT = 100 * 1024
# Runs after the notebook, in its kernel, and is not kept in the report: what the stamp says about the JVM and libtorch
STAMP_CODE = """var assayStampInfo = org.assay.lib.engine.Torch.info();
String.join("\\t", System.getProperty("java.runtime.version"), System.getProperty("java.vm.name"),
        assayStampInfo.djlVersion(), assayStampInfo.engine() + " " + assayStampInfo.engineVersion(),
        assayStampInfo.device(), String.valueOf(assayStampInfo.threads()), assayStampInfo.cpuBlas())"""
STAMP_FIELDS = ["java", "jvm", "djl", "libtorch", "device", "threads", "cpu_blas"]
SEED = re.compile(r"\b(?:withSeed|seed|Random|SplittableRandom)\((\d+)L?\)")


def git(*args):
    try:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def cpu_name():
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def title_of(nb, fallback):
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def text_of(outputs):
    """What a cell showed as text: its result, else what it printed, else its error."""
    for o in outputs:
        if o.output_type == "execute_result" and "text/plain" in o.get("data", {}):
            return o["data"]["text/plain"]
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream" and o.get("name") == "stdout")
    if printed.strip():
        return printed.strip().splitlines()[-1]
    for o in outputs:
        if o.output_type == "error":
            return f"{o['ename']}: {o['evalue']}"
    return ""


def run(path, kernel, timeout, progress):
    """Executes a notebook in its own folder; returns (executed notebook, status, failure, seconds, stamp)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name=kernel, timeout=timeout, resources={"metadata": {"path": str(path.parent)}})
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    status, failure, stamp = "pass", None, {}
    with client.setup_kernel():
        info = client.wait_for_reply(client.kc.kernel_info())
        if info is not None and "language_info" in info["content"]:
            nb.metadata["language_info"] = info["content"]["language_info"]
        t0 = time.monotonic()  # the kernel has started: wall time is the notebook's own, as the notebooks state it
        for n, index in enumerate(code, 1):
            progress(f"cell {n}/{len(code)}", time.monotonic() - t0)
            try:
                client.execute_cell(nb.cells[index], index, execution_count=client.code_cells_executed + 1)
            except CellExecutionError as e:
                status, failure = "fail", f"cell {n} of {len(code)}: " + str(e).strip().splitlines()[-1]
                break
        seconds = time.monotonic() - t0
        probe = nbformat.v4.new_code_cell(STAMP_CODE)
        nb.cells.append(probe)  # nbclient writes an executed cell back into its notebook; taken out again below
        try:
            client.execute_cell(probe, len(nb.cells) - 1, execution_count=client.code_cells_executed + 1)
            stamp = dict(zip(STAMP_FIELDS, text_of(probe.outputs).split("\t")))
        except CellExecutionError as e:
            stamp = {"error": str(e).strip().splitlines()[-1]}
        finally:
            nb.cells.pop()
    return nb, status, failure, seconds, stamp


def export(nb, name, folder):
    """NAME's index.html and README.md in folder, sharing the figures they show (figures/: PNG, and SVG beside)."""
    config = Config()
    config.ExtractOutputPreprocessor.enabled = True  # each exporter has one, off unless asked for
    config.ExtractOutputPreprocessor.output_filename_template = "{unique_key}-cell{cell_index}-{index}{extension}"
    figures = {}
    for cell_index, cell in enumerate(nb.cells):  # the pages show the PNG; the SVG is kept as a file beside it
        for index, output in enumerate(cell.get("outputs", [])):
            svg = output.get("data", {}).pop("image/svg+xml", None)
            if svg is not None:
                figures[f"figures/{name}-cell{cell_index}-{index}.svg"] = svg.encode("utf-8")
    pages = {}
    for exporter, page in ((HTMLExporter, "index.html"), (MarkdownExporter, "README.md")):
        e = exporter(config=config)
        body, resources = e.from_notebook_node(copy.deepcopy(nb),  # its extraction marks the outputs it was given
                                               resources={"unique_key": name, "output_files_dir": "figures"})
        pages[page] = body
        figures.update(resources.get("outputs", {}))
    pages["index.html"], css = shared_css(pages["index.html"])
    (folder / "figures").mkdir(parents=True, exist_ok=True)
    for page, body in pages.items():
        write_atomically(folder / page, body)
    for relative, data in figures.items():
        (folder / relative).write_bytes(data)
    return sorted(figures), css


STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
CSS_LINK = '<link rel="stylesheet" href="../notebook.css">'


def shared_css(page):
    """The page with its head's style sheets (nbconvert's, 540 KB, the same in every page) moved to ../notebook.css:
    returns (page, css)."""
    head_end = page.index("</head>")
    head = page[:head_end]
    css = "\n".join(m.group(1).strip() for m in STYLE.finditer(head)) + "\n"
    return STYLE.sub("", head) + CSS_LINK + "\n" + page[head_end:], css


def seeds_of(nb):
    found = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            found += [s for s in SEED.findall(cell.source) if s not in found]
    return found


def stamp_text(r):
    """A row's reproducibility stamp in words, for both index pages."""
    stamp = r["stamp"]
    return (f"commit {r['commit'][:12]}{' (dirty tree)' if r['dirty'] else ''}; Java {stamp.get('java', '?')}; "
            f"DJL {stamp.get('djl', '?')}; {stamp.get('libtorch', '?')}; {r['cpu']}, {r['cpus']} CPUs, "
            f"{stamp.get('threads', '?')} libtorch threads; seeds {', '.join(r['seeds']) or 'none in the code'}; "
            f"{r['date']}")


def row_html(name, r):
    status = "pass" if r["status"] == "pass" else "FAIL"
    budget = r["budget"]
    details = stamp_text(r)
    figures = "".join(f'<a href="{html.escape(name)}/{html.escape(f)}"><img src="{html.escape(name)}/{html.escape(f)}"'
                      f' alt="{html.escape(f)}" loading="lazy"></a>' for f in r["figures"] if f.endswith(".png"))
    return (f'<tr class="{r["status"]}"><td><a href="{html.escape(name)}/index.html">{html.escape(r["title"])}</a>'
            f'<br><small>{html.escape(name)}.ipynb</small></td><td>{html.escape(r["headline"])}'
            f'{"<br><b>" + html.escape(r["failure"]) + "</b>" if r.get("failure") else ""}</td>'
            f'<td>{html.escape(budget)}</td><td>{r["seconds"]:.0f} s</td><td>{status}</td>'
            f'<td><small>{html.escape(details)}</small></td></tr>\n'
            f'<tr class="figures"><td colspan="6">{figures}</td></tr>\n')


def index_html(rows):
    body = "".join(row_html(name, rows[name]) for name in sorted(rows))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Assay notebooks: results</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .5em; text-align: left; vertical-align: top; }}
tr.fail td {{ background: #fdecea; }}
tr.figures img {{ height: 140px; margin: 0 .5em .5em 0; border: 1px solid #eee; }}
</style></head><body>
<h1>Assay notebooks: results</h1>
<p>Each notebook executed by <code>./assay report</code>; its headline is what its last cell (the self-check) shows.
Wall time is the notebook's own, after its kernel started. Click a title for the whole notebook, a figure for its
file (every figure is also kept as SVG beside the PNG).</p>
<table><thead><tr><th>Notebook</th><th>Headline</th><th>Budget</th><th>Wall time</th><th>Result</th>
<th>Reproducibility stamp</th></tr></thead><tbody>
{body}</tbody></table></body></html>
"""


def index_markdown(rows):
    lines = ["# Assay notebooks: results", "",
             "Each notebook executed by `./assay report` (the static site: [index.html](index.html)); its headline is "
             "what its last cell, the self-check, shows. Wall time is the notebook's own, after its kernel started.", "",
             "| Notebook | Headline | Budget | Wall time | Result |", "|---|---|---|---|---|"]
    for name in sorted(rows):
        r = rows[name]
        headline = r["headline"].replace("|", "\\|").replace("\n", " ")
        lines.append(f"| [{r['title']}]({name}/README.md) | {headline} | {r['budget']} | {r['seconds']:.0f} s | "
                     f"{'pass' if r['status'] == 'pass' else '**FAIL**'} |")
    lines.append("")
    for name in sorted(rows):
        r = rows[name]
        lines += [f"## {r['title']}", "", f"`{name}.ipynb`, {r['budget']} budget: {stamp_text(r)}.", ""]
        lines += [f"![{f}]({name}/{f})" for f in r["figures"] if f.endswith(".png")] + [""]
    return "\n".join(lines)


def replace_folder(staging, target):
    """Puts staging where target is, keeping the old one until the new one is in place."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="*", type=pathlib.Path, help="default: every notebooks/*.ipynb")
    ap.add_argument("--budget", choices=["small", "full"], default="full")
    ap.add_argument("--out", type=pathlib.Path, default=ROOT / "docs" / "results")
    ap.add_argument("--kernel", default="assay", help="kernelspec name (default: assay)")
    ap.add_argument("--timeout", type=float, default=None, help="seconds a cell may run (default: no limit)")
    args = ap.parse_args()
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for p in notebooks:
        if not p.is_file() or p.suffix != ".ipynb":
            ap.error(f"no such notebook: {p}")
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    lock = open(out / ".lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(f"report: another ./assay report is writing {out}; wait for it to finish", file=sys.stderr)
        return 2
    os.environ["ASSAY_BUDGET"] = args.budget  # Notebook.budget() in every kernel started from here
    if args.budget == "full":
        os.environ.pop("CI", None)  # CI=true alone would mean small
    os.environ["ASSAY_CHART_FORMATS"] = "png,svg"  # every chart as both, for the figure files
    index_file = out / "index.json"
    rows = json.loads(index_file.read_text()) if index_file.exists() else {}
    commit = (git("rev-parse", "HEAD") or "unknown").strip()
    dirty = bool((git("status", "--porcelain", "--untracked-files=no") or "").strip())
    failed = 0
    for k, path in enumerate(notebooks, 1):
        name = path.stem
        started = datetime.datetime.now(datetime.timezone.utc)

        def progress(where, seconds, k=k, name=name):
            print(f"\r[{k}/{len(notebooks)}] {name}: {where} ({seconds:.0f} s)\033[K", end="", file=sys.stderr,
                  flush=True)

        try:
            nb, status, failure, seconds, stamp = run(path.resolve(), args.kernel, args.timeout, progress)
        except KeyboardInterrupt:
            print(f"\nreport: interrupted in {name}; its earlier report, if any, is kept", file=sys.stderr)
            return 130
        print(f"\r[{k}/{len(notebooks)}] {name}: {status} in {seconds:.0f} s\033[K", file=sys.stderr, flush=True)
        staging = out / f".{name}.new"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        figures, css = export(nb, name, staging)
        write_atomically(out / "notebook.css", css)
        big = [f"{f} ({(staging / f).stat().st_size // 1024} KB)" for f in figures
               if (staging / f).stat().st_size > FIGURE_LIMIT]
        if big:
            print(f"report: {name}: figures over {FIGURE_LIMIT // 1024} KB: {', '.join(big)}", file=sys.stderr)
        where = path.resolve()
        stamp_json = {"notebook": str(where.relative_to(ROOT)) if ROOT in where.parents else where.name, "commit": commit, "dirty": dirty,
                      "source_sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "budget": args.budget, "date": started.isoformat(timespec="seconds"),
                      "cpu": cpu_name(), "cpus": os.cpu_count(), "seeds": seeds_of(nb), "stamp": stamp}
        write_atomically(staging / "stamp.json", json.dumps(stamp_json, indent=2) + "\n")
        replace_folder(staging, out / name)
        code_cells = [c for c in nb.cells if c.cell_type == "code"]
        rows[name] = dict(stamp_json, title=title_of(nb, name), status=status, failure=failure,
                          seconds=round(seconds, 1),
                          headline=text_of(code_cells[-1].outputs) if status == "pass" and code_cells else failure,
                          figures=figures, oversize=big)
        failed += status != "pass"
        write_atomically(index_file, json.dumps(rows, indent=2, sort_keys=True) + "\n")
        write_atomically(out / "index.html", index_html(rows))
        write_atomically(out / "README.md", index_markdown(rows))
    print(f"report: {len(notebooks) - failed} of {len(notebooks)} notebooks passed; {out / 'index.html'}",
          file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
