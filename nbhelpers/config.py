"""Profiles and validated run parameters.

A profile is a frozen dataclass holding every parameter the notebooks use. ``load()`` takes a
profile name plus overrides (from papermill ``-p``/``-y``, the CLI's ``--set key=value``, or a
notebook's ``overrides`` dict) and validates all of them at once, so that a bad value fails in the
first cell with a message that lists what is allowed, not an hour later inside a training loop.
"""

from __future__ import annotations

import dataclasses
import math
import os
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path

from .core.choices import (
    ACTIVATIONS,
    DATA_SOURCE_ALIASES,
    DATA_SOURCES,
    FACTOR_DISTRIBUTIONS,
    LOSSES,
    PROFILES,
    SPLITS,
    size_error,
)


class ConfigError(ValueError):
    """A run parameter is invalid; the message says what is allowed."""


def _ranged(default, limits: tuple):
    """A field whose values (each element, for a tuple) must lie in ``limits``: (lo, hi) closed,
    or (lo, hi, "(]") / "()" / "[)" for open ends. The range sits beside the field it checks and
    one rule (``_range_errors``) reads them all."""
    lo, hi, ends = (*limits, "[]") if len(limits) == 2 else limits
    return field(default=default, metadata={"range": (lo, hi, ends)})


@dataclass(frozen=True)
class Profile:
    """Every parameter of the notebook series: what each means is the comment beside it; the
    profiles and the blog's settings are in docs/profiles.md."""

    name: str
    # data
    data_source: str = "synthetic"  # "photos" whenever ``data`` is given
    data: str | None = None  # a folder or zip of face photos (CelebA or any other); None: synthetic
    labels: str | None = None  # a CSV labelling those photos (a "file" column, numeric factors)
    image_size: int = _ranged(96, (16, 1024))
    n_images: int | None = _ranged(20_000, (16, 10_000_000))  # None: every image of the split
    split: str = "train"
    factor_distribution: str = "normal"
    cache_dir: str | None = None  # None: <project>/data/cache or $NBHELPERS_CACHE
    seed: int = _ranged(0, (0, 2**32 - 1))
    # Autoencoder (notebook 01)
    z_dim: int = _ranged(256, (2, 4096))
    filters: tuple[int, ...] = _ranged((32, 64, 128, 256), (1, 4096))
    activation: str = "leaky_relu"
    batch_norm: bool = False
    loss: str = "bce"
    epochs: int = _ranged(12, (1, 10_000))
    batch_size: int = _ranged(128, (1, 65_536))
    learning_rate: float = _ranged(5e-4, (0, 1, "(]"))
    val_fraction: float = _ranged(0.1, (0, 0.5, "()"))
    # None: val_fraction decides; else this many training images where the data set has more
    train_images: int | None = _ranged(None, (16, 10_000_000))
    mixed_precision: bool = False
    # VAE (notebook 05)
    vae_epochs: int = _ranged(12, (1, 10_000))
    kl_weight: float = _ranged(1.0, (0, 1e6))
    vae_compare_without_dense: bool = True
    # latent analysis (notebooks 02-04). Widths are fractions of the data's spread (the median
    # axis FWHM, ``latent.scale``): the blog's width in its z units / its axis FWHM of about 2.
    bin_fraction: float = _ranged(0.125, (0, 10, "(]"))  # blog: bins of 0.25 per axis
    radius_bin_fractions: tuple[float, ...] = _ranged((0.25, 0.025), (0, 10, "(]"))  # 0.5, 0.05
    # t-SNE (notebook 03): raw z at each size; the first run at the blog's first-run settings
    tsne_sizes: tuple[int, ...] = _ranged((5_000, 20_000), (10, 10_000_000))
    tsne_first_perplexity: float = _ranged(10.0, (1, 1000))
    tsne_first_exaggeration: float = _ranged(16.0, (1, 1000))
    perplexity: float = _ranged(30.0, (1, 1000))
    early_exaggeration: float = _ranged(12.0, (1, 1000))
    tsne_iter: int = _ranged(750, (10, 100_000))
    # t-SNE after PCA: run i embeds tsne_pca_sizes[i] points' leading tsne_pca_components[i]
    tsne_pca_sizes: tuple[int, ...] = _ranged((10_000, 20_000, 20_000, 20_000), (10, 10_000_000))
    tsne_pca_components: tuple[int, ...] = _ranged((2, 2, 4, 10), (2, 4096))
    # plane projections: PCA planes as flat pairs, zoom squares' sides as fractions of the spread
    zoom_planes: tuple[int, ...] = _ranged((0, 1, 0, 17, 7, 34), (0, 4095))
    zoom_fractions: tuple[float, ...] = _ranged((2.5, 0.5, 0.25), (0, 100, "(]"))  # 5, 1, 0.5
    # intrinsic dimension (are the filaments one-dimensional?)
    id_points: int = _ranged(5_000, (50, 1_000_000))
    id_neighbourhoods: int = _ranged(50, (1, 100_000))
    id_k: int = _ranged(100, (5, 10_000))
    # PCA and ellipses (notebook 04)
    trim_facts: tuple[float, ...] = _ranged((1.25, 1.35, 1.45, 1.55, 1.7, 1.8), (0, 100, "(]"))
    ellipse_facts: tuple[float, ...] = _ranged((1.35, 1.45, 1.55, 1.7, 1.8), (0, 100, "(]"))
    trim_fact: float = _ranged(1.7, (0, 100, "(]"))
    pca_max_points: int | None = _ranged(None, (10, 100_000_000))  # None: all survivors
    component_bin_fraction: float = _ranged(0.25, (0, 10, "(]"))  # blog: bins of 0.5
    pca_pairs_max: int = _ranged(120, (1, 4096))
    far_step: int = _ranged(10, (1, 4096))
    scatter_points: int = _ranged(10_000, (10, 10_000_000))
    dense_scatter_points: int = _ranged(50_000, (10, 10_000_000))  # the blog's 3-sigma look
    share_points: int = _ranged(50_000, (10, 100_000_000))
    # VAE timing (notebook 05): seconds per epoch of the extra-Dense VAE at these batch sizes,
    # measured on one epoch over ``timing_images`` images (None: whole epochs of the training set)
    timing_batch_sizes: tuple[int, ...] = _ranged((128, 256), (1, 65_536))
    timing_images: int | None = _ranged(2_048, (16, 10_000_000))
    # ground-truth factors (notebook 07): MIG on a subset; the Gaussian question's two small AEs
    mig_points: int = _ranged(10_000, (20, 10_000_000))
    factor_images: int = _ranged(6_000, (16, 10_000_000))
    factor_epochs: int = _ranged(5, (1, 10_000))
    # the VAE's latent space (notebook 08): a sweep of the KL weight, each VAE trained on
    # ``sweep_images`` images for ``sweep_epochs`` epochs (weight 0: the same VAE without the KL
    # pull, still sampling z: the nearest to an AE the sweep trains)
    kl_weights: tuple[float, ...] = _ranged((1.0, 0.1, 0.01, 0.001, 0.0), (0, 1e6))
    sweep_images: int = _ranged(3_000, (16, 10_000_000))
    sweep_epochs: int = _ranged(4, (1, 10_000))
    vae_tsne_points: int = _ranged(5_000, (10, 10_000_000))
    # generation (notebook 06)
    n_generate: int = _ranged(2_000, (1, 10_000_000))
    gmm_components: int = _ranged(10, (1, 1000))
    # the GMM is fitted on at most this many z-points (a random subset)
    gmm_max_points: int = _ranged(50_000, (1, 100_000_000))
    confine_sigma: float = _ranged(2.0, (0, 100, "(]"))
    realism_k: int = _ranged(5, (1, 1000))

    # -- derived -----------------------------------------------------------------------------
    @property
    def image_shape(self) -> tuple[int, int, int]:
        return (self.image_size, self.image_size, 3)


_BASE = {
    "smoke": dict(
        data_source="synthetic", image_size=32, n_images=2_000, z_dim=32, epochs=3, vae_epochs=3,
        batch_size=64, learning_rate=1e-3, tsne_sizes=(500, 1_500),
        tsne_pca_sizes=(750, 1_500, 1_500, 1_500), tsne_iter=250, zoom_planes=(0, 1, 0, 17, 7, 30),
        id_points=1_000, id_neighbourhoods=10, id_k=40, n_generate=400, gmm_components=3,
        pca_pairs_max=20, far_step=5, scatter_points=1_000, dense_scatter_points=2_000,
        share_points=2_000,
        timing_batch_sizes=(32, 64), timing_images=256, mig_points=1_000, factor_images=600,
        factor_epochs=2, sweep_images=400, sweep_epochs=2, vae_tsne_points=800,
    ),
    "default": dict(data_source="synthetic"),
    # the blog's settings, item by item (tests/test_config.py reads them against the posts)
    "celeba": dict(
        data_source="photos", n_images=None, epochs=24, vae_epochs=24, split="train+val",
        train_images=170_000, timing_images=None,
        tsne_sizes=(20_000, 80_000, 165_000), tsne_iter=1_000,
        tsne_pca_sizes=(80_000, 165_000, 165_000, 165_000), pca_max_points=80_000,
        n_generate=5_000, sweep_images=20_000, sweep_epochs=10, vae_tsne_points=20_000,
    ),
}

FIELDS = {f.name: f for f in dataclasses.fields(Profile)}


TYPES = typing.get_type_hints(Profile)
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
_NONE = ("none", "null", "all")


def _base_type(hint) -> tuple[type, bool]:
    """(the type, whether None is allowed) of a field's annotation, e.g. ``int | None``."""
    args = typing.get_args(hint)
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        rest = [a for a in args if a is not type(None)]
        return rest[0], True
    return hint, False


def _to(kind: type, value):
    """One value to ``kind`` (bool, int, float, str); ValueError when it does not fit."""
    if kind is bool:
        if isinstance(value, str):
            if value.lower() in _TRUE:
                return True
            if value.lower() in _FALSE:
                return False
            raise ValueError(value)
        if value in (0, 1):
            return bool(value)
        raise ValueError(value)
    if kind is int:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError(value)
        return int(float(value)) if isinstance(value, str) and "e" in value.lower() else int(value)
    if kind is float:
        if isinstance(value, bool):
            raise ValueError(value)
        return float(value)
    return str(value)


def _coerce(name: str, value):
    """Bring a CLI string or papermill value to the field's declared type (``TYPES``), so every
    field of one type is read by one rule; raise ConfigError naming the field when impossible."""
    kind, optional = _base_type(TYPES[name])
    if value is None or (optional and isinstance(value, str) and value.lower() in _NONE):
        if optional:
            return None
        raise ConfigError(f"parameter {name!r}: expected {kind.__name__}, found None")
    try:
        if typing.get_origin(kind) is tuple:
            elem = typing.get_args(kind)[0]
            items = value.split(",") if isinstance(value, str) else list(value)
            return tuple(_to(elem, v.strip() if isinstance(v, str) else v) for v in items)
        return _to(kind, value)
    except (TypeError, ValueError):
        name_of = getattr(kind, "__name__", str(kind))
        raise ConfigError(f"parameter {name!r}: expected {name_of}"
                          f"{' or None' if optional else ''}, found {value!r}") from None


def _num(v) -> str:
    return f"{v:,}" if isinstance(v, int) else f"{v:g}"


def _range_errors(p: Profile) -> list[str]:
    """Every field with a range: NaN, infinities and values outside it, with the range named."""
    errors = []
    for f in dataclasses.fields(Profile):
        if "range" not in f.metadata:
            continue
        value = getattr(p, f.name)
        if value is None:
            continue
        lo, hi, ends = f.metadata["range"]
        interval = f"{ends[0]}{_num(lo)}, {_num(hi)}{ends[1]}"
        for v in value if isinstance(value, tuple) else (value,):
            bad = (isinstance(v, float) and not math.isfinite(v)) or v < lo or v > hi \
                or (ends[0] == "(" and v == lo) or (ends[1] == ")" and v == hi)
            if bad:
                what = f"every element of {f.name}" if isinstance(value, tuple) else f.name
                errors.append(f"{what} must lie in {interval}, found {v!r}")
                break
        if isinstance(value, tuple) and not value:
            errors.append(f"{f.name} must hold at least one value, found ()")
    return errors


def _check(p: Profile) -> list[str]:
    errors = _range_errors(p)
    if p.data_source not in DATA_SOURCES:
        errors.append(f"data_source must be one of {DATA_SOURCES}, found {p.data_source!r}")
    if (msg := size_error(p.image_size)) is not None:
        errors.append(f"image_size: {msg}")
    if p.factor_distribution not in FACTOR_DISTRIBUTIONS:
        errors.append(f"factor_distribution must be one of {FACTOR_DISTRIBUTIONS}, "
                      f"found {p.factor_distribution!r}")
    if p.loss not in LOSSES:
        errors.append(f"loss must be one of {LOSSES}, found {p.loss!r}")
    if p.activation not in ACTIVATIONS:
        errors.append(f"activation must be one of {ACTIVATIONS}, found {p.activation!r}")
    if p.split not in SPLITS:
        errors.append(f"split must be one of {SPLITS}, found {p.split!r}")
    if len(p.tsne_pca_sizes) != len(p.tsne_pca_components):
        errors.append(f"tsne_pca_sizes and tsne_pca_components pair up run by run: found "
                      f"{len(p.tsne_pca_sizes)} sizes and {len(p.tsne_pca_components)} "
                      f"component counts")
    if len(p.zoom_planes) % 2:
        errors.append(f"zoom_planes holds pairs of PCA axes, found {len(p.zoom_planes)} values")
    if p.gmm_max_points < p.gmm_components:
        errors.append(f"gmm_max_points must be at least gmm_components ({p.gmm_components}), "
                      f"found {p.gmm_max_points}")
    if p.data_source == "photos":
        if not p.data:
            errors.append("photos need data=<a folder or zip of face photos, e.g. CelebA's "
                          "img_align_celeba> (make run DATA=..., --data, or -p data ...)")
        elif not Path(p.data).expanduser().exists():
            errors.append(f"data path does not exist: {p.data!r} (expected a folder or zip of "
                          f"face photos, e.g. CelebA's img_align_celeba folder or its zip)")
    elif p.data:
        errors.append(f"data_source 'synthetic' draws its own faces and reads no data; found "
                      f"data={p.data!r} (drop one of the two)")
    if p.labels is not None:
        if not p.data:
            errors.append(f"labels={p.labels!r} label photos: they go with data=<the photos' "
                          f"folder> (for your own z-points: run --z ... --labels)")
        elif not Path(p.labels).expanduser().is_file():
            errors.append(f"labels file does not exist: {p.labels!r} (expected a CSV with a "
                          f"'file' column and one numeric column per factor)")
    return errors


def load(profile: str = "default", data: str | os.PathLike | None = None, **overrides) -> Profile:
    """Return the named profile with ``overrides`` applied; raise ConfigError listing all problems.

    >>> load("smoke", z_dim=16).z_dim
    16
    """
    if profile not in _BASE:
        raise ConfigError(f"unknown profile {profile!r}; allowed profiles: {', '.join(PROFILES)}")
    values = dict(_BASE[profile])
    data = data if data is not None or "data" in overrides else os.environ.get("NBHELPERS_DATA")
    if data:  # NBHELPERS_DATA: the photos a platform's setup found (CelebA on Kaggle)
        values["data"] = str(data)
    unknown = sorted(set(overrides) - set(FIELDS) - {"name"})
    if unknown:
        raise ConfigError(
            f"unknown parameter(s) {unknown}; allowed: {', '.join(sorted(set(FIELDS) - {'name'}))}"
        )
    for key, value in overrides.items():
        values[key] = _coerce(key, value)
    source = values.get("data_source", "synthetic")
    values["data_source"] = DATA_SOURCE_ALIASES.get(source, source)
    if values.get("data") and "data_source" not in overrides:
        values["data_source"] = "photos"  # --data takes photos with every profile
    prof = Profile(name=profile, **values)
    errors = _check(prof)
    if errors:
        raise ConfigError(f"invalid parameters for profile {profile!r}:\n  - " +
                          "\n  - ".join(errors))
    return prof


def parse_assignments(items: list[str] | None) -> dict[str, str]:
    """Turn CLI ``key=value`` strings into a dict (values are coerced later by ``load``)."""
    out = {}
    for item in items or []:
        if "=" not in item:
            raise ConfigError(f"expected key=value, found {item!r}")
        key, value = item.split("=", 1)
        out[key.strip()] = value.strip()
    return out


def project_root(start: str | os.PathLike | None = None) -> Path:
    """The folder holding ``notebooks/`` (walking up from ``start`` or the cwd; else the checkout
    this package was installed from, so a run started in the photos' folder finds the series),
    else the cwd."""
    here = Path(start or Path.cwd()).resolve()
    for cand in (here, *here.parents, Path(__file__).resolve().parents[1]):
        if (cand / "notebooks").is_dir() and (cand / "nbhelpers").is_dir():
            return cand
    return here


def default_run_dir(profile: str) -> Path:
    root = os.environ.get("NBHELPERS_RUNS")
    return Path(root) / profile if root else project_root() / "runs" / profile


def cache_dir(p: Profile) -> Path:
    if p.cache_dir:
        return Path(p.cache_dir).expanduser()
    env = os.environ.get("NBHELPERS_CACHE")
    return Path(env) if env else project_root() / "data" / "cache"


__all__ = ["Profile", "ConfigError", "load", "PROFILES", "parse_assignments", "default_run_dir",
           "cache_dir", "project_root"]
