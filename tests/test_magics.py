"""Magic-name completion, %mavenRepo, %load of a notebook, and Out (earlier results), through jupyter_client."""
import hashlib
import os
import subprocess
import zipfile

import pytest

from conftest import execute, results, started_kernel, write_notebook


@pytest.fixture(scope="module")
def maven_kernel(tmp_path_factory):
    """A kernel whose Maven local repository is a fresh folder (mvn's -Dmaven.repo.local), so no test touches ~/.m2."""
    local = tmp_path_factory.mktemp("m2-local")
    env = dict(os.environ, JAVA_TOOL_OPTIONS=f"-Dmaven.repo.local={local}")
    with started_kernel(env=env) as (_, kc):
        yield kc, local


def _complete(kc, code, cursor):
    kc.complete(code, cursor)
    reply = kc.get_shell_msg(timeout=10)["content"]
    assert reply["status"] == "ok", reply
    return reply["matches"], reply["cursor_start"], reply["cursor_end"]


def test_magic_names_complete(kernel):
    _, kc = kernel
    matches, start, end = _complete(kc, "%ma", 3)
    assert matches == ["%maven", "%mavenRepo"] and (start, end) == (0, 3), matches
    code = "int a = 1;\n  %lo"
    matches, start, end = _complete(kc, code, len(code))
    assert matches == ["%load"] and (start, end) == (13, len(code)), (matches, start)
    matches, start, _ = _complete(kc, "%%ti", 4)
    assert matches == ["%%time"] and start == 0, matches
    assert "%%time" in _complete(kc, "%", 1)[0] and "%time" in _complete(kc, "%", 1)[0]
    assert _complete(kc, "int b = 2;\n%%ti", 15)[0] == [], "a cell magic only begins a cell"
    assert "toUpperCase(" in _complete(kc, '"x".toUpperC', 12)[0], "Java completion is unchanged"


def _error(reply):
    assert reply["status"] == "error", reply
    return reply["evalue"]


def test_out_gives_earlier_results(kernel):
    _, kc = kernel
    reply, _, _ = execute(kc, "6 * 7")
    n = reply["execution_count"]
    execute(kc, "int notAResult = 1;")
    reply, messages, _ = execute(kc, f"int twice = Out.get({n}); twice * 2")
    assert reply["status"] == "ok", reply
    assert results(messages) == ["84"]
    reply, messages, _ = execute(kc, "String.valueOf((Object) Out.last())")
    assert results(messages) == ["84"]
    said = _error(execute(kc, f"Out.get({n + 1})")[0])
    assert f"Out.get: cell [{n + 1}] has no result" in said and str(n) in said, said


def _write_repository(root, tmp):
    """A file-based Maven repository holding org.example:greeter:1.0 (one class), with SHA-1 checksums."""
    src = tmp / "src" / "demo"
    src.mkdir(parents=True)
    (src / "Greeter.java").write_text('package demo; public class Greeter {'
                                      ' public static String hi(String n) { return "hi " + n; } }')
    classes = tmp / "classes"
    subprocess.run(["javac", "-d", str(classes), str(src / "Greeter.java")], check=True)
    folder = root / "org" / "example" / "greeter" / "1.0"
    folder.mkdir(parents=True)
    with zipfile.ZipFile(folder / "greeter-1.0.jar", "w") as jar:
        jar.write(classes / "demo" / "Greeter.class", "demo/Greeter.class")
    (folder / "greeter-1.0.pom").write_text(
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
        '<groupId>org.example</groupId><artifactId>greeter</artifactId><version>1.0</version></project>')
    for f in list(folder.iterdir()):
        (folder / (f.name + ".sha1")).write_text(hashlib.sha1(f.read_bytes()).hexdigest())


def test_maven_repo_adds_a_repository_for_maven(maven_kernel, tmp_path):
    kc, local = maven_kernel
    repo = tmp_path / "repo"
    _write_repository(repo, tmp_path)
    said = _error(execute(kc, "%maven org.example:greeter:1.0")[0])
    assert "cannot resolve org.example:greeter:1.0" in said, said
    reply, messages, _ = execute(kc, f"%mavenRepo team {repo.as_uri()}\n%maven org.example:greeter:1.0")
    assert reply["status"] == "ok", reply
    printed = "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream")
    assert "Added repository team" in printed and "1 jar added" in printed, printed
    reply, messages, _ = execute(kc, 'demo.Greeter.hi("Ada")')
    assert results(messages) == ["hi Ada"]
    assert (local / "org" / "example" / "greeter" / "1.0" / "greeter-1.0.jar").exists(), "cached in the local one"
    assert "repository id must be" in _error(execute(kc, "%mavenRepo 'bad id' https://example.org")[0])
    assert "must start with https://" in _error(execute(kc, "%mavenRepo x ftp://example.org/repo")[0])
    assert "give an id and a URL" in _error(execute(kc, "%mavenRepo onlyone")[0])


def test_load_runs_another_notebooks_code_cells(kernel, tmp_path):
    _, kc = kernel
    helpers = tmp_path / "helpers.ipynb"
    write_notebook(helpers, [("markdown", "# Helpers\nnot code"),
                        ("code", ["int base = 40;\n", "int plus(int k) { return base + k; }"]),
                        ("code", ""),
                        ("code", "%lsmagic\nString tag = \"from the notebook\";")])
    reply, _, _ = execute(kc, f"%load {helpers}")
    assert reply["status"] == "ok", reply
    reply, messages, _ = execute(kc, 'plus(2) + " " + tag')
    assert results(messages) == [
        "42 from the notebook"]

    broken = tmp_path / "broken.ipynb"
    write_notebook(broken, [("code", "int fine = 1;"), ("code", "int also = 2;\nint broken = \"x\";"),
                       ("code", "int never = 3;")])
    reply, _, _ = execute(kc, f"%load {broken}")
    said = "\n".join(reply["traceback"])
    assert reply["status"] == "error" and "broken.ipynb code cell 2, line 2" in said, said
    assert _error(execute(kc, "never")[0]), "cells after the failing one did not run"

    python = tmp_path / "python.ipynb"
    write_notebook(python, [("code", "print('hi')")], language="python")
    assert "is a python notebook" in _error(execute(kc, f"%load {python}")[0])
    looping = tmp_path / "loop.ipynb"
    write_notebook(looping, [("code", f"%load {looping}")])
    said = _error(execute(kc, f"%load {looping}")[0])
    assert "loop.ipynb is already being loaded" in said, said
