"""Regression runs: which committed baseline describes a run, the check of a run against it, the
verdict a run prints at its end, and the ``check`` and ``baseline`` commands.

A run on synthetic faces is checked against ``baselines/<profile>.json``; a run on photos against
the baseline made on the same photos (``baselines/<profile>-<name>.json``, matched by
``steps.dataset.data_identity``); a run of external z-points against none. What is compared, the
tolerances and the drift report are ``baseline``'s; the claims' verdicts are ``claims``'.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from . import baseline, claims, config, selfcheck, store
from .core.files import atomic_write_json, read_json
from .keys import Shared
from .report import write_report
from .steps import dataset
from .steps.artifacts import data_info


def baselines_dir() -> Path:
    return config.project_root() / "baselines"


def baseline_path(profile: str) -> Path:
    """The committed baseline of a profile on the synthetic faces: ``baselines/<profile>.json``."""
    return baselines_dir() / f"{profile}.json"


def load_baseline(path: str | os.PathLike) -> dict:
    """A baseline file, or ValueError naming the file and what it holds instead."""
    base = read_json(path)
    if base is None or "values" not in base:
        raise ValueError(f"{path}: expected a baseline written by 'python -m nbhelpers "
                         f"baseline' (a JSON object with 'values'), found "
                         f"{'nothing' if base is None else sorted(base)}")
    return base


def baseline_data(base: dict) -> dict:
    """Which images a baseline was made on (baselines written before it: synthetic faces)."""
    return base.get("data") or {"kind": "synthetic"}


def photo_baselines(profile: str) -> list[Path]:
    """The committed baselines of a profile on photos: ``baselines/<profile>-<name>.json``."""
    out = []
    for path in sorted(baselines_dir().glob(f"{profile}-*.json")):
        base = read_json(path)
        if isinstance(base, dict) and baseline_data(base).get("kind") == "photos":
            out.append(path)
    return out


def baseline_for(run_dir) -> tuple[Path | None, str]:
    """(the committed baseline made on this run's profile and images, or None; why none). A run
    on photos takes the baseline made on the same photos (``steps.dataset.data_identity``), a
    run on synthetic faces ``baselines/<profile>.json``, a run of external z-points none."""
    info = data_info(run_dir)
    if info.get("kind") == "external":
        return None, (f"the z-points are {info.get('source')}; the baselines describe the "
                      f"series' own runs")
    profile = store.read_results(run_dir).get("environment", {}).get("profile")
    if profile is None:
        raise ValueError(f"{Path(run_dir) / store.RESULTS} names no profile (no "
                         f"'environment'); pass --baseline FILE")
    if info.get("kind") != "photos":
        return baseline_path(profile), ""
    want = dataset.data_identity(info)
    for path in photo_baselines(profile):
        if baseline_data(read_json(path)) == want:
            return path, ""
    images = info.get("images", {})
    return None, (f"no baseline of the {profile} profile was made on these photos "
                  f"({images.get('count', '?'):,} from {images.get('folder')}); the committed ones "
                  f"are {[p.name for p in photo_baselines(profile)] or 'none'}; make one from "
                  f"runs with several seeds: python -m nbhelpers baseline --runs RUN ... --out "
                  f"baselines/{profile}-NAME.json")


def baseline_spread(run_dir) -> dict[str, float] | None:
    """The seed spreads of the committed baseline that describes the run, or None (none,
    unreadable, or a run of external z-points, which no seed spread of the series describes)."""
    try:
        path, _ = baseline_for(run_dir)
        return baseline.spreads(load_baseline(path)) if path else None
    except (ValueError, OSError, KeyError, TypeError):
        return None


def references(run_dir) -> dict[str, dict]:
    """{label: baseline} of the committed baselines of the run's profile that the report's
    findings table shows beside the run: "real faces" (a baseline on photos, the run's own
    where it has one) and "synthetic faces" (``baselines/<profile>.json``)."""
    profile = store.read_results(run_dir).get("environment", {}).get("profile")
    if profile is None:
        return {}
    out = {}
    try:
        own, _ = baseline_for(run_dir)
    except ValueError:
        own = None
    photos = photo_baselines(profile)
    real = own if own in photos else (photos[0] if photos else None)
    for label, path in (("real faces", real), ("synthetic faces", baseline_path(profile))):
        try:
            if path is not None and path.exists():
                out[label] = {**load_baseline(path), "file": path.name}
        except (ValueError, OSError):
            pass
    return out


def statuses(rows: list[dict]) -> dict[str, str]:
    return {r["id"]: r["status"] for r in rows}


def check(run_dir: str | os.PathLike, baseline_file: str | os.PathLike | None = None
          ) -> tuple[list[dict], baseline.Drift | None, Path | None, str]:
    """The claims of a run and its comparison with its baseline (default: the committed one
    made on the run's profile and images, ``baseline_for``), and why there is none. Claims near
    their line read "within noise" by the baseline's seed spreads."""
    results = store.read_results(run_dir)
    if baseline_file is not None:
        path, why = Path(baseline_file), ""
    else:
        path, why = baseline_for(run_dir)
        if path is not None and not path.exists():
            path, why = None, f"no baseline at {path}: nothing to compare with"
    if path is None:
        departed = self_check_departures(results)
        return claims.evaluate(results), None, None, why + "".join(
            f"\n  self-check  {line}" for line in departed)
    base = load_baseline(path)
    rows = claims.evaluate(results, spread=baseline.spreads(base))
    ran = baseline.notebooks_run(results)  # a partial run: only its notebooks' claims change
    drift = baseline.compare(results, base, statuses([r for r in rows if r["notebook"] in ran]))
    drift.self_checks = self_check_departures(results)
    return rows, drift, path, ""


SELF_CHECKS = "self_checks.json"


def self_check_departures(results: dict) -> list[str]:
    """The self-checks of a run (``selfcheck``) that depart from the committed ones
    (``baselines/self_checks.json``), named by notebook; none when nothing is committed."""
    committed = read_json(baselines_dir() / SELF_CHECKS, {}).get("values", {})
    out = []
    for nb, checks in committed.items():
        found = results.get(nb, {}).get(Shared.SELF_CHECKS.name) if isinstance(
            results.get(nb), dict) else None
        if found is not None:
            out += [f"{nb}: {line}" for line in selfcheck.departures(found, checks)]
    return out


def verdict(run_dir: str | os.PathLike) -> str:
    """The claims table and, when a baseline describes the run, the check's verdict, as text."""
    try:  # a damaged baseline must not fail a finished run
        rows, drift, path, why = check(run_dir)
    except (ValueError, OSError, KeyError, TypeError) as exc:
        text = "findings:\n" + claims.summary(claims.evaluate(store.read_results(run_dir)))
        return text + f"\nbaseline check not possible: {exc}"
    text = "findings:\n" + claims.summary(rows)
    if drift is None:
        return text + f"\nno baseline check: {why}"
    return text + f"\n{drift.report()}\n  (against {path}; drift is news, not a failed run: " \
                  f"'python -m nbhelpers check {run_dir}' exits 1 on it)"


def main_check(args) -> int:
    """``check``: print the claims and the comparison; 1 on drift, 2 on an unusable input."""
    try:
        rows, drift, path, why = check(args.run_dir, args.baseline)
    except (ValueError, FileNotFoundError, json.JSONDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("findings:\n" + claims.summary(rows))
    if drift is None:
        print(f"error: {why}; write a baseline with 'python -m nbhelpers baseline --runs "
              f"{args.run_dir} ...' or pass --baseline FILE", file=sys.stderr)
        return 2
    print(f"{drift.report(limit=10_000)}\n  (against {path})")
    return 0 if drift.ok else 1


def main_baseline(args) -> int:
    """``baseline``: write a baseline from runs with different seeds (``--runs A B C ...``), or
    make a baseline's tolerances anew from the seeds it stores (``--remake FILE``)."""
    lend = load_baseline(args.scale_from) if args.scale_from else None
    earlier = load_baseline(args.remake) if getattr(args, "remake", None) else None
    if earlier is None and not args.runs:
        print("error: expected --runs RUN_DIR ... (one per seed) or --remake BASELINE, found "
              "neither", file=sys.stderr)
        return 2
    runs = []
    for run_dir in args.runs or []:
        results = store.read_results(run_dir)
        if not results or not results.get("environment"):
            print(f"error: {Path(run_dir) / store.RESULTS} holds no run with an environment "
                  f"record; run the series first", file=sys.stderr)
            return 2
        runs.append(results)
    profiles = {r["environment"].get("profile") for r in runs}
    seeds = [r["environment"].get("seed") for r in runs]
    if earlier is not None:
        profiles.add(earlier.get("made_from", {}).get("profile"))
        seeds = [*earlier.get("made_from", {}).get("seeds", []), *seeds]
    if len(profiles) != 1 or len(set(seeds)) != len(seeds):
        print(f"error: expected runs of one profile with different seeds, found profiles "
              f"{sorted(map(str, profiles))} and seeds {seeds}", file=sys.stderr)
        return 2
    data = [dataset.data_identity(data_info(run_dir)) for run_dir in args.runs or []]
    if earlier is not None:
        data.insert(0, baseline_data(earlier))
    if any(d != data[0] for d in data):
        print(f"error: expected runs on the same images, found {len({str(d) for d in data})} "
              f"different data sets ({', '.join(sorted({d['kind'] for d in data}))})",
              file=sys.stderr)
        return 2
    if data[0]["kind"] == "external":
        print("error: runs of external z-points have no baseline (the baselines describe the "
              "series' own runs)", file=sys.stderr)
        return 2
    if earlier is not None:
        return _remake(args, earlier, lend, runs)
    profile = profiles.pop()
    note = (f"profile {profile}, seeds {', '.join(map(str, seeds))}"
            + (f"; seed noise of {Path(args.scale_from).name} where its seeds are more"
               if lend else "") + (f"; {args.note}" if getattr(args, "note", "") else ""))
    first = baseline.make_baseline(runs, note, lend, data[0])
    agreed = _agreed_claims(first, runs)
    if args.out:
        out = Path(args.out)
    elif data[0]["kind"] == "photos":
        out = baselines_dir() / f"{profile}-photos-{data[0]['names_sha256'][:8]}.json"
    else:
        out = baseline_path(profile)
    base = {**first, "claims": agreed}
    atomic_write_json(out, base)
    print(f"wrote {out}: {len(base['values'])} values from {len(runs)} runs ({note}); "
          f"review it and commit it")
    return 0


def _agreed_claims(base: dict, runs: list[dict], earlier: dict | None = None) -> dict[str, str]:
    """{claim: the status every seed agreed on}, else "within noise" ("not measured" where no
    seed measured it); ``earlier``: the statuses a baseline's stored seeds agreed on, one vote."""
    spread = baseline.spreads(base)
    per_seed = [statuses(claims.evaluate(r, spread=spread)) for r in runs]
    if earlier:
        per_seed.append(earlier)
    agreed = {}
    for cid in set().union(*per_seed):  # a seed that could not measure a claim does not vote
        votes = {s.get(cid, claims.NOT_MEASURED) for s in per_seed} - {claims.NOT_MEASURED}
        agreed[cid] = (votes.pop() if len(votes) == 1 else
                       claims.NOISE if votes else claims.NOT_MEASURED)
    return dict(sorted(agreed.items()))


def _remake(args, earlier: dict, lend: dict | None, runs: list[dict]) -> int:
    """``baseline --remake FILE [--runs ...]``: the tolerances of FILE made anew by the current
    rule from the seeds it stores and those of the runs given."""
    out = Path(args.out or args.remake)
    note = getattr(args, "note", "") or ""
    base = baseline.remake(earlier, lend, note, runs)
    base["claims"] = _agreed_claims(base, runs, earlier.get("claims", {}))
    atomic_write_json(out, base)
    print(f"wrote {out}: {len(base['values'])} tolerances made anew from the seeds "
          f"{base['made_from'].get('seeds')} ({len(runs)} of them from the runs given; "
          f"{len(base['lent_from_other_profile'])} keys with the noise of "
          f"{Path(args.scale_from).name if lend else 'no other profile'}); review it and "
          f"commit it")
    return 0


def write_run_report(run_dir: str | os.PathLike) -> Path:
    """(Re)write a run's report.html with the seed spreads of its baseline and the reference
    baselines beside its findings."""
    return write_report(run_dir, baseline_spread(run_dir), references(run_dir))
