"""The Colab path as a user meets it (``make test-colab``, in a Python 3.13 venv holding Colab's
own package versions): the notebooks open on "Colab" (a stand-in google.colab and a local folder
as Drive), their first cell alone clones the series, installs it without changing any package
Colab preinstalled, mounts Drive and keeps the run there; a VM lost in epoch 2 of notebook 01 is
replaced by a fresh one (empty disk, nothing installed) and training resumes at epoch 2; the
eight smoke notebooks run in order and the run checks no drift against baselines/smoke.json."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FAKE = Path(__file__).resolve().parent / "fake"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0*.ipynb"))


def freeze() -> dict[str, str]:
    out = subprocess.run([sys.executable, "-m", "pip", "freeze", "--all"], capture_output=True,
                         text=True, check=True).stdout
    pins = {}
    for line in out.splitlines():
        name, sep, version = line.partition("==")
        if not sep:  # an editable or direct install: "-e git+file://...#egg=NAME", "NAME @ URL"
            name, version = (line.rpartition("#egg=")[2] if line.startswith("-e ")
                             else line.partition(" @ ")[0]), line
        pins[name.strip().lower().replace("_", "-")] = version
    return pins


@pytest.fixture(scope="module")
def vm(tmp_path_factory):
    """A fresh 'VM': a /content folder, a Drive folder beside it, and the environment a Colab
    kernel of these tests gets."""
    base = tmp_path_factory.mktemp("colab")
    env = {**os.environ, "PYTHONPATH": str(FAKE), "NBHELPERS_CONTENT": str(base / "content"),
           "FAKE_DRIVE": str(base / "gdrive"), "NBHELPERS_REPO": f"file://{ROOT}",
           "TF_CPP_MIN_LOG_LEVEL": "3", "NBHELPERS_STATIC": "1"}
    for k in ("NBHELPERS_CACHE", "NBHELPERS_RUNS", "NBHELPERS_DATA", "NBHELPERS_KEEP"):
        env.pop(k, None)
    return {"base": base, "env": env, "content": base / "content",
            "kept": base / "gdrive" / "MyDrive" / "nbhelpers_runs" / "smoke"}


def papermill(nb: Path, out: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "papermill", str(nb), str(out), "-p",
                             "profile", "smoke", "-k", "python3", "--no-progress-bar"],
                            env=env, cwd=out.parent, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def new_vm(vm) -> None:
    """What a lost VM leaves: nothing on its disk, nothing installed; Drive stays."""
    shutil.rmtree(vm["content"], ignore_errors=True)
    subprocess.run([sys.executable, "-m", "pip", "uninstall", "-q", "-y", "nbhelpers"],
                   check=True)
    (Path(tempfile.gettempdir()) / "nbhelpers-installed.txt").unlink(missing_ok=True)


def test_the_series_on_colab_survives_a_lost_vm_and_changes_no_preinstalled_package(vm):
    out = vm["base"] / "executed"
    out.mkdir()
    new_vm(vm)
    before = freeze()
    # notebook 01 on the first VM, killed in epoch 2
    history = vm["kept"] / "models" / "ae_history.csv"  # epoch 1 kept on Drive: lose the VM now
    first = papermill(NOTEBOOKS[0], out / NOTEBOOKS[0].name, vm["env"])
    t0 = time.time()
    while not (history.exists() and len(history.read_text().splitlines()) >= 2):
        assert first.poll() is None, first.stdout.read()[-3000:]
        assert time.time() - t0 < 900, "epoch 1 never finished"
        time.sleep(0.2)
    os.killpg(first.pid, signal.SIGKILL)  # in epoch 2 (a smoke epoch takes 2-3 s: it may be later)
    first.wait()
    kept = (vm["kept"] / "models" / "ae_history.csv").read_text().splitlines()
    finished = len(kept) - 1  # epochs kept on Drive when the VM was lost
    assert 1 <= finished < 3, kept
    assert any((vm["kept"] / "models").glob("ae_backup*"))
    # a new VM: the first cell alone sets everything up again, training resumes after the
    # last epoch kept
    new_vm(vm)
    for nb in NOTEBOOKS:
        proc = papermill(nb, out / nb.name, vm["env"])
        log = proc.communicate(timeout=1800)[0]
        assert proc.returncode == 0, f"{nb.name}:\n{log[-4000:]}"
    executed = json.loads((out / NOTEBOOKS[0].name).read_text())
    text = "".join("".join(o.get("text", "")) for c in executed["cells"]
                   for o in c.get("outputs", []))
    assert f"Epoch {finished + 1}/3" in text and "Epoch 1/3" not in text, text[-3000:]
    assert "setup: installed nbhelpers, every preinstalled package held" in text
    run = vm["content"] / "runs" / "smoke"
    hist = json.loads((run / "models" / "ae_history.json").read_text())
    assert hist["initial_epoch"] == finished and len(hist["history"]["loss"]) == 3
    # Colab's packages untouched: the install only added packages
    after = freeze()
    changed = {k: (v, after.get(k)) for k, v in before.items() if after.get(k) != v}
    assert not changed, changed
    assert "nbhelpers" in after
    # the finished run, kept on Drive, checks no drift against the smoke baseline
    check = subprocess.run([sys.executable, "-m", "nbhelpers", "check", str(run)],
                           capture_output=True, text=True, cwd=ROOT, env=vm["env"])
    assert check.returncode == 0 and "no drift" in check.stdout, check.stdout[-4000:]
    assert (vm["kept"] / "results.json").read_text() == (run / "results.json").read_text()
