import numpy as np
import pytest

from nbhelpers.latent import tsne as tsne_mod


def test_tsne_opentsne_and_sklearn_paths():
    rng = np.random.default_rng(3)
    centers = rng.normal(0, 8, (3, 10))
    z = np.concatenate([c + rng.standard_normal((150, 10)) for c in centers]).astype(np.float32)
    labels = np.repeat([0, 1, 2], 150)
    for method in ("opentsne", "sklearn"):
        r = tsne_mod.tsne(z, n=None, perplexity=20, n_iter=300, method=method, seed=0)
        assert r.embedding.shape == (450, 2) and r.n == 450 and r.kl > 0 and r.seconds > 0
        # the three clusters stay apart: nearest neighbour in 2-D shares the label
        e = r.embedding
        dist = ((e[:, None] - e[None]) ** 2).sum(-1)
        np.fill_diagonal(dist, np.inf)
        assert (labels[dist.argmin(1)] == labels).mean() > 0.97, method
    with pytest.raises(ValueError, match="method must be"):
        tsne_mod.tsne(z, method="umap")


def test_opentsne_options_reach_opentsne():
    z = np.random.default_rng(7).standard_normal((300, 6))
    wide = tsne_mod.tsne(z, n_iter=500, seed=0).embedding
    # a learning rate of 1 instead of openTSNE's n / 12, then n, leaves a much smaller embedding
    narrow = tsne_mod.tsne(z, n_iter=500, seed=0, opentsne_options={"learning_rate": 1.0}).embedding
    assert np.ptp(narrow, axis=0).max() < 0.5 * np.ptp(wide, axis=0).max()
    with pytest.raises(TypeError):
        tsne_mod.tsne(z, n_iter=10, opentsne_options={"no_such_option": 1})


def test_embedding_kl_matches_dense_formula_and_ranks_embeddings():
    from openTSNE import affinity

    rng = np.random.default_rng(6)
    x = np.concatenate([c + rng.standard_normal((100, 8)) for c in rng.normal(0, 6, (3, 8))])
    good = tsne_mod.tsne(x, perplexity=15, n_iter=300, seed=0).embedding
    bad = rng.standard_normal((300, 2))
    # dense reference: the full Q matrix, the same exact-neighbour P
    p = affinity.PerplexityBasedNN(x, perplexity=15, method="exact", random_state=0).P.toarray()
    d2 = ((good[:, None].astype(np.float64) - good[None]) ** 2).sum(-1)
    w = 1.0 / (1.0 + d2)
    np.fill_diagonal(w, 0.0)
    q = w / w.sum()
    m = p > 0
    dense = float((p[m] * np.log(p[m] / q[m])).sum())
    ours = tsne_mod.embedding_kl(x, good, perplexity=15, chunk=64)
    assert ours == pytest.approx(dense, rel=1e-6)
    assert 0 < ours < tsne_mod.embedding_kl(x, bad, perplexity=15)
    with pytest.raises(ValueError, match=r"y of shape \(n, 2\)"):
        tsne_mod.embedding_kl(x, good[:10])


def test_tsne_series_runs_each_job_with_its_own_settings():
    z = np.random.default_rng(4).standard_normal((400, 12)).astype(np.float32)
    jobs = [tsne_mod.TSNEJob(100, None, 10.0, 16.0, 100), tsne_mod.TSNEJob(300, None, 30.0, 12.0, 120),
            tsne_mod.TSNEJob(200, 2, 30.0, 12.0, 100), tsne_mod.TSNEJob(300, 4, 30.0, 12.0, 100)]
    runs = tsne_mod.tsne_series(z, jobs, progress=False)
    assert [(r.n, r.input) for r in runs] == [(100, "raw z"), (300, "raw z"), (200, "PCA 2"),
                                              (300, "PCA 4")]
    assert [(r.settings["perplexity"], r.settings["early_exaggeration"], r.settings["n_iter"])
            for r in runs] == [(10.0, 16.0, 100), (30.0, 12.0, 120), (30.0, 12.0, 100),
                               (30.0, 12.0, 100)]
    assert all(set(r.record()) == {"n", "input", "seconds", "kl", "method", "perplexity",
                                   "early_exaggeration", "n_iter", "used"} for r in runs)
    # the settings read back from the fitted object, and each map's exact KL on its points
    assert [r.used["perplexity"] for r in runs] == [10.0, 30.0, 30.0, 30.0]
    assert all(0 < r.used["kl_exact_subset"] < 5 for r in runs)
    for r in runs:  # each run says which rows of z it embedded
        assert len(r.index) == r.n and len(np.unique(r.index)) == r.n and r.index.max() < len(z)


def test_the_perplexity_used_is_the_one_openTSNE_lowered_to_not_the_one_asked():
    """openTSNE lowers a perplexity too large for the points to (n - 1) / 3 and keeps the asked
    one beside it: the recorded ``used`` perplexity must be the lowered one (found by a cold
    read: it was the asked value read back, so a lowered map looked as asked)."""
    z = np.random.default_rng(5).standard_normal((60, 5)).astype(np.float32)
    r = tsne_mod.tsne(z, perplexity=30.0, n_iter=60, exaggeration_iter=20, n_jobs=1)
    assert r.settings["perplexity"] == 30.0
    assert r.used["perplexity"] == pytest.approx((60 - 1) / 3, rel=1e-6)


def test_a_map_rebuilt_from_saved_rows_and_coordinates_places_new_points_like_the_original():
    rng = np.random.default_rng(9)
    centers = rng.normal(0, 8, (2, 6))
    z = np.concatenate([c + rng.standard_normal((200, 6)) for c in centers]).astype(np.float32)
    r = tsne_mod.tsne(z, perplexity=20, n_iter=300, seed=0)
    rebuilt = tsne_mod.rebuild_map(z[r.index], r.embedding, perplexity=20)
    new = centers[0] + rng.standard_normal((30, 6))
    placed = tsne_mod.place(rebuilt, new)
    own = r.embedding[np.asarray(r.index) < 200].mean(axis=0)
    other = r.embedding[np.asarray(r.index) >= 200].mean(axis=0)
    assert np.linalg.norm(placed.mean(0) - own) < 0.5 * np.linalg.norm(placed.mean(0) - other)
    with pytest.raises(ValueError, match="2-D coordinates for each of the 400"):
        tsne_mod.rebuild_map(z, r.embedding[:10])
