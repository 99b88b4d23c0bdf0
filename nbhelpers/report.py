"""The run report: one self-contained page (figures embedded as data URIs) that opens with the
findings (the claims, checked against this run's numbers), says what produced the run, and then
shows each notebook's recorded values as readable tables and its figures."""

from __future__ import annotations

import base64
import html
import io
import json
import os
import re
from pathlib import Path

from . import claims, plots, store
from .core.files import atomic_write_bytes, read_json
from .monitor import COLAB_RAM_GB, T4_VRAM_GB, read_log

KIND = {"photos": "real faces", "synthetic": "synthetic faces", "external": "your z-points"}
# the limits a run's memory timeline is drawn against, by where it ran
LIMITS = {"colab": {"Colab's RAM": COLAB_RAM_GB, "the T4's VRAM": T4_VRAM_GB}}
STATUS_CLASS = {claims.HOLDS: "holds", claims.FAILS: "fails", claims.NOISE: "noise",
                claims.NOT_MEASURED: "unmeasured"}


def _fmt(value) -> str:
    if isinstance(value, bool) or value is None:
        return html.escape(str(value))
    if isinstance(value, float):
        return f"{value:.4g}"
    return html.escape(str(value))


def _scalar(value) -> bool:
    return not isinstance(value, (dict, list))


def value_html(value) -> str:
    """A recorded value as HTML: a list of dicts or a dict of dicts as a table with one column
    per key, a dict of scalars as a two-column table, a list of scalars as a comma list; nested
    deeper, the same rules inside each cell. Nothing is cut off."""
    if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
        return _rows_table([(k, v) for k, v in value.items()], first="")
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return _rows_table([(str(i), v) for i, v in enumerate(value)], first="#")
    if isinstance(value, dict) and value:
        rows = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{value_html(v)}</td></tr>"
                       for k, v in value.items())
        return f"<table class='inner'>{rows}</table>"
    if isinstance(value, list) and all(_scalar(v) for v in value):
        return ", ".join(_fmt(v) for v in value) or "(empty)"
    if isinstance(value, list):
        return "<br>".join(value_html(v) for v in value)
    return _fmt(value)


def _rows_table(rows: list[tuple[str, dict]], first: str) -> str:
    cols = list(dict.fromkeys(k for _, v in rows for k in v))
    head = f"<th>{html.escape(first)}</th>" + "".join(f"<th>{html.escape(str(c))}</th>" for c in cols)
    body = "".join(f"<tr><th>{html.escape(name)}</th>"
                   + "".join(f"<td>{value_html(v.get(c, ''))}</td>" for c in cols) + "</tr>"
                   for name, v in rows)
    return f"<table class='inner'><tr>{head}</tr>{body}</table>"


def _png(fig) -> str:
    """A figure as base64 PNG, for the page."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode()


SAVED = re.compile(r'save_figure\(.*"([\w.-]+)"\)\s*$', re.M)


def _notebook_parts(path: Path, figures: Path | None = None) -> tuple[str, list[str]]:
    """Title (first Markdown heading) and the figures (base64 PNG) of an executed notebook, in
    cell order: every figure a cell saved with ``run.save_figure`` (read from ``figures/``, so a
    cell that saves two figures, or ends with a print, still shows all of them), and the PNG
    outputs of cells that save none (the explorers' static views)."""
    nb = json.loads(path.read_text())
    title, images = path.stem, []
    for cell in nb.get("cells", []):
        src = "".join(cell.get("source", []))
        if cell.get("cell_type") == "markdown" and title == path.stem:
            m = re.search(r"^#\s+(.+)$", src, re.M)
            if m:
                title = m.group(1).strip()
        saved = [figures / f"{name}.png" for name in SAVED.findall(src)] if figures else []
        if saved:
            images += [base64.b64encode(f.read_bytes()).decode() for f in saved if f.exists()]
            continue
        for out in cell.get("outputs", []):
            png = out.get("data", {}).get("image/png")
            if png:
                images.append("".join(png) if isinstance(png, list) else png)
    return title, images


def _reference_cell(ref: dict, row: dict) -> str:
    """A claim's value in a reference baseline: the seeds' mean and the status they agreed on."""
    entry = ref.get("values", {}).get(row["key"])
    status = ref.get("claims", {}).get(row["id"])
    if entry is None:
        return f"<td>{html.escape(status or 'not measured')}</td>"
    return (f"<td class='{STATUS_CLASS.get(status, 'unmeasured')}'>{_fmt(entry['value'])}"
            f"<br><small>{html.escape(status or '')}</small></td>")


def findings_html(rows: list[dict], references: dict[str, dict] | None = None,
                  kind: str = "") -> str:
    """The claims table: claim, the blog's value, this run's value and verdict, and beside them
    the same claim in each reference baseline ({label: baseline}: "real faces", "synthetic
    faces"), its seeds' mean and the status they agreed on."""
    references = references or {}
    heads = "".join(
        f"<th>{html.escape(label)}<br><small>{html.escape(ref['file'])}, mean of "
        f"{len(ref.get('made_from', {}).get('seeds') or [])} seed(s) of the "
        f"{html.escape(str(ref.get('made_from', {}).get('profile')))} profile</small></th>"
        for label, ref in references.items())
    body = "".join(
        f"<tr class='{STATUS_CLASS[r['status']]}'><td>{html.escape(r['claim'])}"
        f"<br><small>{html.escape(r['id'])}, notebook {html.escape(r['notebook'][:2])}</small></td>"
        f"<td>{html.escape(r['blog'])}</td><td>{html.escape(r['value'])}</td>"
        + "".join(_reference_cell(ref, r) for ref in references.values())
        + f"<td><b>{html.escape(r['status'])}</b></td></tr>" for r in rows)
    counts = ", ".join(f"{sum(r['status'] == s for r in rows)} {s}" for s in STATUS_CLASS)
    this = f"this run ({html.escape(kind)})" if kind else "this run"
    side = (" Beside this run: the same claims in the committed baselines (the mean over their "
            "seeds), so that the blog's CelebA, real faces and synthetic faces read side by "
            "side." if references else "")
    return (f"<section><h2>Findings</h2><p>{counts}. Claims marked <em>ours</em> are this "
            f"project's questions, not the blog's.{side}</p><table><tr><th>claim</th>"
            f"<th>the blog (CelebA)</th><th>{this}</th>{heads}<th>verdict (this run)</th></tr>"
            f"{body}</table></section>")


def environment_html(env: dict) -> str:
    if not env:
        return "<p><em>The run recorded no environment.</em></p>"
    keep = {k: v for k, v in env.items() if k != "parameters"}
    params = env.get("parameters", {})
    return (f"<section><h2>What produced this run</h2>{value_html(keep)}"
            f"<details><summary>every parameter of profile {html.escape(str(env.get('profile')))}"
            f"</summary>{value_html(params)}</details></section>")


def write_report(run_dir: str | os.PathLike, spread: dict[str, float] | None = None,
                 references: dict[str, dict] | None = None) -> Path:
    """Write ``report.html`` into the run directory and return its path. ``spread``: the
    baseline's seed spreads, so that claims near their line read "within noise";
    ``references``: baselines whose claims the findings table shows beside the run's."""
    run_dir = Path(run_dir)
    results = store.read_results(run_dir)
    timings = read_json(run_dir / "timings.json", {})
    sections = []
    for nb_path in sorted((run_dir / "notebooks").glob("*.ipynb")):
        title, images = _notebook_parts(nb_path, run_dir / "figures")
        values = results.get(nb_path.stem, {})
        rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{value_html(v)}</td></tr>"
                       for k, v in values.items())
        table = f"<table>{rows}</table>" if rows else "<p><em>no recorded values</em></p>"
        figs = "".join(f"<img alt='figure {i + 1} of {html.escape(nb_path.stem)}' "
                       f"src='data:image/png;base64,{img}'>" for i, img in enumerate(images))
        memory = run_dir / "logs" / f"memory-{nb_path.stem}.csv"
        if memory.exists():
            images.append(_png(plots.memory_timeline(
                read_log(memory), f"{nb_path.stem[:2]}: memory of the notebook's kernel",
                LIMITS.get(results.get("environment", {}).get("host")))))
        secs = timings.get(nb_path.name)
        took = f" <span class='t'>({secs:.1f} s)</span>" if secs is not None else ""
        sections.append(f"<section><h2>{html.escape(nb_path.stem)}: {html.escape(title)}{took}"
                        f"</h2><h3>Recorded values</h3>{table}<h3>Figures</h3>{figs or '<p>none</p>'}"
                        f"</section>")
    data = read_json(run_dir / "data.json", {})
    images = data.get("images") or {}
    used = (f"<br><small>which photos: the first {images['count']:,} of {images['available']:,} "
            f"in {html.escape(str(images['folder']))} ({html.escape(images['selection'])}; from "
            f"{html.escape(images['first'][0])} to {html.escape(images['last'])}); sha256 of "
            f"their names {images['names_sha256']}</small>") if images else ""
    origin = (f"<p>Data: {html.escape(str(data['source']))}{used}"
              + "".join(f"<br><small>{html.escape(str(n))}</small>" for n in data.get("notes", []))
              + "</p>") if data.get("source") else ""
    ran = {p.stem for p in (run_dir / "notebooks").glob("*.ipynb")}
    left = [(nb, v["skipped"]) for nb, v in results.items()
            if isinstance(v, dict) and set(v) == {"skipped"} and nb not in ran]
    left_out = ("<h2>Notebooks left out</h2><ul>" + "".join(
        f"<li><b>{html.escape(nb)}</b>: {html.escape(str(why))}</li>" for nb, why in sorted(left))
        + "</ul>") if left else ""
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Run report: {html.escape(run_dir.name)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; }}
table {{ border-collapse: collapse; margin: .5em 0; }} th, td {{ border: 1px solid #ccc;
padding: 3px 8px; text-align: left; vertical-align: top; }} th {{ background: #f4f4f4; }}
table.inner th, table.inner td {{ font-size: 90%; }} img {{ max-width: 100%; display: block;
margin: 1em 0; border: 1px solid #eee; }} .t {{ color: #777; font-weight: normal; }}
tr.holds td:last-child {{ background: #e3f4e3; }} tr.fails td:last-child {{ background: #fbe3e3; }}
tr.unmeasured td:last-child {{ background: #eee; }} tr.noise td:last-child {{ background: #fff4d6; }}
td.holds {{ background: #f1faf1; }} td.fails {{ background: #fdf1f1; }} td.noise {{ background: #fffaeb; }}
small {{ color: #777; }}
</style></head><body>
<h1>Run report: {html.escape(run_dir.name)}</h1>
<p>Run directory: <code>{html.escape(str(run_dir))}</code></p>
{origin}
{findings_html(claims.evaluate(results, spread=spread), references, KIND.get(data.get("kind"), ""))}
{environment_html(results.get("environment", {}))}
{left_out}
{''.join(sections) or '<p>No executed notebooks in this run.</p>'}
</body></html>
"""
    target = run_dir / "report.html"
    atomic_write_bytes(target, page.encode())
    return target
