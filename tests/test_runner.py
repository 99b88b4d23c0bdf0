import json
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from nbhelpers import monitor, regression, runner, store

pytestmark = pytest.mark.slow  # trains models or executes notebooks

PARAMS = 'profile = "default"\nrun_dir = None\ndata = None\noverrides = {}'


def _notebook(path, *sources, title="A test notebook"):
    nb = new_notebook()
    params = new_code_cell(PARAMS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [new_markdown_cell(f"# {title}"), params] + [new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


@pytest.fixture
def series(tmp_path):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(nbs / "01_first.ipynb",
              'import nbhelpers as nbh\ncfg, run = nbh.begin("01_first", profile, run_dir, data, overrides)',
              'nbh.record("z_dim", cfg.z_dim)\nnbh.record("epochs", cfg.epochs)',
              "from matplotlib.figure import Figure\nfig = Figure()\nfig.subplots().plot([1, 2])\nfig",
              title="First")
    _notebook(nbs / "02_second.ipynb",
              'import nbhelpers as nbh\ncfg, run = nbh.begin("02_second", profile, run_dir, data, overrides)',
              'nbh.record("twice", 2 * nbh.read_results(run.path)["01_first"]["z_dim"])',
              title="Second")
    return nbs


def test_record_and_read_results_across_two_notebooks(series, tmp_path):
    run_dir = runner.run_series(runner.RunRequest("smoke", run_dir=tmp_path / "run",
                                                  notebooks_dir=series, overrides={"epochs": 7}),
                                log=lambda *a, **k: None)
    results = store.read_results(run_dir)
    env = results.pop("environment")
    assert results == {"01_first": {"z_dim": 32, "epochs": 7}, "02_second": {"twice": 64}}
    assert env["profile"] == "smoke" and env["seed"] == 0 and env["parameters"]["epochs"] == 7
    assert env["keras_backend"] == "tensorflow" and {"numpy", "keras"} <= set(env["versions"])
    assert sorted(p.name for p in (run_dir / "notebooks").iterdir()) == ["01_first.ipynb",
                                                                         "02_second.ipynb"]
    assert sorted(p.name for p in (run_dir / "logs").iterdir()) == [
        "01_first.stderr.log", "02_second.stderr.log", "memory-01_first.csv", "memory-02_second.csv"]
    # each notebook's memory monitor left its own timeline: this process' RSS, below the machine's RAM
    for name in ("01_first", "02_second"):
        samples = monitor.read_log(run_dir / "logs" / f"memory-{name}.csv")
        assert samples and all(0 < s.rss_gb < s.total_gb for s in samples)
    report = (run_dir / "report.html").read_text()
    assert "data:image/png;base64," in report and "twice" in report and "First" in report
    assert "http://" not in report and "https://" not in report  # self-contained


def test_only_and_from_select_notebooks(series):
    assert [p.name for p in runner.find_notebooks(series, only=["02"])] == ["02_second.ipynb"]
    assert [p.name for p in runner.find_notebooks(series, start="2")] == ["02_second.ipynb"]
    with pytest.raises(ValueError, match="no notebook number '07'; found 01, 02"):
        runner.find_notebooks(series, only=["07"])


def test_cli_exits_nonzero_naming_the_failing_notebook(series, tmp_path):
    _notebook(series / "03_broken.ipynb",
              'import nbhelpers as nbh\ncfg, run = nbh.begin("03_broken", profile, run_dir, data, overrides)',
              "1 / 0")
    _notebook(series / "04_never.ipynb", 'open("ran-04", "w").write("yes")')
    run_dir = tmp_path / "run"
    proc = subprocess.run([sys.executable, "-m", "nbhelpers", "run", "--profile", "smoke",
                           "--notebooks", str(series), "--run-dir", str(run_dir)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert "FAILED: 03_broken.ipynb failed at cell" in proc.stderr
    assert "ZeroDivisionError" in proc.stderr
    partial = json.loads((run_dir / "notebooks" / "03_broken.ipynb").read_text())
    assert any(o.get("ename") == "ZeroDivisionError" for c in partial["cells"]
               for o in c.get("outputs", []))  # the partly executed copy is kept
    assert not (run_dir / "notebooks" / "04_never.ipynb").exists()


def test_cli_rejects_bad_profile_before_running(series, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "nbhelpers", "run", "--profile", "huge",
                           "--notebooks", str(series), "--run-dir", str(tmp_path / "r")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "unknown profile 'huge'" in proc.stderr


def test_cli_shows_progress_and_epoch_lines_without_tensorflow_noise(tmp_path):
    """A user's terminal: one line per cell, Keras' epoch lines, and none of TensorFlow's C++
    start-up lines, CUDA's cuInit errors or ipykernel's transport warning (they go to logs/)."""
    import os

    env = {k: v for k, v in os.environ.items()
           if k not in ("TF_CPP_MIN_LOG_LEVEL", "NBHELPERS_STATIC", "PYTEST_CURRENT_TEST")}
    run_dir = tmp_path / "run"
    proc = subprocess.run([sys.executable, "-m", "nbhelpers", "run", "--profile", "smoke",
                           "--only", "01", "--run-dir", str(run_dir), "--set", "epochs=2"],
                          capture_output=True, text=True, timeout=600, env=env)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    for noise in ("cuInit", "absl", "without encryption", "oneDNN", "cuda drivers"):
        assert noise not in out, noise
    cells = [ln for ln in out.splitlines() if ln.startswith("  [01]") and " cell " in ln]
    assert len(cells) >= 8 and any("training.train(cfg, run, ds" in ln for ln in cells)
    assert "Epoch 2/2" in out and "val_loss:" in out
    assert (run_dir / "logs" / "01_autoencoder_training.stderr.log").exists()


def test_refused_selections_create_nothing(series, tmp_path):
    for flags in (["--only", ","], ["--only", "09"], ["--from", "99"]):
        run_dir = tmp_path / "r"
        proc = subprocess.run([sys.executable, "-m", "nbhelpers", "run", "--profile", "smoke",
                               "--notebooks", str(series), "--run-dir", str(run_dir), *flags],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2, flags
        assert "names no notebook" in proc.stderr or "no notebook number" in proc.stderr, flags
        assert not run_dir.exists(), flags


def test_a_damaged_input_stops_the_run_before_any_notebook(smoke_run, tmp_path):
    import shutil
    import time

    copy = tmp_path / "run"
    shutil.copytree(smoke_run, copy)
    model = copy / "models" / "ae.keras"
    model.write_bytes(model.read_bytes()[:1000])  # truncated
    before = (copy / "notebooks" / "05_vae_extra_dense_layer.ipynb").stat().st_mtime_ns
    t0 = time.perf_counter()
    with pytest.raises(store.ArtifactError) as err:
        runner.run_series(runner.RunRequest("smoke", run_dir=copy, start="02"),
                          log=lambda *a, **k: None)
    assert time.perf_counter() - t0 < 30
    assert "notebook 06_face_generation needs models/ae.keras" in str(err.value)
    assert "manifest expects sha256" in str(err.value)
    assert (copy / "notebooks" / "05_vae_extra_dense_layer.ipynb").stat().st_mtime_ns == before


def test_a_damaged_baseline_does_not_fail_a_finished_run(tmp_path, monkeypatch):
    run = store.RunDir(tmp_path / "r", "01_x")
    run.record_environment({"profile": "smoke"})
    bad = tmp_path / "baselines" / "smoke.json"
    bad.parent.mkdir()
    bad.write_text("{ not json")
    monkeypatch.setattr(regression, "baseline_path", lambda profile: bad)
    text = regression.verdict(run.path)
    assert text.startswith("findings:") and "baseline check not possible" in text
    assert "smoke.json: not valid JSON at line 1" in text
