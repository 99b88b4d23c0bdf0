import os
import sys
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("NBHELPERS_STATIC", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# Real CelebA faces for tests: beside the project on our machines and in CI, never in the
# repository (research use only) and not in a user's clone, where the tests that need them skip.
SHARED_FACES = ROOT.parent / "shared" / "data" / "celeba-10k"

# tests/browser drives JupyterLab in Chromium: only `make test-browser` (which sets this) runs it;
# `make test` needs nothing but Python.
collect_ignore = [] if os.environ.get("NBHELPERS_BROWSER_TESTS") else ["browser"]
if not os.environ.get("NBHELPERS_COLAB_TESTS"):  # make test-colab, in its own venv
    collect_ignore.append("colab")


@pytest.fixture(scope="session", autouse=True)
def _cache_dir(tmp_path_factory):
    """Image caches of the tests live in one session folder, never in the project's data/."""
    path = tmp_path_factory.mktemp("cache")
    os.environ["NBHELPERS_CACHE"] = str(path)
    return path


@pytest.fixture(scope="session")
def smoke_run(tmp_path_factory):
    """The whole notebook series executed once with the smoke profile (papermill). Its kernels
    log every read of the run (tests/readlog/sitecustomize.py) to ``<run>.reads.log``."""
    from nbhelpers import runner

    run_dir = tmp_path_factory.mktemp("smoke_run")
    saved = {k: os.environ.get(k) for k in ("READS_LOG", "PYTHONPATH")}
    os.environ["READS_LOG"] = str(run_dir.parent / f"{run_dir.name}.reads.log")
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "tests" / "readlog"), saved["PYTHONPATH"]) if p)
    try:
        runner.run_series(runner.RunRequest("smoke", run_dir=run_dir), log=lambda *a, **k: None,
                          stream_stdout=False)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return run_dir


@pytest.fixture
def cache(tmp_path):
    """A uint8 image cache of 50 random 16x16 images on disk, opened, with the array written."""
    from nbhelpers.data import images

    arr = np.random.default_rng(0).integers(0, 256, (50, 16, 16, 3), dtype=np.uint8)
    np.save(tmp_path / "c.npy", arr)
    return images.open_cache(tmp_path / "c.npy"), arr


@pytest.fixture(scope="session")
def correlated():
    """50,000 points of a bivariate normal with a known covariance (rho = 0.73)."""
    rng = np.random.default_rng(0)
    cov = np.array([[4.0, 1.8], [1.8, 1.5]])
    return rng.multivariate_normal([1.0, -2.0], cov, 50_000), cov


@pytest.fixture(scope="session")
def shared_faces() -> Path:
    """The folder of 10,000 real CelebA faces (89x109) with list_attr_celeba.txt beside it."""
    folder = SHARED_FACES / "img_align_celeba"
    if not folder.is_dir():
        pytest.skip(f"no real faces at {SHARED_FACES}: they lie beside the project as "
                    f"../shared/data on our machines and in CI (research use only, never in the "
                    f"repository); a clone without them skips the tests on real faces")
    return folder


@pytest.fixture(scope="session")
def real_smoke_run(shared_faces, tmp_path_factory):
    """The whole notebook series executed once with the smoke profile on the real faces."""
    from nbhelpers import runner

    run_dir = tmp_path_factory.mktemp("real_smoke_run")
    runner.run_series(runner.RunRequest("smoke", data=str(shared_faces), run_dir=run_dir),
                      log=lambda *a, **k: None, stream_stdout=False)
    return run_dir
