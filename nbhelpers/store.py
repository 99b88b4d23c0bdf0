"""The run directory: the only channel between notebooks.

Layout of ``runs/<name>/``::

    notebooks/      executed copies (written by the runner)
    models/         .keras files, training histories, the realism judge (realism_judge.npz)
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
from filelock import FileLock

from . import keys
from .core.files import (
    NpyWriter,
    atomic_path,
    atomic_write_json,
    npy_header,
    read_json,
    sha256_file,
    to_jsonable,
)
from .keys import Key

MANIFEST = "manifest.json"
RESULTS = "results.json"


class Files:
    """The files notebooks hand each other through the run directory, named once (which notebook
    reads which: ``steps.artifacts.NEEDS``)."""

    DATA = "data.json"  # which images (or z-points) the run uses, their labels
    LABELS = "labels.npy"  # the labels behind the photos or the external z-points
    Z_AE = "latent/z_ae.npy"  # the series AE's z-points, float32 (N, z_dim)
    Z_GIVEN = "latent/z_given.npy"  # your own z-points (``run --z``), analysed in its place
    Z_VAE = "latent/z_vae.npy"  # the VAE's means (mu), or your z-points given as a VAE's
    AE, VAE = "models/ae.keras", "models/vae.keras"
    DECODER = "models/decoder.keras"  # your own decoder (``run --z --decoder``)
    MAP_INDEX = "latent/tsne_map_index.npy"  # notebook 03's kept t-SNE map: its rows,
    MAP_EMBEDDING = "latent/tsne_map_embedding.npy"  # their 2-D coordinates,
    MAP_SETTINGS = "latent/tsne_map.json"  # its size and t-SNE settings
    JUDGE = "models/realism_judge.npz"  # the realism judge's arrays, a cache

_ACTIVE: RunDir | None = None


class ArtifactError(RuntimeError):
    """An artifact is missing, unregistered, or differs from what the manifest recorded."""


# -- the run directory ------------------------------------------------------------------------
PENDING = "_pending"  # manifest entries of files being replaced (see ``RunDir._writing``)


class RunDir:
    """A run directory, opened on behalf of one notebook (used as ``notebook`` in the manifest).

    Read-modify-write of results.json and manifest.json happens under a file lock
    (``<run>/.lock``, the ``filelock`` package), so two processes recording into one run lose
    nothing. A file is replaced in three steps: its new entry is written to the manifest as
    pending, the file is moved into place, the entry is committed. A process killed between the
    steps leaves a pending entry that the next open resolves: the file on disk is the new one
    (commit) or still the old one (drop), never a file with the wrong hash.
    """

    def __init__(self, path: str | os.PathLike, notebook: str | None = None):
        self.path = Path(path).expanduser().resolve()
        self.notebook = notebook
        check_writable_dir(self.path)
        for sub in ("models", "latent", "figures", "notebooks"):
            (self.path / sub).mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(self.path / ".lock"), timeout=600)
        self.repair()

    def __repr__(self) -> str:
        return f"RunDir({str(self.path)!r}, notebook={self.notebook!r})"

    def _update(self, name: str, change: Callable[[dict], Any]) -> Any:
        """Read ``name`` (a JSON object), apply ``change`` and write it back, under the lock."""
        with self._lock:
            obj = read_json(self.path / name, {})
            out = change(obj)
            atomic_write_json(self.path / name, obj)
            return out

    # manifest -------------------------------------------------------------------------------
    @property
    def manifest(self) -> dict:
        """The committed entries ({rel: entry}); pending ones are not in it."""
        return {k: v for k, v in read_json(self.path / MANIFEST, {}).items() if k != PENDING}

    def _entry_for(self, file: Path, source: str | None, info: dict) -> dict:
        entry = {"bytes": file.stat().st_size, "sha256": sha256_file(file),
                 "notebook": self.notebook,
                 "created": _dt.datetime.now().isoformat(timespec="seconds"), **info}
        if source is not None:
            entry["source"] = str(source)
        return entry

    @contextlib.contextmanager
    def _writing(self, rel: str, suffix: str | None = None, source: str | None = None,
                 **info) -> Iterator[Path]:
        """Yield a temporary path for ``rel``; when the block succeeds, the file's entry goes to
        the manifest as pending, the file replaces ``rel``, and the entry is committed."""
        with atomic_path(self.path / rel, suffix=suffix) as tmp:
            yield tmp
            entry = self._entry_for(tmp, source, info)
            self._update(MANIFEST, lambda m: m.setdefault(PENDING, {}).__setitem__(rel, entry))
        self._update(MANIFEST, lambda m: self._commit(m, rel))

    @staticmethod
    def _commit(manifest: dict, rel: str) -> None:
        pending = manifest.get(PENDING, {})
        manifest[rel] = pending.pop(rel)
        if not pending:
            manifest.pop(PENDING, None)

    def repair(self) -> list[str]:
        """Resolve pending entries left by a process killed while replacing a file: commit the
        entry when the file on disk is the new one, drop it when it is still the old one; raise
        naming the file when it is neither. Returns the resolved names."""
        if PENDING not in read_json(self.path / MANIFEST, {}):
            return []

        def resolve(m: dict) -> list[str]:
            done = []
            for rel, new in list(m.get(PENDING, {}).items()):
                target = self.path / rel
                found = sha256_file(target) if target.exists() else None
                if found == new["sha256"]:
                    self._commit(m, rel)
                elif found is None or (rel in m and found == m[rel]["sha256"]):
                    m[PENDING].pop(rel)
                    if not m[PENDING]:
                        m.pop(PENDING)
                else:
                    raise ArtifactError(f"{target}: neither the file the manifest recorded nor the "
                                        f"one being written when the last process stopped; "
                                        f"run the notebook that produces it again")
                done.append(rel)
            return done

        return self._update(MANIFEST, resolve)

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
        with self._writing(rel, source=source, shape=list(array.shape),
                           dtype=array.dtype.str) as tmp:
            np.save(tmp, array)
        return self.path / rel

    @contextlib.contextmanager
    def array_writer(self, rel: str, shape: tuple[int, ...], dtype="float32",
                     source: str | None = None) -> Iterator[NpyWriter]:
        """Yield an ``NpyWriter`` for rows of ``shape``, written in order with ``write(chunk)``;
        the file becomes ``rel`` (and enters the manifest) only when the block ends without
        error, so chunked writers stay atomic and memory-bounded (nothing is mapped). A full disk
        raises an OSError naming the file and the bytes needed; the temporary file is removed."""
        with self._writing(rel, source=source, shape=list(shape),
                           dtype=np.dtype(dtype).str) as tmp:
            writer = NpyWriter(tmp, tuple(shape), dtype)
            try:
                yield writer
            except BaseException:
                writer.abort()
                raise
            writer.close()
            if writer.rows != shape[0]:
                raise ValueError(f"{rel}: {writer.rows} of {shape[0]} rows were written")

    def _read(self, rel: str, check_hash: bool = True) -> dict:
        """``verify`` on behalf of a read (the one place every read of the run passes)."""
        return self.verify(rel, check_hash=check_hash)

    def load_array(self, rel: str, mmap: bool = False, check_hash: bool = True) -> np.ndarray:
        self._read(rel, check_hash=check_hash)
        return np.load(self.path / rel, mmap_mode="r" if mmap else None)

    # JSON -------------------------------------------------------------------------------------
    def save_json(self, rel: str, obj: Any, source: str | None = None) -> Path:
        with self._writing(rel, source=source) as tmp:
            atomic_write_json(tmp, obj)
        return self.path / rel

    def load_json(self, rel: str) -> Any:
        self._read(rel)
        return read_json(self.path / rel)

    # any other file ---------------------------------------------------------------------------
    def save_file(self, rel: str, write: Callable[[Path], object], suffix: str | None = None,
                  source: str | None = None, **info) -> Path:
        """``write(tmp)`` writes the file at a temporary path (keeping ``suffix``, for writers
        that pick their format from it, like Keras' ``.keras``); it replaces ``rel`` and is
        registered only when ``write`` returns."""
        with self._writing(rel, suffix=suffix, source=source, **info) as tmp:
            tmp.unlink()  # some writers (Keras) refuse to overwrite an existing file
            write(tmp)
        return self.path / rel

    def verified_path(self, rel: str) -> Path:
        """The path of ``rel`` after checking it against the manifest (shape and sha256)."""
        self._read(rel)
        return self.path / rel

    # figures ----------------------------------------------------------------------------------
    def save_figure(self, fig, name: str, dpi: int = 110):
        """Save ``fig`` as figures/<name>.png (atomically) and return it, so a notebook cell can
        end with this call and still show the figure."""
        with self._writing(f"figures/{name}.png") as tmp:
            fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format="png")
        return fig

    # results ----------------------------------------------------------------------------------
    def record_environment(self, env: dict) -> None:
        """Keep ``env`` (versions, machine, seed, profile) as results.json's "environment"."""
        env = _strict(env, "environment")
        self._update(RESULTS, lambda r: r.__setitem__("environment", env))

    def record(self, key: Key | str, value: Any) -> Any:
        """Store a JSON-able ``value`` under this notebook's ``key`` in results.json. A notebook
        of the series records only the keys ``nbhelpers.keys`` declares for it (a ``Key``, or
        its name): anything else raises ``keys.UndeclaredKey`` at once."""
        if not self.notebook:
            raise ArtifactError("record() needs a notebook name: open the run with "
                                "RunDir(path, notebook='01_...')")
        name = key.name if isinstance(key, Key) else key
        if self.notebook in keys.NOTEBOOKS:  # a run of the series (tests open others)
            if isinstance(key, Key) and key.notebook not in (self.notebook, keys.ANY):
                raise keys.UndeclaredKey(f"{self.notebook} records {key.path}, a key of another "
                                         f"notebook")
            keys.declared(self.notebook, name)
        value = _strict(value, name)
        self._update(RESULTS, lambda r: r.setdefault(self.notebook, {}).__setitem__(name, value))
        return value


def _strict(value: Any, name: str) -> Any:
    """``value`` as plain JSON types; NaN and Infinity are refused naming the value."""
    try:
        return json.loads(json.dumps(value, default=to_jsonable, allow_nan=False))
    except ValueError:
        raise ValueError(f"record({name!r}): the value holds NaN or Infinity, which strict JSON "
                         f"(and browsers) reject; record None with a reason instead") from None


def check_writable_dir(path: Path) -> None:
    """Raise ArtifactError before any work when ``path`` is a file, or a folder that cannot be
    created or written."""
    if path.exists() and not path.is_dir():
        raise ArtifactError(f"run directory {path} is a file, not a folder; choose another "
                            f"--run-dir")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArtifactError(f"run directory {path} cannot be created ({exc.strerror})") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise ArtifactError(f"run directory {path} is not writable by this user; choose "
                            f"another --run-dir")


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


def record(key: Key | str, value: Any) -> Any:
    """Store a JSON-able ``value`` under the current notebook's ``key`` in results.json."""
    return active_run().record(key, value)


def read_results(run_dir: str | os.PathLike) -> dict:
    """Return ``{notebook: {name: value}}`` of a run directory ({} if nothing was recorded)."""
    return read_json(Path(run_dir) / RESULTS, {})
