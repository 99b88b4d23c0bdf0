"""Keras models in the run directory: saved atomically and registered, loaded after verification."""

from __future__ import annotations

from pathlib import Path

from ..core.files import read_json
from ..store import ArtifactError, Files, RunDir


def save_model(run: RunDir, rel: str, model, source: str | None = None):
    """Save ``model`` as ``rel`` (.keras), atomically, with its parameter count in the manifest."""
    return run.save_file(rel, model.save, suffix=".keras", source=source,
                         params=int(model.count_params()))


def load_model(run: RunDir, rel: str, compile: bool = True):
    """Load the .keras file ``rel`` after checking its hash against the manifest."""
    import keras

    from .. import models  # noqa: F401  (registers the custom objects)

    return keras.models.load_model(run.verified_path(rel), compile=compile)


F = Files
# What each notebook reads from the run directory, and what it writes there.
NEEDS = {
    "02_latent_number_density": (F.Z_AE,),
    "03_tsne_filaments": (F.Z_AE, F.DATA),  # data.json: the factor count
    "04_pca_ellipses": (F.Z_AE,),
    "05_vae_extra_dense_layer": (F.DATA,),
    "06_face_generation": (F.DATA, F.Z_AE, F.AE, F.VAE, F.MAP_INDEX, F.MAP_EMBEDDING,
                           F.MAP_SETTINGS),
    "07_ground_truth_factors": (F.DATA, F.Z_AE, F.Z_VAE, F.AE),  # the AE: attribute arithmetic
    "08_vae_latent_space": (F.DATA, F.Z_VAE),  # trains its own VAEs
}
# A run of external z-points (``steps.external``): your z-points in place of the AE's, notebook
# 06 draws with your decoder, 07 probes your labels.
EXTERNAL_NEEDS = {
    "02_latent_number_density": (F.Z_GIVEN,),
    "03_tsne_filaments": (F.Z_GIVEN, F.DATA),
    "04_pca_ellipses": (F.Z_GIVEN,),
    "06_face_generation": (F.DATA, F.Z_GIVEN, F.DECODER, F.MAP_INDEX, F.MAP_EMBEDDING,
                           F.MAP_SETTINGS),
    "07_ground_truth_factors": (F.DATA, F.Z_GIVEN, F.LABELS),
    "08_vae_latent_space": (F.DATA, F.Z_VAE),
}
MAKES = {
    "01_autoencoder_training": (F.DATA, F.AE, F.Z_AE),
    "03_tsne_filaments": (F.MAP_INDEX, F.MAP_EMBEDDING, F.MAP_SETTINGS),
    "05_vae_extra_dense_layer": (F.VAE, F.Z_VAE),
}


def needs(run_path) -> dict[str, tuple[str, ...]]:
    """What each notebook of this run reads: ``NEEDS``; for external z-points
    ``EXTERNAL_NEEDS`` in place of it; for photos with labels, notebook 07 reads them too."""
    info = data_info(run_path)
    if info.get("kind") == "external":
        return {**NEEDS, **EXTERNAL_NEEDS}
    if info.get("kind") == "photos" and info.get("labels"):
        return {**NEEDS, "07_ground_truth_factors": (*NEEDS["07_ground_truth_factors"], F.LABELS)}
    return NEEDS


def analysed_z(run: RunDir) -> str:
    """The z-points notebooks 02-04 analyse: the AE's, or your own in a run of external ones."""
    return Files.Z_GIVEN if is_external(run) else Files.Z_AE


def data_info(run_path) -> dict:
    """The run's ``data.json`` as written ({} when there is none), unverified: for deciding
    which inputs a run has, before its manifest is checked."""
    return read_json(Path(run_path) / Files.DATA, {}) or {}


def is_external(run: RunDir) -> bool:
    """Whether the run analyses z-points from outside the series (``data.json`` kind)."""
    return data_info(run.path).get("kind") == "external"


def check_inputs(run: RunDir, notebooks: list[str]) -> None:
    """Verify (manifest, shape and sha256) every artifact ``notebooks`` (names, in run order)
    will read that none of them writes first; raise ArtifactError listing each problem, so a
    broken input stops the run before a notebook works for minutes."""
    made: set[str] = set()
    problems = []
    table = needs(run.path)
    for name in notebooks:
        for rel in table.get(name, ()):
            if rel in made:
                continue
            try:
                run.verify(rel)
            except (ArtifactError, ValueError, OSError) as exc:
                problems.append(f"notebook {name} needs {rel}: {exc}")
        made.update(MAKES.get(name, ()))
    if problems:
        raise ArtifactError("inputs of this run are missing or damaged; nothing was run:\n  - "
                            + "\n  - ".join(dict.fromkeys(problems)))
