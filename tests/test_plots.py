"""Every figure drawn from small results made here (no Keras): labelled, no empty framed panel,
and the numbers a legend or title shows are the ones the result carries."""

import numpy as np
import pytest

from nbhelpers import plots
from nbhelpers.latent import ellipses
from nbhelpers.latent.density import LatentDensity
from nbhelpers.latent.pca import LatentPCA
from nbhelpers.latent.planes import zoom_panels
from nbhelpers.latent.tsne import TSNEResult


def _drawn(ax) -> bool:
    return bool(ax.lines or ax.images or ax.collections or ax.patches or ax.containers)


def assert_no_empty_frames(fig):
    """Every visible panel draws something; unused grid cells are switched off or removed."""
    for ax in fig.axes:
        if ax.axison:
            assert _drawn(ax), f"empty framed panel: {ax.get_title()!r}"


@pytest.fixture(scope="module")
def z():
    rng = np.random.default_rng(0)
    return (rng.standard_normal((3000, 6)) * [3, 1, 1, 1, 1, 1]).astype(np.float32)


def test_image_rows_of_unequal_length_leave_no_empty_frames():
    rows = {"5 faces": np.zeros((5, 8, 8, 3), np.uint8), "8 faces": np.ones((8, 8, 8, 3), np.float32)}
    fig = plots.image_rows(rows, title="t")
    assert len(fig.axes) == 16 and sum(ax.axison for ax in fig.axes) == 13
    assert_no_empty_frames(fig)
    assert fig.axes[0].get_ylabel() == "5 faces"


def test_image_grid_and_reconstructions():
    imgs = np.random.default_rng(1).integers(0, 256, (10, 8, 8, 3), dtype=np.uint8)
    fig = plots.image_grid(imgs, ncols=4)
    assert sum(ax.axison for ax in fig.axes) == 10
    assert_no_empty_frames(fig)
    fig = plots.reconstructions(imgs[:4], imgs[:4] / 255.0)
    assert_no_empty_frames(fig)
    assert [ax.get_ylabel() for ax in fig.axes[::4]] == ["original", "decoded"]


def test_training_curves_one_panel_per_loss():
    h = {"loss": [3, 2, 1], "val_loss": [3.5, 2.5, 1.5], "kl": [1, 2, 3], "val_kl": [1, 2, 2]}
    fig = plots.training_curves(h, "vae")
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", "kl"]
    assert all(ax.get_xlabel() == "epoch" and len(ax.lines) == 2 for ax in fig.axes)


def test_density_figures_show_the_fitted_numbers(z):
    d = LatentDensity(bin_width=0.25).fit(z)
    fig = plots.axis_fits(d, [0, 1, 2], ncols=2)
    assert_no_empty_frames(fig)
    assert fig.axes[0].get_title() == f"axis 0: centre {d.centers_[0]:.2f}, FWHM {d.fwhm_[0]:.2f}"
    fig = plots.radius_densities(d)
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert f"fitted peak = {d.radius_peak_:.2f}" in labels
    assert all(ax.get_xlabel() for ax in plots.fit_quality(d).axes)
    assert "broad or off-centre" in plots.axis_densities(d, d.unusual_axes_).axes[0].get_title()


def test_plane_zooms_titles_carry_side_and_count(z):
    panels = zoom_panels(z, 0, 1, half_widths=(None, 1.0))
    fig = plots.plane_zooms(panels, space="PCA")
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["PCA axes 0 and 1: 3,000 points", f"square of side 2\n{panels[1].count:,} points"]
    assert fig.axes[1].get_xlim() == (-1.0, 1.0)
    fig = plots.plane_zooms(panels, space="PCA", spread=4.0)
    assert fig.axes[1].get_title().startswith("square of side 2 = 0.5 x axis FWHM")


def test_plane_ladders_draw_one_row_per_plane_without_empty_frames(z):
    ladders = {(0, 1): zoom_panels(z, 0, 1, (None, 1.0, 0.5)), (1, 2): zoom_panels(z, 1, 2, (None,))}
    fig = plots.plane_ladders(ladders)
    shown = [ax for ax in fig.axes if ax.axison]
    assert len(shown) == 4 and shown[-1].get_title().startswith("PCA axes 1 and 2")


def test_ellipse_legend_shows_the_recorded_share(z):
    panels = ellipses.ellipse_panels(z, [(0, 1), (1, 2), (2, 3)], gridsize=30, max_points=500)
    fig = plots.ellipse_grid(panels, ncols=2)
    assert len(fig.axes) == 3  # the fourth cell of the 2x2 grid is removed, not left framed
    assert_no_empty_frames(fig)
    share = ellipses.panel_stats(panels)["0,1"]["inside_2sigma"]
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert f"2 sigma: {share:.1%}" in labels
    fig = plots.ellipses_by_fact({1.7: panels[0]})
    assert f"2 sigma {panels[0].inside[2.0]:.1%}" in fig.axes[0].get_title()


def test_pca_variance_and_tsne_grid(z):
    pca = LatentPCA().fit(z)
    fig = plots.pca_variance(pca, first=6, cumulative=6)
    assert f"{pca.components_for_target_} components for 80%" in fig.axes[1].get_legend_handles_labels()[1]
    r = TSNEResult(np.zeros((50, 2), np.float32), 50, "raw z", 1.0, 2.5, "opentsne")
    fig = plots.tsne_grid([r, r], ncols=3)
    assert_no_empty_frames(fig)
    assert fig.axes[0].get_title() == "raw z, 50 points\nKL 2.50, 1 s"


def test_realism_bars_and_parameter_bars():
    table = {"ae/mvn": {"precision": 0.9, "recall": 0.6, "frechet": 3.0},
             "reconstruction": {"precision": 1.0, "recall": 1.0, "frechet": 0.4}}
    fig = plots.realism_bars(table)
    assert [len(ax.patches) for ax in fig.axes] == [2, 2, 2]
    fig = plots.parameter_bars({"Encoder": 5_107_520, "Decoder": 2_756_675})
    assert fig.axes[0].get_xlabel() == "parameters (millions)"
    assert [t.get_text() for t in fig.axes[0].texts] == ["5.11 M", "2.76 M"]
    fig = plots.survivors({"1.25": 10, "1.7": 40}, 50)
    assert fig.axes[0].lines[0].get_ydata().tolist() == [10, 40]
