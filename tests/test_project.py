"""Project-level rules: dependency lists agree, notebooks are thin, carry no outputs."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_deps() -> dict[str, str]:
    # tomllib is Python 3.11+ and the project supports 3.10: read the two arrays directly
    text = (ROOT / "pyproject.toml").read_text()
    main = re.search(r"^dependencies = \[(.*?)^\]", text, re.S | re.M).group(1)
    dev = re.search(r"^dev = \[(.*?)\]", text, re.M).group(1)
    reqs = re.findall(r'"([^"]+)"', main + dev)
    assert len(reqs) > 10
    return {_name(r): r.replace(" ", "")[len(_name(r)):] for r in reqs}


def _environment_deps() -> dict[str, str]:
    deps, in_deps = {}, False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
            continue
        m = re.match(r"^  - ([A-Za-z0-9_.\-]+)\s*([<>=!~].*)?$", line)
        if in_deps and m and m.group(1) not in ("python", "pip"):
            deps[m.group(1).lower().replace("_", "-")] = (m.group(2) or "").replace(" ", "")
    return deps


def test_environment_yml_agrees_with_pyproject():
    py, env = _pyproject_deps(), _environment_deps()
    assert set(env) == set(py), (f"only in pyproject: {set(py) - set(env)}; "
                                 f"only in environment.yml: {set(env) - set(py)}")
    for name, spec in py.items():
        assert env[name] == spec, f"{name}: pyproject {spec!r}, environment.yml {env[name]!r}"


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_clean_and_thin(path):
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    assert "profile" in "".join(tagged[0]["source"]) and "run_dir" in "".join(tagged[0]["source"])
    for i, cell in enumerate(code):
        src = "".join(cell["source"])
        assert not cell.get("outputs"), f"cell {i} carries committed outputs"
        assert cell.get("execution_count") is None, f"cell {i} carries an execution count"
        assert not re.search(r"^\s*(def|class|for|while)\s", src, re.M), f"cell {i} holds logic"
        lines = [ln for ln in src.splitlines() if ln.strip() and not ln.strip().startswith("#")]
        assert len(lines) <= 15, f"cell {i} has {len(lines)} lines of code"
    assert nb["cells"][0]["cell_type"] == "markdown" and nb["cells"][0]["source"][0].startswith("# ")
    assert "nbh.end()" in "".join(code[-1]["source"]), "a resource line at the end"


def test_readme_is_short_and_links_every_doc():
    text = (ROOT / "README.md").read_text()
    assert len(text.splitlines()) <= 150
    for doc in sorted((ROOT / "docs").glob("*.md")):
        assert f"(docs/{doc.name})" in text, f"README does not link docs/{doc.name}"


def test_readme_and_docs_list_the_compared_groups_of_the_committed_baseline():
    from nbhelpers import baseline

    base = json.loads((ROOT / "baselines" / "smoke.json").read_text())
    assert baseline.groups_table(base) in (ROOT / "docs" / "regression.md").read_text()
    # the README says how many numbers from how many seeds, in one line's words
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert f"compares {len(base['values'])} numbers" in readme
    assert f"from {len(base['made_from']['seeds'])} seeds" in readme
