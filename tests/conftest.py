"""End-to-end tests: the real kernel through Jupyter's own client libraries (Debian's jupyter_client, nbconvert)."""
import contextlib
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
