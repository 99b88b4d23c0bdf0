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
import hashlib
import io
import json
import os
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


class _Source:
    """Uniform access to image names and bytes in a folder or a zip.

    Refused without being read, each named in the cache's ``skipped``: zip members whose declared
    size or compression ratio no face image has (``member_problem``), and symlinks in a folder
    that point outside it."""

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
            images = sorted(k for k in self._members
                            if k.lower().endswith(IMAGE_SUFFIXES) and not k.startswith("."))
            self.refused = {k: p for k in images
                            if (p := member_problem(self.zip.getinfo(self._members[k])))}
        else:
            images = sorted(p.name for p in self.path.iterdir()
                            if p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith("."))
            self.refused = {k: "a symlink pointing outside the folder (not followed)"
                            for k in outside_links(self.path, images)}
        self.images = [k for k in images if k not in self.refused]
        if not self.images:
            raise ValueError(f"no .jpg/.png images found in {self.path}")

    def listing_key(self) -> str:
        """A hash of what can change under the cache: for a folder, every image's name, size and
        modification time (an image replaced in place changes it even when the folder's own
        mtime does not); for a zip, its size and mtime. About 1 s for 200,000 files."""
        h = hashlib.sha256()
        if self.zip is not None:
            st = self.path.stat()
            h.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
        else:
            with os.scandir(self.path) as it:
                entries = sorted((e.name, e.stat(follow_symlinks=False)) for e in it
                                 if e.name.lower().endswith(IMAGE_SUFFIXES))
            for name, st in entries:
                h.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        return h.hexdigest()

    def read(self, name: str) -> bytes:
        if self.zip is not None:
            return self.zip.read(self._members[name])
        return (self.path / name).read_bytes()

    def find_text(self, candidates: tuple[str, ...]) -> tuple[str, str] | None:
        """Return (where, text) of the first metadata file found inside or beside the source."""
        for cand in candidates:
            if self.zip is not None and cand in self._members:
                where = f"{self.path}:{self._members[cand]}"
                return where, decode_text(self.zip.read(self._members[cand]), where)
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


def _rows(text: str) -> list[tuple[int, list[str]]]:
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
    for n, row in _rows(text):
        if n == 1 and len(row) == 2 and not row[1].lstrip("-").isdigit():
            continue  # the .csv header (image_id,partition)
        if len(row) == 2 and row[1] in ("0", "1", "2"):
            out.values[row[0]] = int(row[1])
        else:
            out.bad.append((n, " ".join(row)))
    return out


def parse_attributes(text: str) -> Parsed:
    """Attribute names and ``{image: int8 vector of +1/-1}`` from list_attr_celeba.txt or .csv.
    Lines with the wrong number of fields or values other than 1, -1 (or 0) are kept in ``bad``."""
    rows = _rows(text)
    if rows and len(rows[0][1]) == 1 and rows[0][1][0].isdigit():  # the .txt count line
        rows = rows[1:]
    if not rows:
        raise MetadataError("no header line with attribute names")
    header, body = rows[0][1], rows[1:]
    names = header[1:] if header[0] in ("image_id", "") else header
    out = Parsed({}, names=list(names))
    for n, row in body:
        vals = row[1:]
        if len(vals) != len(names) or not all(v in ("1", "-1", "0") for v in vals):
            out.bad.append((n, " ".join(row)))
            continue
        out.values[row[0]] = np.array([1 if int(v) > 0 else -1 for v in vals], np.int8)
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


def load_image(data: bytes, size: int) -> np.ndarray:
    """Decode, convert to 8-bit RGB (``to_rgb8``), centre-crop to a square and resize to
    (size, size, 3) uint8."""
    if not data:
        raise ValueError("empty file")
    with Image.open(io.BytesIO(data)) as img:
        img.draft("RGB", (size, size))  # JPEG: decode at a reduced scale when that is enough
        img.load()
        img = to_rgb8(img)
        w, h = img.size
        side = min(w, h)
        left, top = (w - side) // 2, (h - side) // 2
        img = img.resize((size, size), Image.BICUBIC, box=(left, top, left + side, top + side))
        return np.asarray(img, dtype=np.uint8)


def _selected(src: _Source, split: str) -> tuple[list[str], str, dict | None]:
    """(image names, how they were chosen, the partition file's bad lines or None)."""
    if split == "all":
        return src.images, "all images (split='all')", None
    found = src.find_text(PARTITION_FILES)
    if found is None:
        warnings.warn(f"no {PARTITION_FILES[0]} (or .csv) inside or beside {src.path}: "
                      f"using all {len(src.images)} images instead of the {split!r} split",
                      stacklevel=3)
        return src.images, "all images (no partition file)", None
    where, text = found
    part = parse_partition(text)
    wanted = SPLIT_CODES[split]
    names = [n for n in src.images if part.values.get(n) in wanted]
    return names, f"split {split!r} from {where}", part.bad_summary(where)


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
    ``split`` is "train" (162,770 images), "val" (19,867), "test" (19,962), "train+val"
    (182,637: the blog trained on 170,000 of them) or "all". ``limit``
    takes the first ``limit`` images of the split. The manifest ``<cache>.json`` beside the cache
    names the source, the skipped files and the attribute names; attributes (when present) are
    stored as int8 (N, 40) in ``<cache>.attrs.npy``, aligned with the images.
    """
    if (msg := size_error(size)) is not None:
        raise ValueError(f"size: {msg}")
    check_choice("split", split, SPLITS)
    src = _Source(source)  # refuses unsafe zips before anything is written
    npy, meta_path = cache_paths(cache_dir, size, split, limit)
    key = {"source": str(src.path), "listing_sha256": src.listing_key(), "size": size,
           "split": split, "limit": limit}
    meta = read_json(meta_path)
    if meta and npy.exists() and all(meta.get(k) == v for k, v in key.items()):
        return npy

    names, how, bad_partition = _selected(src, split)
    if limit:
        names = names[:limit]
    if not names:
        raise ValueError(f"the {split!r} split of {src.path} holds no images ({how})")
    attr_found = src.find_text(ATTRIBUTE_FILES)
    try:
        attrs_parsed = parse_attributes(attr_found[1]) if attr_found else Parsed({})
    except MetadataError as exc:
        raise MetadataError(f"{attr_found[0]}: {exc}") from None
    attr_names, attr_values = attrs_parsed.names, attrs_parsed.values
    bad_lines = [b for b in (bad_partition, attrs_parsed.bad_summary(attr_found[0])
                             if attr_found else None) if b]
    for b in bad_lines:
        warnings.warn(f"{b['file']}: {b['count']} line(s) did not parse and were ignored, e.g. "
                      f"{'; '.join(b['first'][:3])} (all counted in the cache's manifest)",
                      stacklevel=2)

    workers = workers or min(8, (os.cpu_count() or 1) * 2)
    skipped: dict[str, str] = dict(src.refused)
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
        "attributes_source": attr_found[0] if attr_found else None, "bad_lines": bad_lines,
    })
    return npy


def load_cache_manifest(npy: str | os.PathLike) -> dict:
    meta = Path(npy).with_suffix(".json")
    if not meta.exists():
        raise FileNotFoundError(f"no manifest {meta} beside the cache {npy}")
    return json.loads(meta.read_text())
