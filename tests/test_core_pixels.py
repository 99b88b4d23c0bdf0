import numpy as np

from nbhelpers.core.pixels import to_float01, to_uint8


def test_round_trip_is_exact_for_every_level():
    levels = np.arange(256, dtype=np.uint8).reshape(1, 16, 16, 1).repeat(3, axis=-1)
    x = to_float01(levels)
    assert x.dtype == np.float32 and x.min() == 0.0 and x.max() == 1.0
    np.testing.assert_array_equal(to_uint8(x), levels)


def test_float_is_clipped_and_rounded_to_the_nearest_level():
    out = to_uint8(np.array([-0.5, 0.0, 0.5 / 255, 0.49 / 255, 1.0, 2.0]))
    np.testing.assert_array_equal(out, [0, 0, 1, 0, 255, 255])


def test_in_place_conversion_writes_into_out_and_passes_float_through():
    raw = np.full((2, 4, 4, 3), 51, np.uint8)
    buf = np.zeros((2, 4, 4, 3), np.float32)
    assert to_float01(raw, out=buf) is buf and np.allclose(buf, 0.2)
    f = np.full((3,), 0.25, np.float32)
    assert to_float01(f) is f
    u = np.zeros(3, np.uint8)
    assert to_uint8(u) is u
