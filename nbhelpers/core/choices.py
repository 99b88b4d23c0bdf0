"""Allowed values of the series' parameters, defined once and imported wherever they are checked."""

from __future__ import annotations

PROFILES = ("smoke", "default", "celeba")
DATA_SOURCES = ("synthetic", "photos")  # built-in faces, or a folder or zip of face photos
DATA_SOURCE_ALIASES = {"celeba": "photos"}  # the name before any photo folder was taken
FACTOR_DISTRIBUTIONS = ("normal", "uniform")
LOSSES = ("bce", "mse")
ACTIVATIONS = ("relu", "leaky_relu", "selu")
SPLITS = ("train", "val", "test", "train+val", "all")  # list_eval_partition codes 0, 1, 2, 0 and 1, or all
DOWNSAMPLINGS = 4  # stride-2 Conv2D layers of the blog's Encoder: image sides divide by 2**4 = 16


def check_choice(name: str, value, allowed: tuple) -> None:
    """Raise ValueError naming ``name``, the allowed values and the value found."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, found {value!r}")


def size_error(height: int, width: int | None = None, n_down: int = DOWNSAMPLINGS) -> str | None:
    """The message for an image size the Encoder cannot halve ``n_down`` times, else None."""
    f = 2**n_down
    width = height if width is None else width
    if height >= f and width >= f and not height % f and not width % f:
        return None
    return (f"image height and width must be positive multiples of {f} (the Encoder halves them "
            f"{n_down} times), e.g. {f * 2}, {f * 4} or {f * 6}; found {height}x{width}")
