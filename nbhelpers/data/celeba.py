"""CelebA from the img_align_celeba folder or img_align_celeba.zip, into a uint8 .npy cache.

The cache is written chunk by chunk with plain file writes (``store.NpyWriter``), so nothing stays
mapped and peak memory does not grow with the number of images (202,599 images at 96x96x3 are
5.6 GB as uint8, four times that as float32). Images are centre-cropped to a square, resized,
converted to RGB from any mode, and decoded in parallel threads. A corrupt, truncated, empty or
non-image file is skipped, counted and named in the cache's manifest and in one warning; it never
aborts the build. A zip member whose path would leave the extraction target (``../``, absolute
paths) is refused before anything is written. A second call with the same source, size and split
reuses the cache.
"""

from __future__ import annotations

import csv
import io
import json
import os
import warnings
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

import numpy as np
from PIL import Image

from ..core.choices import SPLITS, check_choice, size_error
from ..core.files import NpyWriter, atomic_path, atomic_write_json, read_json

PARTITION_CODES = {"train": 0, "val": 1, "test": 2}  # list_eval_partition's column
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")
PARTITION_FILES = ("list_eval_partition.txt", "list_eval_partition.csv")
ATTRIBUTE_FILES = ("list_attr_celeba.txt", "list_attr_celeba.csv")


class UnsafeArchiveError(ValueError):
    """A zip member's path would leave the extraction target."""


def check_zip_members(names: list[str]) -> None:
    """Raise UnsafeArchiveError for absolute, drive-letter or ``..`` member paths."""
    for name in names:
        norm = name.replace("\\", "/")
        parts = PurePosixPath(norm).parts
        if norm.startswith("/") or (len(norm) > 1 and norm[1] == ":") or ".." in parts:
            raise UnsafeArchiveError(
                f"refusing zip member {name!r}: its path would leave the target folder "
                f"(expected relative paths without '..'); nothing was written"
            )


class _Source:
    """Uniform access to image names and bytes in a folder or a zip."""

    def __init__(self, source: str | os.PathLike):
        self.path = Path(source).expanduser().resolve()
        if not self.path.exists():
            raise FileNotFoundError(f"CelebA source not found: {self.path} (expected the "
                                    f"img_align_celeba folder or img_align_celeba.zip)")
        self.zip: zipfile.ZipFile | None = None
        if self.path.is_file():
            if not zipfile.is_zipfile(self.path):
                raise ValueError(f"{self.path} is a file but not a zip archive; expected the "
                                 f"img_align_celeba folder or img_align_celeba.zip")
            self.zip = zipfile.ZipFile(self.path)
            names = self.zip.namelist()
            check_zip_members(names)
            self._members = {PurePosixPath(n).name: n for n in names if not n.endswith("/")}
            self.images = sorted(k for k in self._members
                                 if k.lower().endswith(IMAGE_SUFFIXES) and not k.startswith("."))
        else:
            self.images = sorted(p.name for p in self.path.iterdir()
                                 if p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith("."))
        if not self.images:
            raise ValueError(f"no .jpg/.png images found in {self.path}")

    def read(self, name: str) -> bytes:
        if self.zip is not None:
            return self.zip.read(self._members[name])
        return (self.path / name).read_bytes()

    def find_text(self, candidates: tuple[str, ...]) -> tuple[str, str] | None:
        """Return (where, text) of the first metadata file found inside or beside the source."""
        for cand in candidates:
            if self.zip is not None and cand in self._members:
                return f"{self.path}:{self._members[cand]}", self.zip.read(
                    self._members[cand]).decode()
            for folder in (self.path if self.path.is_dir() else None, self.path.parent,
                           self.path.parent.parent):
                if folder is not None and (folder / cand).is_file():
                    return str(folder / cand), (folder / cand).read_text()
        return None


def _rows(text: str) -> list[list[str]]:
    if "," in text.splitlines()[0]:
        return [r for r in csv.reader(io.StringIO(text)) if r]
    return [line.split() for line in text.splitlines() if line.strip()]


def parse_partition(text: str) -> dict[str, int]:
    """``{image: 0|1|2}`` from list_eval_partition.txt ("000001.jpg 0") or .csv (with header)."""
    out = {}
    for row in _rows(text):
        if len(row) >= 2 and row[1].strip().lstrip("-").isdigit():
            out[row[0].strip()] = int(row[1])
    return out


def parse_attributes(text: str) -> tuple[list[str], dict[str, np.ndarray]]:
    """Attribute names and ``{image: int8 vector of +1/-1}`` from list_attr_celeba.txt or .csv."""
    rows = _rows(text)
    if rows and len(rows[0]) == 1 and rows[0][0].isdigit():  # the .txt count line
        rows = rows[1:]
    header, body = rows[0], rows[1:]
    names = header[1:] if header[0] in ("image_id", "") else header
    values = {}
    for row in body:
        vals = row[-len(names):]
        values[row[0]] = np.array([1 if int(v) > 0 else -1 for v in vals], np.int8)
    return list(names), values


def load_image(data: bytes, size: int) -> np.ndarray:
    """Decode, convert to RGB, centre-crop to a square and resize to (size, size, 3) uint8."""
    if not data:
        raise ValueError("empty file")
    with Image.open(io.BytesIO(data)) as img:
        img.draft("RGB", (size, size))  # JPEG: decode at a reduced scale when that is enough
        img.load()
        if img.mode in ("RGBA", "LA", "P"):
            img = img.convert("RGBA")
            back = Image.new("RGBA", img.size, (255, 255, 255, 255))
            img = Image.alpha_composite(back, img)
        img = img.convert("RGB")
        w, h = img.size
        side = min(w, h)
        left, top = (w - side) // 2, (h - side) // 2
        img = img.resize((size, size), Image.BICUBIC, box=(left, top, left + side, top + side))
        return np.asarray(img, dtype=np.uint8)


def _selected(src: _Source, split: str) -> tuple[list[str], str]:
    found = src.find_text(PARTITION_FILES)
    if split == "all":
        return src.images, "all images (split='all')"
    if found is None:
        warnings.warn(f"no {PARTITION_FILES[0]} (or .csv) inside or beside {src.path}: "
                      f"using all {len(src.images)} images instead of the {split!r} split",
                      stacklevel=3)
        return src.images, "all images (no partition file)"
    where, text = found
    part = parse_partition(text)
    wanted = PARTITION_CODES[split]
    names = [n for n in src.images if part.get(n) == wanted]
    return names, f"split {split!r} from {where}"


def cache_paths(cache_dir: str | os.PathLike, size: int, split: str,
                limit: int | None = None) -> tuple[Path, Path]:
    stem = f"celeba_{split}_{size}" + (f"_n{limit}" if limit else "")
    base = Path(cache_dir).expanduser()
    return base / f"{stem}.npy", base / f"{stem}.json"


def build_celeba_cache(source: str | os.PathLike, cache_dir: str | os.PathLike, size: int = 96,
                       split: str = "train", limit: int | None = None, workers: int | None = None,
                       chunk: int = 1024, progress: bool = True,
                       on_chunk: Callable[[int], None] | None = None) -> Path:
    """Build (or reuse) the uint8 cache (N, size, size, 3) of a CelebA split; return its path.

    ``source`` is the img_align_celeba folder or img_align_celeba.zip; list_eval_partition.txt/.csv
    and list_attr_celeba.txt/.csv are looked for inside the zip, in the folder and beside it.
    ``split`` is "train" (162,770 images), "val" (19,867), "test" (19,962) or "all". ``limit``
    takes the first ``limit`` images of the split. The manifest ``<cache>.json`` beside the cache
    names the source, the skipped files and the attribute names; attributes (when present) are
    stored as int8 (N, 40) in ``<cache>.attrs.npy``, aligned with the images.
    """
    if (msg := size_error(size)) is not None:
        raise ValueError(f"size: {msg}")
    check_choice("split", split, SPLITS)
    src = _Source(source)  # refuses unsafe zips before anything is written
    npy, meta_path = cache_paths(cache_dir, size, split, limit)
    stat = src.path.stat()
    key = {"source": str(src.path), "source_bytes": stat.st_size,
           "source_mtime": int(stat.st_mtime), "size": size, "split": split, "limit": limit}
    meta = read_json(meta_path)
    if meta and npy.exists() and all(meta.get(k) == v for k, v in key.items()):
        return npy

    names, how = _selected(src, split)
    if limit:
        names = names[:limit]
    if not names:
        raise ValueError(f"the {split!r} split of {src.path} holds no images ({how})")
    attr_found = src.find_text(ATTRIBUTE_FILES)
    attr_names, attr_values = parse_attributes(attr_found[1]) if attr_found else ([], {})

    workers = workers or min(8, (os.cpu_count() or 1) * 2)
    skipped: dict[str, str] = {}
    kept: list[str] = []
    npy.parent.mkdir(parents=True, exist_ok=True)

    def decode(name):
        try:
            return name, load_image(src.read(name), size), None
        except Exception as exc:  # corrupt, truncated, empty, not an image
            return name, None, f"{exc.__class__.__name__}: {exc}"

    from tqdm.auto import tqdm

    with atomic_path(npy) as tmp:
        out = NpyWriter(tmp, (len(names), size, size, 3), np.uint8)  # shrinks if files are skipped
        with ThreadPoolExecutor(workers) as pool, tqdm(total=len(names), disable=not progress,
                                                       desc=f"CelebA {split} {size}px") as bar:
            for start in range(0, len(names), chunk):
                good = []
                for name, arr, err in pool.map(decode, names[start:start + chunk]):
                    if err is None:
                        good.append(arr)
                        kept.append(name)
                    else:
                        skipped[name] = err
                if good:
                    out.write(np.stack(good))
                bar.update(min(chunk, len(names) - start))
                if on_chunk is not None:
                    on_chunk(len(kept))
        out.close()
    if skipped:
        warnings.warn(f"skipped {len(skipped)} unreadable file(s) of {len(names)} while building "
                      f"{npy.name}: {', '.join(sorted(skipped)[:10])}"
                      + (" ..." if len(skipped) > 10 else "") + f" (all named in {meta_path.name})",
                      stacklevel=2)
    attrs_rel = None
    if attr_names:
        attrs = np.stack([attr_values.get(n, np.zeros(len(attr_names), np.int8)) for n in kept])
        attrs_path = npy.with_suffix(".attrs.npy")
        with atomic_path(attrs_path) as tmp:
            np.save(tmp, attrs)
        attrs_rel = attrs_path.name
    atomic_write_json(meta_path, {
        **key, "count": len(kept), "selection": how, "shape": [len(kept), size, size, 3],
        "dtype": "uint8", "skipped": skipped, "files": kept,
        "attributes": attr_names, "attributes_file": attrs_rel,
        "attributes_source": attr_found[0] if attr_found else None,
    })
    return npy


def load_cache_manifest(npy: str | os.PathLike) -> dict:
    meta = Path(npy).with_suffix(".json")
    if not meta.exists():
        raise FileNotFoundError(f"no manifest {meta} beside the cache {npy}")
    return json.loads(meta.read_text())
