
import numpy as np
import pytest

from nbhelpers import store
from nbhelpers.store import ArtifactError, RunDir


def test_interrupted_chunked_array_leaves_nothing(tmp_path):
    run = RunDir(tmp_path, "01_x")
    with pytest.raises(KeyboardInterrupt):
        with run.array_writer("latent/z.npy", (100, 4)) as out:
            out.write(np.ones((50, 4), np.float32))
            raise KeyboardInterrupt
    assert not (tmp_path / "latent" / "z.npy").exists()
    assert list((tmp_path / "latent").iterdir()) == []
    assert "latent/z.npy" not in run.manifest


def test_array_roundtrip_and_manifest(tmp_path):
    run = RunDir(tmp_path, "01_x")
    z = np.random.default_rng(0).normal(size=(50, 8)).astype(np.float32)
    run.save_array("latent/z.npy", z, source="test")
    entry = run.manifest["latent/z.npy"]
    assert entry["shape"] == [50, 8] and entry["notebook"] == "01_x" and entry["source"] == "test"
    assert entry["sha256"] == store.sha256_file(tmp_path / "latent/z.npy")
    np.testing.assert_array_equal(run.load_array("latent/z.npy"), z)
    mm = run.load_array("latent/z.npy", mmap=True)
    assert isinstance(mm, np.memmap) and mm.shape == (50, 8)


def test_manifest_shape_mismatch_names_both_shapes(tmp_path):
    run = RunDir(tmp_path, "01_x")
    run.save_array("latent/z.npy", np.zeros((10, 4), np.float32))
    np.save(tmp_path / "latent/z.npy", np.zeros((12, 4), np.float32))  # replaced behind its back
    with pytest.raises(ArtifactError, match=r"expects shape \(10, 4\).*found shape \(12, 4\)"):
        run.load_array("latent/z.npy")


def test_manifest_hash_mismatch(tmp_path):
    run = RunDir(tmp_path, "01_x")
    run.save_array("latent/z.npy", np.zeros((10, 4), np.float32))
    np.save(tmp_path / "latent/z.npy", np.ones((10, 4), np.float32))
    with pytest.raises(ArtifactError, match="sha256"):
        run.load_array("latent/z.npy")


def test_missing_from_manifest(tmp_path):
    run = RunDir(tmp_path, "02_x")
    np.save(tmp_path / "latent/z.npy", np.zeros(3))
    with pytest.raises(ArtifactError, match="not in .*manifest.json"):
        run.load_array("latent/z.npy")


def test_record_and_read_results(tmp_path):
    a = store.open_run(tmp_path, "01_a")
    store.record("loss", np.float32(0.5))
    store.record("shape", np.array([3, 4]))
    store.open_run(tmp_path, "02_b").record("n", 7)
    a.record("loss", 0.25)  # overwrite
    assert store.read_results(tmp_path) == {"01_a": {"loss": 0.25, "shape": [3, 4]}, "02_b": {"n": 7}}


def test_record_refuses_non_json(tmp_path):
    run = store.open_run(tmp_path, "01_a")
    with pytest.raises(TypeError, match="JSON-able.*found object"):
        run.record("x", object())
