import numpy as np

from nbhelpers.models.batches import ImageBatches


def test_batches_cast_per_batch_and_cover_everything(cache):
    mm, arr = cache
    b = ImageBatches(mm, batch_size=16)
    assert len(b) == 4
    x, y = b[3]
    assert x.dtype == np.float32 and x.shape == (2, 16, 16, 3) and x is y
    np.testing.assert_allclose(x, arr[48:] / 255.0, rtol=1e-6)


def test_shuffle_changes_per_epoch_and_repeats_for_seed(cache):
    mm, arr = cache
    idx = np.arange(10, 50)
    b = ImageBatches(mm, idx, batch_size=8, shuffle=True, seed=1)
    first = np.concatenate([b.batch_indices(i) for i in range(len(b))])
    assert sorted(first) == list(idx) and not np.array_equal(first, idx)
    x0 = b[0][0]
    np.testing.assert_allclose(x0, arr[b.batch_indices(0)] / 255.0, rtol=1e-6)
    b.on_epoch_end()
    second = np.concatenate([b.batch_indices(i) for i in range(len(b))])
    assert sorted(second) == list(idx) and not np.array_equal(first, second)
    again = ImageBatches(mm, idx, batch_size=8, shuffle=True, seed=1)
    assert np.array_equal(np.concatenate([again.batch_indices(i) for i in range(len(again))]), first)
