import numpy as np
import pytest
from scipy.stats import gaussian_kde

from nbhelpers.latent.kde import density_grid, mass_levels


def test_fast_kde_agrees_with_scipy_gaussian_kde(correlated):
    xy = correlated[0][:2000]
    grid = density_grid(xy, gridsize=60)
    px, py = np.meshgrid(grid.x, grid.y)
    ref = gaussian_kde(xy.T)(np.vstack([px.ravel(), py.ravel()])).reshape(px.shape)
    rel = np.linalg.norm(grid.density - ref) / np.linalg.norm(ref)
    assert rel < 0.02
    # the same contours: the regions above each level coincide
    for level in mass_levels(grid.x, grid.y, grid.density, (0.9, 0.5)):
        a, b = grid.density >= level, ref >= level
        assert (a ^ b).sum() / max(b.sum(), 1) < 0.05
    cell = (grid.x[1] - grid.x[0]) * (grid.y[1] - grid.y[0])
    assert grid.density.sum() * cell == pytest.approx(1.0, abs=0.03)


def test_levels_enclose_the_masses(correlated):
    grid = density_grid(correlated[0], gridsize=150, masses=(0.5, 0.8))
    cell = (grid.x[1] - grid.x[0]) * (grid.y[1] - grid.y[0])
    assert len(grid.levels) == 2 and grid.levels[0] < grid.levels[1]  # ascending: 80 % then 50 %
    for mass, level in zip((0.8, 0.5), grid.levels, strict=True):
        assert grid.density[grid.density >= level].sum() * cell == pytest.approx(mass, abs=0.02)
