"""Your own latent space: z-points from any model (PyTorch, JAX, Keras, ...) analysed by
notebooks 02-04 in place of the series' own AE.

``read_z`` loads and checks a ``.npy`` or ``.npz`` file before anything is written (never with
pickle); ``register`` then puts a checked float32 copy in the run directory as
``latent/z_ae.npy`` (manifest entry with the source file and its sha256), writes ``data.json``
naming where the z-points came from, and records every notebook the run leaves out with its
reason, so that the report and the claims say why they are not measured.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import config
from ..core.files import sha256_file
from ..data.labels import is_binary
from ..store import RunDir
from .artifacts import LABELS, data_info

ANALYSED = ("02_latent_number_density", "03_tsne_filaments", "04_pca_ellipses")
GENERATION = "06_face_generation"  # with a decoder and the images behind the z-points
PROBES = "07_ground_truth_factors"  # with the factors (labels) behind the z-points
VAE_SPACE = "08_vae_latent_space"  # when the z-points are a VAE's means
DECODER = "models/decoder.keras"
LEFT_OUT = {
    "01_autoencoder_training": "the z-points come from outside the series: no AE trained here",
    "05_vae_extra_dense_layer": "trains and times the series' own VAEs on the series' images",
    "06_face_generation": "needs a Keras decoder for these z-points (--decoder) and the images "
                          "they came from (--images)",
    "07_ground_truth_factors": "needs the factors behind each z-point (--labels, a CSV with "
                               "one row per z-point)",
    "08_vae_latent_space": "measures a VAE's means (--vae says the z-points are a VAE's mu)",
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


def analysed(generation: bool = False, probes: bool = False, vae: bool = False
             ) -> tuple[str, ...]:
    """The notebooks an external-z run executes: 02-04, 06 with a decoder and images, 07 with
    labels, 08 when the z-points are a VAE's means."""
    return (*ANALYSED, *((GENERATION,) if generation else ()), *((PROBES,) if probes else ()),
            *((VAE_SPACE,) if vae else ()))


def left_out(generation: bool = False, probes: bool = False, vae: bool = False
             ) -> dict[str, str]:
    """The notebooks such a run leaves out, with their reasons."""
    return {n: why for n, why in LEFT_OUT.items()
            if n not in analysed(generation, probes, vae)}


def notebooks_for(only: list[str] | None, generation: bool = False, probes: bool = False,
                  vae: bool = False) -> list[str]:
    """The notebook numbers an external-z run executes: ``only`` (default: all of ``analysed``),
    refusing a notebook that cannot analyse external z-points, with its reason."""
    names = analysed(generation, probes, vae)
    numbers = [n[:2] for n in names]
    if not only:
        return numbers
    refused = {n: why for n, why in left_out(generation, probes, vae).items()
               if n[:2] in only}
    if refused:
        raise InputError("with --z only notebooks " + ", ".join(numbers) + " run; left out: "
                         + "; ".join(f"{n}: {why}" for n, why in refused.items()))
    return list(only)


def check_run_dir(run_path: Path, origin: str) -> None:
    """Refuse a run directory that holds another run's z-points (nothing is overwritten)."""
    info = data_info(run_path)
    if not (run_path / "latent" / "z_ae.npy").exists() or not info:
        return
    if info.get("kind") != "external" or info.get("sha256") != origin:
        raise InputError(f"{run_path} already holds the z-points of another run "
                         f"({info.get('source')}); pass a new --run-dir")


def read_images(path: str | Path, n: int) -> tuple[Path, tuple[int, ...]]:
    """The images the z-points came from, one per z-point in the same order: a uint8 .npy
    (n, H, W, 3), opened memory-mapped (never with pickle). Returns its path and shape."""
    p = Path(path).expanduser()
    if p.is_dir() or p.suffix.lower() == ".zip":
        raise InputError(f"{p}: folders and zips of images are not read for --images yet; save "
                         f"the images as one uint8 array: np.save('images.npy', "
                         f"np.stack(images).astype(np.uint8))  # (N, H, W, 3), 0-255")
    if p.suffix.lower() != ".npy" or not p.is_file():
        raise InputError(f"{p}: expected a uint8 .npy file of images (N, H, W, 3)"
                         + ("" if p.is_file() else ", found no such file"))
    try:
        images = np.load(p, mmap_mode="r", allow_pickle=False)
    except ValueError as exc:
        raise InputError(f"{p}: not a readable uint8 .npy of images ({exc})") from None
    if images.dtype != np.uint8 or images.ndim != 4 or images.shape[-1] != 3:
        raise InputError(f"{p}: expected uint8 images (N, H, W, 3) with values 0-255, found "
                         f"{images.dtype} {images.shape}")
    if len(images) != n:
        raise InputError(f"{p}: expected one image per z-point ({n:,}, in the same order), "
                         f"found {len(images):,}")
    return p, tuple(images.shape)


def read_labels(path: str | Path, n: int) -> tuple[list[str], np.ndarray]:
    """The factors behind the z-points: a CSV with a header of factor names and one row of
    numbers per z-point, in the same order (``data.labels.read_numeric_csv``). Returns (names,
    values (n, K) float64); InputError naming the file, the column and the first rows."""
    from ..data.labels import LabelError, read_numeric_csv

    try:
        return read_numeric_csv(path, n)
    except LabelError as exc:
        raise InputError(str(exc)) from None


def check_decoder(path: str | Path, z_dim: int, image_shape: tuple[int, ...] | None = None,
                  z_sample: np.ndarray | None = None):
    """Load a Keras decoder (.keras, Keras' safe mode: no arbitrary code) and check that it
    takes ``z_dim`` inputs, draws ``image_shape`` images (H, W, 3) and, on ``z_sample``, gives
    values in [0, 1] as the series' decoders do. Returns the model."""
    p = Path(path).expanduser()
    if p.suffix.lower() != ".keras" or not p.is_file():
        raise InputError(f"{p}: expected a Keras decoder saved with model.save('decoder.keras')"
                         + ("" if p.is_file() else ", found no such file"))
    import keras

    from .. import models  # noqa: F401  (registers the series' custom layers)

    try:
        model = keras.models.load_model(p, compile=False)
    except Exception as exc:  # a broken or foreign file: say what Keras said
        raise InputError(f"{p}: Keras could not load it as a model ({type(exc).__name__}: "
                         f"{exc})") from None
    inputs = model.input_shape
    if not isinstance(inputs, tuple) or len(inputs) != 2 or inputs[-1] != z_dim:
        raise InputError(f"{p}: expected a decoder taking z-points of {z_dim} dimensions, found "
                         f"input shape {inputs}")
    out = tuple(model.output_shape[1:])
    if image_shape is not None and out != tuple(image_shape[1:]):
        raise InputError(f"{p}: the decoder draws images of shape {out}, the images given with "
                         f"--images are {tuple(image_shape[1:])}")
    if z_sample is not None:
        drawn = np.asarray(model.predict(np.asarray(z_sample[:8], np.float32), verbose=0))
        if drawn.min() < -1e-3 or drawn.max() > 1 + 1e-3:
            raise InputError(f"{p}: expected decoded pixels in [0, 1] (a sigmoid output, as the "
                             f"series' decoders), found {drawn.min():.3g} to {drawn.max():.3g} "
                             f"on the first z-points")
    return model


def register(run: RunDir, z: np.ndarray, path: str | Path, key: str | None = None,
             notes: list[str] | None = None, decoder: str | Path | None = None,
             images: tuple[Path, tuple[int, ...]] | None = None,
             labels: tuple[list[str], np.ndarray, str | Path] | None = None,
             vae: bool = False, sha256: str | None = None) -> dict:
    """Put the checked z-points in ``run`` in place of notebook 01, name their origin in
    ``data.json`` (kind "external", no factors; with ``images`` their cache, which
    ``steps.dataset.open_dataset`` opens), copy ``decoder`` to ``models/decoder.keras``, and
    put ``labels`` (names, values, file) in ``labels.npy`` with their names in ``data.json``;
    with ``vae`` the z-points are a VAE's means and also ``latent/z_vae.npy``
    for notebook 08; record each left-out notebook's reason. ``sha256``: the file's hash, when
    the caller has it already."""
    import shutil

    p = Path(path).expanduser().resolve()
    source = f"external z-points from {p}" + (f" (array {key!r})" if key else "")
    info = {"kind": "external", "source": source, "file": str(p),
            "sha256": sha256 or sha256_file(p),
            "z_shape": list(z.shape), "factors": None, "notes": list(notes or [])}
    if images is not None:
        info.update(path=str(images[0].resolve()), shape=list(images[1]), dtype="uint8")
    if labels is not None:
        info["labels"] = {"names": list(labels[0]), "source": str(Path(labels[2]).expanduser()
                                                                   .resolve()),
                          "binary": [is_binary(c) for c in labels[1].T]}
    info["vae"] = bool(vae)
    run.save_array("latent/z_ae.npy", z, source=source)
    if vae:
        run.save_array("latent/z_vae.npy", z, source=source)
    if labels is not None:
        run.save_array(LABELS, labels[1], source=f"external labels from "
                                                 f"{info['labels']['source']}")
    if decoder is not None:
        src = Path(decoder).expanduser().resolve()
        run.save_file(DECODER, lambda tmp: shutil.copyfile(src, tmp), suffix=".keras",
                      source=f"external decoder from {src}")
    run.save_json("data.json", info, source=source)
    for notebook, why in left_out(decoder is not None and images is not None,
                                  labels is not None, vae).items():
        RunDir(run.path, notebook).record("skipped", why)
    return info
