"""The layers of docs/layout.md hold: import contracts (import-linter) and light imports."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _loaded_after(statement: str) -> dict:
    code = (f"import sys, json\n{statement}\n"
            "print(json.dumps({m: m in sys.modules for m in ('keras', 'tensorflow', 'torch', 'jax')}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_latent_imports_no_keras_or_tensorflow_in_a_fresh_interpreter():
    mods = sorted(p.stem for p in (ROOT / "nbhelpers" / "latent").glob("*.py") if p.stem != "__init__")
    assert {"density", "pca", "tsne", "ellipses", "kde", "sampling", "metrics"} <= set(mods)
    loaded = _loaded_after("\n".join(f"import nbhelpers.latent.{m}" for m in mods))
    assert loaded == {"keras": False, "tensorflow": False, "torch": False, "jax": False}


def test_store_plots_colab_and_config_load_no_keras():
    loaded = _loaded_after("import nbhelpers, nbhelpers.store, nbhelpers.plots, nbhelpers.colab, "
                           "nbhelpers.config, nbhelpers.core.files")
    assert not loaded["keras"] and not loaded["tensorflow"]


def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(lint), "--no-cache"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    declared = (ROOT / "pyproject.toml").read_text().count("[[tool.importlinter.contracts]]")
    assert "0 broken" in proc.stdout
    assert f"Contracts: {declared} kept" in proc.stdout  # every declared one was checked
