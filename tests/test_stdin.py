"""Standard input from cells: input_request to the front end, as ipykernel's input() (jupyter_client's client)."""
import queue
import time

from conftest import execute, results


def _run_with_input(kc, code, answers, timeout=60):
    """Runs code with allow_stdin, answering each input_request with the next answer; returns (reply, requests)."""
    msg_id = kc.execute(code, allow_stdin=True)
    requests = []
    answers = list(answers)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = kc.get_stdin_msg(timeout=0.1)
            assert msg["parent_header"]["msg_id"] == msg_id, msg
            requests.append(msg["content"])
            kc.input(answers.pop(0))
        except queue.Empty:
            pass
        try:
            reply = kc.get_shell_msg(timeout=0.05)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply["content"], requests
        except queue.Empty:
            pass
    raise AssertionError(f"no reply to {code!r} within {timeout} s")


def test_scanner_and_read_ask_the_front_end(kernel):
    _, kc = kernel
    reply, requests = _run_with_input(kc, 'var sc = new Scanner(System.in);\n'
                                          'System.out.print("Name: ");\n'
                                          'String name = sc.nextLine();\n'
                                          'int age = Integer.parseInt(sc.nextLine().trim());\n'
                                          'int first = System.in.read();\n'
                                          'name + " " + (age + 1) + " " + (char) first',
                                      ["Ada Lovelace", " 36 ", "xyz"])
    assert reply["status"] == "ok", reply
    assert len(requests) == 3 and all(r["password"] is False for r in requests), requests
    content, messages = _result(kc, "name + \"|\" + age")
    assert messages == ["Ada Lovelace|36"], messages
    # the rest of "xyz\n" is kept for the next reads: no new question
    reply, requests = _run_with_input(kc, "String rest = \"\" + (char) System.in.read() + (char) System.in.read()"
                                          " + (int) System.in.read();", [])
    assert reply["status"] == "ok" and requests == [], (reply, requests)
    assert _result(kc, "rest")[1] == ["yz10"]


def _result(kc, code):
    content, messages, _ = execute(kc, code)
    return content, results(messages)


def test_input_and_password_send_their_prompt(kernel):
    _, kc = kernel
    reply, requests = _run_with_input(kc, 'String a = input("Your name: "); String b = password("Token: ");'
                                          ' a + ":" + b.length()', ["Grace", "secret"])
    assert reply["status"] == "ok", reply
    assert requests == [{"prompt": "Your name: ", "password": False}, {"prompt": "Token: ", "password": True}]
    assert _result(kc, "a + \":\" + b.length()")[1] == ["Grace:6"]


def test_without_allow_stdin_the_error_says_why(kernel):
    _, kc = kernel
    msg_id = kc.execute("new Scanner(System.in).nextLine()", allow_stdin=False)  # as nbconvert and nbclient do
    content = kc.get_shell_msg(timeout=30)["content"]
    assert content["status"] == "error", content
    assert "allow_stdin: false" in content["evalue"], content
    assert "StdinNotAllowedException" in content["ename"], content


def test_interrupt_stops_a_cell_waiting_for_input_and_keeps_state(kernel):
    km, kc = kernel
    execute(kc, "int kept = 41;")
    msg_id = kc.execute("String never = new Scanner(System.in).nextLine();", allow_stdin=True)
    request = kc.get_stdin_msg(timeout=30)
    assert request["msg_type"] == "input_request"
    t0 = time.monotonic()
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=10)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=10)
    assert time.monotonic() - t0 < 2.0
    assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "InterruptedException", reply
    kc.input("late answer")  # the front end answers after all: dropped, not read by the next question
    reply, requests = _run_with_input(kc, "kept + 1 + input(\"again: \").length()", ["abc"])
    assert reply["status"] == "ok", reply
    assert _result(kc, "kept")[1] == ["41"]
