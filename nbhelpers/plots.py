"""Every figure of the series. Each function takes results and returns a matplotlib Figure.

Figures are made with ``matplotlib.figure.Figure`` directly (not pyplot), so they are not kept
alive by pyplot's registry; Jupyter displays a Figure that ends a cell.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure


def _fig(w: float, h: float, nrows: int = 1, ncols: int = 1, **kw):
    fig = Figure(figsize=(w, h), layout="constrained")
    axes = fig.subplots(nrows, ncols, **kw)
    return fig, axes


def image_grid(images: np.ndarray, ncols: int = 8, title: str | None = None,
               row_labels: list[str] | None = None, scale: float = 1.1) -> Figure:
    """A grid of images (uint8 or float in [0, 1]), ``ncols`` per row."""
    images = np.asarray(images)
    if images.dtype != np.uint8:
        images = (np.clip(images, 0, 1) * 255 + 0.5).astype(np.uint8)
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
    pairs = np.concatenate([np.asarray(originals, np.float32) / (255.0 if np.asarray(
        originals).dtype == np.uint8 else 1.0), np.asarray(reconstructed, np.float32)])
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
