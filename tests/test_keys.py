"""The registry of recorded keys (``nbhelpers.keys``): every key a claim reads, the baseline
compares or a committed baseline holds is declared; every function a key names exists; the key
table in docs/results_keys.md is the registry's; an undeclared key is refused the moment a
notebook records it; and a key renamed in the registry fails these checks in under a second."""

import fnmatch
import importlib
import importlib.util
import json
import sys
import time
from pathlib import Path

import pytest

from nbhelpers import baseline, claims, keys, store

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))


def unresolved(paths, registry) -> list[str]:
    """The paths ("notebook/key/...") whose notebook and key the registry does not declare."""
    return sorted(p for p in paths if (p.split("/")[0], p.split("/")[1].split("[")[0])
                  not in registry)


def committed_baseline_keys() -> set[str]:
    out = set()
    for path in (ROOT / "baselines").glob("*.json"):
        if path.name == "self_checks.json":  # not a seed baseline: tests/test_selfcheck.py
            continue
        out |= set(json.loads(path.read_text())["values"])
    return out


def test_claims_baseline_groups_and_committed_baselines_name_declared_keys():
    assert unresolved([c.key for c in claims.CLAIMS], keys.REGISTRY) == []
    patterns = [p for g in baseline.COMPARED for p in g.patterns]
    assert unresolved(patterns, keys.REGISTRY) == []
    assert unresolved(committed_baseline_keys(), keys.REGISTRY) == []
    for key in committed_baseline_keys():  # and every committed key is still compared
        assert baseline.group_of(key) is not None, key


def _resolve(name: str):
    """The object ``nbhelpers.<name>`` names: the longest importable module prefix, then
    attributes."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module("nbhelpers." + ".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ModuleNotFoundError(name)


def test_every_function_a_key_names_exists():
    for key in keys.REGISTRY.values():
        for name in key.computed_by:
            try:
                _resolve(name)
            except (ModuleNotFoundError, AttributeError) as exc:
                pytest.fail(f"{key.path} names {name}, which does not exist ({exc})")


def test_the_key_table_is_the_registrys():
    from key_table import key_table

    doc = ROOT / "docs" / "results_keys.md"
    assert doc.read_text() == key_table(), ("docs/results_keys.md is stale: run "
                                            ".venv/bin/python tools/key_table.py")


def test_an_undeclared_key_is_refused_when_it_is_recorded(tmp_path):
    run = store.RunDir(tmp_path, "02_latent_number_density")
    run.record(keys.Density.RADIUS_RATIO, 1.0)
    run.record("radius_ratio", 1.0)  # its name, declared: fine
    with pytest.raises(keys.UndeclaredKey, match="'radius_ratoi', which nbhelpers/keys.py does "
                                                  "not declare"):
        run.record("radius_ratoi", 1.0)
    with pytest.raises(keys.UndeclaredKey, match="a key of another notebook"):
        run.record(keys.Tsne.VOID_RATIO, {})
    assert store.read_results(tmp_path)["02_latent_number_density"] == {"radius_ratio": 1.0}


def test_a_key_renamed_in_a_copy_of_the_registry_fails_in_under_a_second(tmp_path):
    """The failure this registry exists for: a key renamed in one place while the baselines and
    the claims still hold the old name. Here it fails at once, naming the key."""
    text = (ROOT / "nbhelpers" / "keys.py").read_text()
    renamed = text.replace('"radius_ratio_scaled"', '"radius_ratio_per_sigma"')
    assert renamed != text
    copy = tmp_path / "keys_copy.py"
    copy.write_text(renamed)
    t0 = time.perf_counter()
    spec = importlib.util.spec_from_file_location("keys_copy", copy)
    module = importlib.util.module_from_spec(spec)
    sys.modules["keys_copy"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    stale = unresolved(committed_baseline_keys(), module.REGISTRY)
    assert time.perf_counter() - t0 < 1.0
    assert "02_latent_number_density/radius_ratio_scaled" in stale
    assert unresolved(committed_baseline_keys(), keys.REGISTRY) == []  # the real one holds


def test_compared_patterns_each_match_a_key_of_a_committed_baseline():
    """No pattern of the baseline's groups is dead: each compares something in some baseline."""
    present = committed_baseline_keys()
    for group in baseline.COMPARED:
        for pattern in group.patterns:
            assert any(fnmatch.fnmatchcase(k, pattern) for k in present), pattern
