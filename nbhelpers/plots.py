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
def axis_densities(density, highlight=None, title: str | None = None) -> Figure:
    """Number density along every axis in one plot; ``highlight`` axes drawn on top, labelled."""
    highlight = set(np.asarray(highlight if highlight is not None else []).tolist())
    fig, ax = _fig(9, 4.5)
    for j, h in enumerate(density.histograms_):
        if j not in highlight:
            ax.plot(h.centers, h.counts, color="0.6", lw=0.6, alpha=0.5)
    for j in sorted(highlight):
        h = density.histograms_[j]
        ax.plot(h.centers, h.counts, lw=1.5, label=f"axis {j}")
    ax.set_xlabel("coordinate value z_j")
    ax.set_ylabel(f"number of z-points per interval of {density.bin_width:g}")
    ax.set_title(title or f"Number density along all {density.z_dim_} axes "
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
    off = density.off_center_axes_
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
    fig, axs = _fig(5 * len(widths), 3.5, 1, len(widths), squeeze=False)
    for ax, w in zip(axs.flat, widths, strict=True):
        h = density.radius_histograms_[w]
        ax.plot(h.centers, h.counts, lw=1 if w < 0.2 else 1.5)
        ax.axvline(density.radius_expected_, color="k", ls="--",
                   label=f"sqrt(z_dim) = {density.radius_expected_:.2f}")
        ax.axvline(density.radius_peak_, color="tab:red", ls=":",
                   label=f"fitted peak = {density.radius_peak_:.2f}")
        ax.set_xlabel("radius |z| (L2 norm)")
        ax.set_ylabel(f"z-points per interval of {w:g}")
        ax.set_title(f"radius histogram, bin width {w:g}")
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
        if voids is not None:
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


def plane_zooms(panels, space: str = "PCA") -> Figure:
    """One plane (``latent.planes.zoom_panels``): the whole plane, then zoomed squares, each
    panel titled with its side and point count."""
    fig, axs = _fig(4 * len(panels), 4, 1, len(panels), squeeze=False)
    for ax, p in zip(axs.flat, panels, strict=True):
        ax.scatter(p.points[:, 0], p.points[:, 1], s=point_size(max(p.count, 1)) * 2, lw=0, c="k",
                   alpha=0.6)
        if p.half_width is not None:
            hw, (cx, cy) = p.half_width, p.center
            ax.set_xlim(cx - hw, cx + hw)
            ax.set_ylim(cy - hw, cy + hw)
            ax.set_title(f"square of side {2 * hw:g}: {p.count:,} points", fontsize=9)
        else:
            ax.set_title(f"{space} axes {p.i} and {p.j}: {p.count:,} points", fontsize=9)
        ax.set_xlabel(f"{space} axis {p.i}")
        ax.set_ylabel(f"{space} axis {p.j}")
        ax.set_aspect("equal")
    return fig


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


def _ellipse_panel(ax, p, legend: bool = True) -> None:
    """Scatter, n-sigma ellipses (legend: the share inside each) and KDE contours of one panel."""
    ax.scatter(p.shown[:, 0], p.shown[:, 1], s=point_size(len(p.shown)), lw=0, c="0.55")
    e = p.ellipses
    for (n, share), color in zip(e.inside_.items(), _SIGMA_COLORS, strict=False):
        o = e.outline(n)
        ax.plot(o[:, 0], o[:, 1], color=color, lw=2, label=f"{n:g} sigma: {share:.1%}")
    ax.contour(p.grid.x, p.grid.y, p.grid.density, levels=p.grid.levels, colors="navy",
               linewidths=0.8)
    if legend:
        ax.legend(fontsize=6, loc="upper right")


def ellipse_grid(panels, ncols: int = 4, axis_name: str = "PCA", title: str | None = None) -> Figure:
    """For each pair panel (``latent.ellipses.ellipse_panels``): scatter, 1-2-3 sigma confidence
    ellipses with the share of points inside, and KDE contours."""
    panels = list(panels)
    ncols = max(1, min(ncols, len(panels)))
    nrows = int(np.ceil(len(panels) / ncols))
    fig, axs = _fig(3.4 * ncols, 3.4 * nrows, nrows, ncols, squeeze=False)
    for ax, p in zip(axs.flat, panels, strict=False):
        _ellipse_panel(ax, p)
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
    fig, axs = _fig(3.4 * len(facts), 3.5, 1, len(facts), squeeze=False)
    for ax, f in zip(axs.flat, facts, strict=True):
        p = panels_by_fact[f]
        _ellipse_panel(ax, p, legend=False)
        ax.set_title(f"fact {f:g}: {p.n:,} points, 2 sigma {p.ellipses.inside_[2.0]:.1%}", fontsize=9)
        ax.set_xlabel(f"PCA {p.i}")
        ax.set_ylabel(f"PCA {p.j}")
    return fig


# -- generation (notebook 06) -------------------------------------------------------------------
def image_rows(rows: dict, title: str | None = None, scale: float = 1.1) -> Figure:
    """One row of images per key (the key labels the row); shorter rows leave no empty frames."""
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
    """Precision, recall and Frechet distance per sampler (reconstruction as the reference)."""
    names = list(table)
    fig, axs = _fig(13, 0.35 * len(names) + 1.6, 1, 3, sharey=True)
    y = np.arange(len(names))
    for ax, key, label in zip(axs, ("precision", "recall", "frechet"),
                              ("precision (share of fakes on the real manifold)",
                               "recall (share of reals covered)",
                               "Frechet distance (pixel-PCA features)"), strict=True):
        vals = [table[n][key] for n in names]
        colors = ["tab:green" if n == "reconstruction" else "tab:blue" for n in names]
        ax.barh(y, vals, color=colors)
        ax.set_xlabel(label, fontsize=8)
        ax.grid(alpha=0.3, axis="x")
    axs[0].set_yticks(y, names)
    axs[0].invert_yaxis()
    fig.suptitle(title)
    return fig
