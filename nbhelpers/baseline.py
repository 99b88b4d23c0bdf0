"""Regression baselines: every recorded number that the seed and the data determine, with a
tolerance, and the comparison of a run against them.

A baseline file (``baselines/<profile>.json``) holds ``{"values": {key: {"value", "abs", "rel"}}}``
where a key is the path of a number in results.json (``04_pca_ellipses/inside_2sigma``,
``03_tsne_filaments/tsne_runs[0]/kl``). A value holds when |now - value| <= abs + rel * |value|.
Timings, bytes, memory, versions, paths and the environment are not determined by the seed and
are never compared. Tolerances come from measurement: ``make_baseline(run, spread=other)`` sets
each key's abs tolerance to ``factor`` times the difference between two runs with different seeds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

IGNORED = ("seconds", "time", "bytes", "rss", "resources", "environment", "path", "created",
           "version", "ram_", "gpu")
DEFAULT_REL, DEFAULT_ABS = 0.05, 1e-9  # for keys without a measured spread
FLOOR_REL = 1e-6  # keys whose two seeds agree exactly: a rounding error is no drift


def compared(key: str) -> bool:
    """Whether a flattened key is determined by the seed and the data (and so compared)."""
    low = key.lower()
    return not any(word in low for word in IGNORED)


def flatten(results: dict) -> dict[str, float]:
    """{path: number} of every number and bool in ``results`` that ``compared`` keeps."""
    out: dict[str, float] = {}

    def walk(node, prefix: str):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{prefix}/{k}" if prefix else str(k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{prefix}[{i}]")
        elif isinstance(node, (bool, int, float)) and compared(prefix):
            out[prefix] = float(node)

    walk(results, "")
    return out


def make_baseline(results: dict, spread: dict | None = None, factor: float = 1.5,
                  note: str = "", scale_from: dict | None = None) -> dict:
    """A baseline from ``results``.

    With ``spread`` (results of a run with another seed) each key's abs tolerance is ``factor``
    x |difference|. Without one, ``scale_from`` (another profile's baseline, measured that way)
    lends each key of the same name its relative tolerance (abs / |value| there); keys it lacks
    or has no measured spread for, or everything when neither is given, get the defaults (5 %
    relative)."""
    values, other = flatten(results), flatten(spread) if spread is not None else {}
    lend = (scale_from or {}).get("values", {})
    table = {}
    for key, v in sorted(values.items()):
        if key in other:
            table[key] = {"value": v, "abs": round(factor * abs(v - other[key]), 12),
                          "rel": FLOOR_REL}
        elif spread is None and key in lend and lend[key]["abs"] > 0:
            e = lend[key]  # (a key both seeds agreed on exactly says nothing of its spread)
            rel = (e["abs"] / abs(e["value"]) if e["value"] else 0.0) + e.get("rel", FLOOR_REL)
            table[key] = {"value": v, "abs": DEFAULT_ABS if e["value"] else e["abs"],
                          "rel": round(rel, 9)}
        else:
            table[key] = {"value": v, "abs": DEFAULT_ABS, "rel": DEFAULT_REL}
    source = ("seed spread" if spread is not None else
              "relative seed spread of another profile's baseline" if scale_from else "defaults")
    return {"note": note, "factor": factor, "tolerance_from": source, "values": table}


@dataclass
class Drift:
    """The comparison of a run with a baseline."""

    moved: list[tuple[str, float, float, float]] = field(default_factory=list)  # key, base, now, tol
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    compared: int = 0

    @property
    def ok(self) -> bool:
        return not self.moved and not self.missing

    def report(self, limit: int = 40) -> str:
        lines = [f"baseline check: {self.compared} values compared, {len(self.moved)} moved, "
                 f"{len(self.missing)} missing, {len(self.added)} added: "
                 + ("no drift" if self.ok else "DRIFT")]
        for key, base, now, tol in self.moved[:limit]:
            lines.append(f"  moved    {key}: baseline {base:.6g}, now {now:.6g} (tolerance {tol:.3g})")
        lines += [f"  missing  {key}" for key in self.missing[:limit]]
        lines += [f"  added    {key}" for key in self.added[:limit]]
        hidden = len(self.moved) + len(self.missing) + len(self.added) - len(lines) + 1
        if hidden > 0:
            lines.append(f"  ... and {hidden} more")
        return "\n".join(lines)


def compare(results: dict, baseline: dict) -> Drift:
    """Every baseline key against the run: moved beyond tolerance, missing, or added."""
    now, table = flatten(results), baseline["values"]
    drift = Drift(added=sorted(set(now) - set(table)))
    for key, entry in table.items():
        if key not in now:
            drift.missing.append(key)
            continue
        drift.compared += 1
        base, value = entry["value"], now[key]
        tol = entry.get("abs", DEFAULT_ABS) + entry.get("rel", DEFAULT_REL) * abs(base)
        if not (abs(value - base) <= tol) or math.isnan(value):
            drift.moved.append((key, base, value, tol))
    return drift
