"""ipywidgets explorers; each falls back to static output when no frontend is attached.

Under papermill (or plain Python) no browser renders widgets, so a widget would leave only a
placeholder in the executed notebook and the report. ``has_frontend()`` decides: it is False outside
an IPython kernel and when ``NBHELPERS_STATIC=1`` (the runner and the tests set it).
"""

from __future__ import annotations

import os

import numpy as np


def has_frontend() -> bool:
    if os.environ.get("NBHELPERS_STATIC", "") not in ("", "0"):
        return False
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and shell.__class__.__name__ in ("ZMQInteractiveShell", "Shell")


def enable_figure_display(dpi: int = 100) -> bool:
    """Make a ``matplotlib.figure.Figure`` that ends a cell display as PNG (plots.py builds figures
    without pyplot, which would otherwise register the formatter). Returns False outside IPython."""
    try:
        from IPython import get_ipython
        from IPython.core.pylabtools import print_figure
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    from matplotlib.figure import Figure

    png = shell.display_formatter.formatters["image/png"]
    png.for_type(Figure, lambda fig: print_figure(fig, "png", bbox_inches="tight", dpi=dpi))
    return True


def plane_explorer(spaces: dict, i: int = 0, j: int = 1, half_width: float | None = None):
    """Pick a space ("PCA" or "original"), two axes and a zoom; the scatter updates.

    ``spaces`` maps a name to an (N, d) array. Without a frontend it returns the static figure
    of the starting choice (``plots.plane_zooms``), so papermill runs and reports still show it.
    """
    from . import plots

    name = next(iter(spaces))
    if not has_frontend():
        return plots.plane_zooms(spaces[name], i, j, axis_name=f"{name} axis")
    import ipywidgets as w
    from IPython.display import clear_output, display

    dims = {k: np.asarray(v).shape[1] for k, v in spaces.items()}
    space = w.Dropdown(options=list(spaces), value=name, description="space")
    ax_i = w.BoundedIntText(value=i, min=0, max=dims[name] - 1, description="axis x")
    ax_j = w.BoundedIntText(value=j, min=0, max=dims[name] - 1, description="axis y")
    zoom = w.FloatLogSlider(value=half_width or 10.0, base=10, min=-1.5, max=1.5,
                            description="half width")
    out = w.Output()

    def draw(*_):
        ax_i.max = ax_j.max = dims[space.value] - 1
        with out:
            clear_output(wait=True)
            display(plots.plane_zooms(spaces[space.value], ax_i.value, ax_j.value,
                                      half_widths=(None, zoom.value),
                                      axis_name=f"{space.value} axis"))

    for control in (space, ax_i, ax_j, zoom):
        control.observe(draw, names="value")
    draw()
    return w.VBox([w.HBox([space, ax_i, ax_j, zoom]), out])


def face_explorer(decoder, pca, n_axes: int = 5, span: float = 3.0):
    """Sliders on the leading PCA axes (in standard deviations); the decoded face updates.
    Without a frontend: a static strip of walks along the first three axes."""
    from . import plots
    from .latent import generation
    from .models.autoencoder import decode

    if not has_frontend():
        return plots.image_rows(generation.pca_walks(decoder, pca, range(min(3, n_axes))),
                                title=f"walks along PCA axes, -{span:g} to +{span:g} sd")
    import ipywidgets as w
    from IPython.display import clear_output, display

    sd = np.sqrt(pca.pca_.explained_variance_[:n_axes])
    sliders = [w.FloatSlider(value=0.0, min=-span, max=span, step=0.1, description=f"PCA {i}")
               for i in range(n_axes)]
    out = w.Output()

    def draw(*_):
        z = pca.mean_ + sum(s.value * sd[i] * pca.pca_.components_[i] for i, s in enumerate(sliders))
        with out:
            clear_output(wait=True)
            display(plots.image_grid(decode(decoder, z[None, :]), ncols=1, scale=3))

    for s in sliders:
        s.observe(draw, names="value")
    draw()
    return w.HBox([w.VBox(sliders), out])
