"""The explorers without a frontend (papermill, the report) return the static figure of the
starting view; the live monitor prints a line. The conftest sets NBHELPERS_STATIC=1."""

import numpy as np
import pytest

from nbhelpers import widgets
from nbhelpers.core.display import has_frontend
from nbhelpers.latent.pca import LatentPCA
from nbhelpers.models import build_decoder


def test_static_plane_explorer_draws_the_starting_plane():
    assert not has_frontend()
    x = np.random.default_rng(0).standard_normal((400, 4))
    fig = widgets.plane_explorer({"PCA": x, "original": x * 2}, 1, 2)
    assert fig.axes[0].get_title() == "PCA axes 1 and 2: 400 points"
    assert len(fig.axes) == 4  # the whole plane and squares of side 5, 1 and 0.5
    scaled = widgets.plane_explorer({"PCA": x}, 1, 2, ladder=(None, 3.0, 0.6), spread=2.4)
    assert len(scaled.axes) == 3  # notebook 03's ladder, scaled to the data
    assert "side 6" in scaled.axes[1].get_title() and "2.5 x" in scaled.axes[1].get_title()


def test_static_face_explorer_decodes_walks_along_three_pca_axes():
    z = np.random.default_rng(1).standard_normal((300, 4)) * [3, 2, 1, 1]
    decoder = build_decoder(4, (16, 16, 3), filters=(4, 4, 4, 4))
    fig = widgets.face_explorer(decoder, LatentPCA().fit(z), n_axes=5)
    assert [ax.get_ylabel() for ax in fig.axes[::9]] == ["PCA 0", "PCA 1", "PCA 2"]
    assert all(ax.images for ax in fig.axes)


def test_the_explorers_zoom_square_sits_on_the_points_of_off_centre_axes():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2_000, 3)) * 0.3 + np.array([-2.0, 5.0, 0.0])  # far from the origin
    whole, square = widgets.explorer_view(x, 0, 1, 0.5)
    assert whole.count == 2_000 and square.center == pytest.approx((-2.0, 5.0), abs=0.05)
    assert square.count > 1_000  # a square at (0, 0) would hold none
