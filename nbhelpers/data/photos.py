"""Face photographs from any folder or zip into a uint8 .npy cache: CelebA's img_align_celeba
(with or without its side files, at 178x218 or any other resolution) or any other set of JPEG and
PNG photos, in any folder layout, with any names, non-square and of mixed sizes, in any mode
Pillow opens (grey, CMYK, palettes, 16-bit).

A photo is named by its path relative to the folder (in a zip: relative to the one folder all its
photos lie in, as CelebA's zip holds img_align_celeba/), with ``/`` separators:
that is how a labels CSV names it (``data.labels``); CelebA's side files name images by their file
name alone, and are matched that way. The cache is written chunk by chunk with plain file writes
(``core.files.NpyWriter``), so nothing stays mapped and peak memory does not grow with the number
of images (202,599 images at 96x96x3 are 5.6 GB as uint8, four times that as float32). Images are
centre-cropped to a square, resized, converted to RGB from any mode, and decoded in parallel
threads. A corrupt, truncated, empty or non-image file is skipped, counted and named in the
cache's manifest and in one warning; it never aborts the build. A zip member whose path would
leave the extraction target (``../``, absolute paths) is refused before anything is written. A
second call with the same source, size, split and limit reuses the cache.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import warnings
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np
from PIL import Image

from ..core.choices import SPLITS, check_choice, size_error
from ..core.files import NpyWriter, atomic_path, atomic_write_json, read_json

PARTITION_CODES = {"train": 0, "val": 1, "test": 2}  # list_eval_partition's column
SPLIT_CODES = {**{k: {v} for k, v in PARTITION_CODES.items()}, "train+val": {0, 1}}
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


MAX_MEMBER_BYTES = 50 * 2**20  # a CelebA JPEG is about 10 kB: 50 MB is far beyond any face
MAX_RATIO = 100  # JPEG and PNG barely compress further: a ratio of 100 is a zip bomb


def member_problem(info: zipfile.ZipInfo) -> str | None:
    """Why a zip member must not be read (declared size or compression ratio), else None."""
    if info.file_size > MAX_MEMBER_BYTES:
        return (f"declares {info.file_size:,} bytes uncompressed, more than the "
                f"{MAX_MEMBER_BYTES:,} any face image needs")
    if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
        return (f"compression ratio {info.file_size / info.compress_size:,.0f}:1, above "
                f"{MAX_RATIO}:1 (image files barely compress)")
    return None


def outside_links(folder: Path, names) -> list:
    """Those of ``names`` (relative to ``folder``) that resolve outside it through a symlink,
    of the file itself or of a folder on its way (never to be followed)."""
    root = Path(folder).resolve()
    out = []
    for name in names:
        target = (Path(folder) / name).resolve()
        if root != target and root not in target.parents:
            out.append(name)
    return out


def _hidden(rel: str) -> bool:
    """A path with a hidden part (``.git``, ``._x.jpg``) or macOS' ``__MACOSX`` folder."""
    return any(p.startswith(".") or p == "__MACOSX" for p in PurePosixPath(rel).parts)


def is_image_name(rel: str) -> bool:
    return rel.lower().endswith(IMAGE_SUFFIXES) and not _hidden(rel)


def natural_key(rel: str) -> list:
    """Sort key that orders ``img2.jpg`` before ``img10.jpg`` (and CelebA's 000001.jpg ... as
    plain sorting does)."""
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", rel)]


class PhotoSource:
    """The photos of a folder (searched recursively) or a zip, by relative path, and their bytes.

    Refused without being read, each named in the cache's ``skipped``: zip members whose declared
    size or compression ratio no face image has (``member_problem``), and symlinks in a folder
    that point outside it."""

    def __init__(self, source: str | os.PathLike):
        self.path = Path(source).expanduser().resolve()
        if not self.path.exists():
            raise FileNotFoundError(f"photo source not found: {self.path} (expected a folder of "
                                    f"JPEG or PNG face photos, such as CelebA's img_align_celeba, "
                                    f"or a zip of one)")
        self.zip: zipfile.ZipFile | None = None
        self._others: dict[str, str] = {}  # file name -> zip member, for side files
        self._members: dict[str, str] = {}  # photo name -> zip member
        if self.path.is_file():
            if not zipfile.is_zipfile(self.path):
                raise ValueError(f"{self.path} is a file but not a zip archive; expected a folder "
                                 f"of face photos or a zip of one (e.g. img_align_celeba.zip)")
            self.zip = zipfile.ZipFile(self.path)
            names = self.zip.namelist()
            check_zip_members(names)
            files = [n for n in names if not n.endswith("/")]
            images = [n for n in files if is_image_name(n.replace("\\", "/"))]
            self._others = {PurePosixPath(n).name: n for n in files if n not in images}
            # names relative to the one folder every photo lies in (img_align_celeba/ in CelebA's
            # zip), so that a zip of a folder names its photos as the folder does
            tops = {PurePosixPath(n.replace("\\", "/")).parts[0] for n in images}
            cut = len(tops.pop()) + 1 if len(tops) == 1 and all("/" in n for n in images) else 0
            self._members = {n.replace("\\", "/")[cut:]: n for n in images}
            images = list(self._members)
            self.refused = {k: p for k in images
                            if (p := member_problem(self.zip.getinfo(self._members[k])))}
        else:
            images = []
            for folder, dirs, files in os.walk(self.path):
                dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__MACOSX"]
                rel = Path(folder).relative_to(self.path).as_posix()
                images += [f if rel == "." else f"{rel}/{f}" for f in files if is_image_name(f)]
            self.refused = {k: "a symlink pointing outside the folder (not followed)"
                            for k in outside_links(self.path, images)}
        images.sort(key=natural_key)
        self.images = [k for k in images if k not in self.refused]
        if not self.images:
            where = "in the zip" if self.zip is not None else "in the folder or its subfolders"
            raise ValueError(f"no .jpg, .jpeg or .png images found {where} {self.path}")

    def __repr__(self) -> str:
        return f"PhotoSource({str(self.path)!r}, {len(self.images):,} images)"

    def listing_key(self) -> str:
        """A hash of what can change under the cache: for a folder, every image's path, size and
        modification time (an image replaced in place changes it even when the folder's own
        mtime does not); for a zip, its size and mtime. About 1 s for 200,000 files."""
        h = hashlib.sha256()
        if self.zip is not None:
            st = self.path.stat()
            h.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
        else:
            for name in self.images:
                st = (self.path / name).stat(follow_symlinks=False)
                h.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        return h.hexdigest()

    def read(self, name: str) -> bytes:
        if self.zip is not None:
            return self.zip.read(self._members[name])
        return (self.path / name).read_bytes()

    def find_text(self, candidates: tuple[str, ...]) -> tuple[str, str] | None:
        """(where, text) of the first side file found inside the zip or folder, or beside it (one
        or two folders up: CelebA's text files lie beside img_align_celeba), else None."""
        for cand in candidates:
            if self.zip is not None and cand in self._others:
                where = f"{self.path}:{self._others[cand]}"
                return where, decode_text(self.zip.read(self._others[cand]), where)
            for folder in (self.path if self.path.is_dir() else None, self.path.parent,
                           self.path.parent.parent):
                if folder is not None and (folder / cand).is_file():
                    return str(folder / cand), decode_text((folder / cand).read_bytes(),
                                                           str(folder / cand))
        return None


class MetadataError(ValueError):
    """A partition or attribute file that cannot be read at all."""


def decode_text(data: bytes, where: str) -> str:
    """UTF-8 text of a metadata file; MetadataError naming the file when it is not text or empty."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MetadataError(f"{where}: not UTF-8 text (byte {exc.start}: {data[exc.start:exc.start + 1]!r}); "
                            f"expected CelebA's plain-text list (e.g. '000001.jpg 0')") from None
    if not text.strip():
        raise MetadataError(f"{where}: the file is empty; expected one line per image "
                            f"(e.g. '000001.jpg 0')")
    return text


def text_rows(text: str) -> list[tuple[int, list[str]]]:
    """(line number, fields) of each non-blank line; comma-separated when the first line is."""
    lines = text.splitlines()
    if "," in lines[0]:
        return [(n, [f.strip() for f in r]) for n, r in enumerate(csv.reader(io.StringIO(text)), 1)
                if r]
    return [(n, line.split()) for n, line in enumerate(lines, 1) if line.strip()]


@dataclass
class Parsed:
    """What a metadata file gave: the values, and the lines that did not parse."""

    values: dict
    bad: list[tuple[int, str]] = field(default_factory=list)  # (line number, the line)
    names: list[str] = field(default_factory=list)  # attribute names

    def bad_summary(self, where: str, first: int = 5) -> dict | None:
        if not self.bad:
            return None
        return {"file": where, "count": len(self.bad),
                "first": [f"line {n}: {line!r}" for n, line in self.bad[:first]]}


def parse_partition(text: str) -> Parsed:
    """``{image: 0|1|2}`` from list_eval_partition.txt ("000001.jpg 0") or .csv (with header).
    Lines with another number of fields, a split that is not 0, 1 or 2, are kept in ``bad``."""
    out = Parsed({})
    for n, row in text_rows(text):
        if n == 1 and len(row) == 2 and not row[1].lstrip("-").isdigit():
            continue  # the .csv header (image_id,partition)
        if len(row) == 2 and row[1] in ("0", "1", "2"):
            out.values[row[0]] = int(row[1])
        else:
            out.bad.append((n, " ".join(row)))
    return out


_WIDE = ("I;16", "I;16L", "I;16B", "I;16N", "I", "F")  # modes deeper than 8 bits per channel


def to_rgb8(img: Image.Image) -> Image.Image:
    """Any mode Pillow opens as 8-bit RGB with correct levels.

    Pillow's own ``convert("RGB")`` clips 16- and 32-bit integer and float pixels at 255 (a
    16-bit PNG turns all white); here they are scaled: 16-bit modes by 255/65535, 32-bit integers
    by the same when they exceed 255, floats by 255 when they lie in [0, 1]. Transparency (RGBA,
    LA, PA, palettes with a transparent index) is composited onto white; 1-bit, grey, palette and
    CMYK go through Pillow's conversion."""
    if img.mode in _WIDE:
        a = np.asarray(img, dtype=np.float64)
        top = float(a.max()) if a.size else 0.0
        if img.mode.startswith("I;16") or (img.mode == "I" and top > 255):
            a = a * (255.0 / 65535.0)
        elif img.mode == "F" and top <= 1.0:
            a = a * 255.0
        img = Image.fromarray(np.clip(a + 0.5, 0, 255).astype(np.uint8), "L")
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        img = img.convert("RGBA")
        back = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(back, img)
    return img.convert("RGB")


def decode_photo(data: bytes, size: int) -> tuple[np.ndarray, tuple[int, int]]:
    """(the photo as (size, size, 3) uint8, its original (width, height)): decoded, converted to
    8-bit RGB (``to_rgb8``), centre-cropped to a square and resized (bicubic; a photo smaller
    than ``size`` is upsampled)."""
    if not data:
        raise ValueError("empty file")
    with Image.open(io.BytesIO(data)) as img:
        original = img.size
        img.draft("RGB", (size, size))  # JPEG: decode at a reduced scale when that is enough
        img.load()
        img = to_rgb8(img)
        w, h = img.size
        side = min(w, h)
        left, top = (w - side) // 2, (h - side) // 2
        img = img.resize((size, size), Image.BICUBIC, box=(left, top, left + side, top + side))
        return np.asarray(img, dtype=np.uint8), original


def load_image(data: bytes, size: int) -> np.ndarray:
    """The photo of ``data`` as (size, size, 3) uint8 (``decode_photo``)."""
    return decode_photo(data, size)[0]


@dataclass(frozen=True)
class Selection:
    """Which photos of a source a cache takes: ``names`` in order, of ``available`` in the split."""

    names: list[str]
    available: int
    how: str
    bad_partition: dict | None


def select(src: PhotoSource, split: str = "all", limit: int | None = None) -> Selection:
    """The first ``limit`` photos (all: None) of ``split``. A split needs CelebA's
    list_eval_partition file (matched by file name); without one every photo is in it."""
    check_choice("split", split, SPLITS)
    bad = None
    found = None if split == "all" else src.find_text(PARTITION_FILES)
    if split == "all":
        names, how = src.images, "all photos (split 'all')"
    elif found is None:
        names, how = src.images, (f"all photos (no {PARTITION_FILES[0]} or .csv inside or beside "
                                  f"the source, so no {split!r} split)")
    else:
        where, text = found
        part = parse_partition(text)
        wanted = SPLIT_CODES[split]
        names = [n for n in src.images if part.values.get(PurePosixPath(n).name) in wanted]
        how, bad = f"split {split!r} of {where}", part.bad_summary(where)
    if not names:
        raise ValueError(f"the {split!r} split of {src.path} holds no photos ({how})")
    return Selection(list(names[:limit] if limit else names), len(names), how, bad)


def names_digest(names: list[str]) -> str:
    """sha256 of the photos' relative paths in order: which photos a run used, the same on every
    machine whatever their modification times (the cache's own key, ``listing_key``, also
    covers sizes and times)."""
    return hashlib.sha256("\n".join(names).encode()).hexdigest()


def cache_paths(cache_dir: str | os.PathLike, source: Path, size: int, split: str,
                limit: int | None = None) -> tuple[Path, Path]:
    """The cache of one source, split, size and limit: named after the source (its name and a
    digest of its full path, so two folders called ``faces`` never share a cache)."""
    tag = re.sub(r"[^A-Za-z0-9_-]+", "_", source.stem)[:40] or "photos"
    digest = hashlib.sha256(str(source).encode()).hexdigest()[:8]
    split_tag = split.replace("+", "_")
    stem = f"photos_{tag}_{digest}_{split_tag}_{size}" + (f"_n{limit}" if limit else "")
    base = Path(cache_dir).expanduser()
    return base / f"{stem}.npy", base / f"{stem}.json"


def _sizes(sizes: list[tuple[int, int]], target: int) -> dict:
    """The original sizes of the kept photos: min, median and max of width and height, and how
    many were upsampled (their square crop smaller than the cache's side)."""
    if not sizes:
        return {}
    a = np.asarray(sizes)
    return {"min": a.min(axis=0).tolist(), "median": np.median(a, axis=0).astype(int).tolist(),
            "max": a.max(axis=0).tolist(), "upsampled": int((a.min(axis=1) < target).sum())}


def build_photo_cache(source: str | os.PathLike, cache_dir: str | os.PathLike, size: int = 96,
                      split: str = "all", limit: int | None = None, workers: int | None = None,
                      chunk: int = 1024, progress: bool = True,
                      on_chunk: Callable[[int], None] | None = None) -> Path:
    """Build (or reuse) the uint8 cache (N, size, size, 3) of the photos of ``source``; return
    its path.

    ``source`` is a folder of photos (searched recursively) or a zip of them. ``split`` ("train",
    "val", "test", "train+val" or "all") needs CelebA's list_eval_partition.txt/.csv inside or
    beside the source; without one every photo is taken. ``limit`` takes the first ``limit``
    photos of the split (in natural order: CelebA's 000001.jpg first). The manifest
    ``<cache>.json`` beside the cache names the source, the photos kept (``files``, in cache
    order), those skipped and why, the digest of the kept names, and the original sizes."""
    if (msg := size_error(size)) is not None:
        raise ValueError(f"size: {msg}")
    check_choice("split", split, SPLITS)
    src = PhotoSource(source)  # refuses unsafe zips before anything is written
    npy, meta_path = cache_paths(cache_dir, src.path, size, split, limit)
    key = {"source": str(src.path), "listing_sha256": src.listing_key(), "size": size,
           "split": split, "limit": limit, "version": 2}
    meta = read_json(meta_path)
    if meta and npy.exists() and all(meta.get(k) == v for k, v in key.items()):
        return npy

    chosen = select(src, split, limit)
    if chosen.bad_partition:
        b = chosen.bad_partition
        warnings.warn(f"{b['file']}: {b['count']} line(s) did not parse and were ignored, e.g. "
                      f"{'; '.join(b['first'][:3])} (all counted in the cache's manifest)",
                      stacklevel=2)
    names = chosen.names
    workers = workers or min(8, (os.cpu_count() or 1) * 2)
    skipped: dict[str, str] = dict(src.refused)
    kept: list[str] = []
    sizes: list[tuple[int, int]] = []
    npy.parent.mkdir(parents=True, exist_ok=True)

    def decode(name):
        try:
            return name, *decode_photo(src.read(name), size), None
        except Exception as exc:  # corrupt, truncated, empty, not an image
            return name, None, None, f"{exc.__class__.__name__}: {exc}"

    from tqdm.auto import tqdm

    with atomic_path(npy) as tmp:
        out = NpyWriter(tmp, (len(names), size, size, 3), np.uint8)  # shrinks if files are skipped
        with ThreadPoolExecutor(workers) as pool, tqdm(total=len(names), disable=not progress,
                                                       desc=f"photos {size}px") as bar:
            for start in range(0, len(names), chunk):
                good = []
                for name, arr, original, err in pool.map(decode, names[start:start + chunk]):
                    if err is None:
                        good.append(arr)
                        kept.append(name)
                        sizes.append(original)
                    else:
                        skipped[name] = err
                if good:
                    out.write(np.stack(good))
                bar.update(min(chunk, len(names) - start))
                if on_chunk is not None:
                    on_chunk(len(kept))
        if not kept:
            out.abort()
            raise ValueError(f"none of the {len(names):,} photos chosen from {src.path} could be "
                             f"read (first: {next(iter(skipped.items()))}); nothing was written")
        out.close()
    if skipped:
        warnings.warn(f"skipped {len(skipped)} unreadable file(s) of {len(names)} while building "
                      f"{npy.name}: {', '.join(sorted(skipped)[:10])}"
                      + (" ..." if len(skipped) > 10 else "") + f" (all named in {meta_path.name})",
                      stacklevel=2)
    atomic_write_json(meta_path, {
        **key, "count": len(kept), "available": chosen.available, "selection": chosen.how,
        "shape": [len(kept), size, size, 3], "dtype": "uint8", "skipped": skipped,
        "files": kept, "names_sha256": names_digest(kept), "source_sizes": _sizes(sizes, size),
        "bad_lines": [chosen.bad_partition] if chosen.bad_partition else [],
    })
    return npy


def cache_manifest(npy: str | os.PathLike) -> dict:
    """The manifest ``<cache>.json`` of a photo cache; FileNotFoundError naming it when absent."""
    meta = Path(npy).with_suffix(".json")
    if not meta.exists():
        raise FileNotFoundError(f"no manifest {meta} beside the cache {npy}")
    return read_json(meta)
