"""Files written atomically, JSON and .npy helpers, and the chunked .npy writer.

Every write goes to a temporary file in the same folder and is moved into place with
``os.replace``, so a process killed mid-write leaves either the old file or the new one, never a
half-written one.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

STALE_SECONDS = 120.0  # a temporary file untouched this long belongs to a killed writer


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def clean_stale_temporaries(path: str | os.PathLike, older_than: float = STALE_SECONDS) -> list[Path]:
    """Remove the temporary files that earlier writes of ``path`` left behind (a killed encode
    leaves a full-size ``.z_ae.*.tmp.npy``), when untouched for ``older_than`` seconds: a writer
    still at work keeps touching its file. Returns what was removed."""
    path = Path(path)
    if not path.parent.is_dir():
        return []
    now, removed = time.time(), []
    for tmp in path.parent.glob(f".{glob.escape(path.stem)}.*.tmp*"):
        try:
            if now - tmp.stat().st_mtime > older_than:
                tmp.unlink()
                removed.append(tmp)
        except FileNotFoundError:
            pass
    return removed


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it onto ``path`` only if the block succeeds.

    The temporary name keeps ``suffix`` (default: the target's), because some writers
    (Keras ``.keras``, numpy ``.npy``) pick their format from it. Stale temporaries of earlier,
    killed writes of ``path`` are removed first. The file gets the mode an ordinary write would
    (0666 less the umask), not mkstemp's 0600.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temporaries(path)
    suffix = path.suffix if suffix is None else suffix
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{suffix}", dir=path.parent)
    os.fchmod(fd, 0o666 & ~_umask())
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
    """Strict JSON (no NaN or Infinity, which strict parsers and browsers reject), atomically."""
    try:
        text = json.dumps(obj, indent=2, default=to_jsonable, allow_nan=False)
    except ValueError as exc:
        raise ValueError(f"{path}: refusing to write NaN or Infinity into JSON ({exc}); record "
                         f"None with a reason instead") from None
    atomic_write_bytes(path, text.encode())


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
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON at line {exc.lineno}, column {exc.colno} "
                         f"({exc.msg}); restore it from a copy or remove it") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text (byte {exc.start}); expected JSON") from None


def npy_header(path: str | os.PathLike) -> tuple[tuple[int, ...], str]:
    """Shape and dtype of an .npy file without reading its data."""
    try:
        with open(path, "rb") as fh:
            version = np.lib.format.read_magic(fh)
            reader = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                      else np.lib.format.read_array_header_2_0)
            shape, _, dtype = reader(fh)
    except (ValueError, EOFError, SyntaxError) as exc:
        raise ValueError(f"{path}: not a readable .npy file ({exc}); expected an array written "
                         f"by numpy") from None
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
        try:
            self._fh.write(chunk.tobytes())
            self._fh.flush()
        except OSError as exc:  # a full disk (ENOSPC) or a file size limit (EFBIG)
            row = self.dtype.itemsize * int(np.prod(self.row_shape, dtype=np.int64))
            need = self._header_len + self.capacity * row
            raise OSError(exc.errno, f"{self.path}: could not write rows {self.rows}.."
                          f"{self.rows + len(chunk)} ({exc.strerror}); the whole file needs "
                          f"{need:,} bytes, {self._header_len + self.rows * row:,} were "
                          f"written") from None
        self.rows += len(chunk)

    def abort(self) -> None:
        """Close without finishing the header (the caller discards the file); never raises."""
        try:
            self._fh.close()
        except OSError:
            pass

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
