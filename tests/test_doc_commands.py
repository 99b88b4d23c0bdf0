"""Every command shown in a ``bash`` block of README.md and docs/*.md parses: the CLI's own
argument parser for ``python -m nbhelpers``, the profile's fields for ``--set`` and for
papermill's ``-p``/``-y`` parameters, the Makefile's variables for ``make``. A doc example that
names a parameter, an option or a profile that does not exist fails here, not in a user's
terminal."""

import re
import shlex
from pathlib import Path

import pytest
import yaml

from nbhelpers import config
from nbhelpers.__main__ import build_parser
from nbhelpers.core.choices import PROFILES

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
NOTEBOOK_PARAMETERS = {"profile", "run_dir", "data", "overrides"}  # each notebook's parameters cell
MAKE_VARIABLES = set(re.findall(r"^([A-Z_]+)\s*\?=", (ROOT / "Makefile").read_text(), re.M))
MAKE_TARGETS = set(re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(), re.M))


def commands(text: str) -> list[str]:
    """The commands of the ``bash`` blocks of a Markdown text: continuation lines joined,
    comments and shell loop keywords dropped."""
    out = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = re.sub(r"(^|\s)#.*$", "", line).strip()
            if line and line.split()[0] not in ("for", "done", "do"):
                out.append(line)
    return out


def _fields(assignments: list[str], where: str) -> list[str]:
    bad = []
    for item in assignments:
        key = item.split("=", 1)[0]
        if key not in config.FIELDS:
            bad.append(f"{where}: --set {key}: not a profile parameter")
    return bad


def problems(command: str) -> list[str]:
    """What is wrong with one documented command (empty: it parses)."""
    words = shlex.split(command)
    while words and re.match(r"^[A-Z_]+=", words[0]):  # VAR=value prefixes
        words = words[1:]
    if not words:
        return []
    if words[0] == "make":
        env = dict(w.split("=", 1) for w in shlex.split(command) if re.match(r"^[A-Z_]+=", w))
        out = [f"{command}: make has no variable {v}" for v in env
               if v not in MAKE_VARIABLES | {"PYTEST_ARGS", "KERAS_BACKEND"}]
        out += [f"{command}: make has no target {t}" for t in words[1:] if t not in MAKE_TARGETS]
        if env.get("PROFILE", "default") not in PROFILES:
            out.append(f"{command}: no profile {env['PROFILE']!r}")
        return out
    if "-m" in words and words[words.index("-m") + 1:][:1] == ["nbhelpers"]:
        args = words[words.index("-m") + 2:]
        try:
            parsed = build_parser().parse_args(args)
        except SystemExit:
            return [f"{command}: the CLI's parser refuses it"]
        out = []
        if getattr(parsed, "profile", "default") not in PROFILES:
            out.append(f"{command}: no profile {parsed.profile!r}")
        return out + _fields(getattr(parsed, "set", None) or [], command)
    if words[0].endswith("papermill"):
        out = []
        for flag, name, value in zip(words, words[1:], words[2:], strict=False):
            if flag == "-p" and name not in NOTEBOOK_PARAMETERS:
                out.append(f"{command}: -p {name}: not a notebook parameter")
            if flag == "-p" and name == "profile" and value not in PROFILES:
                out.append(f"{command}: no profile {value!r}")
        for flag, value in zip(words, words[1:], strict=False):
            if flag == "-y":
                for name, v in yaml.safe_load(value).items():
                    if name not in NOTEBOOK_PARAMETERS:
                        out.append(f"{command}: -y {name}: not a notebook parameter")
                    elif name == "overrides":
                        out += [f"{command}: overrides {k}: not a profile parameter"
                                for k in v if k not in config.FIELDS]
        return out
    return []


@pytest.mark.parametrize("doc", DOCS, ids=[p.name for p in DOCS])
def test_every_documented_command_parses(doc):
    found = [p for c in commands(doc.read_text()) for p in problems(c)]
    assert not found, "\n".join(found)


def test_the_check_catches_a_planted_unknown_parameter():
    planted = ("```bash\npython -m nbhelpers run --profile smoke --set bin_width=0.5\n"
               ".venv/bin/papermill a.ipynb b.ipynb -p profile smoke -y \"overrides: {bin_width: 1}\"\n"
               "PROFILE=tiny make run\npython -m nbhelpers run --frm 02\n```\n")
    found = [p for c in commands(planted) for p in problems(c)]
    assert len(found) == 4, found
    assert "--set bin_width: not a profile parameter" in found[0]
    assert "overrides bin_width: not a profile parameter" in found[1]
    assert "no profile 'tiny'" in found[2] and "the CLI's parser refuses it" in found[3]
