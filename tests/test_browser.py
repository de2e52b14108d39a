"""The kernel driven from a real browser: Jupyter Notebook on 127.0.0.1 with a token, Selenium in headless Chromium.

Runs 00-tour.ipynb with Run All and reads what a user sees: the chart image decoded, the table, the progress bar at
its end; then the interrupt button on `while (true) {}` and the restart button. A failure saves a screenshot under
target/test-artifacts/.
"""
import json
import os
import pathlib
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from conftest import KERNEL_NAME

ROOT = pathlib.Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "target" / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Jupyter Notebook serving a copy of the tour (autosave must not write outputs into the committed file)."""
    import notebook
    assert int(notebook.__version__.split(".")[0]) < 7, (
        f"the browser test drives the classic Notebook (6.x, Debian's jupyter-notebook); found {notebook.__version__}")
    work = tmp_path_factory.mktemp("browser")
    nb = json.loads((ROOT / "notebooks" / "00-tour.ipynb").read_text())
    nb["metadata"]["kernelspec"]["name"] = KERNEL_NAME
    (work / "00-tour.ipynb").write_text(json.dumps(nb))
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(work / "config"), JUPYTER_RUNTIME_DIR=str(work / "runtime"),
               JUPYTER_DATA_DIR=str(work / "data"))
    log = open(work / "notebook.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "notebook", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
                             "--port-retries=0", f"--NotebookApp.token={token}", f"--notebook-dir={work}"]
                            + (["--allow-root"] if os.geteuid() == 0 else []),
                            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=work)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline, (work / "notebook.log").read_text()
            time.sleep(0.2)
    try:
        with urllib.request.urlopen(f"{base}/api/status", timeout=2):
            raise AssertionError("the server answered without its token")
    except urllib.error.HTTPError as e:
        assert e.code == 403, e
    yield base, token
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1600"]:
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture
def page(server, browser, request):
    """The tour open in the browser, its kernel connected; a screenshot if the test fails."""
    base, token = server
    browser.get(f"{base}/notebooks/00-tour.ipynb?token={token}")
    _wait(browser, "return window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded"
                   " && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()", 60, "kernel connected")
    yield browser
    report = getattr(request.node, "rep_call", None)  # set by conftest's pytest_runtest_makereport
    if report is None or report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"{request.node.name}.png"
        browser.execute_script("const c = window.__last || window.__loop; if (c) c.element[0].scrollIntoView();")
        browser.save_screenshot(str(shot))
        print(f"screenshot of the failure: {shot}")


def _wait(driver, script, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if driver.execute_script(script):
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for: {what}")


def _cell(driver, tag):
    """The output area of the first cell with this tag."""
    return driver.execute_script(
        "const c = Jupyter.notebook.get_cells().find(c => (c.metadata.tags || []).includes(arguments[0]));"
        "return c ? c.output_area.element[0] : null;", tag)


def _run(driver, code, timeout=60):
    """Runs code in a new cell at the bottom and returns its output's text."""
    driver.execute_script("const c = Jupyter.notebook.insert_cell_at_bottom('code'); c.set_text(arguments[0]);"
                          "window.__last = c; c.execute();", code)
    _wait(driver, "return window.__last.input_prompt_number !== '*' && window.__last.input_prompt_number != null"
                  " && !window.__last.element.hasClass('running')", timeout, f"cell {code!r}")
    return driver.execute_script("return Array.from(window.__last.output_area.element[0]"
                                 ".querySelectorAll('.output_subarea')).map(e => e.innerText).join('\\n')").strip()


def test_run_all_shows_chart_table_and_progress(page):
    page.execute_script("Jupyter.notebook.execute_all_cells()")
    _wait(page, "return Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code')"
                ".every(c => typeof c.input_prompt_number === 'number')"
                " && !Jupyter.notebook.get_cells().some(c => c.element.hasClass('running'))", 300, "every code cell run")
    chart = _cell(page, "chart").find_element(By.CSS_SELECTOR, "img")
    width = page.execute_script("return arguments[0].complete && arguments[0].naturalWidth", chart)
    assert width and width > 0, f"the chart image did not decode (natural width {width})"
    table = _cell(page, "table").find_element(By.CSS_SELECTOR, "table")
    assert "loss" in table.text and "step" in table.text and "100" in _cell(page, "table").text, table.text
    bar = _cell(page, "progress").find_element(By.CSS_SELECTOR, "progress")
    value, maximum = (page.execute_script(f"return arguments[0].{a}", bar) for a in ("value", "max"))
    assert maximum == 200 and value == maximum, f"progress bar at {value} of {maximum}"
    assert "budget=6, runs=6" in _cell(page, "alive").text, "the cells after the failing ones ran"


def test_interrupt_button_stops_a_tight_loop_and_keeps_state(page):
    assert _run(page, "int kept = 41;\nkept + 1") == "42"
    page.execute_script("const c = Jupyter.notebook.insert_cell_at_bottom('code'); c.set_text('while (true) {}');"
                        "window.__loop = c; c.execute();")
    _wait(page, "return window.__loop.element.hasClass('running')", 10, "the loop to start")
    time.sleep(1.0)
    t0 = time.monotonic()
    page.find_element(By.CSS_SELECTOR, "button[data-jupyter-action='jupyter-notebook:interrupt-kernel']").click()
    _wait(page, "return !window.__loop.element.hasClass('running')", 10, "the loop to stop")
    elapsed = time.monotonic() - t0
    assert elapsed < 2.0, f"the interrupt took {elapsed:.2f} s"
    assert "interrupt" in page.execute_script("return window.__loop.output_area.element[0].innerText").lower()
    assert _run(page, "kept") == "41", "the kernel kept its state"


def test_restart_button_gives_a_fresh_kernel(page):
    assert _run(page, "int beforeRestart = 5;\nbeforeRestart") == "5"
    page.find_element(By.CSS_SELECTOR,
                      "button[data-jupyter-action='jupyter-notebook:confirm-restart-kernel']").click()
    _wait(page, "return document.querySelector('.modal.in .modal-footer .btn-danger') !== null", 10, "the dialog")
    page.find_element(By.CSS_SELECTOR, ".modal.in .modal-footer .btn-danger").click()
    _wait(page, "return Jupyter.notebook.kernel.is_connected() && document.querySelector('.modal.in') === null"
                " && document.querySelector('#kernel_indicator_icon.kernel_idle_icon') !== null", 60,
          "the restarted kernel to be idle")
    assert _run(page, "1 + 1") == "2"
    assert "cannot find symbol" in _run(page, "beforeRestart"), "the restarted kernel has none of the old state"
