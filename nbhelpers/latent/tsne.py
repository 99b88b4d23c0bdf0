"""t-SNE of z-points through openTSNE, scikit-learn's TSNE for comparison, and one exact KL.

openTSNE: FFT-accelerated gradients, all cores, PCA initialisation. The blog's settings
(perplexity, early exaggeration, iterations in total) are parameters; iterations count both
phases, as in scikit-learn. A map's rows and coordinates are its result; ``rebuild_map`` makes
openTSNE's embedding object from them again, so that new points can be placed on a saved map
(``place``, openTSNE's ``transform``).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import numpy as np

from .pca import LatentPCA
from .subsets import subset


@dataclass(frozen=True)
class TSNEResult:
    embedding: np.ndarray
    n: int
    input: str
    seconds: float
    kl: float
    method: str
    index: np.ndarray | None = None  # the rows of z that were embedded
    settings: dict | None = None  # perplexity, early exaggeration, iterations: asked for
    used: dict | None = None  # what the fitted object says it used, and its exact KL on a subset

    def record(self) -> dict:
        return {"n": self.n, "input": self.input, "seconds": round(self.seconds, 2),
                "kl": round(float(self.kl), 4), "method": self.method, **(self.settings or {}),
                **({"used": self.used} if self.used else {})}


def tsne(z: np.ndarray, n: int | None = None, pca_components: int | None = None,
         perplexity: float = 30.0, early_exaggeration: float = 12.0, n_iter: int = 750,
         exaggeration_iter: int = 250, method: str = "opentsne", seed: int = 0,
         n_jobs: int = -1, pca: LatentPCA | None = None,
         opentsne_options: dict | None = None) -> TSNEResult:
    """t-SNE of a random subset of ``n`` z-points, raw or their leading ``pca_components``.

    ``opentsne_options`` go to ``openTSNE.TSNE`` as they are (e.g. ``learning_rate``,
    ``ints_in_interval``); ``benchmarks/bench_tsne.py --variants`` uses them to show what faster
    settings cost in KL divergence."""
    if method not in ("opentsne", "sklearn"):
        raise ValueError(f"method must be 'opentsne' or 'sklearn', found {method!r}")
    idx = subset(len(z), n, seed)
    x = np.asarray(z[idx], dtype=np.float64)
    label = "raw z"
    if pca_components:
        pca = pca or LatentPCA().fit(x)
        x = pca.transform(x)[:, :pca_components].astype(np.float64)
        label = f"PCA {pca_components}"
    jobs = os.cpu_count() if n_jobs == -1 else n_jobs
    ee_iter = min(exaggeration_iter, max(n_iter - 1, 0))
    t0 = time.perf_counter()
    if method == "opentsne":
        import openTSNE

        emb = openTSNE.TSNE(perplexity=perplexity, early_exaggeration=early_exaggeration,
                            early_exaggeration_iter=ee_iter, n_iter=n_iter - ee_iter,
                            initialization="pca", negative_gradient_method="fft", n_jobs=jobs,
                            random_state=seed, **(opentsne_options or {})).fit(x)
        out, kl = np.asarray(emb), float(emb.kl_divergence)
        perplexity_used = _effective_perplexity(emb.affinities)
    else:
        from sklearn.manifold import TSNE

        model = TSNE(perplexity=perplexity, early_exaggeration=early_exaggeration, max_iter=n_iter,
                     init="pca", random_state=seed, n_jobs=jobs)
        out = model.fit_transform(x)
        kl = float(model.kl_divergence_)
        perplexity_used = float(model.perplexity)
    seconds = time.perf_counter() - t0
    settings = {"perplexity": perplexity, "early_exaggeration": early_exaggeration,
                "n_iter": n_iter}
    # the map's own quality at the settings it used: exact KL on at most 1,000 of its points
    # (``embedding_kl``), comparable between runs where each library's reported KL is not
    check = subset(len(x), min(len(x), 1_000), seed + 1)
    used = {"perplexity": perplexity_used,
            "kl_exact_subset": round(embedding_kl(x[check], out[check], min(
                perplexity_used, (len(check) - 1) / 3), n_jobs=jobs), 4)}
    return TSNEResult(out.astype(np.float32), len(idx), label, seconds, kl, method, idx, settings,
                      used)


def _effective_perplexity(affinities) -> float:
    """The perplexity openTSNE's affinities were computed at: it lowers one too large for the
    points to (n - 1) / 3 and keeps the asked value in ``perplexities``/``perplexity``, the one
    it used in ``effective_perplexities_`` (multiscale) or ``effective_perplexity_``."""
    for name in ("effective_perplexities_", "effective_perplexity_", "perplexities", "perplexity"):
        value = getattr(affinities, name, None)
        if value is not None:
            return float(np.atleast_1d(value)[0])
    raise ValueError(f"{type(affinities).__name__} holds no perplexity")


def embedding_kl(x: np.ndarray, y: np.ndarray, perplexity: float = 30.0, n_jobs: int = -1,
                 chunk: int = 2_000) -> float:
    """KL(P || Q) of embedding ``y`` of points ``x``, computed the same way for any t-SNE.

    Each library reports its own KL from its own approximations (approximate neighbours, FFT or
    Barnes-Hut sums), so the reported values are not comparable. Here P comes from exact
    nearest neighbours (openTSNE's perplexity affinities, ``method="exact"``) and Q's
    normalisation sums all n^2 pairs exactly, in row chunks (memory ``chunk`` x n)."""
    from openTSNE import affinity

    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 2 or y.shape != (len(x), 2):
        raise ValueError(f"expected x of shape (n, d) and y of shape (n, 2), found {x.shape} and {y.shape}")
    jobs = os.cpu_count() if n_jobs == -1 else n_jobs
    p = affinity.PerplexityBasedNN(x, perplexity=perplexity, method="exact", n_jobs=jobs,
                                   random_state=0, verbose=False).P.tocoo()
    sq = (y ** 2).sum(axis=1)
    z = -float(len(y))  # the diagonal terms, 1 / (1 + 0), are not pairs
    for s in range(0, len(y), chunk):
        d2 = np.maximum(sq[s:s + chunk, None] + sq[None, :] - 2.0 * y[s:s + chunk] @ y.T, 0.0)
        z += float((1.0 / (1.0 + d2)).sum())
    q = 1.0 / (1.0 + ((y[p.row] - y[p.col]) ** 2).sum(axis=1)) / z
    keep = p.data > 0
    return float((p.data[keep] * np.log(p.data[keep] / q[keep])).sum())


@dataclass(frozen=True)
class TSNEJob:
    """One t-SNE run: ``n`` points, raw (``pca_components`` None) or their leading components,
    with its own settings (the blog's first run differs from the others)."""

    n: int
    pca_components: int | None = None
    perplexity: float = 30.0
    early_exaggeration: float = 12.0
    n_iter: int = 750


def series_pca(z: np.ndarray, jobs, seed: int = 0) -> LatentPCA | None:
    """The PCA that the PCA jobs of ``jobs`` share, fitted on the largest PCA job's points of
    ``z`` (None when no job uses PCA)."""
    pca_n = [min(j.n, len(z)) for j in jobs if j.pca_components]
    return LatentPCA().fit(z[subset(len(z), max(pca_n), seed)]) if pca_n else None


def tsne_series(z: np.ndarray, jobs, pca: LatentPCA | None = None, progress: bool = True,
                desc: str = "t-SNE", seed: int = 0, **kwargs) -> list[TSNEResult]:
    """One ``tsne`` per ``TSNEJob`` (sizes capped at len(z)); ``pca`` (default:
    ``series_pca(z, jobs)``) lets a reference sample go through the same PCA."""
    from tqdm.auto import tqdm

    jobs = list(jobs)
    pca = pca or series_pca(z, jobs, seed)
    out = []
    for j in tqdm(jobs, desc=desc, disable=not progress):
        out.append(tsne(z, min(j.n, len(z)), j.pca_components, perplexity=j.perplexity,
                        early_exaggeration=j.early_exaggeration, n_iter=j.n_iter, seed=seed,
                        pca=pca, **kwargs))
    return out


def rebuild_map(x: np.ndarray, embedding: np.ndarray, perplexity: float = 30.0, seed: int = 0,
                n_jobs: int = -1):
    """An openTSNE embedding object from reference points ``x`` and their saved 2-D coordinates
    (affinities recomputed on ``x``), so that ``.transform(new_points)`` places new points on a
    map made earlier without pickling the embedding."""
    from openTSNE import TSNEEmbedding, affinity

    x = np.asarray(x, dtype=np.float64)
    embedding = np.asarray(embedding, dtype=np.float64)
    if embedding.shape != (len(x), 2):
        raise ValueError(f"expected 2-D coordinates for each of the {len(x)} reference points, "
                         f"found shape {embedding.shape}")
    jobs = os.cpu_count() if n_jobs == -1 else n_jobs
    aff = affinity.PerplexityBasedNN(x, perplexity=perplexity, n_jobs=jobs, random_state=seed,
                                     verbose=False)
    return TSNEEmbedding(embedding, aff, negative_gradient_method="fft", n_jobs=jobs,
                         random_state=seed)


def place(fitted, x: np.ndarray) -> np.ndarray:
    """2-D positions of new points ``x`` on an openTSNE map (``rebuild_map``), by openTSNE's
    ``transform``."""
    return np.asarray(fitted.transform(np.asarray(x, dtype=np.float64)), dtype=np.float32)
