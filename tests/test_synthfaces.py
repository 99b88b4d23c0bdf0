import numpy as np
import pytest
from scipy import stats

from nbhelpers.data import synthfaces
from nbhelpers.data.synthfaces import FACTOR_NAMES, FACTORS, draw_factors, make_faces


def test_same_seed_same_images_other_seed_differs():
    a, fa = make_faces(16, 32, seed=3)
    b, fb = make_faces(16, 32, seed=3)
    c, _ = make_faces(16, 32, seed=4)
    np.testing.assert_array_equal(a, b)
    assert all(np.array_equal(fa[k], fb[k]) for k in fa)
    assert np.abs(a.astype(int) - c.astype(int)).mean() > 5


@pytest.mark.parametrize("size", [16, 32, 48, 96])
def test_shape_and_dtype(size):
    imgs, factors = make_faces(5, size)
    assert imgs.shape == (5, size, size, 3) and imgs.dtype == np.uint8
    assert list(factors) == list(FACTOR_NAMES)
    assert all(len(v) == 5 for v in factors.values())


def test_size_must_be_multiple_of_16():
    with pytest.raises(ValueError, match="multiples of 16.*found 40x40"):
        make_faces(2, 40)


def test_documented_columns():
    expected = {"head_x", "head_y", "head_size", "head_aspect", "head_tilt", "skin_tone",
                "hair_color", "hair_volume", "eye_spacing", "eye_height", "eye_size", "iris_color",
                "brow_angle", "nose_length", "mouth_width", "smile", "mouth_open", "glasses",
                "bg_hue", "bg_gradient", "light_angle"}
    assert set(draw_factors(3)) == expected


@pytest.mark.parametrize("dist", ["normal", "uniform"])
def test_factor_mean_and_std_match_configuration(dist):
    table = draw_factors(40_000, seed=1, factor_distribution=dist)
    for f in FACTORS:
        x = table[f.name].astype(np.float64)
        assert x.mean() == pytest.approx(f.mean, abs=0.03 * f.std + 1e-9), f.name
        assert x.std() == pytest.approx(f.std, rel=0.03), f.name
    assert table["glasses"].mean() == pytest.approx(synthfaces.GLASSES_PROBABILITY, abs=0.01)


def test_uniform_mode_is_uniform_and_not_normal():
    f = FACTORS[-1]
    half = np.sqrt(3) * f.std
    uni = draw_factors(5_000, seed=2, factor_distribution="uniform")[f.name]
    nor = draw_factors(5_000, seed=2, factor_distribution="normal")[f.name]
    uniform = stats.uniform(loc=f.mean - half, scale=2 * half)
    normal = stats.norm(loc=f.mean, scale=f.std)
    assert stats.kstest(uni, uniform.cdf).pvalue > 0.01
    assert stats.kstest(uni, normal.cdf).pvalue < 1e-6
    assert stats.kstest(nor, normal.cdf).pvalue > 0.01
    assert stats.kstest(nor, uniform.cdf).pvalue < 1e-6


def test_factors_change_the_picture_where_expected():
    base = draw_factors(1, seed=0)
    with_glasses = {k: v.copy() for k, v in base.items()}
    base["glasses"][:] = 0
    with_glasses["glasses"][:] = 1
    a = synthfaces.render(base, 96).astype(int)
    b = synthfaces.render(with_glasses, 96).astype(int)
    diff = np.abs(a - b)[0].sum(axis=-1) > 30
    rows, cols = np.nonzero(diff)
    assert diff.sum() > 50  # glasses are visible...
    assert 20 < rows.mean() < 60 and 30 < cols.mean() < 66  # ...around the eyes, mid-face


def test_edges_are_anti_aliased():
    imgs, _ = make_faces(8, 96, seed=5)
    # an aliased renderer uses few distinct levels along edges; ours blends
    assert len(np.unique(imgs[..., 0])) > 150


def test_blocks_render_the_same_faces_as_one_call():
    factors = draw_factors(50, seed=8)
    whole = synthfaces.render(factors, 32)
    np.testing.assert_array_equal(np.concatenate(list(synthfaces.render_blocks(factors, 32, 16))), whole)


def test_cached_faces_match_their_stored_factors(tmp_path):
    from nbhelpers.data import synthetic_cache

    path = synthetic_cache(tmp_path, 40, 32, seed=4, progress=False)
    with np.load(path.with_suffix(".factors.npz")) as z:
        factors = {k: z[k] for k in z.files}
    np.testing.assert_array_equal(np.load(path), synthfaces.render(factors, 32))
