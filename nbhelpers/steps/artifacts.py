"""Keras models in the run directory: saved atomically and registered, loaded after verification."""

from __future__ import annotations

from pathlib import Path

from ..core.files import read_json
from ..store import ArtifactError, RunDir


def save_model(run: RunDir, rel: str, model, source: str | None = None):
    """Save ``model`` as ``rel`` (.keras), atomically, with its parameter count in the manifest."""
    return run.save_file(rel, model.save, suffix=".keras", source=source,
                         params=int(model.count_params()))


def load_model(run: RunDir, rel: str, compile: bool = True):
    """Load the .keras file ``rel`` after checking its hash against the manifest."""
    import keras

    from .. import models  # noqa: F401  (registers the custom objects)

    return keras.models.load_model(run.verified_path(rel), compile=compile)


LABELS = "labels.npy"  # the labels behind the images or z-points (photos, external z-points)

# What each notebook reads from the run directory, and what it writes there.
NEEDS = {
    "02_latent_number_density": ("latent/z_ae.npy",),
    "03_tsne_filaments": ("latent/z_ae.npy", "data.json"),  # data.json: the factor count
    "04_pca_ellipses": ("latent/z_ae.npy",),
    "05_vae_extra_dense_layer": ("data.json",),
    "06_face_generation": ("data.json", "latent/z_ae.npy", "models/ae.keras", "models/vae.keras",
                           "latent/tsne_map_index.npy", "latent/tsne_map_embedding.npy",
                           "latent/tsne_map.json"),
    "07_ground_truth_factors": ("data.json", "latent/z_ae.npy", "latent/z_vae.npy",
                                "models/ae.keras"),  # the AE: attribute arithmetic
    "08_vae_latent_space": ("data.json", "latent/z_vae.npy"),  # trains its own VAEs
}
# A run of external z-points (``steps.external``): notebook 06 draws with the given decoder.
EXTERNAL_NEEDS = {
    "06_face_generation": ("data.json", "latent/z_ae.npy", "models/decoder.keras",
                           "latent/tsne_map_index.npy", "latent/tsne_map_embedding.npy",
                           "latent/tsne_map.json"),
    "07_ground_truth_factors": ("data.json", "latent/z_ae.npy", LABELS),
    "08_vae_latent_space": ("data.json", "latent/z_vae.npy"),
}
MAKES = {
    "01_autoencoder_training": ("data.json", "models/ae.keras", "latent/z_ae.npy"),
    "03_tsne_filaments": ("latent/tsne_map_index.npy", "latent/tsne_map_embedding.npy",
                          "latent/tsne_map.json"),
    "05_vae_extra_dense_layer": ("models/vae.keras", "latent/z_vae.npy"),
}


def needs(run_path) -> dict[str, tuple[str, ...]]:
    """What each notebook of this run reads: ``NEEDS``; for external z-points
    ``EXTERNAL_NEEDS`` in place of it; for photos with labels, notebook 07 reads them too."""
    info = data_info(run_path)
    if info.get("kind") == "external":
        return {**NEEDS, **EXTERNAL_NEEDS}
    if info.get("kind") == "photos" and info.get("labels"):
        return {**NEEDS, "07_ground_truth_factors": (*NEEDS["07_ground_truth_factors"], LABELS)}
    return NEEDS


def data_info(run_path) -> dict:
    """The run's ``data.json`` as written ({} when there is none), unverified: for deciding
    which inputs a run has, before its manifest is checked."""
    return read_json(Path(run_path) / "data.json", {}) or {}


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
