"""Whether a person is looking: a widget frontend, and inline display of matplotlib Figures.

Under papermill (or plain Python) no browser renders widgets, so a widget would leave only a
placeholder in the executed notebook and the report. ``has_frontend()`` is False outside an IPython
kernel and when ``NBHELPERS_STATIC=1`` (the runner and the tests set it).
"""

from __future__ import annotations

import os


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
