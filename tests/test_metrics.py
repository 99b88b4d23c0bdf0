import numpy as np
import pytest

from nbhelpers.core.pixels import to_float01
from nbhelpers.latent import metrics


def test_same_distribution_gives_high_precision_recall_and_small_frechet():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2000, 8)), rng.standard_normal((2000, 8))
    q = metrics.RealReference.of(a, 5).score(b)
    p, r = q.precision, q.recall
    assert p > 0.9 and r > 0.9
    assert metrics.RealReference.of(a, 5).score(b).frechet < 0.1


def test_disjoint_distributions_give_low_precision_recall_and_large_frechet():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((2000, 8)), rng.standard_normal((2000, 8)) + 10.0
    q = metrics.RealReference.of(a, 5).score(b)
    p, r = q.precision, q.recall
    assert p < 0.01 and r < 0.01
    assert metrics.RealReference.of(a, 5).score(b).frechet == pytest.approx(8 * 100, rel=0.05)


def test_collapsed_generator_has_precision_without_recall():
    rng = np.random.default_rng(2)
    real = rng.standard_normal((2000, 4))
    collapsed = 0.05 * rng.standard_normal((2000, 4))  # every fake near the mean
    q = metrics.RealReference.of(real, 5).score(collapsed)
    p, r = q.precision, q.recall
    assert p > 0.9 and r < 0.2


def test_frechet_distance_of_known_gaussians():
    rng = np.random.default_rng(3)
    a = rng.normal(0, 1, (50_000, 3))
    b = rng.normal(0, 2, (50_000, 3)) + [1, 0, 0]
    # |mu|^2 + sum (s_a^2 + s_b^2 - 2 s_a s_b) = 1 + 3 * (1 + 4 - 4)
    assert metrics.RealReference.of(a, 5).score(b).frechet == pytest.approx(4.0, rel=0.03)


def test_realism_is_deterministic_for_a_seed():
    rng = np.random.default_rng(4)
    real = rng.integers(0, 256, (300, 16, 16, 3), dtype=np.uint8)
    fake = rng.integers(0, 256, (300, 16, 16, 3), dtype=np.uint8)
    f1 = metrics.PixelPCA(16, random_state=5).fit(real)
    f2 = metrics.PixelPCA(16, random_state=5).fit(real)
    r1 = metrics.RealReference.of(f1.transform(real), 5).score(f1.transform(fake))
    r2 = metrics.RealReference.of(f2.transform(real), 5).score(f2.transform(fake))
    assert r1 == r2
    assert metrics.RealReference.of(f1.transform(real), 5).score(f1.transform(real)).frechet < 1e-6


def test_too_few_samples():
    with pytest.raises(ValueError, match="more than k=5"):
        metrics.RealReference.of(np.zeros((3, 2)), 5).score(np.zeros((10, 2)))


def test_pixel_pca_transform_in_batches_equals_scikit_learns_whitened_pca():
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(8)
    images = rng.integers(0, 256, (250, 12, 12, 3), dtype=np.uint8)
    flat = to_float01(images).reshape(250, -1)
    whole = PCA(10, whiten=True, svd_solver="randomized", random_state=0).fit(flat).transform(flat)
    f = metrics.PixelPCA(10, batch_size=7, random_state=0).fit(images)
    batched = f.transform(images)
    assert batched.shape == (250, 10) and batched.dtype == np.float64
    np.testing.assert_allclose(batched, whole, rtol=1e-5, atol=1e-5)
    # floats in [0, 1] give the same features as the uint8 images they came from
    np.testing.assert_allclose(f.transform(images / 255.0), batched, atol=1e-4)


def test_density_and_coverage_of_two_samples_of_one_gaussian():
    rng = np.random.default_rng(5)
    real, fake = rng.standard_normal((3_000, 8)), rng.standard_normal((3_000, 8))
    q = metrics.RealReference.of(real, 5).score(fake)
    density, coverage = q.density, q.coverage
    assert density == pytest.approx(1.0, abs=0.05)
    assert coverage == pytest.approx(1 - 0.5**5, abs=0.02)  # Naeem et al.: 1 - (1/2)^k for M = N


def test_density_and_coverage_of_disjoint_sets_are_zero():
    rng = np.random.default_rng(6)
    real = rng.standard_normal((1_000, 8))
    q = metrics.RealReference.of(real, 5).score(rng.standard_normal((1_000, 8)) + 50)
    assert (q.precision, q.recall, q.density, q.coverage) == (0.0, 0.0, 0.0, 0.0)


def test_outliers_lower_precision_but_not_density_based_coverage_of_the_rest():
    rng = np.random.default_rng(7)
    real = rng.standard_normal((2_000, 4))
    fake = np.r_[rng.standard_normal((1_800, 4)), rng.standard_normal((200, 4)) + 30]
    q = metrics.RealReference.of(real, 5).score(fake)
    precision, density, coverage = q.precision, q.density, q.coverage
    assert precision == pytest.approx(0.9, abs=0.03) and density == pytest.approx(0.9, abs=0.06)
    assert coverage > 0.9


def test_scorer_scores_like_the_functions_and_survives_its_saved_state(tmp_path):
    """The scorer gives the numbers of ``RealReference.score`` on its features; saved with
    ``np.savez(state())`` and restored, it scores identically without refitting (at 32x32 faces,
    where the layout of the PCA's arrays changes a float32 product's rounding)."""
    from nbhelpers.data.synthfaces import make_faces

    faces = make_faces(1_400, 32, seed=0)[0]
    train, real, fake = faces[:600], faces[600:1_100], faces[1_100:]
    scorer = metrics.RealismScorer(k=5, random_state=3).fit(train, real)
    row = scorer.score(fake)
    f_real, f_fake = scorer.features_.transform(real), scorer.features_.transform(fake)
    assert row == metrics.RealReference.of(f_real, 5).score(f_fake)
    assert row.frechet == pytest.approx(metrics.RealReference.of(f_real, 5).score(f_fake).frechet, rel=1e-12)
    assert 0.5 < row.precision <= 1 and 0.5 < row.coverage < 1  # faces of one generator
    np.savez(tmp_path / "judge.npz", **scorer.state())
    with np.load(tmp_path / "judge.npz") as saved:
        restored = metrics.RealismScorer.from_state(saved, k=5)
    assert restored.score(fake) == row
