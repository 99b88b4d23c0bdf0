"""Every figure of the series. Each function takes results and returns a matplotlib Figure.

Plots draw what they are given and compute nothing but layout: ellipses, density grids, fitted
curves and the points inside a zoom square come computed from ``latent`` (through the steps), so a
legend's share and the recorded share are one number.

Figures are made with ``matplotlib.figure.Figure`` directly (not pyplot), so they are not kept
alive by pyplot's registry; Jupyter displays a Figure that ends a cell.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .core.pixels import to_uint8


def _fig(w: float, h: float, nrows: int = 1, ncols: int = 1, **kw):
    fig = Figure(figsize=(w, h), layout="constrained")
    axes = fig.subplots(nrows, ncols, **kw)
    return fig, axes


def _nothing(text: str) -> Figure:
    """A small figure that says why there is nothing to draw."""
    fig, ax = _fig(6, 1.5)
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center")
    return fig


def image_grid(images: np.ndarray, ncols: int = 8, title: str | None = None,
               row_labels: list[str] | None = None, scale: float = 1.1) -> Figure:
    """A grid of images (uint8 or float in [0, 1]), ``ncols`` per row."""
    images = to_uint8(images)
    n = len(images)
    nrows = int(np.ceil(n / ncols))
    fig, axes = _fig(ncols * scale, nrows * scale + (0.3 if title else 0), nrows, ncols,
                     squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if i < n:
            ax.imshow(images[i])
        else:
            ax.axis("off")
    if row_labels:
        for r, label in enumerate(row_labels[:nrows]):
            axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8)
    if title:
        fig.suptitle(title)
    return fig


def training_curves(history: dict[str, list[float]], title: str = "training",
                    keys: tuple[str, ...] | None = None) -> Figure:
    """Loss per epoch (train solid, validation dashed); one panel per loss kind."""
    base = [k for k in history if not k.startswith("val_")]
    if keys:
        base = [k for k in base if k in keys]
    fig, axes = _fig(4.2 * len(base), 3.2, 1, len(base), squeeze=False)
    for ax, key in zip(axes.flat, base, strict=False):
        epochs = np.arange(1, len(history[key]) + 1)
        ax.plot(epochs, history[key], "o-", label=f"train {key}")
        if f"val_{key}" in history:
            ax.plot(epochs, history[f"val_{key}"], "s--", label=f"validation {key}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(key)
        ax.legend()
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    return fig


def reconstructions(originals: np.ndarray, reconstructed: np.ndarray,
                    title: str = "held-out faces (top) and reconstructions (bottom)") -> Figure:
    n = len(originals)
    pairs = np.concatenate([to_uint8(originals), to_uint8(reconstructed)])
    return image_grid(pairs, ncols=n, title=title, row_labels=["original", "decoded"])


def parameter_bars(counts: dict[str, int], title: str = "trainable parameters") -> Figure:
    fig, ax = _fig(6, 3)
    names = list(counts)
    vals = np.array([counts[k] for k in names]) / 1e6
    bars = ax.barh(names, vals, color="tab:blue")
    ax.bar_label(bars, labels=[f"{v:.2f} M" for v in vals], padding=3)
    ax.set_xlabel("parameters (millions)")
    ax.set_xlim(0, vals.max() * 1.25)
    ax.set_title(title)
    return fig


# -- latent number densities (notebook 02) ------------------------------------------------------
def axis_densities(density, highlight=None, title: str | None = None,
                   xlabel: str = "coordinate value z_j", what: str = "axes") -> Figure:
    """Number density along every axis in one plot; ``highlight`` axes drawn on top, labelled."""
    highlight = set(np.asarray(highlight if highlight is not None else []).tolist())
    fig, ax = _fig(9, 4.5)
    for j, h in enumerate(density.histograms_):
        if j not in highlight:
            ax.plot(h.centers, h.counts, color="0.6", lw=0.6, alpha=0.5)
    for j in sorted(highlight):
        h = density.histograms_[j]
        ax.plot(h.centers, h.counts, lw=1.5, label=f"axis {j}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(f"number of z-points per interval of {density.bin_width:.3g}")
    ax.set_title(title or f"Number density along all {density.z_dim_} {what} "
                          f"({density.n_points_:,} z-points; broad or off-centre axes in colour)")
    if highlight and len(highlight) <= 15:
        ax.legend(fontsize=8, ncol=2)
    ax.grid(alpha=0.3)
    return fig


def axis_fits(density, axes, ncols: int = 4, title: str | None = None,
              xlabel: str = "coordinate value") -> Figure:
    """Histograms of selected axes with their Gaussian fits (dashed)."""
    axes = list(np.asarray(axes).tolist())
    nrows = max(1, int(np.ceil(len(axes) / ncols)))
    fig, grid = _fig(3.2 * ncols, 2.6 * nrows, nrows, ncols, squeeze=False)
    for k, ax in enumerate(grid.flat):
        if k >= len(axes):
            ax.axis("off")
            continue
        j = axes[k]
        h = density.histograms_[j]
        ax.plot(h.centers, h.counts, lw=1.2, label="data")
        ax.plot(*density.fitted_curve(j), "k--", lw=1, label="Gaussian fit")
        ax.set_title(f"axis {j}: centre {density.centers_[j]:.2f}, FWHM {density.fwhm_[j]:.2f}",
                     fontsize=9)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.set_ylabel("count", fontsize=8)
    grid.flat[0].legend(fontsize=7)
    if title:
        fig.suptitle(title)
    return fig


def fit_quality(density) -> Figure:
    """Fitted centre, width and R^2 of every axis."""
    fig, axs = _fig(12, 3, 1, 3)
    j = np.arange(density.z_dim_)
    off = density.unusual_axes_
    for ax, vals, label in zip(axs, (density.centers_, density.fwhm_, density.fit_r2_),
                               ("fitted centre", "fitted FWHM", "R^2 of the Gaussian fit"),
                               strict=True):
        ax.plot(j, vals, ".", ms=3, color="0.4")
        ax.plot(off, vals[off], "o", ms=4, color="tab:red", label="broad or off-centre")
        ax.set_xlabel("axis")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    axs[0].legend(fontsize=8)
    return fig


def radius_densities(density) -> Figure:
    """Number density of z-points versus radius at both bin widths, with sqrt(z_dim) marked."""
    widths = list(density.radius_histograms_)
    rr = density.radius_range_
    fig, axs = _fig(5 * len(widths), 3.5, 1, len(widths), squeeze=False)
    for ax, w in zip(axs.flat, widths, strict=True):
        h = density.radius_histograms_[w]
        ax.plot(h.centers, h.counts, lw=1 if w < max(widths) else 1.5)
        ax.axvspan(rr["low"], rr["high"], color="tab:green", alpha=0.08,
                   label=f"{1 - 2 * rr['share_outside_each']:.1%} of points: "
                         f"{rr['low']:.1f}-{rr['high']:.1f}")
        ax.axvline(density.radius_expected_, color="k", ls="--",
                   label=f"sqrt(z_dim) = {density.radius_expected_:.2f}")
        ax.axvline(density.radius_peak_, color="tab:red", ls=":",
                   label=f"fitted peak = {density.radius_peak_:.2f}")
        ax.set_xlabel("radius |z| (L2 norm)")
        ax.set_ylabel(f"z-points per interval of {w:.3g}")
        ax.set_title(f"radius histogram, bin width {w:.3g}")
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    return fig


# -- t-SNE and planes (notebook 03) -------------------------------------------------------------
def point_size(n: int) -> float:
    """Marker area that keeps structure visible from 500 to 165,000 points."""
    return float(np.clip(3000.0 / n, 0.05, 6.0))


def tsne_grid(results, ncols: int = 3, voids=None, title: str | None = None) -> Figure:
    """One t-SNE map per result; with ``voids`` (``latent.voids.VoidShare`` per map) each title
    also gives the empty-cell share against the Gaussian reference's."""
    n = len(results)
    nrows = int(np.ceil(n / ncols))
    fig, axs = _fig(4.2 * ncols, 4.2 * nrows, nrows, ncols, squeeze=False)
    for k, (ax, r) in enumerate(zip(axs.flat, results, strict=False)):
        ax.scatter(r.embedding[:, 0], r.embedding[:, 1], s=point_size(r.n), lw=0, c="k", alpha=0.7)
        label = f"{r.input}, {r.n:,} points\nKL {r.kl:.2f}, {r.seconds:.0f} s"
        if r.settings:
            label += (f", perplexity {r.settings['perplexity']:g}, exaggeration "
                      f"{r.settings['early_exaggeration']:g}")
        if voids is not None and k < len(voids):
            v = voids[k]
            label += f"\nempty cells {v.empty:.1%} (Gaussian {v.empty_reference:.1%}): x{v.ratio:.2f}"
        ax.set_title(label, fontsize=9)
        ax.set_xlabel("t-SNE 1 (no unit)")
        ax.set_ylabel("t-SNE 2 (no unit)")
        ax.set_aspect("equal", "datalim")
    for ax in list(axs.flat)[n:]:
        ax.axis("off")
    if title:
        fig.suptitle(title)
    return fig


def plane_zooms(panels, space: str = "PCA", spread: float | None = None) -> Figure:
    """One plane (``latent.planes.zoom_panels``): the whole plane, then zoomed squares, each
    panel titled with its side in data units (and as a multiple of ``spread``, the median axis
    FWHM, when given) and its point count."""
    return plane_ladders({0: panels}, space, spread)


def plane_ladders(ladders: dict, space: str = "PCA", spread: float | None = None) -> Figure:
    """Several planes' zoom ladders ({(i, j): panels}), one plane per row."""
    ladders = [list(p) for p in ladders.values()]
    ncols = max(len(p) for p in ladders)
    fig, grid = _fig(4 * ncols, 4 * len(ladders), len(ladders), ncols, squeeze=False)
    for row, panels in zip(grid, ladders, strict=True):
        for ax in row[len(panels):]:
            ax.axis("off")
        _draw_ladder(row, panels, space, spread)
    return fig


def _draw_ladder(axs, panels, space: str, spread: float | None) -> None:
    for ax, p in zip(axs, panels, strict=False):
        ax.scatter(p.points[:, 0], p.points[:, 1], s=point_size(max(p.count, 1)) * 2, lw=0, c="k",
                   alpha=0.6)
        if p.half_width is not None:
            hw, (cx, cy) = p.half_width, p.center
            ax.set_xlim(cx - hw, cx + hw)
            ax.set_ylim(cy - hw, cy + hw)
            rel = f" = {2 * hw / spread:.2g} x axis FWHM" if spread else ""
            ax.set_title(f"square of side {2 * hw:.3g}{rel}\n{p.count:,} points", fontsize=9)
        else:
            ax.set_title(f"{space} axes {p.i} and {p.j}: {p.count:,} points", fontsize=9)
        ax.set_xlabel(f"{space} axis {p.i}")
        ax.set_ylabel(f"{space} axis {p.j}")
        ax.set_aspect("equal")


# -- PCA and ellipses (notebook 04) -------------------------------------------------------------
def pca_variance(pca, first: int = 40, cumulative: int = 120) -> Figure:
    fig, (a, b) = _fig(11, 3.6, 1, 2)
    k = min(first, len(pca.explained_variance_ratio_))
    a.bar(np.arange(k), pca.explained_variance_ratio_[:k])
    a.set_xlabel("PCA component")
    a.set_ylabel("explained variance ratio")
    a.set_title(f"first {k} components")
    c = min(cumulative, len(pca.cumulative_))
    b.plot(np.arange(1, c + 1), pca.cumulative_[:c], "-")
    b.axhline(pca.target, color="k", ls="--", lw=0.8)
    b.axvline(pca.components_for_target_, color="tab:red", ls=":",
              label=f"{pca.components_for_target_} components for {pca.target:.0%}")
    b.set_xlabel("number of components")
    b.set_ylabel("cumulative explained variance")
    b.legend()
    for ax in (a, b):
        ax.grid(alpha=0.3)
    return fig


def survivors(survivors_by_fact: dict, total: int) -> Figure:
    fig, ax = _fig(5, 3.2)
    by_fact = {float(f): n for f, n in survivors_by_fact.items()}  # keys may be JSON strings
    facts = sorted(by_fact)
    ax.plot(facts, [by_fact[f] for f in facts], "o-")
    ax.axhline(total, color="k", ls="--", lw=0.8, label=f"all {total:,} z-points")
    ax.set_xlabel("fact (kept: |z_j - mu_j| <= fact * FWHM_j on every axis)")
    ax.set_ylabel("surviving z-points")
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


_SIGMA_COLORS = ("tab:red", "tab:orange", "gold")


def _ellipse_panel(ax, p, legend: bool = True, sigmas=None) -> None:
    """Scatter, n-sigma ellipses (legend: the share inside each; ``sigmas``: only those) and KDE
    contours of one panel."""
    ax.scatter(p.shown[:, 0], p.shown[:, 1], s=point_size(len(p.shown)), lw=0, c="0.55")
    e = p.ellipses
    for (n, share), color in zip(p.inside.items(), _SIGMA_COLORS, strict=False):
        if sigmas is not None and n not in sigmas:
            continue
        o = e.outline(n)
        ax.plot(o[:, 0], o[:, 1], color=color, lw=2, label=f"{n:g} sigma: {share:.1%}")
    if getattr(p, "fitted", None) is not None:
        f = p.fitted
        for (n, share), color in zip(p.fit_inside.items(), _SIGMA_COLORS, strict=False):
            if n >= 2 and (sigmas is None or n in sigmas):
                o = f.outline(n)
                ax.plot(o[:, 0], o[:, 1], color=color, lw=1.2, ls="--",
                        label=f"fit {n:g} sigma: {share:.1%}")
    ax.contour(p.grid.x, p.grid.y, p.grid.density, levels=p.grid.levels, colors="navy",
               linewidths=0.8)
    if legend:
        ax.legend(fontsize=6, loc="upper right")


def ellipse_grid(panels, ncols: int = 4, axis_name: str = "PCA", title: str | None = None,
                 size: float = 3.4, sigmas=None) -> Figure:
    """For each pair panel (``latent.ellipses.ellipse_panels``): scatter, 1-2-3 sigma confidence
    ellipses from the sample moments with the share of points inside, the blog's ellipses from the
    Gaussian fits (dashed) where the panel has them, and KDE contours; ``sigmas``, e.g. (3,):
    draw only those ellipses."""
    panels = list(panels)
    ncols = max(1, min(ncols, len(panels)))
    nrows = int(np.ceil(len(panels) / ncols))
    fig, axs = _fig(size * ncols, size * nrows, nrows, ncols, squeeze=False)
    for ax, p in zip(axs.flat, panels, strict=False):
        _ellipse_panel(ax, p, legend=size >= 3, sigmas=sigmas)
        ax.set_xlabel(f"{axis_name} {p.i}", fontsize=8)
        ax.set_ylabel(f"{axis_name} {p.j}", fontsize=8)
        ax.set_title(f"({p.i}, {p.j}), rho = {p.ellipses.rho_:.2f}", fontsize=9)
    for ax in list(axs.flat)[len(panels):]:
        fig.delaxes(ax)
    if title:
        fig.suptitle(title)
    return fig


def ellipses_by_fact(panels_by_fact: dict) -> Figure:
    """The same PCA pair after trimming at different facts (the blog's fact = 1.35 ... 1.8)."""
    facts = list(panels_by_fact)
    if not facts:
        return _nothing("no fact kept enough points for a PCA (see ellipses_by_fact)")
    fig, axs = _fig(3.4 * len(facts), 3.5, 1, len(facts), squeeze=False)
    for ax, f in zip(axs.flat, facts, strict=True):
        p = panels_by_fact[f]
        _ellipse_panel(ax, p, legend=False)
        ax.set_title(f"fact {f:g}: {p.n:,} points, 2 sigma {p.inside[2.0]:.1%}", fontsize=9)
        ax.set_xlabel(f"PCA {p.i}")
        ax.set_ylabel(f"PCA {p.j}")
    return fig


# -- generation (notebook 06) -------------------------------------------------------------------
def image_rows(rows: dict, title: str | None = None, scale: float = 1.1) -> Figure:
    """One row of images per key (the key labels the row); shorter rows leave no empty frames."""
    if not rows:
        return _nothing(f"no images{': ' + title if title else ''}")
    rows = {k: to_uint8(v) for k, v in rows.items()}
    ncols = max(len(v) for v in rows.values())
    fig, axes = _fig(ncols * scale, len(rows) * scale + (0.3 if title else 0), len(rows), ncols,
                     squeeze=False)
    for r, (label, images) in enumerate(rows.items()):
        for c, ax in enumerate(axes[r]):
            if c >= len(images):
                ax.axis("off")
                continue
            ax.imshow(images[c])
            ax.set_xticks([])
            ax.set_yticks([])
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8)
    if title:
        fig.suptitle(title)
    return fig


def realism_bars(table: dict, title: str = "Realism of generated faces") -> Figure:
    """Precision, recall, density, coverage and Frechet distance per sampler (reconstruction as
    the reference), for the columns the table has."""
    names = list(table)
    labels = {"precision": "precision (fakes on the real manifold)",
              "recall": "recall (reals covered)",
              "density": "density (1: like the reals)",
              "coverage": "coverage (real balls hit)",
              "frechet": "Frechet distance (pixel PCA)"}
    keys = [k for k in labels if all(k in table[n] for n in names)]
    fig, axs = _fig(3.3 * len(keys), 0.35 * len(names) + 1.6, 1, len(keys), sharey=True,
                    squeeze=False)
    y = np.arange(len(names))
    for ax, key in zip(axs.flat, keys, strict=True):
        vals = [table[n][key] for n in names]
        colors = ["tab:green" if n == "reconstruction" else "tab:blue" for n in names]
        ax.barh(y, vals, color=colors)
        ax.set_xlabel(labels[key], fontsize=8)
        ax.grid(alpha=0.3, axis="x")
    axs[0, 0].set_yticks(y, names)
    axs[0, 0].invert_yaxis()
    fig.suptitle(title)
    return fig


def value_bars(values: dict, title: str, xlabel: str, reference: dict | None = None) -> Figure:
    """Horizontal bars of named values; ``reference`` lines (name -> value) drawn across."""
    names = list(values)
    fig, ax = _fig(7, 0.4 * len(names) + 1.4)
    y = np.arange(len(names))
    ax.barh(y, [values[n] for n in names], color="tab:blue")
    for (label, v), color in zip((reference or {}).items(), ("k", "tab:red", "tab:green"),
                                 strict=False):
        ax.axvline(v, color=color, ls="--", lw=1, label=label)
    if reference:
        ax.legend(fontsize=8)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.grid(alpha=0.3, axis="x")
    return fig


def filaments(f) -> Figure:
    """Where the blog looked for one-dimensional filaments (``steps.projections.Filaments``): left, the
    local dimension against the neighbourhood's radius for z and its Gaussian reference, with the
    truth and 1 marked; right, the flatness of each zoom square's points against the reference's
    in the same square (below the diagonal: more line-like than a Gaussian)."""
    fig, (ax, bx) = _fig(12, 4.4, 1, 2)
    for d, label, color in ((f.z, "z-points", "tab:blue"),
                            (f.reference, "Gaussian with the same covariance", "0.5")):
        ax.plot(d.radius, d.dimension, "o-", ms=3, color=color, label=label)
    for k_i, (k, r, v) in enumerate(zip(f.z.k, f.z.radius, f.z.dimension, strict=True)):
        if k_i % 3 == 0:
            ax.annotate(f"k={k}", (r, v), fontsize=7, xytext=(2, 4), textcoords="offset points")
    if f.truth:
        ax.axhline(f.truth, color="tab:red", ls="--", label=f"truth: {f.truth} factors")
    ax.axhline(1, color="k", ls=":", lw=0.8, label="a one-dimensional filament")
    ax.set_xscale("log")
    ax.set_ylim(bottom=0)
    ax.set_xlabel("neighbourhood radius: median distance to the k-th neighbour (z units)")
    ax.set_ylabel("local dimension (Levina-Bickel MLE)")
    ax.set_title(f"dimension against scale ({f.z.n:,} points, k = {f.z.k[0]} to {f.z.k[-1]:,})")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    markers = iter("os^vDP*X")
    for name, rows in f.lines.items():
        pts = [(r.reference, r.z) for r in rows if r.ratio is not None]
        if pts:
            bx.scatter(*zip(*pts, strict=True), marker=next(markers, "o"), label=name)
    bx.plot([0, 0.6], [0, 0.6], color="k", lw=0.8, ls="--", label="as line-like as a Gaussian")
    bx.set_xlim(0, 0.6)
    bx.set_ylim(0, 0.6)
    bx.set_xlabel("flatness of the Gaussian reference in the square")
    bx.set_ylabel("flatness of the z-points in the square")
    bx.set_title("zoom squares: local variance ratio of 10 neighbours (0: a line)")
    bx.legend(fontsize=7)
    bx.grid(alpha=0.3)
    fig.suptitle("Are the filaments one-dimensional, where the blog looked?")
    return fig


def placements(p, title: str = "sampler draws placed on the t-SNE map of the real z-points") -> Figure:
    """The real z-points' t-SNE map (grey) with each sampler's draws placed on it
    (``steps.generation.Placements``), one panel per sampler."""
    names = list(p.draws)
    ncols = min(3, len(names))
    nrows = int(np.ceil(len(names) / ncols))
    fig, axs = _fig(4 * ncols, 4 * nrows, nrows, ncols, squeeze=False)
    for ax, name in zip(axs.flat, names, strict=False):
        ax.scatter(p.reference[:, 0], p.reference[:, 1], s=point_size(len(p.reference)), lw=0,
                   c="0.7")
        xy = p.draws[name]
        ax.scatter(xy[:, 0], xy[:, 1], s=4, lw=0, c="tab:red", alpha=0.7)
        ax.set_title(f"{name}: nearest real z-point {p.nn_ratio[name]:.1f}x as far\n"
                     f"as the reals' own nearest neighbours", fontsize=9)
        ax.set_xlabel("t-SNE 1 (no unit)")
        ax.set_ylabel("t-SNE 2 (no unit)")
    for ax in list(axs.flat)[len(names):]:
        ax.axis("off")
    fig.suptitle(title)
    return fig


# -- ground-truth factors and the VAE's latent space (notebooks 07, 08) ------------------------
def probe_scores(probes: dict) -> Figure:
    """What a linear probe reads of each factor, one bar group per latent space ({label:
    FactorProbe}), factors sorted by the first space's score: held-out R^2 for a continuous
    factor, ROC AUC for a binary one (hatched; 0.5 is chance, dotted), with each space's DCI and
    MIG in the legend."""
    first = next(iter(probes.values()))
    order = np.argsort(-np.nan_to_num(first.score, nan=-1.0))
    names = [first.names[k] for k in order]
    fig, ax = _fig(max(8, 0.4 * len(names) + 2), 4.2)
    x = np.arange(len(names))
    width = 0.8 / max(1, len(probes))
    for k, (label, p) in enumerate(probes.items()):
        d = p.dci
        bars = ax.bar(x + (k - (len(probes) - 1) / 2) * width, np.nan_to_num(p.score[order]),
                      width, label=f"{label}: D {d['disentanglement']:.2f}, C "
                                   f"{d['completeness']:.2f}, I {d['informativeness']:.2f}, "
                                   f"MIG {p.mig:.2f}")
        for bar, binary in zip(bars, p.binary[order], strict=True):
            if binary:
                bar.set_hatch("//")
    if first.binary.any():
        ax.axhline(0.5, color="k", ls=":", lw=1, label="chance (AUC of a binary factor)")
    ax.set_xticks(x, names, rotation=60, ha="right", fontsize=8)
    kinds = [w for w, has in (("R^2", (~first.binary).any()),
                              ("ROC AUC (hatched: binary)", first.binary.any())) if has]
    ax.set_ylabel("held-out " + " or ".join(kinds))
    low = min(float(np.nanmin(p.score)) if np.isfinite(p.score).any() else 0.0
              for p in probes.values())
    ax.set_ylim(min(0.0, low), 1.0)
    ax.set_title("How well each factor can be read linearly from z")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    return fig


def arithmetic_curves(arithmetic) -> Figure:
    """The probe's mean probability of each attribute on faces decoded from z plus the
    attribute vector in steps (``steps.ground_truth.Arithmetic``), encoded again."""
    if not arithmetic.probability:
        return _nothing("no attribute arithmetic: no attributes (or no decoder) in this run")
    fig, ax = _fig(6, 3.8)
    for name, p in arithmetic.probability.items():
        ax.plot(arithmetic.steps, p, marker="o", label=f"{name} ({p[0]:.2f} -> {p[-1]:.2f})")
    ax.set_xlabel("step (multiples of the attribute vector added to z)")
    ax.set_ylabel("probe's probability of the attribute")
    ax.set_ylim(0, 1)
    ax.set_title("Attribute arithmetic: decoded, encoded again, probed")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def importance_maps(probes: dict) -> Figure:
    """Which z axes carry each factor: per latent space ({label: FactorProbe}) a seaborn heatmap
    of each factor's importances (its share over the axes, a row per factor), the axes ordered
    by the factor they carry most."""
    import seaborn as sns

    names = list(probes)
    fig, axs = _fig(10, (0.16 * len(probes[names[0]].names) + 1.4) * len(names), len(names), 1,
                    squeeze=False)
    for ax, name in zip(axs[:, 0], names, strict=True):
        p = probes[name]
        r = p.importances / np.maximum(p.importances.sum(axis=0, keepdims=True), 1e-12)
        order = np.lexsort((-r.max(axis=1), r.argmax(axis=1)))
        sns.heatmap(r[order].T, ax=ax, cmap="viridis", xticklabels=False, yticklabels=p.names,
                    cbar_kws={"label": "share of importance"})
        ax.tick_params(axis="y", labelsize=6)
        ax.set_xlabel("z axis (ordered by the factor it carries most)")
        ax.set_title(f"{name}: which z axes carry each factor")
    return fig


def gaussianity_table(table: dict | None) -> Figure:
    """Median KS distance to the fitted normal and median excess kurtosis of z axes, PCA
    components and factors, for the AEs trained on normal and on uniform factors (None: the
    experiment was skipped, and the figure says so)."""
    rows = ("factors", "z axes", "PCA components")
    fig, axs = _fig(11, 3.4, 1, 2)
    if table is None:
        for ax in axs:
            ax.axis("off")
        axs[0].text(0, 0.5, "skipped: the data set has no factor distribution to swap",
                    fontsize=12)
        return fig
    x = np.arange(len(rows))
    for k, (label, t) in enumerate(table.items()):
        for ax, key in zip(axs, ("ks_median", "kurtosis_median"), strict=True):
            ax.bar(x + (k - 0.5) * 0.4, [t[r][key] for r in rows], 0.4,
                   label=f"{label} factors")
    axs[0].set_ylabel("median KS distance to the fitted normal")
    axs[1].set_ylabel("median excess kurtosis")
    axs[1].axhline(-1.2, color="k", ls=":", lw=0.8, label="uniform: -1.2")
    for ax in axs:
        ax.set_xticks(x, rows)
        ax.grid(alpha=0.3, axis="y")
        ax.legend(fontsize=8)
    fig.suptitle("Are Gaussian z-distributions a reflection of Gaussian factors?")
    return fig


def kl_sweep(rows: dict) -> Figure:
    """Radius peak, PCA-plane void ratio, reconstruction loss and realism of faces from N(0, I)
    against the KL weight (weight 0, the VAE without the KL pull, drawn at the left edge)."""
    if not rows:
        return _nothing("no KL sweep in this run (see kl_sweep in results.json)")
    weights = sorted(rows, key=float)
    w = np.array([float(k) for k in weights])
    pos = np.where(w > 0, w, w[w > 0].min() / 10 if (w > 0).any() else 1e-4)
    fig, axs = _fig(14, 3.4, 1, 4)
    panels = (("radius_peak", "radius peak of mu"), ("void_ratio", "void ratio, PCA plane 0,1"),
              ("val_reconstruction", "validation reconstruction loss"))
    for ax, (key, label) in zip(axs, panels, strict=False):
        ax.plot(pos, [rows[k][key] for k in weights], "o-")
        ax.set_ylabel(label)
    for key in ("precision", "recall", "density", "coverage"):
        axs[3].plot(pos, [rows[k][key] for k in weights], "o-", label=key)
    axs[3].set_ylabel("faces from N(0, I)")
    axs[3].legend(fontsize=8)
    for ax in axs:
        ax.set_xscale("log")
        ax.set_xticks(pos, [f"{x:g}" if x > 0 else "0 (AE)" for x in w], fontsize=8)
        ax.set_xlabel("KL weight")
        ax.grid(alpha=0.3)
    fig.suptitle("Does a VAE with a tiny KL weight behave like an AE?")
    return fig


def memory_timeline(samples, title: str = "memory of the notebook's kernel",
                    limits: dict[str, float] | None = None) -> Figure:
    """RSS of the kernel and used VRAM (``monitor.Sample`` rows) against seconds since the first
    sample; cells as light ticks, clear-and-collect cycles as dashed red lines, and ``limits``
    ({label: GB}, e.g. Colab's 12.7 GB of RAM and the T4's 15 GB) as horizontal lines."""
    if not samples:
        return _nothing("no memory samples")
    t0 = samples[0].time
    t = np.array([s.time - t0 for s in samples])
    fig, ax = _fig(8, 2.8)
    ax.plot(t, [s.rss_gb for s in samples], color="C0", label="RSS of the kernel")
    vram = [s.vram_used_gb for s in samples]
    if any(v is not None for v in vram):
        ax.plot(t, [np.nan if v is None else v for v in vram], color="C1", label="VRAM used")
    for x, s in zip(t, samples, strict=True):
        if s.mark.startswith("cell"):
            ax.axvline(x, color="0.85", lw=0.6, zorder=0)
        elif s.mark.startswith("cleared"):
            ax.axvline(x, color="C3", ls="--", lw=0.9)
            ax.annotate(s.mark, (x, 1.0), xycoords=("data", "axes fraction"), rotation=90,
                        va="top", ha="right", fontsize=6, color="C3")
    for k, (label, gb) in enumerate((limits or {}).items()):
        ax.axhline(gb, color=f"C{k + 4}", ls=":", lw=1, label=f"{label} ({gb:g} GB)")
    ax.set_xlabel("seconds since the notebook started (grey: a cell starts)")
    ax.set_ylabel("GB")
    ax.set_ylim(bottom=0)
    ax.set_title(title)
    ax.legend(fontsize=7, loc="upper left")
    ax.grid(alpha=0.3, axis="y")
    return fig
