"""Execute the notebook series with papermill and write the run report.

``run_series`` executes ``notebooks/NN_*.ipynb`` in order, injecting ``profile``, ``run_dir``,
``data`` and ``overrides`` into each notebook's ``parameters`` cell and writing the executed copy to
``<run_dir>/notebooks/``. It stops at the first failing notebook, naming it, the failing cell and
the error; the partly executed copy stays in the run directory. At the end ``report.html`` is
written: one self-contained page with each notebook's recorded values and figures.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import sys
import time
from pathlib import Path

from . import config, store
from .core.files import atomic_write_bytes, atomic_write_json, read_json

NB_PATTERN = re.compile(r"^(\d\d)_.+\.ipynb$")


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
               stream_stdout: bool = True) -> Path:
    """Execute the series; return the run directory (its report.html is written at the end).

    ``log`` gets a line per notebook and per code cell; ``stream_stdout`` passes the cells'
    printed output through as it comes."""
    overrides = dict(overrides or {})
    config.load(profile, data=data, **overrides)  # fail before the first kernel starts
    run_path = Path(run_dir or config.default_run_dir(profile)).expanduser().resolve()
    run = store.RunDir(run_path)
    notebooks = find_notebooks(notebooks_dir, start, only)
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
    report = write_report(run.path)
    log(f"report: {report}")
    return run.path


# -- report -----------------------------------------------------------------------------------
def _value_html(value) -> str:
    if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
        cols = sorted({k for v in value.values() for k in v})
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in cols)
        rows = "".join(
            f"<tr><th>{html.escape(str(k))}</th>"
            + "".join(f"<td>{_fmt(v.get(c, ''))}</td>" for c in cols) + "</tr>"
            for k, v in value.items()
        )
        return f"<table class='inner'><tr><th></th>{head}</tr>{rows}</table>"
    return _fmt(value)


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, dict)):
        text = json.dumps(value)
        if len(text) > 400:
            text = text[:400] + " ..."
        return f"<code>{html.escape(text)}</code>"
    return html.escape(str(value))


def _notebook_parts(path: Path) -> tuple[str, list[str]]:
    """Title (first Markdown heading) and the PNG outputs (base64) of an executed notebook."""
    nb = json.loads(path.read_text())
    title, images = path.stem, []
    for cell in nb.get("cells", []):
        src = "".join(cell.get("source", []))
        if cell.get("cell_type") == "markdown" and title == path.stem:
            m = re.search(r"^#\s+(.+)$", src, re.M)
            if m:
                title = m.group(1).strip()
        for out in cell.get("outputs", []):
            png = out.get("data", {}).get("image/png")
            if png:
                images.append("".join(png) if isinstance(png, list) else png)
    return title, images


def write_report(run_dir: str | os.PathLike) -> Path:
    """Write ``report.html`` (self-contained: figures embedded as data URIs) and return its path."""
    run_dir = Path(run_dir)
    results = store.read_results(run_dir)
    timings = read_json(run_dir / "timings.json", {})
    sections = []
    for nb_path in sorted((run_dir / "notebooks").glob("*.ipynb")):
        title, images = _notebook_parts(nb_path)
        values = results.get(nb_path.stem, {})
        rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{_value_html(v)}</td></tr>"
                       for k, v in values.items())
        table = f"<table>{rows}</table>" if rows else "<p><em>no recorded values</em></p>"
        figs = "".join(f"<img alt='figure {i + 1} of {html.escape(nb_path.stem)}' "
                       f"src='data:image/png;base64,{img}'>" for i, img in enumerate(images))
        secs = timings.get(nb_path.name)
        took = f" <span class='t'>({secs:.1f} s)</span>" if secs is not None else ""
        sections.append(f"<section><h2>{html.escape(nb_path.stem)}: {html.escape(title)}{took}"
                        f"</h2><h3>Recorded values</h3>{table}<h3>Figures</h3>{figs or '<p>none</p>'}"
                        f"</section>")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Run report: {html.escape(run_dir.name)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; }}
table {{ border-collapse: collapse; margin: .5em 0; }} th, td {{ border: 1px solid #ccc;
padding: 3px 8px; text-align: left; vertical-align: top; }} th {{ background: #f4f4f4; }}
table.inner th, table.inner td {{ font-size: 90%; }} img {{ max-width: 100%; display: block;
margin: 1em 0; border: 1px solid #eee; }} .t {{ color: #777; font-weight: normal; }}
code {{ font-size: 85%; word-break: break-all; }}
</style></head><body>
<h1>Run report: {html.escape(run_dir.name)}</h1>
<p>Run directory: <code>{html.escape(str(run_dir))}</code></p>
{''.join(sections) or '<p>No executed notebooks in this run.</p>'}
</body></html>
"""
    target = run_dir / "report.html"
    atomic_write_bytes(target, page.encode())
    return target


def main_run(args) -> int:
    try:
        overrides = config.parse_assignments(args.set)
        only = [t for t in (args.only or "").split(",") if t.strip()]
        run_series(args.profile, data=args.data, run_dir=args.run_dir, start=args.start,
                   only=only, overrides=overrides, notebooks_dir=args.notebooks)
    except NotebookFailed as exc:
        print(f"\nFAILED: {exc}", file=sys.stderr)
        return 1
    except (config.ConfigError, ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
