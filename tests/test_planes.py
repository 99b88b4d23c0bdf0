import numpy as np
import pytest

from nbhelpers.latent.planes import plane, zoom_panels


def test_plane_zoom_windows():
    x = np.random.default_rng(5).uniform(-10, 10, (5000, 4))
    full = plane(x, 1, 3)
    assert full.shape == (5000, 2) and np.array_equal(full[:, 1], x[:, 3])
    zoom = plane(x, 1, 3, half_width=2.5)
    assert (np.abs(zoom) <= 2.5).all() and len(zoom) == pytest.approx(5000 / 16, rel=0.2)


def test_zoom_panels_count_the_points_in_each_square():
    x = np.random.default_rng(6).uniform(-10, 10, (8000, 3))
    panels = zoom_panels(x, 0, 2, half_widths=(None, 5.0, 1.0), center=(1.0, 1.0))
    assert [p.half_width for p in panels] == [None, 5.0, 1.0]
    assert panels[0].count == 8000
    assert panels[1].count == pytest.approx(8000 / 4, rel=0.1)
    assert panels[2].count == pytest.approx(8000 / 100, rel=0.35)
    assert (np.abs(panels[2].points - 1.0) <= 1.0).all()
