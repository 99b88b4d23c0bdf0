"""The convention of ``nbhelpers.latent`` (its module docstring), checked on every class it holds:
estimators are scikit-learn estimators with their settings and seeds in ``__init__``; everything
else is a frozen result dataclass."""

import dataclasses
import importlib
import inspect
import pkgutil

import numpy as np
import pytest
from sklearn.base import BaseEstimator, clone

import nbhelpers.latent as latent

MODULES = [importlib.import_module(f"nbhelpers.latent.{m.name}")
           for m in pkgutil.iter_modules(latent.__path__)]
CLASSES = sorted({obj for mod in MODULES for _, obj in inspect.getmembers(mod, inspect.isclass)
                  if obj.__module__ == mod.__name__}, key=lambda c: c.__qualname__)
ESTIMATORS = [c for c in CLASSES if hasattr(c, "fit")]
RESULTS = [c for c in CLASSES if not hasattr(c, "fit")]
SEEDS = {"seed", "random_state", "rng"}


def test_the_package_holds_both_kinds():
    names = {c.__name__ for c in CLASSES}
    assert {"LatentDensity", "LatentPCA", "RealismScorer", "GaussianMixtureSampler"} <= names
    assert {"VoidShare", "FactorProbe", "TSNEResult", "DimensionByScale"} <= names
    assert len(ESTIMATORS) >= 12 and len(RESULTS) >= 15


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_estimators_are_scikit_learn_estimators_with_settings_in_init(cls):
    assert issubclass(cls, BaseEstimator)
    est = cls()
    clone(est)  # scikit-learn's check: every __init__ parameter is stored under its own name
    assert "seed" not in est.get_params(), "a seed is called random_state, as in scikit-learn"
    for name, method in inspect.getmembers(cls, inspect.isfunction):
        if name.startswith("_"):
            continue
        taken = set(inspect.signature(method).parameters) & SEEDS
        assert not taken, f"{cls.__name__}.{name} takes {taken}: seeds belong in __init__"


@pytest.mark.parametrize("cls", RESULTS, ids=lambda c: c.__name__)
def test_everything_else_is_a_frozen_result(cls):
    assert dataclasses.is_dataclass(cls), f"{cls.__name__} is neither an estimator nor a result"
    assert cls.__dataclass_params__.frozen, f"{cls.__name__} is a result that can be changed"


def test_fit_returns_the_estimator_and_learns_underscored_attributes():
    z = np.random.default_rng(0).normal(size=(300, 4))
    from nbhelpers.latent import density, pca, placement, sampling

    for est in (density.LatentDensity(), pca.LatentPCA(), placement.RealNeighbours(),
                sampling.MultivariateNormal(), sampling.GaussianMixtureSampler(k=2)):
        before = set(vars(est))
        assert est.fit(z) is est
        learned = set(vars(est)) - before
        assert learned and all(a.endswith("_") for a in learned), (type(est).__name__, learned)
