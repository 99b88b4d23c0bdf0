"""Execute the notebook series with papermill and write the run report.

``run_series`` executes ``notebooks/NN_*.ipynb`` in order, injecting ``profile``, ``run_dir``,
``data`` and ``overrides`` into each notebook's ``parameters`` cell and writing the executed copy to
``<run_dir>/notebooks/``. It stops at the first failing notebook, naming it, the failing cell and
the error; the partly executed copy stays in the run directory. At the end ``report.html`` is
written: one self-contained page with each notebook's recorded values and figures.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import time
from pathlib import Path

from . import baseline, claims, config, store
from .core.files import atomic_write_json, read_json, sha256_file
from .report import write_report
from .steps import dataset, external
from .steps.artifacts import check_inputs, data_info

NB_PATTERN = re.compile(r"^(\d\d)_.+\.ipynb$")
PROBES = external.PROBES  # the notebook that probes labels


class NotebookFailed(RuntimeError):
    def __init__(self, notebook: str, cell: int | None, error: str, output: Path):
        self.notebook, self.cell, self.error, self.output = notebook, cell, error, output
        where = f"cell {cell}" if cell is not None else "an unknown cell"
        super().__init__(f"{notebook} failed at {where}: {error}\n"
                         f"  partly executed copy: {output}")


def find_notebooks(notebooks_dir: str | os.PathLike | None = None,
                   start: str | None = None, only: list[str] | None = None) -> list[Path]:
    """Notebooks NN_*.ipynb in order, from number ``start`` on, or only the numbers in ``only``."""
    nb_dir = Path(notebooks_dir) if notebooks_dir else config.project_root() / "notebooks"
    found = sorted(p for p in nb_dir.glob("*.ipynb") if NB_PATTERN.match(p.name))
    if not found:
        raise FileNotFoundError(f"no notebooks named NN_*.ipynb in {nb_dir}")
    numbers = {p.name[:2] for p in found}
    wanted = set()
    for token in ([start] if start else []) + list(only or []):
        key = f"{int(token):02d}" if str(token).isdigit() else str(token)
        if key not in numbers:
            raise ValueError(f"no notebook number {token!r}; found {', '.join(sorted(numbers))}")
        wanted.add(key)
    if only:
        return [p for p in found if p.name[:2] in wanted]
    if start:
        return [p for p in found if p.name[:2] >= f"{int(start):02d}"]
    return found


class CellProgress:
    """nbclient's ``on_cell_start`` hook: one line per code cell (its number, the time so far and
    its first line of code), so a long notebook is never silent."""

    def __init__(self, notebook: str, log=print):
        self.notebook, self.log, self.t0 = notebook, log, time.perf_counter()

    def __call__(self, cell, cell_index: int, **_):
        if cell.get("cell_type") != "code":
            return
        first = next((ln.strip() for ln in cell.get("source", "").splitlines()
                      if ln.strip() and not ln.strip().startswith("#")), "")
        first = first if len(first) <= 70 else first[:67] + "..."
        self.log(f"  [{self.notebook[:2]}] {time.perf_counter() - self.t0:6.0f} s  cell "
                 f"{cell_index}: {first}")


@contextlib.contextmanager
def kernel_stderr_to(path: Path):
    """Point this process' file descriptor 2 at ``path`` while a kernel is started and run, so
    the kernel inherits it: TensorFlow's C++ start-up lines (written before any log level is
    read), "cuInit" errors on machines without a GPU and ipykernel's transport warning land in
    the run's log file instead of the terminal. Python-level stderr of the cells still reaches
    the executed notebook through the kernel's own streams."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(path, "ab") as fh:
            os.dup2(fh.fileno(), 2)
            yield path
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def execute(notebook: Path, output: Path, parameters: dict, cwd: Path | None = None,
            kernel_name: str = "python3", log=print, stream_stdout: bool = True) -> float:
    """Execute one notebook with papermill; raise NotebookFailed naming cell and error.

    ``log`` gets a progress line per code cell; with ``stream_stdout`` the cells' printed output
    (Keras' epoch lines, resource lines) is passed through to this process' stdout as it comes."""
    import papermill as pm

    t0 = time.perf_counter()
    try:
        with kernel_stderr_to(output.parent.parent / "logs" / f"{notebook.stem}.stderr.log"):
            pm.execute_notebook(str(notebook), str(output), parameters=parameters,
                                cwd=str(cwd or notebook.parent), kernel_name=kernel_name,
                                progress_bar=False, log_output=False,
                                stdout_file=sys.stdout if stream_stdout else None,
                                on_cell_start=CellProgress(notebook.stem, log))
    except pm.PapermillExecutionError as exc:
        raise NotebookFailed(notebook.name, exc.cell_index, f"{exc.ename}: {exc.evalue}",
                             output) from None
    return time.perf_counter() - t0


def run_series(profile: str = "default", data: str | None = None,
               run_dir: str | os.PathLike | None = None, start: str | None = None,
               only: list[str] | None = None, overrides: dict | None = None,
               notebooks_dir: str | os.PathLike | None = None, log=print,
               stream_stdout: bool = True, z: str | os.PathLike | None = None,
               z_key: str | None = None, decoder: str | os.PathLike | None = None,
               images: str | os.PathLike | None = None,
               labels: str | os.PathLike | None = None, vae: bool = False) -> Path:
    """Execute the series; return the run directory (its report.html is written at the end).

    ``log`` gets a line per notebook and per code cell; ``stream_stdout`` passes the cells'
    printed output through as it comes. ``z``: a .npy/.npz of z-points from any model
    (``z_key``: the array of an .npz); they are checked, registered in place of notebook 01
    (``steps.external``) and analysed by notebooks 02-04, and by 06 with ``decoder`` (a .keras
    file) and ``images`` (a uint8 .npy, one image per z-point), and by 07's probes with
    ``labels`` (a CSV of factors, one row per z-point), and by 08's measures with ``vae`` (the
    z-points are a VAE's means); the others are recorded as left out with their reasons. Every
    input is checked before anything is written."""
    overrides = dict(overrides or {})
    zs, notes, pics, facts, unlabelled = None, [], None, None, None
    if (decoder is not None or images is not None or vae) and z is None:
        raise external.InputError("--decoder, --images and --vae go with --z (your own "
                                  "z-points)")
    if labels is not None and z is None:
        if data is None:
            raise external.InputError("--labels labels photos (with --data PATH) or your own "
                                      "z-points (with --z PATH); found neither")
        overrides["labels"] = str(labels)
    if z is not None:
        zs = external.read_z(z, z_key)
        overrides.setdefault("z_dim", zs.shape[1])  # z_dim comes from the data
        notes = external.check_size(zs, config.load(profile, data=data, **overrides), z)
        if (decoder is None) != (images is None):
            raise external.InputError("notebook 06 needs both --decoder and --images (the "
                                      "images the z-points came from, to judge realism)")
        if images is not None:
            pics = external.read_images(images, len(zs))
            external.check_decoder(decoder, zs.shape[1], pics[1], zs)
        if labels is not None:
            facts = (*external.read_labels(labels, len(zs)), labels)
        only = external.notebooks_for(only, pics is not None, facts is not None, vae)
    cfg = config.load(profile, data=data, **overrides)  # fail before the first kernel starts
    if zs is None and cfg.data_source == "photos":
        photos = dataset.check_photos(cfg)  # the listing and the labels, before any write
        if photos.labels is None and not (only or start):
            only = [nb.name[:2] for nb in find_notebooks(notebooks_dir) if nb.stem != PROBES]
            unlabelled = ("the photos have no labels: give --labels labels.csv (a 'file' column "
                          "and one numeric column per factor) or put CelebA's "
                          "list_attr_celeba.txt beside the folder")
    notebooks = find_notebooks(notebooks_dir, start, only)  # before anything is created
    run_path = Path(run_dir or config.default_run_dir(profile)).expanduser().resolve()
    if zs is not None:
        origin = sha256_file(Path(z).expanduser())  # read once: the run-dir check and data.json
        external.check_run_dir(run_path, origin)
    run = store.RunDir(run_path)
    if zs is not None:
        external.register(run, zs, z, z_key, notes, decoder, pics, facts, vae, origin)
        for note in notes:
            log(f"note: {note}")
        log(f"z-points: {zs.shape[0]:,} x {zs.shape[1]} from {Path(z).expanduser().resolve()}; "
            f"notebooks {', '.join(only)} analyse "
            f"them, the others are left out (reasons in the report)")
    if unlabelled:
        store.RunDir(run.path, PROBES).record("skipped", unlabelled)
        log(f"note: notebook 07 is left out: {unlabelled}")
    check_inputs(run, [nb.stem for nb in notebooks])  # before any notebook runs for minutes
    os.environ.setdefault("NBHELPERS_STATIC", "1")  # no widget frontend under papermill
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # no C++ lines, not even cuInit's error
    params = {"profile": profile, "run_dir": str(run_path), "data": data, "overrides": overrides}
    log(f"run directory: {run_path} (profile {profile}, {len(notebooks)} notebooks)")
    done = {}
    for nb in notebooks:
        out = run.path / "notebooks" / nb.name
        log(f"[{nb.name}] running ...")
        done[nb.name] = execute(nb, out, params, cwd=nb.parent, log=log,
                                stream_stdout=stream_stdout)
        log(f"[{nb.name}] done in {done[nb.name]:.1f} s")
    timings = read_json(run.path / "timings.json", {})
    timings.update({name: round(seconds, 2) for name, seconds in done.items()})
    atomic_write_json(run.path / "timings.json", timings)
    report = write_report(run.path, baseline_spread(run.path), references(run.path))
    log(f"report: {report}")
    log(verdict(run.path))
    return run.path


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
        return claims.evaluate(results), None, None, why
    base = load_baseline(path)
    rows = claims.evaluate(results, spread=baseline.spreads(base))
    return rows, baseline.compare(results, base, statuses(rows)), path, ""


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


def main_run(args) -> int:
    try:
        overrides = config.parse_assignments(args.set)
        only = [t.strip() for t in (args.only or "").split(",") if t.strip()]
        if args.only is not None and not only:
            raise ValueError(f"--only {args.only!r} names no notebook; expected numbers such as "
                             f"--only 02,04")
        run_series(args.profile, data=args.data, run_dir=args.run_dir, start=args.start,
                   only=only, overrides=overrides, notebooks_dir=args.notebooks,
                   z=args.z, z_key=args.z_key, decoder=args.decoder, images=args.images,
                   labels=args.labels, vae=args.vae)
    except NotebookFailed as exc:
        print(f"\nFAILED: {exc}", file=sys.stderr)
        return 1
    except (config.ConfigError, ValueError, FileNotFoundError, store.ArtifactError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


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
    """``baseline``: write a baseline from runs with different seeds (``--runs A B C ...``)."""
    runs = []
    for run_dir in args.runs:
        results = store.read_results(run_dir)
        if not results or not results.get("environment"):
            print(f"error: {Path(run_dir) / store.RESULTS} holds no run with an environment "
                  f"record; run the series first", file=sys.stderr)
            return 2
        runs.append(results)
    profiles = {r["environment"].get("profile") for r in runs}
    seeds = [r["environment"].get("seed") for r in runs]
    if len(profiles) != 1 or len(set(seeds)) != len(seeds):
        print(f"error: expected runs of one profile with different seeds, found profiles "
              f"{sorted(map(str, profiles))} and seeds {seeds}", file=sys.stderr)
        return 2
    data = [dataset.data_identity(data_info(run_dir)) for run_dir in args.runs]
    if any(d != data[0] for d in data):
        print(f"error: expected runs on the same images, found {len({str(d) for d in data})} "
              f"different data sets ({', '.join(sorted({d['kind'] for d in data}))})",
              file=sys.stderr)
        return 2
    if data[0]["kind"] == "external":
        print("error: runs of external z-points have no baseline (the baselines describe the "
              "series' own runs)", file=sys.stderr)
        return 2
    lend = load_baseline(args.scale_from) if args.scale_from else None
    profile = profiles.pop()
    note = (f"profile {profile}, seeds {', '.join(map(str, seeds))}"
            + (f"; relative tolerances of {Path(args.scale_from).name} where wider"
               if lend else "") + (f"; {args.note}" if getattr(args, "note", "") else ""))
    first = baseline.make_baseline(runs, note, lend, data[0])
    spread = baseline.spreads(first)
    per_seed = [statuses(claims.evaluate(r, spread=spread)) for r in runs]
    agreed = {}
    for cid in per_seed[0]:  # a seed that could not measure a claim does not vote on it
        votes = {s[cid] for s in per_seed} - {claims.NOT_MEASURED}
        agreed[cid] = (votes.pop() if len(votes) == 1 else
                       claims.NOISE if votes else claims.NOT_MEASURED)
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
