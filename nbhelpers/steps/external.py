"""Your own latent space: z-points from any model (PyTorch, JAX, Keras, ...) analysed by
notebooks 02-04 in place of the series' own AE.

``read_z`` loads and checks a ``.npy`` or ``.npz`` file before anything is written (never with
pickle); ``register`` then puts a checked float32 copy in the run directory as
``latent/z_ae.npy`` (manifest entry with the source file and its sha256), writes ``data.json``
naming where the z-points came from, and records every notebook the run leaves out with its
reason, so that the report and the claims say why they are not measured.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from .. import config
from ..store import RunDir

ANALYSED = ("02_latent_number_density", "03_tsne_filaments", "04_pca_ellipses")
LEFT_OUT = {
    "01_autoencoder_training": "the z-points come from outside the series: no AE trained here",
    "05_vae_extra_dense_layer": "trains and times the series' own VAEs on the series' images",
    "06_face_generation": "needs a decoder for these z-points and real images (not yet "
                          "supported for external z-points)",
    "07_ground_truth_factors": "needs the factors behind each z-point (not yet supported for "
                               "external z-points)",
    "08_vae_latent_space": "trains the series' own VAEs (a VAE's means as external z-points are "
                           "not yet supported)",
}
TORCH_SUFFIXES = (".pt", ".pth", ".ckpt", ".bin")


class InputError(ValueError):
    """An external input that cannot be analysed; the message names the file and the fix."""


def minimum_points(cfg: config.Profile) -> int:
    """The fewest z-points the profile's analyses can use: three intrinsic-dimension
    neighbourhoods (``id_k``) and three t-SNE perplexities."""
    return int(max(3 * cfg.id_k, 3 * max(cfg.perplexity, cfg.tsne_first_perplexity) + 2, 50))


def read_z(path: str | Path, key: str | None = None) -> np.ndarray:
    """The z-points of ``path`` as float32 (N, D): a ``.npy`` array or the array ``key`` of an
    ``.npz`` (the only one when ``key`` is None). Refuses, naming the file and what was found:
    a missing file, a PyTorch file, an object (pickled) array, a non-numeric dtype, other than
    two dimensions, fewer than 2 columns, and NaN or infinite values (their count and first
    row)."""
    p = Path(path).expanduser()
    if p.suffix.lower() in TORCH_SUFFIXES:
        raise InputError(
            f"{p}: a PyTorch file ({p.suffix}) cannot be read without pickle, which this series "
            f"never uses on inputs; export the z-points as a NumPy array, e.g. "
            f"np.save('{p.with_suffix('.npy').name}', z.detach().cpu().numpy()), and pass that")
    if p.suffix.lower() not in (".npy", ".npz"):
        raise InputError(f"{p}: expected a .npy file or an .npz archive of z-points, found a "
                         f"'{p.suffix or 'no suffix'}' file")
    if not p.is_file():
        raise InputError(f"{p}: no such file (expected the z-points as a .npy or .npz file)")
    try:
        if p.suffix.lower() == ".npz":
            with np.load(p, allow_pickle=False) as archive:
                names = list(archive.files)
                if key is None and len(names) != 1:
                    raise InputError(f"{p}: the archive holds {len(names)} arrays {names}; name "
                                     f"the z-points with --z-key NAME")
                name = names[0] if key is None else key
                if name not in names:
                    raise InputError(f"{p}: no array named {name!r}; the archive holds {names}")
                z = archive[name]
        else:
            z = np.load(p, allow_pickle=False)
    except ValueError as exc:
        if "pickle" in str(exc).lower() or "object" in str(exc).lower():
            raise InputError(
                f"{p}: holds Python objects (a pickled or object array), which are never loaded "
                f"here; save a numeric array: np.save(path, np.asarray(z, dtype=np.float32))") \
                from None
        raise InputError(f"{p}: not a readable NumPy file ({exc})") from None
    return check_z(z, p)


def check_z(z: np.ndarray, name: str | Path = "z") -> np.ndarray:
    """``z`` as float32 (N, D) after the checks of ``read_z`` (``name`` labels the messages)."""
    if z.dtype.kind not in "fiu":
        raise InputError(f"{name}: expected numbers (float N x D), found dtype {z.dtype}")
    if z.ndim == 1:
        raise InputError(f"{name}: expected one z-point per row (N x D), found a 1-D array of "
                         f"{len(z):,} values; a one-dimensional latent space is z.reshape(-1, 1), "
                         f"but the analyses need D >= 2")
    if z.ndim != 2:
        raise InputError(f"{name}: expected a 2-D array (N x D), found shape {z.shape}; flatten "
                         f"each z-point first: z.reshape(len(z), -1)")
    if z.shape[1] < 2:
        raise InputError(f"{name}: expected at least 2 latent dimensions (planes and PCA pairs), "
                         f"found shape {z.shape}")
    bad = ~np.isfinite(z).all(axis=1)
    if bad.any():
        raise InputError(f"{name}: {int(bad.sum()):,} of {len(z):,} z-points hold NaN or "
                         f"infinite values, the first in row {int(np.argmax(bad))}; drop or fix "
                         f"them before the analysis")
    return np.ascontiguousarray(z, dtype=np.float32)


def check_size(z: np.ndarray, cfg: config.Profile, name: str | Path = "z") -> list[str]:
    """Refuse fewer than ``minimum_points``; return notes on the profile's sizes that the
    z-points cap (t-SNE runs above N embed all N points)."""
    need = minimum_points(cfg)
    if len(z) < need:
        raise InputError(f"{name}: the {cfg.name} profile's analyses need at least {need:,} "
                         f"z-points (3 neighbourhoods of {cfg.id_k} for the intrinsic dimension, "
                         f"3 t-SNE perplexities), found {len(z):,}")
    sizes = [*cfg.tsne_sizes, *cfg.tsne_pca_sizes]
    capped = sorted({n for n in sizes if n > len(z)})
    return [f"t-SNE sizes {capped} of the {cfg.name} profile exceed the {len(z):,} z-points: "
            f"those runs embed all {len(z):,}"] if capped else []


def notebooks_for(only: list[str] | None) -> list[str]:
    """The notebook numbers an external-z run executes: ``only`` (default: all of ``ANALYSED``),
    refusing a notebook that cannot analyse external z-points, with its reason."""
    analysed = [n[:2] for n in ANALYSED]
    if not only:
        return analysed
    refused = {n: why for n, why in LEFT_OUT.items() if n[:2] in only}
    if refused:
        raise InputError("with --z only notebooks " + ", ".join(analysed) + " run; left out: "
                         + "; ".join(f"{n}: {why}" for n, why in refused.items()))
    return list(only)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_run_dir(run_path: Path, origin: str) -> None:
    """Refuse a run directory that holds another run's z-points (nothing is overwritten)."""
    data = run_path / "data.json"
    if not (run_path / "latent" / "z_ae.npy").exists() or not data.exists():
        return
    import json

    info = json.loads(data.read_text())
    if info.get("kind") != "external" or info.get("sha256") != origin:
        raise InputError(f"{run_path} already holds the z-points of another run "
                         f"({info.get('source')}); pass a new --run-dir")


def register(run: RunDir, z: np.ndarray, path: str | Path, key: str | None = None,
             notes: list[str] | None = None) -> dict:
    """Put the checked z-points in ``run`` in place of notebook 01, name their origin in
    ``data.json`` (kind "external", no factors), and record each left-out notebook's reason."""
    p = Path(path).expanduser().resolve()
    source = f"external z-points from {p}" + (f" (array {key!r})" if key else "")
    info = {"kind": "external", "source": source, "file": str(p), "sha256": sha256_of(p),
            "shape": list(z.shape), "factors": None, "notes": list(notes or [])}
    run.save_array("latent/z_ae.npy", z, source=source)
    run.save_json("data.json", info, source=source)
    for notebook, why in LEFT_OUT.items():
        RunDir(run.path, notebook).record("skipped", why)
    return info
