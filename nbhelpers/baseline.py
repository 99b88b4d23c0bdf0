"""Regression baselines: what a regression run compares, tolerances from several seeds, and the
drift report.

A regression run asks: after a change (code, library versions, another CPU), does the series
still find what it found, within the noise of training? So a baseline compares a short, fixed
list of numbers (``COMPARED``) that carry the findings and mean the same in every run; a latent
space has no preferred order or sign of its axes, so no axis index, no sign and no per-axis or
per-pair record by position is compared (sorted, quantile or averaged forms are). Everything else
stays in results.json and the report.

Tolerances (``make_baseline``, the rule in ``RULE``): from n >= 2 runs with different seeds, each
key's value is the mean over the seeds and its tolerance the largest of
- the half width of a prediction interval for one more run at the level that keeps the chance
  of a false alarm *per run* at ``ALPHA`` (1 %): Student's t at 1 - ALPHA / (2 m) with n - 1
  degrees of freedom, for m compared keys (Bonferroni: correlated keys only make it safer), times
  the seeds' standard deviation times sqrt(1 + 1/n) (docs/regression.md derives it);
- the seeds' largest distance from the mean, widened by half (every seed passes with room),
- a floor for keys the seeds agree on: 1 % of the value (0.01 at 0), and 1 for counts and
  whole-numbered estimates of 2 or more (a local dimension);
model sizes are compared exactly. The second term alone is the key's ``spread``: a claim whose
line lies within it of the value reads "within noise". A profile with too few seeds for the
first term (the default: two or three seeds, where t with 1 or 2 degrees of freedom asks for
thousands or a hundred standard deviations) borrows its noise (``scale_from``): the same
interval with another profile's degrees of freedom and the larger of that profile's relative
standard deviation of the key (times this value) and its own (``borrowed_noise``); a key of
one seed with no noise to borrow gets no tolerance and is not compared. ``remake``
applies the rule anew to the seeds a baseline stores, for runs that are no longer on disk.
"""

from __future__ import annotations

import fnmatch
import math
import statistics
from dataclasses import dataclass, field

from .keys import Density, Ellipses, ExtraDense, Factors, Generation, Training, Tsne, VaeSpace

ALPHA = 0.01  # the chance that a clean run on another machine flags anything at all
WIDEN = 1.5  # the seeds' largest distance from the mean, widened by half
FLOOR_REL, FLOOR_ZERO, FLOOR_COUNT = 0.01, 0.01, 1.0
NOISE = "within noise"  # claims.NOISE: the two modules are independent (import contracts)
RULE = (f"value: mean over the seeds; tolerance: the largest of the prediction interval for one "
        f"more run at a false-alarm rate of {ALPHA:.0%} per run (Student's t at 1 - {ALPHA:g} / "
        f"(2 x compared keys), n - 1 degrees of freedom, x sd x sqrt(1 + 1/n)), "
        f"{WIDEN:g} x their largest distance from the mean (the spread), and a floor of "
        f"{FLOOR_REL:.0%} of the value ({FLOOR_ZERO:g} at 0; {FLOOR_COUNT:g} for counts); model "
        f"sizes exact; a claim within the spread of its line reads 'within noise'")


@dataclass(frozen=True)
class Group:
    """Keys compared for one reason. ``patterns`` match flattened keys (fnmatch: ``*`` stands
    for a sampler's, a weight's or a plane's name or a t-SNE map's place in the profile's list,
    never for an axis index)."""

    name: str
    why: str
    patterns: tuple[str, ...]
    exact: bool = False


_TRAIN = (Training.LOSS_FIRST, Training.LOSS_LAST, Training.VAL_LOSS_LAST)
_Q = ("q10", "q50", "q90")
_PROBE = ("disentanglement", "completeness", "informativeness", "mig", "r2_mean")
COMPARED: tuple[Group, ...] = (
    Group("model sizes", "a changed layer, filter or z_dim changes the blog's parameter counts",
          (Training.PARAMS.at("*"), Training.Z_SHAPE.path + "[[]*[]]",
           ExtraDense.ENCODER_PARAMS.at("*"), ExtraDense.DECODER_PARAMS.at("*")), exact=True),
    Group("losses", "training on wrong data, a broken loss or optimizer shows in the losses",
          (*(k.path for k in _TRAIN), *(ExtraDense.VARIANTS.at("vae", k.name) for k in _TRAIN),
           Factors.GAUSSIAN_QUESTION.at("table", "*", "val_loss"))),
    Group("claims", "the measured value of every claim, as its step records it (the two loss "
          "claims read the losses above)",
          (Training.RECONSTRUCTION.at("excess_share"), Training.RECONSTRUCTION.at("identified"),
           Density.FIT_R2_MEDIAN.path, Density.OFF_CENTRE_SHARE.path, Density.BROAD_SHARE.path,
           Density.RADIUS_RATIO.path, Density.RADIUS_RATIO_SCALED.path,
           Tsne.VOID_RATIO.at("median"), Tsne.RAW_PCA_DOMINANCE.path,
           Tsne.DIMENSION_BY_SCALE.at("lowest", "z"), Tsne.FILAMENT_LINES.at("ratio"),
           Ellipses.PEARSON_MAX_OFFDIAG.path, Ellipses.COMPONENTS_80.path,
           Ellipses.COMPONENTS_SHARE_80.path,
           Ellipses.INSIDE_2SIGMA.path, Ellipses.INSIDE_3SIGMA.path,
           Ellipses.FIT_INSIDE_2SIGMA.path, Ellipses.FIT_INSIDE_3SIGMA.path,
           ExtraDense.ENCODER_RATIO.path, ExtraDense.VAL_LOSS_GAP.path,
           ExtraDense.QUALITY_GAP.path, Generation.MVN_PRECISION_MARGIN.path,
           Generation.GMM_FRECHET_RATIO.path,
           Factors.ATTRIBUTE_ARITHMETIC.at("rise_median"),
           Factors.GAUSSIAN_QUESTION.at("carried_share"),
           VaeSpace.TINY_KL_WAY.at("worst"))),
    Group("per-axis statistics, order-free",
          "quantiles over the axes of the fitted widths (sigma and FWHM) and absolute centres, and "
          "counts of broad and "
          "off-centre axes: a wrong histogram, fit or bin width moves them, a permutation or "
          "sign flip of the axes does not",
          (*(Density.SIGMA_QUANTILES.at(q) for q in _Q),
           *(Density.FWHM_QUANTILES.at(q) for q in _Q),
           *(Density.ABS_CENTER_QUANTILES.at(q) for q in _Q),
           Density.OFF_CENTRE_COUNT.path, Density.BROAD_COUNT.path,
           Density.RADIUS_RANGE.at("low"), Density.RADIUS_RANGE.at("high"))),
    Group("spectra and shapes",
          "the PCA variance spectrum (sorted by definition), intrinsic dimension (global, and at "
          "the smallest scale) against the Gaussian reference, the survivors of trimming",
          (*(Tsne.RAW_PCA_VARIANCE.path + f"[[]{i}[]]" for i in range(5)),
           Tsne.INTRINSIC_DIMENSION.at("z", "twonn"),
           Tsne.INTRINSIC_DIMENSION.at("gaussian_reference", "local_dense"),
           Tsne.DIMENSION_BY_SCALE.at("smallest_scale", "z"),
           Tsne.DIMENSION_BY_SCALE.at("smallest_scale", "gaussian_reference"),
           Ellipses.SURVIVORS.path)),
    Group("t-SNE maps at their settings",
          "each map's perplexity as the fitted object used it and its exact KL divergence on up "
          "to 1,000 of its points: a setting the library ignored or a broken map moves them, "
          "where the void ratios may not",
          (Tsne.TSNE_RUNS.path + "[[]*[]]/used/perplexity",
           Tsne.TSNE_RUNS.path + "[[]*[]]/used/kl_exact_subset")),
    Group("realism per sampler",
          "the Frechet distance of each sampler's decoded faces to the held-out faces (the "
          "precisions are shares of the drawn faces, whose binomial noise two seeds cannot "
          "measure; the claims compare the MVN's precision margin)",
          (Generation.REALISM.at("ae", "*", "frechet"), Generation.REALISM.at("vae", "*", "frechet"),
           Generation.REALISM.at("reconstruction", "frechet"))),
    Group("disentanglement", "how well the z carry the known factors, order-free scores",
          (*(Factors.PROBE_AE.at(k) for k in _PROBE), *(Factors.PROBE_VAE.at(k) for k in _PROBE))),
    Group("VAE space and the KL sweep",
          "notebook 08's measures of the VAE's mu and the radius peak per KL weight",
          (VaeSpace.VAE_DENSITY.at(Density.RADIUS_RATIO_SCALED.name),
           VaeSpace.VAE_DENSITY.at(Density.SIGMA_MEDIAN.name),
           VaeSpace.VAE_INSIDE_2SIGMA.path, VaeSpace.VAE_VOIDS.at("*", "ratio"),
           VaeSpace.KL_SWEEP.at("rows", "*", "radius_peak"))),
)


def flatten(results: dict) -> dict[str, float]:
    """{path: number} of every number and bool in ``results`` (lists as ``key[i]``); integers
    (counts) stay ``int``, bools become 0 or 1, the rest ``float``."""
    out: dict[str, float] = {}

    def walk(node, prefix: str):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{prefix}/{k}" if prefix else str(k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{prefix}[{i}]")
        elif isinstance(node, (bool, int)):
            out[prefix] = int(node)
        elif isinstance(node, float):
            out[prefix] = node

    walk(results, "")
    return out


def group_of(key: str) -> Group | None:
    """The group that compares ``key``, or None: the key is not compared."""
    return next((g for g in COMPARED if any(fnmatch.fnmatchcase(key, p) for p in g.patterns)),
                None)


def compared(results: dict) -> dict[str, float]:
    """The compared numbers of a run: {key: value} for every key some group matches."""
    return {k: v for k, v in flatten(results).items() if group_of(k) is not None}


def spread(values: list[float]) -> float:
    """How far the seeds reach from their mean, widened by half: a clean run may land anywhere
    within it (a claim whose line lies this close reads "within noise")."""
    mean = statistics.fmean(values)
    return WIDEN * max(abs(v - mean) for v in values)


def interval_factor(n: int, keys: int, alpha: float = ALPHA, dof: int | None = None) -> float:
    """How many standard deviations of n seeds a clean run may lie from their mean, on a key
    among ``keys`` compared ones, for a false alarm per run of at most ``alpha``: the two-sided
    Student's t quantile at alpha / keys, widened for the mean's own error (sqrt(1 + 1/n)).
    ``dof``: the standard deviation's degrees of freedom where it was measured on other seeds
    (``borrowed_noise``); n - 1 where it is these seeds' own."""
    from scipy.stats import t

    dof = n - 1 if dof is None else dof
    if n < 1 or dof < 1:
        return math.inf
    return float(t.ppf(1 - alpha / (2 * max(keys, 1)), dof) * math.sqrt(1 + 1 / n))


def borrowed_noise(other: dict | None, n: int) -> tuple[float, int] | None:
    """(relative standard deviation, degrees of freedom) of a key over another profile's seeds
    (``other``: its baseline entry), where they are more than this profile's ``n`` and their
    mean is not 0; else None (the key keeps its own seeds' noise)."""
    seeds = (other or {}).get("seeds") or []
    if len(seeds) <= max(n, 2):
        return None
    mean = statistics.fmean(seeds)
    return (statistics.stdev(seeds) / abs(mean), len(seeds) - 1) if mean else None


def tolerance(values: list[float], exact: bool = False, keys: int = 1,
              noise: tuple[float, int] | None = None) -> tuple[float, float]:
    """(value, tolerance) of one key from its values over several seeds, by ``RULE``; ``keys``:
    how many keys the baseline compares (the false-alarm rate is per run, over all of them);
    ``noise``: (relative sd, degrees of freedom) borrowed from another profile's seeds: the
    interval takes their degrees of freedom and the larger of their sd (relative, times this
    mean) and these seeds' own."""
    mean = statistics.fmean(values)
    if exact:
        return mean, 0.0
    floor = FLOOR_REL * abs(mean) if mean else FLOOR_ZERO
    if all(isinstance(v, int) or (float(v).is_integer() and abs(v) >= 2) for v in values):
        floor = max(floor, FLOOR_COUNT)  # counts and whole dimensions: one step is no drift
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    if noise is not None:  # a key noisier here than in the other profile keeps its own sd
        rel_sd, dof = noise
        predicted = interval_factor(len(values), keys, dof=dof) * max(rel_sd * abs(mean), sd)
    else:
        predicted = interval_factor(len(values), keys) * sd if sd else 0.0
    return mean, max(predicted, spread(values), floor)


BORROWED = ("; where these seeds are fewer than another profile's, the interval takes that "
            "profile's degrees of freedom and the larger of its relative standard deviation "
            "(times this value) and these seeds' own")


def _entries(per_key: dict[str, list[float]], lend: dict) -> tuple[dict, list[str], list[str]]:
    """{key: entry} by ``RULE`` from each key's values over the seeds, the keys whose noise was
    borrowed from ``lend`` (another baseline's values), and the keys left out: one seed and no
    noise to borrow, so no tolerance can be stated (a run lists them as added)."""
    m = sum(1 for k in per_key if not group_of(k).exact)  # the keys a false alarm can come from
    table, lent, left_out = {}, [], []
    for key in sorted(per_key):
        values, group = per_key[key], group_of(key)
        noise = None if group.exact else borrowed_noise(lend.get(key), len(values))
        if not group.exact and noise is None and len(values) < 2:
            left_out.append(key)
            continue
        value, tol = tolerance(values, group.exact, m, noise)
        table[key] = {"value": round(value, 10), "tol": float(f"{tol:.4g}"),
                      "spread": 0.0 if group.exact else float(f"{spread(values):.4g}"),
                      "group": group.name, "seeds": [float(f"{v:.6g}") for v in values]}
        if noise is not None:
            lent.append(key)
    return table, lent, left_out


def make_baseline(runs: list[dict], note: str = "", scale_from: dict | None = None,
                  data: dict | None = None) -> dict:
    """A baseline from the results of ``runs`` (one per seed): each compared key gets the mean
    and the tolerance of ``RULE`` over the runs that hold it (keys some run lacks are listed
    under ``fewer_seeds``). ``scale_from`` (another profile's baseline with more seeds) lends
    each key of the same name its seeds' noise (``borrowed_noise``). ``data``: which images the
    runs saw (for photos: the digest of their names, their count and size), so that a run on
    other images is never checked against it."""
    if not runs:
        raise ValueError("a baseline needs at least one run")
    per_run = [compared(r) for r in runs]
    keys = set().union(*(set(p) for p in per_run))
    per_key = {k: [p[k] for p in per_run if k in p] for k in keys}
    table, lent, left_out = _entries(per_key, (scale_from or {}).get("values", {}))
    envs = [r.get("environment", {}) for r in runs]
    return {
        "note": note, "rule": RULE + (BORROWED if scale_from else ""),
        "made_from": {"profile": envs[0].get("profile"), "seeds": [e.get("seed") for e in envs],
                      "versions": envs[0].get("versions"), "platform": envs[0].get("platform"),
                      "keras_backend": envs[0].get("keras_backend"),
                      "cpu_count": envs[0].get("cpu_count")},
        "groups": {g.name: g.why for g in COMPARED},
        "data": data or {"kind": "synthetic"},
        "claims": {},
        "lent_from_other_profile": lent,
        "fewer_seeds": {k: len(v) for k, v in per_key.items() if len(v) < len(runs)},
        "one_seed_not_compared": left_out,
        "values": table,
    }


def remake(base: dict, scale_from: dict | None = None, note: str = "",
           runs: list[dict] = ()) -> dict:
    """``base`` with every tolerance and spread made anew by ``RULE`` (and ``scale_from``'s
    noise) from the seeds it stores and the results of ``runs`` (more seeds, added to them), for
    a baseline whose runs are no longer on disk. Its claims and provenance stay (the caller
    merges the new runs' claims); a key no group compares any more is dropped."""
    old = {k: e for k, e in base["values"].items() if group_of(k) is not None}
    per_key = {k: list(e["seeds"]) for k, e in old.items()}
    for r in runs:
        for key, value in compared(r).items():
            per_key.setdefault(key, []).append(value)
    table, lent, left_out = _entries(per_key, (scale_from or {}).get("values", {}))
    for key, entry in table.items():  # the stored mean is of the unrounded seeds
        if key in old and (not runs or group_of(key).exact):
            entry["value"] = old[key]["value"]
    made = dict(base.get("made_from", {}))
    made["seeds"] = [*made.get("seeds", []),
                     *(r.get("environment", {}).get("seed") for r in runs)]
    if runs:
        made["added_runs"] = [{k: r.get("environment", {}).get(k) for k in
                               ("seed", "versions", "platform", "keras_backend", "cpu_count")}
                              for r in runs]
    n = len(made["seeds"])
    return {**base, "note": base.get("note", "") + (f"; {note}" if note else ""),
            "rule": RULE + (BORROWED if scale_from else ""), "made_from": made,
            "groups": {g.name: g.why for g in COMPARED},
            "lent_from_other_profile": lent,
            "fewer_seeds": {k: len(v) for k, v in per_key.items() if len(v) < n},
            "one_seed_not_compared": left_out, "values": table}


def spreads(base: dict) -> dict[str, float]:
    """{key: the seeds' widened reach} of a baseline, for ``claims.evaluate(spread=...)``."""
    return {k: e["spread"] for k, e in base.get("values", {}).items() if "spread" in e}


@dataclass
class Moved:
    key: str
    base: float
    now: float
    tol: float

    @property
    def units(self) -> float:
        """How far the value moved, in tolerances (> 1: beyond)."""
        d = abs(self.now - self.base)
        return math.inf if self.tol == 0 or math.isnan(d) else d / self.tol


@dataclass
class Drift:
    """The comparison of a run with a baseline."""

    moved: list[Moved] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    claims_changed: list[tuple[str, str, str]] = field(default_factory=list)  # id, base, now
    compared: int = 0

    covered: list[str] = field(default_factory=list)  # notebooks the run holds values of
    not_run: list[str] = field(default_factory=list)  # baseline notebooks it does not
    self_checks: list[str] = field(default_factory=list)  # departures (filled by regression.check)

    @property
    def ok(self) -> bool:
        return not self.moved and not self.missing and not self.self_checks

    def report(self, limit: int = 40) -> str:
        """Claims whose status changed, then moved keys by notebook, farthest first (in
        tolerance units), then missing and added keys."""
        scope = (f" of notebooks {', '.join(n[:2] for n in self.covered)} ("
                 f"{', '.join(n[:2] for n in self.not_run)} did not run)" if self.not_run else "")
        lines = [f"baseline check{scope}: {self.compared} values compared, {len(self.moved)} "
                 f"moved, {len(self.missing)} missing, {len(self.added)} added: "
                 + ("no drift" if self.ok else "DRIFT")]
        if self.self_checks:
            lines[0] += f" ({len(self.self_checks)} self-check(s) departed)"
        lines += [f"  self-check  {line}" for line in self.self_checks]
        lines += [f"  claim    {cid}: {before} -> {now}" for cid, before, now in self.claims_changed]
        by_nb: dict[str, list[Moved]] = {}
        for m in self.moved:
            by_nb.setdefault(m.key.split("/")[0], []).append(m)
        shown = 0
        for nb in sorted(by_nb, key=lambda n: -max(m.units for m in by_nb[n])):
            lines.append(f"  {nb}:")
            for m in sorted(by_nb[nb], key=lambda m: -m.units)[:max(limit - shown, 0)]:
                lines.append(f"    moved  {m.key[len(nb) + 1:]}: {m.units:.1f} tolerances "
                             f"(baseline {m.base:.6g}, now {m.now:.6g}, tolerance {m.tol:.3g})")
                shown += 1
        lines += [f"  missing  {key}" for key in self.missing[:limit]]
        lines += [f"  added    {key}" for key in self.added[:limit]]
        hidden = (len(self.moved) - shown + max(len(self.missing) - limit, 0)
                  + max(len(self.added) - limit, 0))
        if hidden > 0:
            lines.append(f"  ... and {hidden} more")
        return "\n".join(lines)


def notebooks_run(results: dict) -> set[str]:
    """The notebooks whose values a run's results hold (not merely a reason they were skipped)."""
    return {nb for nb, v in results.items()
            if nb != "environment" and isinstance(v, dict) and set(v) != {"skipped"}}


def compare(results: dict, base: dict, claims_now: dict | None = None) -> Drift:
    """Every baseline key of the notebooks the run executed against the run (keys of notebooks
    it did not execute, or recorded as skipped, are not compared and the drift names those
    notebooks): moved beyond its tolerance, missing, or added (a key the groups compare that the
    baseline lacks); claims whose status differs from the
    baseline's (``claims_now``: {id: status} of this run); a claim within noise on either side
    has no status to change."""
    now, table = compared(results), base["values"]
    ran = notebooks_run(results)
    notebooks = sorted({key.split("/")[0] for key in table})
    drift = Drift(added=sorted(set(now) - set(table)),
                  covered=[nb for nb in notebooks if nb in ran],
                  not_run=[nb for nb in notebooks if nb not in ran])
    for key, entry in sorted(table.items()):
        if key.split("/")[0] not in ran:
            continue  # a notebook this run did not execute: neither missing nor moved
        if key not in now:
            drift.missing.append(key)
            continue
        drift.compared += 1
        tol = float(entry["tol"])
        value = now[key]
        if not abs(value - entry["value"]) <= tol:  # NaN is never within
            drift.moved.append(Moved(key, entry["value"], value, tol))
    for cid, status in sorted((claims_now or {}).items()):  # the caller's: notebooks that ran
        before = base.get("claims", {}).get(cid)
        if before not in (None, status) and NOISE not in (before, status):
            drift.claims_changed.append((cid, before, status))
    return drift


def groups_table(base: dict) -> str:
    """The compared groups as a Markdown table: name, keys of ``base`` in the group, why (the
    README's and docs/regression.md's table; tests/test_project.py checks they match)."""
    counts = {g.name: 0 for g in COMPARED}
    for entry in base.get("values", {}).values():
        counts[entry["group"]] = counts.get(entry["group"], 0) + 1
    rows = [f"| {g.name} | {counts[g.name]} | {g.why} |" for g in COMPARED]
    return "\n".join(["| group | keys | why it is compared |", "|---|---|---|", *rows])
