"""End-to-end tests: the real kernel through Jupyter's own client libraries (Debian's jupyter_client, nbconvert)."""
import contextlib
import json
import os

import jupyter_client
import pytest

KERNEL_NAME = os.environ.get("ASSAY_KERNEL_NAME", "assay")


@contextlib.contextmanager
def started_kernel(**start):
    """A running kernel and a blocking client (start: options of KernelManager.start_kernel, e.g. env)."""
    km = jupyter_client.KernelManager(kernel_name=KERNEL_NAME)
    km.start_kernel(**start)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


@pytest.fixture(scope="module")
def kernel():
    """A running kernel and a blocking client; shut down at the end of the module."""
    with started_kernel() as started:
        yield started


def write_notebook(path, cells, language="java"):
    """A notebook file of (cell type, source) pairs, each source kept as given (a string or nbformat's list of lines)."""
    path.write_text(json.dumps({
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": KERNEL_NAME, "language": language, "display_name": "Java (Assay)"}},
        "cells": [{"id": f"cell-{i}", "cell_type": kind, "metadata": {}, "source": source,
                   **({"outputs": [], "execution_count": None} if kind == "code" else {})}
                  for i, (kind, source) in enumerate(cells)]}))
    return path


def results(messages, kind="text/plain"):
    """What the execute_result messages among a request's iopub messages carry, as `kind`."""
    return [m["content"]["data"].get(kind) for m in messages if m["msg_type"] == "execute_result"]


def execute(kc, code, timeout=60):
    """Runs code; returns (reply content, iopub messages of this request, seconds to the reply)."""
    import time
    t0 = time.monotonic()
    msg_id = kc.execute(code)
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    elapsed = time.monotonic() - t0
    messages = []
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        messages.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    return reply["content"], messages, elapsed


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keeps each phase's report on the test (item.rep_call), for fixtures that act on a failure (screenshots)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)
