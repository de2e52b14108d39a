"""The Jupyter protocol, spoken by jupyter_client: execution, interrupts, System.exit, completion, signatures."""
import threading
import time

import pytest
from jupyter_client.session import Session

from conftest import execute, results


def test_kernel_info_names_the_kernel(kernel):
    km, kc = kernel
    kc.kernel_info()
    info = kc.get_shell_msg(timeout=10)["content"]
    assert info["implementation"] == "Assay"
    assert info["language_info"]["name"] == "java"
    assert info["status"] == "ok"


def test_state_value_and_stream(kernel):
    km, kc = kernel
    reply, msgs, _ = execute(kc, 'int base = 20;\nSystem.out.println("hello");\nbase + 22')
    assert reply["status"] == "ok"
    streams = [m["content"]["text"] for m in msgs if m["msg_type"] == "stream"]
    assert "".join(streams) == "hello\n"
    assert results(msgs) == ["42"]


def test_output_streams_while_the_cell_runs(kernel):
    km, kc = kernel
    msg_id = kc.execute('System.out.println("first"); Thread.sleep(1500); System.out.println("second");')
    t0 = time.monotonic()
    while True:
        msg = kc.get_iopub_msg(timeout=10)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
            break
    first_at = time.monotonic() - t0
    assert "first" in msg["content"]["text"]
    assert first_at < 1.0, f"first line arrived after {first_at:.2f}s, not while the cell ran"
    reply = kc.get_shell_msg(timeout=10)
    assert reply["content"]["status"] == "ok"


def test_interrupt_stops_a_tight_loop_within_a_second_and_keeps_state(kernel):
    km, kc = kernel
    execute(kc, "long keep = 123;")
    msg_id = kc.execute("long spins = 0;\nwhile (true) { spins++; }")
    time.sleep(1.0)
    t0 = time.monotonic()
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=10)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=10)
    stopped_after = time.monotonic() - t0
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "InterruptedException"
    assert stopped_after < 1.0, f"took {stopped_after:.2f}s to stop"
    reply, msgs, _ = execute(kc, "keep + 1")
    assert reply["status"] == "ok"
    assert results(msgs) == ["124"]


def test_interrupt_stops_a_sleeping_cell(kernel):
    km, kc = kernel
    msg_id = kc.execute("Thread.sleep(600_000);")
    time.sleep(0.5)
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=10)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["ename"] == "InterruptedException"


def test_system_exit_raises_and_the_kernel_survives(kernel):
    km, kc = kernel
    execute(kc, 'String survivor = "still here";')
    reply, msgs, _ = execute(kc, "System.exit(1);")
    assert reply["status"] == "error"
    assert "ExitRefusedException" in reply["ename"]
    assert "System.exit(1)" in reply["evalue"]
    time.sleep(0.5)
    assert km.is_alive()
    reply, msgs, _ = execute(kc, "survivor")
    assert results(msgs) == ["still here"]


def test_errors_are_readable(kernel):
    km, kc = kernel
    reply, msgs, _ = execute(kc, 'int x = "s";')
    assert reply["status"] == "error" and reply["ename"] == "CompilationException"
    assert any("column" in line for line in reply["traceback"])
    reply, msgs, _ = execute(kc, 'Integer.parseInt("abc")')
    assert reply["ename"] == "java.lang.NumberFormatException"
    errors = [m for m in msgs if m["msg_type"] == "error"]
    assert len(errors) == 1
    assert not any("org.assay.kernel" in line for line in errors[0]["content"]["traceback"])


def test_display_and_update_display(kernel):
    km, kc = kernel
    reply, msgs, _ = execute(kc, 'String id = display("one");\nupdateDisplay(id, "two");')
    assert reply["status"] == "ok"
    shown = [m for m in msgs if m["msg_type"] == "display_data"]
    updated = [m for m in msgs if m["msg_type"] == "update_display_data"]
    assert len(shown) == 1 and len(updated) == 1
    assert shown[0]["content"]["transient"]["display_id"] == updated[0]["content"]["transient"]["display_id"]
    assert updated[0]["content"]["data"]["text/plain"] == "two"


def test_complete_inspect_and_is_complete(kernel):
    km, kc = kernel
    execute(kc, 'String greeting = "hi";')
    kc.complete("greeting.toUpp", 14)
    reply = kc.get_shell_msg(timeout=10)["content"]
    assert reply["status"] == "ok"
    assert any(m.startswith("toUpperCase") for m in reply["matches"])
    assert (reply["cursor_start"], reply["cursor_end"]) == (9, 14)

    kc.inspect("Math.max(1, 2)", 6)
    reply = kc.get_shell_msg(timeout=10)["content"]
    assert reply["found"] and "max(int" in reply["data"]["text/plain"]

    kc.is_complete("for (int i = 0; i < 3; i++) {")
    assert kc.get_shell_msg(timeout=10)["content"]["status"] == "incomplete"
    kc.is_complete("int done = 1;")
    assert kc.get_shell_msg(timeout=10)["content"]["status"] == "complete"


def test_messages_with_a_bad_signature_are_ignored(kernel):
    km, kc = kernel
    forged = Session(key=b"not-the-key", username="intruder")
    forged.send(kc.shell_channel.socket, "execute_request",
                {"code": 'String pwned = "yes";', "silent": False, "store_history": True,
                 "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
    time.sleep(1.0)
    reply, msgs, _ = execute(kc, 'String checked = "ok";')
    assert reply["status"] == "ok"
    reply, msgs, _ = execute(kc, "pwned")
    assert reply["status"] == "error", "the forged request must not have run"


def test_sockets_bind_to_loopback_only(kernel):
    km, kc = kernel
    assert km.ip == "127.0.0.1"
    ports = {km.shell_port, km.iopub_port, km.stdin_port, km.control_port, km.hb_port}
    loopback = {"0100007F", "0000000000000000FFFF00000100007F"}  # 127.0.0.1 in tcp and as IPv4-mapped in tcp6
    listening = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            next(f)
            for line in f:
                local, state = line.split()[1], line.split()[3]
                addr, port = local.split(":")
                if state == "0A":
                    listening[int(port, 16)] = addr
    for port in ports:
        assert listening.get(port) in loopback, f"port {port} listens on {listening.get(port)}, not 127.0.0.1"


def test_kernel_is_quiet_by_default():
    """No log lines on the kernel's own stderr for a normal session: start, a cell, an error, shut down."""
    import subprocess
    import tempfile

    import jupyter_client

    from conftest import KERNEL_NAME
    with tempfile.TemporaryFile() as err:
        km = jupyter_client.KernelManager(kernel_name=KERNEL_NAME)
        km.start_kernel(stderr=err)
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            assert execute(kc, "1 + 1")[0]["status"] == "ok"
            assert execute(kc, "1 / 0")[0]["status"] == "error"
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=False)
        err.seek(0)
        assert err.read().decode() == ""


def test_a_failed_cell_aborts_the_cells_queued_after_it(kernel):
    """Run All: after an error (stop_on_error), requests already queued are answered 'aborted' and do not run."""
    km, kc = kernel
    execute(kc, "int ranAfter = 0;")
    failing = kc.execute('Thread.sleep(500);\nthrow new IllegalStateException("stop here");')
    queued = kc.execute("ranAfter = 1;")
    replies = {}
    while len(replies) < 2:
        msg = kc.get_shell_msg(timeout=30)
        replies[msg["parent_header"]["msg_id"]] = msg["content"]
    assert replies[failing]["status"] == "error"
    assert replies[queued]["status"] == "aborted"
    reply, msgs, _ = execute(kc, "ranAfter")
    assert results(msgs) == ["0"]
    reply, _, _ = execute(kc, "1 + 1")
    assert reply["status"] == "ok", "later requests run normally"


def _reply_to(kc, msg_id, timeout):
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    return reply


def test_interrupt_frees_a_value_whose_rendering_never_ends(kernel):
    """The value is rendered on the cell thread, where an interrupt reaches a toString that loops for ever."""
    km, kc = kernel
    msg_id = kc.execute('class Slow { public String toString() { while (true) {} } }\n'
                        'System.out.println("evaluated");\nnew Slow()')
    while True:  # the cell's output is flushed when it has run, before its value is rendered
        msg = kc.get_iopub_msg(timeout=30)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
            break
    time.sleep(0.5)
    t0 = time.monotonic()
    km.interrupt_kernel()
    reply = _reply_to(kc, msg_id, timeout=10)
    stopped_after = time.monotonic() - t0
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "InterruptedException"
    assert stopped_after < 3.0, f"took {stopped_after:.2f}s to stop"
    reply, msgs, _ = execute(kc, "1 + 1", timeout=10)
    assert results(msgs) == ["2"]


@pytest.mark.parametrize("code, said", [
    ('System.class.getMethod("exit", int.class).invoke(null, 42);', "System.exit(42)"),
    ('Runtime.getRuntime().getClass().getMethod("halt", int.class).invoke(Runtime.getRuntime(), 1);',
     "Runtime.halt(1)"),
    ('java.lang.invoke.MethodHandles.lookup().findStatic(System.class, "exit", '
     'java.lang.invoke.MethodType.methodType(void.class, int.class)).invokeExact(3);', "System.exit"),
])
def test_exit_through_reflection_or_a_method_handle_is_refused(kernel, code, said):
    km, kc = kernel
    execute(kc, 'String survivor = "still here";')
    reply, msgs, _ = execute(kc, code)
    assert reply["status"] == "error"
    assert reply["ename"] == "org.assay.kernel.exec.ExitRefusedException"
    assert said in reply["evalue"]
    time.sleep(0.3)
    assert km.is_alive()
    reply, msgs, _ = execute(kc, "survivor")
    assert results(msgs) == ["still here"]


def test_an_execute_request_without_code_gets_an_error_reply(kernel):
    """A signed request whose content lacks `code` is answered, not dropped (the client would wait for ever)."""
    km, kc = kernel
    sent = kc.session.send(kc.shell_channel.socket, "execute_request",
                           {"silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False,
                            "stop_on_error": True})
    reply = _reply_to(kc, sent["header"]["msg_id"], timeout=10)
    assert reply["msg_type"] == "execute_reply"
    assert reply["content"]["status"] == "error"
    assert "code" in reply["content"]["ename"] + reply["content"]["evalue"]
    assert "missing" in reply["content"]["evalue"]
    reply, msgs, _ = execute(kc, "1 + 1", timeout=10)
    assert results(msgs) == ["2"]


@pytest.mark.parametrize("assay_budget, expected", [("small", "small"), ("SMALL", "full"), (None, "full")])
def test_budget_reads_the_kernel_environment(assay_budget, expected):
    """budget() in a cell: the environment the kernel was started with, CI unset."""
    import os

    import jupyter_client

    from conftest import KERNEL_NAME
    env = {k: v for k, v in os.environ.items() if k not in ("ASSAY_BUDGET", "CI")}
    if assay_budget is not None:
        env["ASSAY_BUDGET"] = assay_budget
    km = jupyter_client.KernelManager(kernel_name=KERNEL_NAME)
    km.start_kernel(env=env)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        reply, msgs, _ = execute(kc, "budget()")
        assert reply["status"] == "ok"
        assert results(msgs) == [expected]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_history_request_is_answered_with_the_cells_run(tmp_path):
    """history_request (tail, range, search) replies with this session's cells; silent ones are not kept."""
    from conftest import started_kernel
    with started_kernel() as (_, kc):
        for code in ["int x = 6 * 7;", "x", "1 / 0"]:
            execute(kc, code)
        kc.execute("int hidden = 1;", silent=True)
        kc.get_shell_msg(timeout=30)
        execute(kc, "x + 1")

        def history(**kw):
            kc.history(**kw)
            reply = kc.get_shell_msg(timeout=10)
            assert reply["msg_type"] == "history_reply" and reply["content"]["status"] == "ok", reply
            entries = reply["content"]["history"]  # [session, line, input] or [session, line, [input, output]]
            return [tuple(e[:2]) + (tuple(e[2]) if isinstance(e[2], list) else (e[2],)) for e in entries]

        assert history(hist_access_type="tail", n=2, output=True) == [(1, 3, "1 / 0", None), (1, 4, "x + 1", "43")]
        assert history(hist_access_type="tail", n=10) == [(1, 1, "int x = 6 * 7;"), (1, 2, "x"), (1, 3, "1 / 0"),
                                                          (1, 4, "x + 1")]
        assert history(hist_access_type="range", session=0, start=2, stop=4, output=True) == [
            (1, 2, "x", "42"), (1, 3, "1 / 0", None)]
        assert history(hist_access_type="search", pattern="x*", unique=True, n=10) == [(1, 2, "x"), (1, 4, "x + 1")]
        assert history(hist_access_type="range", session=-1, start=1, stop=0) == [], "no earlier session is kept"

