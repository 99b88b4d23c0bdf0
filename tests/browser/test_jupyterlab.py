"""The notebooks and explorers as a user meets them: JupyterLab in headless Chromium.

``make test-browser`` runs this (never ``make test``): it executes the smoke series with the
runner, starts JupyterLab on 127.0.0.1 with a token on copies of the notebooks, and, for notebooks
01, 03 and 06, edits the parameters cell to point at that run directory, runs all cells from the
Run menu and checks what a person would see: every figure a cell returns is a rendered image, no
cell shows an error, the resource line and the training progress appear, and the explorers
redraw (the picture of the plot or face changes after a dropdown, an axis, a zoom, a slider).
Screenshots go to ``<run>/browser/``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "nbhelpers-browser-test"
RUN_TIMEOUT_S = {"01": 240, "03": 420, "06": 240}
# the notebook on screen: JupyterLab keeps other notebooks' panels in the page, hidden
NB = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def _chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("no Chromium found: install Debian's chromium package (make test-browser "
                    "does it with apt-get) or set CHROMIUM=/path/to/chromium")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    """The smoke series, executed by the runner (as ``PROFILE=smoke make run`` does)."""
    given = os.environ.get("BROWSER_RUN_DIR")
    if given:
        return Path(given)
    from nbhelpers import runner

    run = tmp_path_factory.mktemp("browser_run")
    runner.run_series(runner.RunRequest("smoke", run_dir=run), log=lambda *a, **k: None,
                      stream_stdout=False)
    return run


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 with a token, serving copies of the notebooks (the committed ones
    stay without outputs); the kernel is the project's venv with a frontend (no NBHELPERS_STATIC)."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "NBHELPERS_STATIC"}
    env["PYTHONPATH"] = str(ROOT)
    for var, sub in (("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTER_CONFIG_DIR", "config"),
                     ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                     ("JUPYTERLAB_WORKSPACES_DIR", "workspaces")):
        env[var] = str(root / ".jupyter" / sub)  # a fresh user: no settings, no saved layout
    news = root / ".jupyter" / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)  # no "notified about Jupyter news?" toast over the screenshots
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    tracker = root / ".jupyter" / "settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)  # every cell rendered, not only those near the viewport
    (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    log = open(root / "jupyter.log", "w")
    root_flag = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", *root_flag,
         f"--port={port}", f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}",
         "--ServerApp.disable_check_xsrf=False", "--LabApp.news_url=",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    import urllib.request

    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                log.close()
                pytest.fail("JupyterLab did not start:\n" + (root / "jupyter.log").read_text()[-3000:])
            time.sleep(0.5)
    yield url, root
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=_chromium(), headless=True,
                              args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def _open(browser, lab, name: str):
    url, _ = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(120_000)  # a loaded 2-core machine renders slowly
    # ?reset: a fresh workspace, so no notebook of an earlier test is restored beside this one
    page.goto(f"{url}/lab/tree/notebooks/{name}.ipynb?reset&token={TOKEN}")
    page.wait_for_selector(f"{NB} .jp-Notebook .jp-CodeCell .cm-content", state="visible")
    page.wait_for_selector(f"{NB} .jp-Notebook-ExecutionIndicator[data-status='idle']")
    return page


def _set_parameters(page, run_dir: Path) -> None:
    """Replace the parameters cell's text (the code cell that sets ``profile``; the Colab setup
    cell comes first), as a user editing it would."""
    cell = page.locator(f"{NB} .jp-Notebook .jp-CodeCell", has_text="profile = ").first
    editor = cell.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(f'profile = "smoke"\nrun_dir = "{run_dir}"\ndata = None\noverrides = {{}}')
    assert f'run_dir = "{run_dir}"' in editor.inner_text()


def _run_all(page, timeout_s: int) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    page.wait_for_timeout(1_000)
    deadline = time.time() + timeout_s
    errors = page.locator(f"{NB} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
                          f", {NB} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
    while time.time() < deadline:
        prompts = page.locator(f"{NB} .jp-CodeCell .jp-InputPrompt").all_inner_texts()
        busy = page.locator(f"{NB} .jp-Notebook-ExecutionIndicator[data-status='busy']").count()
        if prompts and not busy and all("*" not in p and "[ ]" not in p for p in prompts):
            return
        if not busy and any("Error" in t for t in errors.all_inner_texts()):
            pytest.fail("a cell failed: " + [t for t in errors.all_inner_texts() if "Error" in t][0][-2000:])
        page.wait_for_timeout(1_000)
    pytest.fail(f"cells still running after {timeout_s} s: {prompts}")


def _save_and_read(page, lab, name: str) -> dict:
    page.keyboard.press("Control+S")
    page.wait_for_timeout(1_500)
    return json.loads((lab[1] / "notebooks" / f"{name}.ipynb").read_text())


def _check_outputs(page, nb: dict, name: str) -> str:
    """No error output anywhere; every image/png output rendered as a loaded <img>; returns all
    text the outputs show on the page and the stream text the notebook saved."""
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert not errors, f"{name}: {errors[0]['ename']}: {errors[0]['evalue']}"
    assert page.locator(f"{NB} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']"
                        ).count() == 0
    pngs = sum("image/png" in o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", []))
    imgs = page.locator(f"{NB} .jp-OutputArea-output img")
    assert pngs > 0 and imgs.count() >= pngs, f"{name}: {pngs} figures, {imgs.count()} images"
    for i in range(imgs.count()):
        img = imgs.nth(i)
        img.scroll_into_view_if_needed()
        assert img.evaluate("e => e.complete && e.naturalWidth > 0"), f"{name}: image {i} is empty"
    shown = page.locator(f"{NB} .jp-OutputArea-output").all_inner_texts()
    # JupyterLab renders only the cells near the viewport (windowing), so the outputs the
    # frontend received and saved count as well: the saved notebook is what it displayed
    saved = ["".join(o.get("text", "")) if isinstance(o.get("text"), list) else o.get("text", "")
             for c in nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "stream"]
    return "\n".join(shown + saved)


def _shot(locator, path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    locator.scroll_into_view_if_needed()
    return locator.screenshot(path=str(path))


def _changes(widget_out, action, path: Path, timeout_ms: int = 30_000) -> None:
    """Run ``action`` and wait until the explorer's output picture differs from before."""
    before = widget_out.screenshot()
    action()
    deadline = time.time() + timeout_ms / 1000
    while time.time() < deadline:
        widget_out.page.wait_for_timeout(500)
        after = widget_out.screenshot()
        if after != before:
            _shot(widget_out, path)
            return
    pytest.fail(f"the explorer did not redraw: {path.stem}")


def _type_readout(page, readout, value: str) -> None:
    """Set a slider by typing into its editable readout, as a user can."""
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(value)
    page.keyboard.press("Enter")


def _shut_down(page, lab, name: str) -> None:
    """Close the page and stop its kernel (as closing the tab and shutting the kernel down)."""
    import urllib.request

    page.close()
    url = lab[0]
    with urllib.request.urlopen(f"{url}/api/sessions?token={TOKEN}", timeout=10) as r:
        sessions = json.load(r)
    for sess in sessions:
        if sess["path"].endswith(f"{name}.ipynb"):
            req = urllib.request.Request(f"{url}/api/sessions/{sess['id']}?token={TOKEN}",
                                         method="DELETE")
            urllib.request.urlopen(req, timeout=30).close()


def _notebook(browser, lab, run_dir: Path, name: str) -> tuple:
    page = _open(browser, lab, name)
    shots = run_dir / "browser"
    _shot(page.locator("#main"), shots / f"{name}_first_screen.png")
    try:
        _set_parameters(page, run_dir)
        _run_all(page, RUN_TIMEOUT_S[name[:2]])
        text = _check_outputs(page, _save_and_read(page, lab, name), name)
    except BaseException:
        page.screenshot(path=str(shots / f"{name}_failure.png"), full_page=True)
        _shut_down(page, lab, name)  # a kernel left training would slow the next notebook
        raise
    return page, text


def test_01_shows_training_progress_and_the_resource_line(browser, lab, run_dir):
    page, text = _notebook(browser, lab, run_dir, "01_autoencoder_training")
    assert f"profile smoke, run directory {run_dir}" in text
    assert "RAM: process" in text and "Epoch 1/3" in text
    assert "━" in text or "step" in text  # Keras' progress bar with a frontend
    _shut_down(page, lab, "01_autoencoder_training")


def _explorer(page, box: str, shot: Path):
    """The last widget box of that class in the notebook's outputs, its output area (once its
    first picture is drawn), after a screenshot of the whole explorer."""
    explorer = page.locator(f"{NB} .jp-OutputArea-output {box}").last
    out = explorer.locator(".widget-output").first
    out.locator("img").first.wait_for(timeout=30_000)
    _shot(explorer, shot)
    return explorer, out


def test_03_plane_explorer_redraws_on_space_axis_and_zoom(browser, lab, run_dir):
    page, _ = _notebook(browser, lab, run_dir, "03_tsne_filaments")
    shots = run_dir / "browser"
    explorer, out = _explorer(page, ".widget-vbox", shots / "03_plane_explorer.png")
    _changes(out, lambda: explorer.locator("select").first.select_option("original"),
             shots / "03_plane_explorer_original.png")
    axis = explorer.locator(".widget-inline-hbox", has_text="axis x").locator("input")
    _changes(out, lambda: (axis.fill("2"), axis.press("Enter")), shots / "03_plane_explorer_axis.png")
    readout = explorer.locator(".widget-readout").first
    _changes(out, lambda: _type_readout(page, readout, "1"), shots / "03_plane_explorer_zoom.png")
    _shut_down(page, lab, "03_tsne_filaments")


def test_06_face_explorer_changes_the_face_with_a_slider(browser, lab, run_dir):
    page, _ = _notebook(browser, lab, run_dir, "06_face_generation")
    shots = run_dir / "browser"
    explorer, out = _explorer(page, ".widget-hbox", shots / "06_face_explorer.png")
    readout = explorer.locator(".widget-readout").first
    _changes(out, lambda: _type_readout(page, readout, "2.5"), shots / "06_face_explorer_moved.png")
    _shut_down(page, lab, "06_face_generation")
