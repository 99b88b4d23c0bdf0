"""The run directory: the only channel between notebooks.

Layout of ``runs/<name>/``::

    notebooks/      executed copies (written by the runner)
    models/         .keras files
    latent/         z-points as float32 .npy
    figures/        PNGs saved by ``RunDir.save_figure``
    results.json    {notebook: {name: value}} written by ``record``
    manifest.json   {relative path: {shape, dtype, sha256, notebook, source, bytes}}

Every write goes to a temporary file in the same folder and is moved into place with
``os.replace``, so a process killed mid-write leaves either the old file or the new one, never a
half-written one. Reads check the manifest and fail with a message that names what was expected
and what was found.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from .core.files import (
    NpyWriter,
    atomic_path,
    atomic_write_json,
    npy_header,
    read_json,
    sha256_file,
    to_jsonable,
)

MANIFEST = "manifest.json"
RESULTS = "results.json"

_ACTIVE: RunDir | None = None


class ArtifactError(RuntimeError):
    """An artifact is missing, unregistered, or differs from what the manifest recorded."""


# -- the run directory ------------------------------------------------------------------------
class RunDir:
    """A run directory, opened on behalf of one notebook (used as ``notebook`` in the manifest)."""

    def __init__(self, path: str | os.PathLike, notebook: str | None = None):
        self.path = Path(path).expanduser().resolve()
        self.notebook = notebook
        for sub in ("models", "latent", "figures", "notebooks"):
            (self.path / sub).mkdir(parents=True, exist_ok=True)

    def __repr__(self) -> str:
        return f"RunDir({str(self.path)!r}, notebook={self.notebook!r})"

    # manifest -------------------------------------------------------------------------------
    @property
    def manifest(self) -> dict:
        return read_json(self.path / MANIFEST, {})

    def register(self, rel: str, *, source: str | None = None, **info) -> dict:
        """Record size, sha256 and producer of the file at ``rel`` (plus ``info``) in the manifest."""
        target = self.path / rel
        entry = {
            "bytes": target.stat().st_size,
            "sha256": sha256_file(target),
            "notebook": self.notebook,
            "created": _dt.datetime.now().isoformat(timespec="seconds"),
            **info,
        }
        if source is not None:
            entry["source"] = str(source)
        manifest = self.manifest
        manifest[rel] = entry
        atomic_write_json(self.path / MANIFEST, manifest)
        return entry

    def entry(self, rel: str) -> dict:
        manifest = self.manifest
        if rel not in manifest:
            known = ", ".join(sorted(manifest)) or "nothing yet"
            raise ArtifactError(
                f"{rel} is not in {self.path / MANIFEST} (registered: {known}); run the notebook "
                f"that produces it first"
            )
        if not (self.path / rel).exists():
            raise ArtifactError(f"{rel} is registered in the manifest but missing on disk "
                                f"({self.path / rel})")
        return manifest[rel]

    def verify(self, rel: str, check_hash: bool = True) -> dict:
        entry = self.entry(rel)
        target = self.path / rel
        if "shape" in entry:
            shape, dtype = npy_header(target)
            want = (tuple(entry["shape"]), np.dtype(entry["dtype"]).str)
            if (shape, dtype) != want:
                raise ArtifactError(
                    f"{rel}: manifest expects shape {want[0]} dtype {np.dtype(want[1])}, "
                    f"found shape {shape} dtype {np.dtype(dtype)}"
                )
        if check_hash:
            found = sha256_file(target)
            if found != entry["sha256"]:
                raise ArtifactError(f"{rel}: manifest expects sha256 {entry['sha256'][:16]}..., "
                                    f"found {found[:16]}... (file changed after it was written)")
        return entry

    # arrays -----------------------------------------------------------------------------------
    def save_array(self, rel: str, array: np.ndarray, source: str | None = None) -> Path:
        array = np.asarray(array)
        target = self.path / rel
        with atomic_path(target) as tmp:
            np.save(tmp, array)
        self.register(rel, source=source, shape=list(array.shape), dtype=array.dtype.str)
        return target

    @contextlib.contextmanager
    def array_writer(self, rel: str, shape: tuple[int, ...], dtype="float32",
                     source: str | None = None) -> Iterator[NpyWriter]:
        """Yield an ``NpyWriter`` for rows of ``shape``, written in order with ``write(chunk)``;
        the file becomes ``rel`` (and enters the manifest) only when the block ends without
        error, so chunked writers stay atomic and memory-bounded (nothing is mapped)."""
        target = self.path / rel
        with atomic_path(target) as tmp:
            writer = NpyWriter(tmp, tuple(shape), dtype)
            try:
                yield writer
            finally:
                writer.close()
            if writer.rows != shape[0]:
                raise ValueError(f"{rel}: {writer.rows} of {shape[0]} rows were written")
        self.register(rel, source=source, shape=list(shape), dtype=np.dtype(dtype).str)

    def load_array(self, rel: str, mmap: bool = False, check_hash: bool = True) -> np.ndarray:
        self.verify(rel, check_hash=check_hash)
        return np.load(self.path / rel, mmap_mode="r" if mmap else None)

    # JSON -------------------------------------------------------------------------------------
    def save_json(self, rel: str, obj: Any, source: str | None = None) -> Path:
        target = self.path / rel
        atomic_write_json(target, obj)
        self.register(rel, source=source)
        return target

    def load_json(self, rel: str) -> Any:
        self.verify(rel)
        return read_json(self.path / rel)

    # any other file ---------------------------------------------------------------------------
    def save_file(self, rel: str, write: Callable[[Path], object], suffix: str | None = None,
                  source: str | None = None, **info) -> Path:
        """``write(tmp)`` writes the file at a temporary path (keeping ``suffix``, for writers
        that pick their format from it, like Keras' ``.keras``); it is moved onto ``rel`` and
        registered only when ``write`` returns."""
        target = self.path / rel
        with atomic_path(target, suffix=suffix) as tmp:
            tmp.unlink()  # some writers (Keras) refuse to overwrite an existing file
            write(tmp)
        self.register(rel, source=source, **info)
        return target

    def verified_path(self, rel: str) -> Path:
        """The path of ``rel`` after checking it against the manifest (shape and sha256)."""
        self.verify(rel)
        return self.path / rel

    # figures ----------------------------------------------------------------------------------
    def save_figure(self, fig, name: str, dpi: int = 110):
        """Save ``fig`` as figures/<name>.png (atomically) and return it, so a notebook cell can
        end with this call and still show the figure."""
        rel = f"figures/{name}.png"
        with atomic_path(self.path / rel) as tmp:
            fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format="png")
        self.register(rel)
        return fig

    # results ----------------------------------------------------------------------------------
    def record_environment(self, env: dict) -> None:
        """Keep ``env`` (versions, machine, seed, profile) as results.json's "environment"."""
        env = json.loads(json.dumps(env, default=to_jsonable))
        results = read_json(self.path / RESULTS, {})
        results["environment"] = env
        atomic_write_json(self.path / RESULTS, results)

    def record(self, name: str, value: Any) -> Any:
        if not self.notebook:
            raise ArtifactError("record() needs a notebook name: open the run with "
                                "RunDir(path, notebook='01_...')")
        value = json.loads(json.dumps(value, default=to_jsonable))
        results = read_json(self.path / RESULTS, {})
        results.setdefault(self.notebook, {})[name] = value
        atomic_write_json(self.path / RESULTS, results)
        return value


def open_run(path: str | os.PathLike, notebook: str | None = None) -> RunDir:
    """Open (create) a run directory and make it the target of module-level ``record``."""
    global _ACTIVE
    _ACTIVE = RunDir(path, notebook)
    return _ACTIVE


def has_active_notebook() -> bool:
    """Whether a run is open for a named notebook, i.e. whether ``record`` has a target."""
    return _ACTIVE is not None and bool(_ACTIVE.notebook)


def active_run() -> RunDir:
    if _ACTIVE is None:
        raise ArtifactError("no run is open: call nbhelpers.begin(...) or store.open_run(...)")
    return _ACTIVE


def record(name: str, value: Any) -> Any:
    """Store a JSON-able ``value`` under the current notebook's name in results.json."""
    return active_run().record(name, value)


def read_results(run_dir: str | os.PathLike) -> dict:
    """Return ``{notebook: {name: value}}`` of a run directory ({} if nothing was recorded)."""
    return read_json(Path(run_dir) / RESULTS, {})
