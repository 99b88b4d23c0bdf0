"""Built-in synthetic faces: procedurally drawn, vectorised over the batch, with known factors.

Every face is drawn from factors with a known distribution (table ``FACTORS``): head position,
size, aspect and tilt; skin tone; hair colour and volume; eye spacing, height, size and iris
colour; brow angle; nose length; mouth width, smile curvature and openness; glasses; background
colour and gradient; lighting direction. Continuous factors are normal by default.
``factor_distribution="uniform"`` draws them from uniform distributions with the same mean and
variance (half-width sqrt(3) sigma), which turns the blog's open question, "are Gaussian latent
distributions a reflection of Gaussian features in the data?", into an experiment.

Shapes are drawn in a head-local frame (u, v): origin at the head centre, rotated by the tilt and
scaled by the head size, so the whole face moves, turns and scales together. Edges are
anti-aliased: each shape's coverage of a pixel is its signed distance to the edge measured in
pixels, clipped to [0, 1]. Small features (eyes, brows, nose, mouth, glasses) are only evaluated
in a window around the head, which is where their pixels are.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from ..core.choices import FACTOR_DISTRIBUTIONS, check_choice, size_error
from ..core.pixels import to_uint8


@dataclass(frozen=True)
class Factor:
    name: str
    mean: float
    std: float
    unit: str
    description: str


# Coordinates: the image spans [-1, 1] in x (right) and y (down). "head units" are multiples of
# the head's half-width.
FACTORS: tuple[Factor, ...] = (
    Factor("head_x", 0.0, 0.05, "image half-widths", "horizontal head position"),
    Factor("head_y", 0.06, 0.04, "image half-widths", "vertical head position (down is +)"),
    Factor("head_size", 0.50, 0.045, "image half-widths", "head half-width"),
    Factor("head_aspect", 1.28, 0.07, "ratio", "head height / width"),
    Factor("head_tilt", 0.0, 7.0, "degrees", "head rotation in the image plane"),
    Factor("skin_tone", 0.40, 0.18, "0 light .. 1 dark", "skin colour"),
    Factor("hair_color", 0.50, 0.22, "0 blond .. 1 black", "hair colour"),
    Factor("hair_volume", 1.00, 0.08, "ratio", "hair outline relative to the head"),
    Factor("eye_spacing", 0.38, 0.03, "head units", "half the distance between the eyes"),
    Factor("eye_height", -0.12, 0.04, "head units", "eye line, relative to the head centre"),
    Factor("eye_size", 0.13, 0.015, "head units", "eye half-width"),
    Factor("iris_color", 0.50, 0.22, "0 blue .. 1 brown", "iris colour"),
    Factor("brow_angle", 0.0, 8.0, "degrees", "brow slant (+ raises the outer ends)"),
    Factor("nose_length", 0.30, 0.04, "head units", "nose length"),
    Factor("mouth_width", 0.30, 0.04, "head units", "mouth half-width"),
    Factor("smile", 0.25, 0.30, "curvature", "mouth curvature (+ smile, - frown)"),
    Factor("mouth_open", 0.03, 0.02, "head units", "mouth opening (values <= 0 are closed)"),
    Factor("bg_hue", 0.55, 0.15, "hue turns", "background hue"),
    Factor("bg_gradient", 0.0, 0.25, "brightness", "top-to-bottom background gradient"),
    Factor("light_angle", 0.0, 40.0, "degrees", "direction the light comes from (0 = left)"),
)
GLASSES_PROBABILITY = 0.25
FACTOR_NAMES = tuple(f.name for f in FACTORS) + ("glasses",)

_SKIN = np.array([[0.97, 0.82, 0.71], [0.80, 0.60, 0.45], [0.38, 0.24, 0.16]], np.float32)
_HAIR = np.array([[0.88, 0.74, 0.45], [0.45, 0.28, 0.14], [0.07, 0.05, 0.04]], np.float32)
_IRIS = np.array([[0.25, 0.48, 0.78], [0.35, 0.55, 0.30], [0.40, 0.24, 0.10]], np.float32)


def draw_factors(n: int, seed: int = 0, factor_distribution: str = "normal") -> dict[str, np.ndarray]:
    """Draw the factor table: one float32 column per factor (glasses as 0/1)."""
    check_choice("factor_distribution", factor_distribution, FACTOR_DISTRIBUTIONS)
    rng = np.random.default_rng(seed)
    if factor_distribution == "normal":
        unit = rng.standard_normal((len(FACTORS), n))
    else:  # same mean and variance: U(-sqrt(3), sqrt(3)) has unit variance
        unit = rng.uniform(-np.sqrt(3.0), np.sqrt(3.0), (len(FACTORS), n))
    table = {f.name: (f.mean + f.std * unit[i]).astype(np.float32) for i, f in enumerate(FACTORS)}
    table["glasses"] = (rng.random(n) < GLASSES_PROBABILITY).astype(np.float32)
    return table


def _palette(colors: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Piecewise-linear colour ramp through ``colors`` at t in [0, 1]; returns (n, 3)."""
    t = np.clip(t, 0.0, 1.0) * (len(colors) - 1)
    i = np.minimum(t.astype(int), len(colors) - 2)
    f = (t - i)[:, None]
    return (colors[i] * (1 - f) + colors[i + 1] * f).astype(np.float32)


def _hue_rgb(h: np.ndarray, s: float = 0.35, v: float = 0.85) -> np.ndarray:
    """HSV to RGB for arrays of hues (fixed saturation and value)."""
    k = (np.array([5.0, 3.0, 1.0])[None, :] + (h[:, None] % 1.0) * 6.0) % 6.0
    return (v - v * s * np.clip(np.minimum(k, 4.0 - k), 0.0, 1.0)).astype(np.float32)


def _cover(d: np.ndarray, px) -> np.ndarray:
    """Anti-aliased coverage from a signed distance ``d`` (negative inside), ``px`` = pixel size."""
    return np.clip(0.5 - d / px, 0.0, 1.0)


def _ellipse_d(u, v, cx, cy, a, b, angle=None):
    """Approximate signed distance to an ellipse (negative inside), in the units of u and v."""
    du, dv = u - cx, v - cy
    if angle is not None:
        c, s = np.cos(angle), np.sin(angle)
        du, dv = du * c + dv * s, dv * c - du * s
    return (np.sqrt((du / a) ** 2 + (dv / b) ** 2) - 1.0) * np.minimum(a, b)


def _paint(img: np.ndarray, alpha: np.ndarray, color: np.ndarray) -> None:
    """img (n, h, w, 3) <- blend towards color (n, 3) with coverage alpha (n, h, w), in place."""
    img += alpha[..., None] * (color[:, None, None, :] - img)


def _col(x: np.ndarray) -> np.ndarray:
    return x.astype(np.float32)[:, None, None]


def _render_chunk(f: dict[str, np.ndarray], size: int) -> np.ndarray:
    n = len(f["head_x"])
    grid = (np.arange(size, dtype=np.float32) + 0.5) * (2.0 / size) - 1.0
    x, y = grid[None, None, :], grid[None, :, None]
    px_img = 2.0 / size

    # background: hue plus a vertical gradient
    bg = _hue_rgb(f["bg_hue"])
    img = np.empty((n, size, size, 3), np.float32)
    img[:] = bg[:, None, None, :]
    img *= (1.0 + _col(f["bg_gradient"]) * y)[..., None]

    # head-local frame
    s = _col(np.clip(f["head_size"], 0.3, 0.7))
    tilt = _col(np.deg2rad(f["head_tilt"]))
    cos_t, sin_t = np.cos(tilt), np.sin(tilt)
    hx, hy = _col(f["head_x"]), _col(f["head_y"])

    def frame(xx, yy):
        dx, dy = xx - hx, yy - hy
        return (dx * cos_t + dy * sin_t) / s, (dy * cos_t - dx * sin_t) / s

    u, v = frame(x, y)
    px = px_img / s
    aspect = _col(np.clip(f["head_aspect"], 1.0, 1.6))
    vol = _col(np.clip(f["hair_volume"], 0.8, 1.25))
    skin = _palette(_SKIN, f["skin_tone"])
    hair = _palette(_HAIR, f["hair_color"])

    # shoulders and neck, hair behind the head, the head itself
    shirt = _hue_rgb(f["bg_hue"] + 0.5, s=0.45, v=0.55)
    _paint(img, _cover(_ellipse_d(u, v, 0.0, aspect + 1.05, 1.9, 0.9), px), shirt)
    neck = np.maximum(np.abs(u) - 0.42, np.maximum(0.2 - v, v - aspect - 0.6))
    _paint(img, _cover(neck, px), skin * 0.82)
    hair_d = _ellipse_d(u, v, 0.0, -0.12 * aspect, 1.12 * vol, (aspect * 0.98) * vol)
    _paint(img, _cover(np.maximum(hair_d, v - 0.35 * aspect), px), hair)
    _paint(img, _cover(_ellipse_d(u, v, 0.0, 0.0, 1.0, aspect), px), skin)
    # fringe: the hair outline above a line across the forehead
    fringe = np.maximum(hair_d, v + (0.50 + 0.10 * (vol - 1.0)) * aspect + 0.08 * u * u)
    _paint(img, _cover(fringe, px), hair)

    # small features: evaluated in a square window around the head centre only
    win = int(np.ceil(0.55 * 0.70 * 1.7 * size))  # covers +-0.6 head widths at the largest head
    win = min(size, win + (win % 2))
    cx = np.clip(np.round((f["head_x"] + 1.0) * size / 2.0).astype(int) - win // 2, 0, size - win)
    cy_v = (f["head_y"] + 0.12 * f["head_size"] * f["head_aspect"] + 1.0) * size / 2.0
    cy = np.clip(np.round(cy_v).astype(int) - win // 2, 0, size - win)
    local = np.arange(win)
    rows = cy[:, None] + local[None, :]  # (n, win)
    cols = cx[:, None] + local[None, :]
    wy = grid[rows][:, :, None]  # (n, win, 1)
    wx = grid[cols][:, None, :]  # (n, 1, win)
    u, v = frame(wx, wy)
    patch = img[np.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]]

    es = _col(np.clip(f["eye_size"], 0.07, 0.2))
    ex = _col(np.clip(f["eye_spacing"], 0.25, 0.5))
    ey = _col(f["eye_height"])
    iris = _palette(_IRIS, f["iris_color"])
    brow = np.deg2rad(_col(f["brow_angle"]))
    for side in (-1.0, 1.0):
        cxe = side * ex
        _paint(patch, _cover(_ellipse_d(u, v, cxe, ey, es, es * 0.55), px),
               np.full((n, 3), 0.96, np.float32))
        _paint(patch, _cover(_ellipse_d(u, v, cxe, ey, es * 0.45, es * 0.45), px), iris)
        _paint(patch, _cover(_ellipse_d(u, v, cxe, ey, es * 0.2, es * 0.2), px),
               np.full((n, 3), 0.05, np.float32))
        _paint(patch, _cover(_ellipse_d(u, v, cxe, ey - es * 1.45, es * 1.25, 0.035,
                                        angle=-side * brow), px), hair * 0.6)
    # nose: a soft shadow along its length and a darker tip
    nl = _col(np.clip(f["nose_length"], 0.15, 0.45))
    ny = ey + 0.08 + nl / 2
    _paint(patch, 0.45 * _cover(_ellipse_d(u, v, 0.0, ny, 0.06, nl / 2), px), skin * 0.75)
    _paint(patch, 0.6 * _cover(_ellipse_d(u, v, 0.0, ny + nl / 2 - 0.03, 0.09, 0.045), px),
           skin * 0.7)
    # mouth: a lip band around a parabola whose curvature is the smile
    mw = _col(np.clip(f["mouth_width"], 0.15, 0.45))
    my = ny + nl / 2 + 0.16
    sm = _col(np.clip(f["smile"], -1.0, 1.5))
    curve = my + sm * 0.25 * mw * (1.0 - (u / mw) ** 2)
    op = _col(np.maximum(f["mouth_open"], 0.0))
    band = np.maximum(np.abs(v - curve) - (0.035 + op), np.abs(u) - mw)
    lips = skin * 0.55 + np.array([0.35, 0.05, 0.05], np.float32)
    _paint(patch, _cover(band, px), np.clip(lips, 0.0, 1.0))
    inner = np.maximum(np.abs(v - curve) - op * 0.9, np.abs(u) - mw * 0.85)
    _paint(patch, _cover(inner, px), np.full((n, 3), 0.15, np.float32))
    # glasses: a ring around each eye and a bridge
    g = _col(f["glasses"])
    if np.any(f["glasses"] > 0):
        rad = es * 1.55
        frame_color = np.full((n, 3), 0.12, np.float32)
        for side in (-1.0, 1.0):
            ring = np.abs(np.sqrt((u - side * ex) ** 2 + (v - ey) ** 2) - rad) - 0.025
            _paint(patch, g * _cover(ring, px), frame_color)
        bridge = np.maximum(np.abs(u) - (ex - rad), np.abs(v - ey + 0.02) - 0.02)
        _paint(patch, g * _cover(bridge, px), frame_color)
    img[np.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]] = patch

    # lighting: a brightness gradient across the image from the light's direction
    la = np.deg2rad(_col(f["light_angle"]))
    img *= (1.0 + 0.22 * (-(x * np.cos(la)) - y * np.sin(la)))[..., None]
    return to_uint8(img)


def render(factors: dict[str, np.ndarray], size: int = 96, chunk: int = 128,
           workers: int | None = None) -> np.ndarray:
    """Render faces for a factor table; returns uint8 (n, size, size, 3)."""
    if (msg := size_error(size)) is not None:
        raise ValueError(f"size: {msg}")
    missing = [k for k in FACTOR_NAMES if k not in factors]
    if missing:
        raise ValueError(f"factor table lacks columns {missing}; expected {list(FACTOR_NAMES)}")
    n = len(factors["head_x"])
    out = np.empty((n, size, size, 3), np.uint8)
    starts = list(range(0, n, chunk))

    def work(start):
        sl = slice(start, min(start + chunk, n))
        out[sl] = _render_chunk({k: np.asarray(v[sl]) for k, v in factors.items()}, size)

    if workers is None:
        import os

        workers = min(len(starts), os.cpu_count() or 1)
    if workers > 1:  # numpy releases the GIL in its array loops: threads use every core
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(work, starts))
    else:
        for start in starts:
            work(start)
    return out


def make_faces(n: int, size: int = 96, seed: int = 0,
               factor_distribution: str = "normal") -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Draw ``n`` faces: uint8 images (n, size, size, 3) and their factor table (dict of arrays).

    Deterministic for a seed. ``factor_distribution`` is "normal" or "uniform" (same mean and
    variance per factor).
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, found {n}")
    factors = draw_factors(n, seed, factor_distribution)
    return render(factors, size), factors


def render_blocks(factors: dict[str, np.ndarray], size: int = 96,
                  block: int = 2048) -> Iterator[np.ndarray]:
    """Render a factor table in blocks (for caches larger than memory): yields uint8 images."""
    n = len(factors["head_x"])
    for start in range(0, n, block):
        yield render({k: v[start:start + block] for k, v in factors.items()}, size)
