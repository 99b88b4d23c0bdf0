"""Your own latent space: z-points from any model (PyTorch, JAX, Keras, ...) analysed by
notebooks 02-04 in place of the series' own AE (and by 06, 07, 08 with a decoder, labels, or
when they are a VAE's means).

``check`` reads and checks everything given with the z-points before anything is written
(``data.external``: the files themselves; here: against the profile and the run directory) and
returns a ``CheckedZ``, whose ``register`` is the run's first step in place of notebook 01: a
checked float32 copy of the z-points in the run (manifest entry with the source file and its
sha256), ``data.json`` naming where they came from, and every notebook the run leaves out
recorded with its reason, so that the report and the claims say why they are not measured.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import config
from ..core.files import sha256_file
from ..data.external import InputError, read_images, read_labels, read_z
from ..data.labels import is_binary
from ..keys import Shared
from ..store import Files, RunDir
from .artifacts import data_info

ANALYSED = ("02_latent_number_density", "03_tsne_filaments", "04_pca_ellipses")
GENERATION = "06_face_generation"  # with a decoder and the images behind the z-points
PROBES = "07_ground_truth_factors"  # with the factors (labels) behind the z-points
VAE_SPACE = "08_vae_latent_space"  # when the z-points are a VAE's means
LEFT_OUT = {
    "01_autoencoder_training": "the z-points come from outside the series: no AE trained here",
    "05_vae_extra_dense_layer": "trains and times the series' own VAEs on the series' images",
    "06_face_generation": "needs a Keras decoder for these z-points (--decoder) and the images "
                          "they came from (--images)",
    "07_ground_truth_factors": "needs the factors behind each z-point (--labels, a CSV with "
                               "one row per z-point)",
    "08_vae_latent_space": "measures a VAE's means (--vae says the z-points are a VAE's mu)",
}
def minimum_points(cfg: config.Profile) -> int:
    """The fewest z-points the profile's analyses can use: three intrinsic-dimension
    neighbourhoods (``id_k``) and three t-SNE perplexities."""
    return int(max(3 * cfg.id_k, 3 * max(cfg.perplexity, cfg.tsne_first_perplexity) + 2, 50))


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
    if not any((run_path / f).exists() for f in (Files.Z_AE, Files.Z_GIVEN)) or not info:
        return
    if info.get("kind") != "external" or info.get("sha256") != origin:
        raise InputError(f"{run_path} already holds the z-points of another run "
                         f"({info.get('source')}); pass a new --run-dir")


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
    run.save_array(Files.Z_GIVEN, z, source=source)
    if vae:
        run.save_array(Files.Z_VAE, z, source=source)
    if labels is not None:
        run.save_array(Files.LABELS, labels[1], source=f"external labels from "
                                                 f"{info['labels']['source']}")
    if decoder is not None:
        src = Path(decoder).expanduser().resolve()
        run.save_file(Files.DECODER, lambda tmp: shutil.copyfile(src, tmp), suffix=".keras",
                      source=f"external decoder from {src}")
    run.save_json(Files.DATA, info, source=source)
    for notebook, why in left_out(decoder is not None and images is not None,
                                  labels is not None, vae).items():
        RunDir(run.path, notebook).record(Shared.SKIPPED, why)
    return info


@dataclass(frozen=True)
class ExternalZ:
    """Your own z-points and what comes with them (the CLI's ``--z``, ``--z-key``, ``--decoder``,
    ``--images``, ``--labels``, ``--vae``)."""

    path: str | Path
    key: str | None = None
    decoder: str | Path | None = None
    images: str | Path | None = None
    labels: str | Path | None = None
    vae: bool = False


@dataclass
class CheckedZ:
    """``check``'s result: the z-points and their companions, read and checked; ``register``
    puts them in a run."""

    given: ExternalZ
    z: np.ndarray
    notes: list[str]
    images: tuple[Path, tuple[int, ...]] | None
    labels: tuple[list[str], np.ndarray, str | Path] | None
    sha256: str
    notebooks: list[str] = field(default_factory=list)

    def register(self, run: RunDir) -> list[str]:
        """The run's first step: ``register`` the z-points; returns the lines to show."""
        g = self.given
        check_run_dir(run.path, self.sha256)
        register(run, self.z, g.path, g.key, self.notes, g.decoder, self.images, self.labels,
                 g.vae, self.sha256)
        return [*(f"note: {n}" for n in self.notes),
                f"z-points: {self.z.shape[0]:,} x {self.z.shape[1]} from "
                f"{Path(g.path).expanduser().resolve()}; notebooks {', '.join(self.notebooks)} "
                f"analyse them, the others are left out (reasons in the report)"]


def check(given: ExternalZ, profile: str, data: str | None, overrides: dict,
          only: list[str] | None) -> tuple[CheckedZ, dict]:
    """Read and check the z-points and everything given with them against the profile (its
    ``z_dim`` comes from the z-points): (the checked inputs, the overrides with ``z_dim``).
    Raises InputError naming the file and the fix; writes nothing."""
    z = read_z(given.path, given.key)
    overrides = {**overrides, "z_dim": overrides.get("z_dim", z.shape[1])}
    notes = check_size(z, config.load(profile, data=data, **overrides), given.path)
    if (given.decoder is None) != (given.images is None):
        raise InputError("notebook 06 needs both --decoder and --images (the images the "
                         "z-points came from, to judge realism)")
    images = None
    if given.images is not None:
        from ..models.external import check_decoder  # Keras: only when a decoder is given

        images = read_images(given.images, len(z))
        check_decoder(given.decoder, z.shape[1], images[1], z)
    labels = None
    if given.labels is not None:
        labels = (*read_labels(given.labels, len(z)), given.labels)
    checked = CheckedZ(given, z, notes, images, labels,
                       sha256_file(Path(given.path).expanduser()))  # read once
    checked.notebooks = notebooks_for(only, images is not None, labels is not None, given.vae)
    return checked, overrides
