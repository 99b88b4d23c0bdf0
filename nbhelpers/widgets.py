"""ipywidgets explorers; each falls back to static output without a frontend (papermill, plain
Python: ``core.display.has_frontend``), so executed notebooks and reports still show a figure.
(The RAM/VRAM monitor is ``nbhelpers.monitor``: it imports no Keras.)

The explorers combine a model and latent results for a person; they sit above the steps.
"""

from __future__ import annotations

import numpy as np

from . import plots
from .core.display import has_frontend
from .latent.planes import zoom_panels
from .models.predict import decode


def explorer_view(x, i: int, j: int, half_width: float):
    """The plane explorer's two panels: the whole plane (i, j) and the square of the given half
    width around the median of the two axes."""
    x = np.asarray(x)
    center = np.median(x[:, [i, j]], axis=0)
    return zoom_panels(x, i, j, half_widths=(None, half_width), center=center)


def plane_explorer(spaces: dict, i: int = 0, j: int = 1, half_width: float | None = None,
                   ladder=(None, 2.5, 0.5, 0.25), spread: float | None = None):
    """Pick a space ("PCA" or "original"), two axes and a zoom; the scatter updates. The zoom
    square sits at the median of the two chosen axes (original axes need not be centred on 0).

    ``spaces`` maps a name to an (N, d) array. Without a frontend it returns the static figure
    of the starting choice with ``ladder``'s half widths (default the blog's absolute squares of
    side 5, 1 and 0.5; notebook 03 passes its ladder scaled to the data, ``Planes.ladder``, and
    the ``spread`` it was scaled to); the interactive zoom starts at the first square."""
    name = next(iter(spaces))
    squares = [h for h in ladder if h is not None]
    if not has_frontend():
        x = np.asarray(spaces[name])
        center = np.median(x[:, [i, j]], axis=0)
        return plots.plane_zooms(zoom_panels(x, i, j, ladder, center), space=name, spread=spread)
    import ipywidgets as w
    from IPython.display import clear_output, display

    dims = {k: np.asarray(v).shape[1] for k, v in spaces.items()}
    space = w.Dropdown(options=list(spaces), value=name, description="space")
    ax_i = w.BoundedIntText(value=i, min=0, max=dims[name] - 1, description="axis x")
    ax_j = w.BoundedIntText(value=j, min=0, max=dims[name] - 1, description="axis y")
    start = half_width or (squares[0] if squares else 10.0)
    zoom = w.FloatLogSlider(value=start, base=10, min=float(np.log10(start)) - 2,
                            max=float(np.log10(start)) + 1, description="half width")
    out = w.Output()

    def draw(*_):
        ax_i.max = ax_j.max = dims[space.value] - 1
        panels = explorer_view(spaces[space.value], ax_i.value, ax_j.value, zoom.value)
        with out:
            clear_output(wait=True)
            display(plots.plane_zooms(panels, space=space.value))

    for control in (space, ax_i, ax_j, zoom):
        control.observe(draw, names="value")
    draw()
    return w.VBox([w.HBox([space, ax_i, ax_j, zoom]), out])


def face_explorer(decoder, pca, n_axes: int = 5, span: float = 3.0):
    """Sliders on the leading PCA axes (``latent.pca.LatentPCA``, in standard deviations); the
    decoded face updates. Without a frontend: walks along the first three axes."""
    if not has_frontend():
        rows = {f"PCA {a}": decode(decoder, pca.walk(a, 9, span)) for a in range(min(3, n_axes))}
        return plots.image_rows(rows, title=f"walks along PCA axes, -{span:g} to +{span:g} sd")
    import ipywidgets as w
    from IPython.display import clear_output, display

    sliders = [w.FloatSlider(value=0.0, min=-span, max=span, step=0.1, description=f"PCA {i}")
               for i in range(n_axes)]
    out = w.Output()

    def draw(*_):
        z = pca.point([s.value for s in sliders])
        with out:
            clear_output(wait=True)
            display(plots.image_grid(decode(decoder, z[None, :]), ncols=1, scale=3))

    for s in sliders:
        s.observe(draw, names="value")
    draw()
    return w.HBox([w.VBox(sliders), out])
