"""Labels of face photos: CelebA's 40 attributes or any labels CSV, checked against the photos.

Two files are read:

- CelebA's ``list_attr_celeba.txt`` (or Kaggle's ``list_attr_celeba.csv``) inside or beside the
  photo folder: 40 binary attributes per image, 1 / -1, matched by file name. Rows of images the
  folder does not hold are fine (a folder of some of CelebA's photos);
- a labels CSV given by the user (``--labels``): a ``file`` column naming each photo by its path
  relative to the folder (``/`` separators), then one numeric column per factor, binary as 0/1 or
  -1/1, or continuous.

Either way every photo needs a row, every value must be a finite number, and (for a user's CSV)
every row must name a photo; otherwise ``LabelError`` names the file, the column and the first
rows concerned, before anything is written. Binary columns (two values, 0/1 or -1/1) come back as
0/1, the rest as given, as float32 ``(N, K)`` aligned with the photos asked for.
"""

from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np

FILE_COLUMN = "file"
FIRST = 5  # rows named in a message


class LabelError(ValueError):
    """A labels file that does not fit the photos; the message names file, column and rows."""


@dataclass(frozen=True)
class LabelTable:
    """Labels read from ``source``: factor ``names``, which are ``binary`` (0/1), and a row of
    values per photo (``rows``: photo -> float vector). ``by_file_name``: rows are matched by
    the photo's file name alone (CelebA's files), not its path relative to the folder."""

    names: tuple[str, ...]
    binary: tuple[bool, ...]
    rows: dict[str, np.ndarray]
    source: str
    by_file_name: bool = False

    def _key(self, photo: str) -> str:
        return PurePosixPath(photo).name if self.by_file_name else photo

    def missing(self, photos: list[str]) -> list[str]:
        """The photos without a row."""
        return [p for p in photos if self._key(p) not in self.rows]

    def aligned(self, photos: list[str]) -> np.ndarray:
        """float32 (N, K): the rows of ``photos`` in their order; LabelError for a photo without
        a row (``check`` first says which)."""
        if gone := self.missing(photos):
            raise LabelError(_no_row_message(self.source, gone, len(photos)))
        return np.stack([self.rows[self._key(p)] for p in photos]).astype(np.float32)

    def summary(self) -> dict:
        """What data.json says of the labels: names, which are binary, the file."""
        return {"names": list(self.names), "binary": list(self.binary), "source": self.source}


def _no_row_message(source: str, gone: list[str], total: int) -> str:
    return (f"{source}: {len(gone):,} of the {total:,} photos have no row, e.g. "
            f"{', '.join(repr(g) for g in gone[:FIRST])}; expected one row per photo, naming it "
            f"by its path relative to the folder in the '{FILE_COLUMN}' column")


def _number(cell: str) -> float | None:
    try:
        v = float(cell)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def is_binary(values) -> bool:
    """Whether a column of labels is binary: two values, 0/1 or -1/1."""
    levels = set(np.unique(np.asarray(values, np.float64)).tolist())
    return len(levels) == 2 and (levels == {0.0, 1.0} or levels == {-1.0, 1.0})


def _table(names: list[str], keys: list[str], matrix: np.ndarray, source: str,
           by_file_name: bool = False) -> LabelTable:
    binary = tuple(is_binary(matrix[:, j]) for j in range(matrix.shape[1]))
    out = matrix.astype(np.float32)
    for j, b in enumerate(binary):
        if b:
            out[:, j] = out[:, j] > 0  # -1/1 -> 0/1
    return LabelTable(tuple(names), binary, dict(zip(keys, out, strict=True)), source,
                      by_file_name)


def _non_numeric(source: str, names: list[str], body: list[tuple[int, list[str]]],
                 columns) -> str | None:
    """The message for the first column with a cell that is not a finite number, else None."""
    for j in columns:
        bad = [(n, row[j]) for n, row in body if _number(row[j]) is None]
        if bad:
            first = ", ".join(f"line {n} ({cell!r})" for n, cell in bad[:FIRST])
            return (f"{source}: column {names[j]!r} holds {len(bad):,} cell(s) that are not "
                    f"finite numbers: {first}; expected numbers (binary as 0/1 or -1/1, or "
                    f"continuous)")
    return None


def read_label_csv(path: str | os.PathLike, photos: list[str]) -> LabelTable:
    """The labels CSV of a photo folder (module docstring), checked against ``photos`` (their
    paths relative to the folder): a ``file`` column, one numeric column per factor, one row per
    photo and no row for a photo the folder lacks. LabelError otherwise, naming the file, the
    column and the first rows."""
    p = Path(path).expanduser().resolve()
    if not p.is_file():
        raise LabelError(f"{p}: no such labels file (expected a CSV with a '{FILE_COLUMN}' "
                         f"column and one numeric column per factor)")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LabelError(f"{p}: not UTF-8 text (byte {exc.start}); expected a CSV file") from None
    rows = [(n, [c.strip() for c in r]) for n, r in enumerate(csv.reader(io.StringIO(text)), 1)
            if any(c.strip() for c in r)]
    if not rows:
        raise LabelError(f"{p}: the file is empty; expected a header ('{FILE_COLUMN}' and factor "
                         f"names) and one row per photo")
    (header_line, header), body = rows[0], rows[1:]
    if FILE_COLUMN not in header:
        raise LabelError(f"{p}: line {header_line} has no '{FILE_COLUMN}' column (found "
                         f"{header}); expected '{FILE_COLUMN}' naming each photo by its path "
                         f"relative to the folder, then one numeric column per factor")
    if len(header) < 2:
        raise LabelError(f"{p}: only the '{FILE_COLUMN}' column; expected at least one factor "
                         f"column beside it")
    if dupes := sorted({h for h in header if header.count(h) > 1}):
        raise LabelError(f"{p}: column names repeat: {dupes}")
    if blank := [i + 1 for i, h in enumerate(header) if not h]:
        raise LabelError(f"{p}: columns {blank} of line {header_line} have no name")
    if uneven := [(n, len(r)) for n, r in body if len(r) != len(header)]:
        first = ", ".join(f"line {n} ({k} fields)" for n, k in uneven[:FIRST])
        raise LabelError(f"{p}: {len(uneven):,} row(s) do not have the header's "
                         f"{len(header)} fields: {first}")
    fcol = header.index(FILE_COLUMN)
    if msg := _non_numeric(str(p), header, body, [j for j in range(len(header)) if j != fcol]):
        raise LabelError(msg)
    seen: dict[str, int] = {}
    for n, r in body:
        key = r[fcol].replace("\\", "/").removeprefix("./")
        if key in seen:
            raise LabelError(f"{p}: photo {key!r} has two rows, lines {seen[key]} and {n}")
        seen[key] = n
    known = set(photos)
    stray = [(n, k) for k, n in seen.items() if k not in known]
    if stray:
        first = ", ".join(f"line {n} ({k!r})" for n, k in stray[:FIRST])
        raise LabelError(f"{p}: {len(stray):,} row(s) name no photo of the folder: {first}; "
                         f"the '{FILE_COLUMN}' column gives each photo's path relative to the "
                         f"folder, e.g. {photos[0]!r}")
    if gone := [ph for ph in photos if ph not in seen]:
        raise LabelError(_no_row_message(str(p), gone, len(photos)))
    names = [h for j, h in enumerate(header) if j != fcol]
    keys = [r[fcol].replace("\\", "/").removeprefix("./") for _, r in body]
    matrix = np.array([[float(c) for j, c in enumerate(r) if j != fcol] for _, r in body],
                      np.float64).reshape(len(body), len(names))
    return _table(names, keys, matrix, str(p))


def parse_celeba_attributes(text: str, where: str, photos: list[str]) -> LabelTable:
    """CelebA's attribute file (``list_attr_celeba.txt``: a count line, a line of 40 names, then
    ``000001.jpg -1 1 ...``; or the .csv with ``image_id`` first) as a LabelTable matched by
    file name, checked against ``photos``: a row that does not parse, or a photo without a row,
    is a LabelError naming the file and the first lines or photos."""
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not lines:
        raise LabelError(f"{where}: the file is empty; expected CelebA's attribute list")
    comma = "," in lines[0][1]

    def fields(line: str) -> list[str]:
        return [f.strip() for f in next(csv.reader([line]))] if comma else line.split()

    if len(fields(lines[0][1])) == 1 and fields(lines[0][1])[0].isdigit():
        lines = lines[1:]  # the .txt count line
    if not lines:
        raise LabelError(f"{where}: no line of attribute names")
    header = fields(lines[0][1])
    names = header[1:] if header[0] in ("image_id", "") else header
    if not names:
        raise LabelError(f"{where}: line {lines[0][0]} names no attribute")
    keys, values, bad = [], [], []
    for n, line in lines[1:]:
        row = fields(line)
        if len(row) != len(names) + 1 or any(_number(v) is None for v in row[1:]):
            bad.append((n, line.strip()))
            continue
        keys.append(row[0])
        values.append([float(v) for v in row[1:]])
    if bad:
        first = "; ".join(f"line {n}: {line[:60]!r}" for n, line in bad[:FIRST])
        raise LabelError(f"{where}: {len(bad):,} line(s) are not a file name and "
                         f"{len(names)} numbers: {first}; fix or remove them (or move the file "
                         f"away to run without attributes)")
    table = _table(names, keys, np.asarray(values, np.float64).reshape(len(keys), len(names)),
                   where, by_file_name=True)
    if gone := table.missing(photos):
        raise LabelError(_no_row_message(where, gone, len(photos)).replace(
            f"in the '{FILE_COLUMN}' column", "by its file name"))
    return table


def read_numeric_csv(path: str | os.PathLike, n: int) -> tuple[list[str], np.ndarray]:
    """A CSV of factors with a header of names and ``n`` rows of numbers (one per z-point of a
    run of external z-points, in order): (names, float64 (n, K)); LabelError naming the file,
    the column and the first rows otherwise."""
    p = Path(path).expanduser()
    if p.suffix.lower() != ".csv" or not p.is_file():
        raise LabelError(f"{p}: expected a .csv file of factors (a header of names, one row of "
                         f"numbers per z-point)" + ("" if p.is_file() else ", found no such file"))
    with open(p, newline="", encoding="utf-8") as f:
        rows = [(i, [c.strip() for c in r]) for i, r in enumerate(csv.reader(f), 1) if r]
    if not rows or not any(rows[0][1]):
        raise LabelError(f"{p}: expected a header row of factor names, found an empty file")
    names, body = rows[0][1], rows[1:]
    if len(body) != n:
        raise LabelError(f"{p}: expected one row per z-point ({n:,}, in the same order), found "
                         f"{len(body):,} rows")
    if uneven := [(i, len(r)) for i, r in body if len(r) != len(names)]:
        raise LabelError(f"{p}: line {uneven[0][0]} has {uneven[0][1]} fields, the header "
                         f"{len(names)}")
    if msg := _non_numeric(str(p), names, body, range(len(names))):
        raise LabelError(msg)
    return names, np.array([[float(c) for c in r] for _, r in body], np.float64)
