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
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

MANIFEST = "manifest.json"
RESULTS = "results.json"

_ACTIVE: RunDir | None = None


class ArtifactError(RuntimeError):
    """An artifact is missing, unregistered, or differs from what the manifest recorded."""


# -- atomic files -----------------------------------------------------------------------------
@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it onto ``path`` only if the block succeeds.

    The temporary name keeps ``suffix`` (default: the target's), because some writers
    (Keras ``.keras``, numpy ``.npy``) pick their format from it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix if suffix is None else suffix
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{suffix}", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())


def atomic_write_json(path: str | os.PathLike, obj: Any) -> None:
    atomic_write_bytes(path, json.dumps(obj, indent=2, default=to_jsonable).encode())


def sha256_file(path: str | os.PathLike, chunk: int = 1 << 22) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def to_jsonable(value: Any) -> Any:
    """numpy scalars and arrays to Python; anything else that json cannot take raises TypeError."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (tuple, set)):
        return list(value)
    raise TypeError(f"record() takes JSON-able values (numbers, strings, lists, dicts, numpy "
                    f"scalars/arrays); found {type(value).__name__}")


def read_json(path: str | os.PathLike, default: Any = None) -> Any:
    path = Path(path)
    if not path.exists():
        return default
    return json.loads(path.read_text())


def npy_header(path: str | os.PathLike) -> tuple[tuple[int, ...], str]:
    """Shape and dtype of an .npy file without reading its data."""
    with open(path, "rb") as fh:
        version = np.lib.format.read_magic(fh)
        reader = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                  else np.lib.format.read_array_header_2_0)
        shape, _, dtype = reader(fh)
    return tuple(shape), np.dtype(dtype).str


class NpyWriter:
    """Write an .npy file sequentially, chunk by chunk, with plain file writes.

    Unlike a writable memmap, nothing stays mapped: the process RSS does not grow with the file.
    ``close()`` rewrites the header with the number of rows actually written (a build that skipped
    unreadable images ends shorter than planned) and truncates the file there.
    """

    def __init__(self, path: str | os.PathLike, shape: tuple[int, ...], dtype="uint8"):
        self.path, self.dtype = Path(path), np.dtype(dtype)
        self.row_shape, self.capacity, self.rows = tuple(shape[1:]), int(shape[0]), 0
        self._header_len = len(self._header(self.capacity))
        self._fh = open(self.path, "wb")
        self._fh.write(self._header(self.capacity))

    def _header(self, n: int, total: int | None = None) -> bytes:
        d = {"descr": np.lib.format.dtype_to_descr(self.dtype), "fortran_order": False,
             "shape": (n, *self.row_shape)}
        text = repr(d)
        base = 10 + len(text) + 1  # magic, version, 2-byte length, dict, newline
        total = total or (base + 63) // 64 * 64 + 64  # room for a header that grows a digit
        text += " " * (total - base) + "\n"
        return b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text.encode("latin1")

    def write(self, chunk: np.ndarray) -> None:
        chunk = np.ascontiguousarray(chunk, dtype=self.dtype)
        if chunk.shape[1:] != self.row_shape or self.rows + len(chunk) > self.capacity:
            raise ValueError(f"chunk of shape {chunk.shape} does not fit rows {self.rows}.."
                             f"{self.capacity} of shape {self.row_shape}")
        self._fh.write(chunk.tobytes())
        self.rows += len(chunk)

    def close(self) -> None:
        if self._fh.closed:
            return
        self._fh.truncate(self._header_len + self.rows * self.dtype.itemsize * int(
            np.prod(self.row_shape, dtype=np.int64)))
        self._fh.seek(0)
        self._fh.write(self._header(self.rows, self._header_len))
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()


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

    def __truediv__(self, rel: str) -> Path:
        return self.path / rel

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
                     source: str | None = None) -> Iterator[np.memmap]:
        """Yield a writable memmap of ``shape``; it becomes ``rel`` (and enters the manifest) only
        when the block ends without error, so chunked writers stay atomic and memory-bounded."""
        target = self.path / rel
        with atomic_path(target) as tmp:
            arr = np.lib.format.open_memmap(tmp, mode="w+", dtype=dtype, shape=tuple(shape))
            yield arr
            arr.flush()
            del arr
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

    # models -----------------------------------------------------------------------------------
    def save_model(self, rel: str, model, source: str | None = None) -> Path:
        target = self.path / rel
        with atomic_path(target, suffix=".keras") as tmp:
            tmp.unlink()  # Keras refuses to overwrite without asking
            model.save(tmp)
        self.register(rel, source=source, params=int(model.count_params()))
        return target

    def load_model(self, rel: str, compile: bool = True):
        import keras

        from . import models  # noqa: F401  (registers the custom objects)

        self.verify(rel)
        return keras.models.load_model(self.path / rel, compile=compile)

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
    def record(self, name: str, value: Any) -> Any:
        if not self.notebook:
            raise ArtifactError("record() needs a notebook name: open the run with "
                                "RunDir(path, notebook='01_...')")
        value = json.loads(json.dumps(value, default=to_jsonable))
        results = read_json(self.path / RESULTS, {})
        results.setdefault(self.notebook, {})[name] = value
        atomic_write_json(self.path / RESULTS, results)
        return value

    def results(self) -> dict:
        return read_results(self.path)


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
