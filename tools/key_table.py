"""Write docs/results_keys.md, the table of every results.json key, from ``nbhelpers.keys``.

    .venv/bin/python tools/key_table.py          # rewrites docs/results_keys.md

``tests/test_keys.py`` fails when the committed table is not what this makes.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nbhelpers import keys  # noqa: E402

HEAD = """# Every results.json key and the code that computes it

Generated from `nbhelpers/keys.py`, where each recorded value is declared once, by
`tools/key_table.py` (`tests/test_keys.py` fails when this file is not what it makes). Steps
record through these declarations, claims read them and the baseline compares them; a notebook
that records an undeclared key stops at once. "Computed with" names the functions and classes of
`latent`, `models`, `data` and `resources` where the numbers are computed; * marks a key only
some runs record (a widened trim, a skipped study, external z-points). Keys any notebook records
are listed once, under "every notebook".

| notebook | key | unit | what it holds | computed with |
|---|---|---|---|---|
"""


def key_table() -> str:
    rows = []
    for group in keys.GROUPS:
        for key in (k for k in vars(group).values() if isinstance(k, keys.Key)):
            nb = "every notebook" if key.notebook == keys.ANY else key.notebook
            by = ", ".join(f"`{b}`" for b in key.computed_by)
            star = " *" if key.only_sometimes else ""
            rows.append(f"| {nb} | `{key.name}`{star} | {key.unit} | {key.meaning} | {by} |")
    return HEAD + "\n".join(rows) + "\n"


if __name__ == "__main__":
    target = ROOT / "docs" / "results_keys.md"
    target.write_text(key_table())
    print(f"wrote {target}")
