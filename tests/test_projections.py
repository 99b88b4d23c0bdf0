import numpy as np
import pytest

from nbhelpers.latent import projections
from nbhelpers.latent.projections import LatentPCA, pearson_check


@pytest.fixture(scope="module")
def planted():
    """z with a planted covariance spectrum and a random rotation."""
    rng = np.random.default_rng(0)
    d = 40
    spectrum = np.concatenate([[20.0, 10.0, 6.0], np.linspace(3.0, 0.5, d - 3)])
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    x = rng.standard_normal((30_000, d)) * np.sqrt(spectrum)
    return (x @ q.T + 2.0).astype(np.float32), spectrum


def test_components_for_80_percent_match_the_planted_spectrum(planted):
    z, spectrum = planted
    pca = LatentPCA().fit(z)
    expected = int(np.searchsorted(np.cumsum(spectrum) / spectrum.sum(), 0.8) + 1)
    assert pca.components_for_target_ == expected
    np.testing.assert_allclose(pca.explained_variance_ratio_[:3], spectrum[:3] / spectrum.sum(),
                               rtol=0.05)
    assert pca.cumulative_[-1] == pytest.approx(1.0)


def test_pearson_matrix_after_pca_is_diagonal(planted):
    z, _ = planted
    before = pearson_check(z)
    after = pearson_check(LatentPCA().fit(z).transform(z))
    assert before["max_offdiag"] > 0.1
    assert after["max_offdiag"] < 1e-6 and after["max_diag_deviation"] < 1e-6


def test_tsne_opentsne_and_sklearn_paths():
    rng = np.random.default_rng(3)
    centers = rng.normal(0, 8, (3, 10))
    z = np.concatenate([c + rng.standard_normal((150, 10)) for c in centers]).astype(np.float32)
    labels = np.repeat([0, 1, 2], 150)
    for method in ("opentsne", "sklearn"):
        r = projections.tsne(z, n=None, perplexity=20, n_iter=300, method=method, seed=0)
        assert r.embedding.shape == (450, 2) and r.n == 450 and r.kl > 0 and r.seconds > 0
        # the three clusters stay apart: nearest neighbour in 2-D shares the label
        e = r.embedding
        dist = ((e[:, None] - e[None]) ** 2).sum(-1)
        np.fill_diagonal(dist, np.inf)
        assert (labels[dist.argmin(1)] == labels).mean() > 0.97, method
    with pytest.raises(ValueError, match="method must be"):
        projections.tsne(z, method="umap")


def test_opentsne_options_reach_opentsne():
    z = np.random.default_rng(7).standard_normal((300, 6))
    wide = projections.tsne(z, n_iter=500, seed=0).embedding
    # a learning rate of 1 instead of openTSNE's n / 12, then n, leaves a much smaller embedding
    narrow = projections.tsne(z, n_iter=500, seed=0, opentsne_options={"learning_rate": 1.0}).embedding
    assert np.ptp(narrow, axis=0).max() < 0.5 * np.ptp(wide, axis=0).max()
    with pytest.raises(TypeError):
        projections.tsne(z, n_iter=10, opentsne_options={"no_such_option": 1})


def test_embedding_kl_matches_dense_formula_and_ranks_embeddings():
    from openTSNE import affinity

    rng = np.random.default_rng(6)
    x = np.concatenate([c + rng.standard_normal((100, 8)) for c in rng.normal(0, 6, (3, 8))])
    good = projections.tsne(x, perplexity=15, n_iter=300, seed=0).embedding
    bad = rng.standard_normal((300, 2))
    # dense reference: the full Q matrix, the same exact-neighbour P
    p = affinity.PerplexityBasedNN(x, perplexity=15, method="exact", random_state=0).P.toarray()
    d2 = ((good[:, None].astype(np.float64) - good[None]) ** 2).sum(-1)
    w = 1.0 / (1.0 + d2)
    np.fill_diagonal(w, 0.0)
    q = w / w.sum()
    m = p > 0
    dense = float((p[m] * np.log(p[m] / q[m])).sum())
    ours = projections.embedding_kl(x, good, perplexity=15, chunk=64)
    assert ours == pytest.approx(dense, rel=1e-6)
    assert 0 < ours < projections.embedding_kl(x, bad, perplexity=15)
    with pytest.raises(ValueError, match=r"y of shape \(n, 2\)"):
        projections.embedding_kl(x, good[:10])


def test_tsne_series_subsets_and_pca_inputs():
    z = np.random.default_rng(4).standard_normal((400, 12)).astype(np.float32)
    runs = projections.tsne_series(z, sizes=(100, 300), pca_components=(2, 4), n_pca=200,
                                   n_iter=100, progress=False)
    assert [(r.n, r.input) for r in runs] == [(100, "raw z"), (300, "raw z"), (200, "PCA 2"),
                                              (200, "PCA 4")]
    assert all(set(r.record()) == {"n", "input", "seconds", "kl", "method"} for r in runs)
    for r in runs:  # each run says which rows of z it embedded
        assert len(r.index) == r.n and len(np.unique(r.index)) == r.n and r.index.max() < len(z)


def test_plane_zoom_windows():
    x = np.random.default_rng(5).uniform(-10, 10, (5000, 4))
    full = projections.plane(x, 1, 3)
    assert full.shape == (5000, 2) and np.array_equal(full[:, 1], x[:, 3])
    zoom = projections.plane(x, 1, 3, half_width=2.5)
    assert (np.abs(zoom) <= 2.5).all() and len(zoom) == pytest.approx(5000 / 16, rel=0.2)
