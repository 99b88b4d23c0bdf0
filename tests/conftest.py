import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("NBHELPERS_STATIC", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session", autouse=True)
def _cache_dir(tmp_path_factory):
    """Image caches of the tests live in one session folder, never in the project's data/."""
    path = tmp_path_factory.mktemp("cache")
    os.environ["NBHELPERS_CACHE"] = str(path)
    return path


@pytest.fixture(scope="session")
def smoke_run(tmp_path_factory):
    """The whole notebook series executed once with the smoke profile (papermill)."""
    from nbhelpers import runner

    run_dir = tmp_path_factory.mktemp("smoke_run")
    runner.run_series("smoke", run_dir=run_dir, log=lambda *a, **k: None)
    return run_dir
