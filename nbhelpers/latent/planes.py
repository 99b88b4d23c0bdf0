"""Linear projections onto planes of two axes, and zoomed squares of them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def plane(x: np.ndarray, i: int, j: int, half_width: float | None = None,
          center=(0.0, 0.0)) -> np.ndarray:
    """Points of ``x`` projected onto axes (i, j), optionally only those inside the square of side
    2 * ``half_width`` around ``center``; returns (m, 2)."""
    p = np.asarray(x)[:, [i, j]]
    if half_width is None:
        return p
    inside = (np.abs(p[:, 0] - center[0]) <= half_width) & (np.abs(p[:, 1] - center[1]) <= half_width)
    return p[inside]


@dataclass
class ZoomPanel:
    """The points of a plane inside one square (or the whole plane when ``half_width`` is None)."""

    i: int
    j: int
    points: np.ndarray  # (m, 2)
    half_width: float | None
    center: tuple[float, float]

    @property
    def count(self) -> int:
        return len(self.points)


def zoom_panels(x: np.ndarray, i: int, j: int, half_widths=(None, 2.5, 0.5, 0.25),
                center=(0.0, 0.0)) -> list[ZoomPanel]:
    """Projection onto axes (i, j), then squares of side 2 * half_width around ``center``
    (None: the whole plane). The blog zooms to squares of side 5, 1 and 0.5."""
    center = (float(center[0]), float(center[1]))
    return [ZoomPanel(int(i), int(j), plane(x, i, j, hw, center), hw, center) for hw in half_widths]
