import json

import numpy as np
import pytest

from nbhelpers import store
from nbhelpers.store import ArtifactError, RunDir


def test_interrupted_atomic_write_keeps_previous_file(tmp_path):
    target = tmp_path / "results.json"
    store.atomic_write_json(target, {"v": 1})
    with pytest.raises(RuntimeError):
        with store.atomic_path(target) as tmp:
            tmp.write_text('{"v": 2, "half')
            raise RuntimeError("killed mid-write")
    assert json.loads(target.read_text()) == {"v": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]  # no partial file left


def test_interrupted_chunked_array_leaves_nothing(tmp_path):
    run = RunDir(tmp_path, "01_x")
    with pytest.raises(KeyboardInterrupt):
        with run.array_writer("latent/z.npy", (100, 4)) as out:
            out[:50] = 1.0
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


def test_model_roundtrip(tmp_path):
    from nbhelpers.models import build_autoencoder

    run = RunDir(tmp_path, "01_x")
    model = build_autoencoder((32, 32, 3), 8)
    run.save_model("models/ae.keras", model)
    x = np.random.default_rng(1).random((4, 32, 32, 3)).astype(np.float32)
    again = run.load_model("models/ae.keras")
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
    assert run.manifest["models/ae.keras"]["params"] == model.count_params()


def test_npy_writer_streams_chunks_and_shrinks_to_rows_written(tmp_path):
    data = np.random.default_rng(2).integers(0, 256, (10, 4, 4, 3), dtype=np.uint8)
    w = store.NpyWriter(tmp_path / "c.npy", (12, 4, 4, 3), np.uint8)
    w.write(data[:6])
    w.write(data[6:])
    with pytest.raises(ValueError, match="does not fit"):
        w.write(np.zeros((3, 4, 4, 3), np.uint8))
    w.close()
    np.testing.assert_array_equal(np.load(tmp_path / "c.npy"), data)
    assert store.npy_header(tmp_path / "c.npy") == ((10, 4, 4, 3), "|u1")
