#!/usr/bin/env python3
"""Executes one notebook headless for `./assay run`, as papermill does: NAME.ipynb and NAME.html are written to the
output folder whether or not a cell fails (the failing cell shows its error, the cells after it are left unrun), each
atomically (a temporary file, then a rename). Exit status: 0 when every cell ran, 1 when a cell failed, 130 on an
interrupt. Runs in the notebook's own folder, as `jupyter nbconvert --execute` does.
Usage: run_notebook.py NOTEBOOK --out-dir DIR [--kernel NAME]"""
import argparse
import os
import pathlib
import sys
import tempfile

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter


def write_atomically(path, text):
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.fchmod(fd, 0o666 & ~umask)  # as an ordinary file would be, not mkstemp's 0600
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        pathlib.Path(tmp).unlink(missing_ok=True)
        raise


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebook", type=pathlib.Path)
    ap.add_argument("--out-dir", type=pathlib.Path, required=True)
    ap.add_argument("--kernel", default="assay", help="kernelspec name (default: assay)")
    args = ap.parse_args()
    source = args.notebook.resolve()
    nb = nbformat.read(source, as_version=4)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    client = NotebookClient(nb, kernel_name=args.kernel, timeout=None,
                            resources={"metadata": {"path": str(source.parent)}})
    status, why = 0, None
    try:
        client.execute()
    except CellExecutionError as e:
        status, why = 1, str(e)
    except KeyboardInterrupt:
        status, why = 130, "interrupted"
    write_atomically(args.out_dir / f"{source.stem}.ipynb", nbformat.writes(nb))
    html, _ = HTMLExporter().from_notebook_node(nb)
    write_atomically(args.out_dir / f"{source.stem}.html", html)
    if why:
        ran = sum(1 for c in nb.cells if c.cell_type == "code" and c.get("execution_count"))
        print(f"run_notebook: {source.name} stopped after {ran} code cells ({why[-3000:]}); the notebook as far as it "
              f"ran is in {args.out_dir / (source.stem + '.ipynb')}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
