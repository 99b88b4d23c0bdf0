import json

import numpy as np
import pytest

from nbhelpers.core import files


def test_interrupted_atomic_write_keeps_previous_file(tmp_path):
    target = tmp_path / "results.json"
    files.atomic_write_json(target, {"v": 1})
    with pytest.raises(RuntimeError):
        with files.atomic_path(target) as tmp:
            tmp.write_text('{"v": 2, "half')
            raise RuntimeError("killed mid-write")
    assert json.loads(target.read_text()) == {"v": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]  # no partial file left


def test_npy_writer_streams_chunks_and_shrinks_to_rows_written(tmp_path):
    data = np.random.default_rng(2).integers(0, 256, (10, 4, 4, 3), dtype=np.uint8)
    w = files.NpyWriter(tmp_path / "c.npy", (12, 4, 4, 3), np.uint8)
    w.write(data[:6])
    w.write(data[6:])
    with pytest.raises(ValueError, match="does not fit"):
        w.write(np.zeros((3, 4, 4, 3), np.uint8))
    w.close()
    np.testing.assert_array_equal(np.load(tmp_path / "c.npy"), data)
    assert files.npy_header(tmp_path / "c.npy") == ((10, 4, 4, 3), "|u1")
