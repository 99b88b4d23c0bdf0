import numpy as np
import pytest

from nbhelpers.data import Dataset, images
from nbhelpers.models.batches import ImageBatches


def test_open_cache_is_a_read_only_memmap(cache):
    mm, _ = cache
    assert isinstance(mm, np.memmap) and not mm.flags.writeable


def test_open_cache_rejects_wrong_arrays(tmp_path):
    np.save(tmp_path / "f.npy", np.zeros((4, 8, 8, 3), np.float32))
    with pytest.raises(ValueError, match=r"expected a uint8 array \(N, H, W, 3\), found float32"):
        images.open_cache(tmp_path / "f.npy")


def test_split_is_disjoint_and_complete():
    tr, va = images.split_indices(1000, 0.1, seed=0)
    assert len(va) == 100 and len(tr) == 900 and not set(tr) & set(va)
    assert np.array_equal(np.sort(np.concatenate([tr, va])), np.arange(1000))


def test_read_rows_equals_indexing_and_keeps_pages_out_of_rss(tmp_path):
    import psutil

    arr = np.random.default_rng(3).integers(0, 256, (3000, 48, 48, 3), dtype=np.uint8)  # 20.7 MB
    np.save(tmp_path / "big.npy", arr)
    mm = images.open_cache(tmp_path / "big.npy")
    idx = np.array([5, 0, 2999, 17, 17])
    np.testing.assert_array_equal(images.read_rows(mm, idx), arr[idx])
    ds = Dataset(mm, tmp_path / "big.npy", "test")
    np.testing.assert_array_equal(ds.take(idx), arr[idx])
    proc = psutil.Process()
    b = ImageBatches(mm, batch_size=256, shuffle=True)
    b[0]  # warm up: the first batch's buffers and lazy imports are not growth over the epoch
    before = proc.memory_info().rss
    for i in range(len(b)):
        b[i]
    grown = proc.memory_info().rss - before
    print(f"RSS growth over one epoch of a 20.7 MB cache: {grown / 1e6:.1f} MB")
    assert grown < 10e6
