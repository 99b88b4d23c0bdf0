"""Execute the notebook series with papermill and write the run report.

``run_series`` takes a ``RunRequest``, checks it (``plan``: nothing is written before every input
passes), runs the plan's first steps (your z-points registered in the run, a notebook left out
with its reason) and executes ``notebooks/NN_*.ipynb`` in order, injecting ``profile``,
``run_dir``, ``data`` and ``overrides`` (where ``--labels`` and ``--set`` values ride) into each
notebook's ``parameters`` cell and writing the executed copy to ``<run_dir>/notebooks/``; a run
of your z-points needs no parameter: the notebooks find them through ``data.json``. It stops at
the first failing notebook, naming it, the failing cell and the error; the partly executed copy
stays in the run directory. At the end ``report.html`` is written: one self-contained page with
each notebook's recorded values and figures.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import config, regression, store
from .core.files import atomic_write_json, read_json
from .keys import Shared
from .steps import dataset, estimate, external
from .steps.artifacts import check_inputs

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


@dataclass(frozen=True)
class RunRequest:
    """What to run on which data: a profile and its ``overrides``; ``data``, a folder or zip of
    face photos (with ``labels``, a CSV labelling them), or ``z``, your own z-points
    (``steps.external.ExternalZ``, its labels inside it); which notebooks (``start``, ``only``,
    from ``notebooks_dir``); the run directory (default ``runs/<profile>``)."""

    profile: str = "default"
    data: str | None = None
    labels: str | None = None
    z: external.ExternalZ | None = None
    run_dir: str | os.PathLike | None = None
    start: str | None = None
    only: tuple[str, ...] = ()
    overrides: dict = field(default_factory=dict)
    notebooks_dir: str | os.PathLike | None = None
    resume: bool = False  # skip the notebooks the run directory holds finished
    estimate: bool = False  # print how long the series takes here before it starts (the CLI)


@dataclass
class Plan:
    """``plan``'s answer: the notebooks to execute, the parameters they get, the run directory,
    and the steps that prepare the run before the first notebook (each returns lines to show)."""

    notebooks: list[Path]
    parameters: dict
    run_path: Path
    first_steps: list[Callable[[store.RunDir], list[str]]] = field(default_factory=list)


def _left_out(notebook: str, why: str) -> Callable[[store.RunDir], list[str]]:
    def step(run: store.RunDir) -> list[str]:
        store.RunDir(run.path, notebook).record(Shared.SKIPPED, why)
        return [f"note: notebook {notebook[:2]} is left out: {why}"]
    return step


def plan(request: RunRequest) -> Plan:
    """Check everything a run needs before anything is written: the profile and its overrides,
    your z-points and their companions (``steps.external.check``) or the photos and their labels
    (``steps.dataset.check_photos``), the notebooks asked for; raise naming what is wrong."""
    overrides, only = dict(request.overrides), list(request.only)
    first: list[Callable[[store.RunDir], list[str]]] = []
    z = request.z
    # the notebooks run in their own folder: a path the user gave relative to here is made whole
    data = None if request.data is None else str(Path(request.data).expanduser().absolute())
    if z is None and request.labels is not None:
        if data is None:
            raise external.InputError("--labels labels photos (with --data PATH) or your own "
                                      "z-points (with --z PATH); found neither")
        overrides["labels"] = str(Path(request.labels).expanduser().absolute())
    if z is not None:
        checked, overrides = external.check(z, request.profile, data, overrides, only)
        only = checked.notebooks
        first.append(checked.register)
    cfg = config.load(request.profile, data=data, **overrides)
    if z is None and cfg.data_source == "photos":
        photos = dataset.check_photos(cfg)  # the listing and the labels, before any write
        if photos.labels is None and not (only or request.start):
            only = [nb.name[:2] for nb in find_notebooks(request.notebooks_dir)
                    if nb.stem != PROBES]
            first.append(_left_out(PROBES, "the photos have no labels: give --labels labels.csv "
                                           "(a 'file' column and one numeric column per factor) "
                                           "or put CelebA's list_attr_celeba.txt beside them"))
    notebooks = find_notebooks(request.notebooks_dir, request.start, only)
    run_path = Path(request.run_dir or config.default_run_dir(request.profile)).expanduser()
    if request.resume:  # a notebook is finished when it recorded its end (``nbh.end``)
        finished = {nb for nb, values in store.read_results(run_path).items()
                    if isinstance(values, dict) and Shared.RESOURCES.name in values}
        notebooks = [nb for nb in notebooks if nb.stem not in finished]
        if finished:
            first.append(lambda run: [f"note: resuming: {', '.join(sorted(n[:2] for n in finished))} "
                                      f"finished before, not run again"])
    parameters = {"profile": request.profile, "run_dir": str(run_path.resolve()),
                  "data": data, "overrides": overrides}
    return Plan(notebooks, parameters, run_path.resolve(), first)


def run_series(request: RunRequest, log=print, stream_stdout: bool = True) -> Path:
    """Execute the series as ``plan`` says; return the run directory (its report.html is
    written at the end, and the verdict printed: the claims and the check against the baseline
    that describes the run, ``regression.verdict``).

    ``log`` gets a line per notebook and per code cell; ``stream_stdout`` passes the cells'
    printed output through as it comes."""
    p = plan(request)
    run = store.RunDir(p.run_path)
    for step in p.first_steps:
        for line in step(run):
            log(line)
    check_inputs(run, [nb.stem for nb in p.notebooks])  # before any notebook runs for minutes
    os.environ.setdefault("NBHELPERS_STATIC", "1")  # no widget frontend under papermill
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # no C++ lines, not even cuInit's error
    log(f"run directory: {run.path} (profile {request.profile}, {len(p.notebooks)} notebooks)")
    numbers = [nb.name[:2] for nb in p.notebooks]
    est = series_estimate(request, log) if request.estimate and request.z is None else None
    if est is not None:
        for line in estimate.lines(est, numbers):
            log(line)
        atomic_write_json(run.path / "estimate.json", est)
    done, actual = {}, {}
    for i, nb in enumerate(p.notebooks):
        out = run.path / "notebooks" / nb.name
        ahead = (f" (estimate {est['notebooks'][numbers[i]]:.0f} s; "
                 f"{estimate.left_line(est, actual, numbers[i:])})") if est and actual else ""
        log(f"[{nb.name}] running ...{ahead}")
        done[nb.name] = execute(nb, out, p.parameters, cwd=nb.parent, log=log,
                                stream_stdout=stream_stdout)
        actual[numbers[i]] = done[nb.name]
        log(f"[{nb.name}] done in {done[nb.name]:.1f} s")
    timings = read_json(run.path / "timings.json", {})
    timings.update({name: round(seconds, 2) for name, seconds in done.items()})
    atomic_write_json(run.path / "timings.json", timings)
    log(f"report: {regression.write_run_report(run.path)}")
    log(regression.verdict(run.path))
    return run.path


def series_estimate(request: RunRequest, log=print) -> dict | None:
    """``python -m nbhelpers estimate`` for the request, in a process of its own (its Keras
    model and random draws stay out of this one); None, with a line saying why, if it fails."""
    cmd = [sys.executable, "-m", "nbhelpers", "estimate", "--json", "--profile", request.profile]
    cmd += ["--data", str(request.data)] if request.data else []
    overrides = dict(request.overrides, **({"labels": request.labels} if request.labels else {}))
    for key, value in overrides.items():
        cmd += ["--set", f"{key}={value}"]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        log(f"no time estimate: {(proc.stderr.strip().splitlines() or ['no output'])[-1]}")
        return None


def request_of(args) -> RunRequest:
    """The ``run`` command's arguments as a RunRequest."""
    only = [t.strip() for t in (args.only or "").split(",") if t.strip()]
    if args.only is not None and not only:
        raise ValueError(f"--only {args.only!r} names no notebook; expected numbers such as "
                         f"--only 02,04")
    if args.z is None and (args.decoder or args.images or args.vae or args.z_key):
        raise external.InputError("--decoder, --images, --vae and --z-key go with --z (your own "
                                  "z-points)")
    z = None if args.z is None else external.ExternalZ(args.z, args.z_key, args.decoder,
                                                       args.images, args.labels, args.vae)
    return RunRequest(args.profile, args.data, None if z else args.labels, z, args.run_dir,
                      args.start, tuple(only), config.parse_assignments(args.set), args.notebooks,
                      args.resume, estimate=args.estimate)


def main_run(args) -> int:
    try:
        run_series(request_of(args))
    except NotebookFailed as exc:
        print(f"\nFAILED: {exc}", file=sys.stderr)
        return 1
    except (config.ConfigError, ValueError, FileNotFoundError, store.ArtifactError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
