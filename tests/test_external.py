"""Your own latent space (``--z``): z-points from outside the series analysed by notebooks 02-04.

Bad inputs are refused before anything is written; the same z through the normal series and
through ``--z`` record the same values; real data that no one here made (scikit-learn's digits)
show the findings real clustered data must show."""

import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nbhelpers import claims, regression, runner, store
from nbhelpers.steps import external


def _quiet(*_, **__):
    pass


def _run(z, run_dir, only=(), z_key=None, **companions):
    request = runner.RunRequest("smoke", run_dir=run_dir, only=tuple(only),
                                z=external.ExternalZ(z, z_key, **companions))
    return runner.run_series(request, log=_quiet, stream_stdout=False)


def _refused(tmp_path, name: str, array_or_bytes, match: str, **kw):
    """Write the input, run with it, check the message and that no run directory appeared."""
    path = tmp_path / name
    if isinstance(array_or_bytes, bytes):
        path.write_bytes(array_or_bytes)
    else:
        np.save(path, array_or_bytes, allow_pickle=True)
    run_dir = tmp_path / "run"
    with pytest.raises(external.InputError, match=match) as err:
        _run(path, run_dir, **kw)
    assert str(path) in str(err.value)  # the message names the file
    assert not run_dir.exists()  # nothing written before the inputs pass
    return str(err.value)


GOOD = np.random.default_rng(0).normal(size=(400, 8)).astype(np.float32)


def test_a_1d_array_is_refused_with_the_fix(tmp_path):
    _refused(tmp_path, "z.npy", GOOD[:, 0], r"1-D array of 400 values.*reshape")


def test_more_than_two_dimensions_are_refused_with_the_fix(tmp_path):
    _refused(tmp_path, "z.npy", GOOD.reshape(400, 2, 4), r"shape \(400, 2, 4\).*reshape")


def test_nan_and_infinite_values_are_counted_with_the_first_row(tmp_path):
    z = GOOD.copy()
    z[17, 3], z[250, 0] = np.nan, np.inf
    _refused(tmp_path, "z.npy", z, r"2 of 400 z-points hold NaN or infinite values, the first "
                                   r"in row 17")


def test_too_few_points_for_the_profile_name_the_minimum(tmp_path):
    _refused(tmp_path, "z.npy", GOOD[:60], r"need at least 120 z-points.*found 60")


def test_an_object_array_is_refused_and_never_unpickled(tmp_path):
    obj = np.empty(3, dtype=object)
    obj[:] = [GOOD[:2], "x", None]
    _refused(tmp_path, "z.npy", obj, r"Python objects.*never loaded")


def test_a_pytorch_file_gets_the_export_line(tmp_path):
    msg = _refused(tmp_path, "z.pt", pickle.dumps({"z": [1, 2]}), r"PyTorch file")
    assert "np.save('z.npy', z.detach().cpu().numpy())" in msg


def test_an_archive_of_several_arrays_needs_a_key(tmp_path):
    path = tmp_path / "z.npz"
    np.savez(path, mu=GOOD, logvar=GOOD)
    with pytest.raises(external.InputError, match=r"2 arrays \['mu', 'logvar'\].*--z-key"):
        _run(path, tmp_path / "run")
    with pytest.raises(external.InputError, match=r"no array named 'z'"):
        _run(path, tmp_path / "run", z_key="z")
    assert not (tmp_path / "run").exists()
    assert external.read_z(path, "mu").shape == (400, 8)


def test_a_notebook_that_cannot_use_external_z_is_refused_with_its_reason(tmp_path):
    path = tmp_path / "z.npy"
    np.save(path, GOOD)
    with pytest.raises(external.InputError,
                       match="06_face_generation: needs a Keras decoder .*--decoder.*--images"):
        _run(path, tmp_path / "run", only=["02", "06"])
    assert not (tmp_path / "run").exists()


def test_the_command_line_says_what_is_wrong_and_exits_2(tmp_path):
    path = tmp_path / "z.npy"
    np.save(path, GOOD[:, 0])
    proc = subprocess.run([sys.executable, "-m", "nbhelpers", "run", "--profile", "smoke",
                           "--z", str(path), "--run-dir", str(tmp_path / "run")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "1-D array" in proc.stderr and str(path) in proc.stderr
    assert not (tmp_path / "run").exists()


def test_another_runs_z_points_are_never_overwritten(tmp_path, smoke_run):
    path = tmp_path / "z.npy"
    np.save(path, GOOD)
    before = (Path(smoke_run) / "latent" / "z_ae.npy").read_bytes()
    with pytest.raises(external.InputError, match="already holds the z-points of another run"):
        _run(path, smoke_run)
    assert (Path(smoke_run) / "latent" / "z_ae.npy").read_bytes() == before


def _values(results: dict, notebook: str) -> dict:
    """The recorded values of ``notebook`` without those that depend on the images behind z
    (the factor count: known for our synthetic faces, unknown for z from elsewhere)."""
    out = dict(results[notebook])
    out.pop("resources", None)
    if notebook == "03_tsne_filaments":
        out["tsne_runs"] = [{k: v for k, v in r.items() if k != "seconds"} for r in out["tsne_runs"]]
        for key in ("intrinsic_dimension", "dimension_by_scale"):
            out[key] = {k: v for k, v in out[key].items() if k not in ("truth", "ratio_to_truth")}
    return out


def _decoder_of(run_dir: Path, out: Path) -> Path:
    """The decoder of a series run's AE, saved alone as a user would save theirs."""
    from nbhelpers.models import parts
    from nbhelpers.steps.artifacts import load_model

    parts(load_model(store.RunDir(run_dir), "models/ae.keras"))[1].save(out)
    return out


def _images_of(run_dir: Path) -> Path:
    return Path(json.loads((run_dir / "data.json").read_text())["path"])


def _labels_of(run_dir: Path, out: Path) -> Path:
    """The factors behind a series run's faces as a CSV, one row per z-point."""
    import csv

    from nbhelpers.steps.dataset import open_dataset

    labels = open_dataset(store.RunDir(run_dir)).labels
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(list(labels))
        w.writerows(np.column_stack([np.asarray(v, np.float64) for v in labels.values()]).tolist())
    return out


def test_the_same_z_through_the_series_and_through_z_records_the_same_values(tmp_path, smoke_run):
    """The series' own z, its AE's decoder, its images and their factors, saved as files from
    elsewhere and fed back through --z, --decoder, --images and --labels: 02-04 record the same
    values, 06 the same realism and placements of every sampler's draws, 07 the same probes."""
    theirs = tmp_path / "z_from_elsewhere.npy"
    np.save(theirs, np.load(Path(smoke_run) / "latent" / "z_ae.npy"))
    decoder = _decoder_of(Path(smoke_run), tmp_path / "decoder.keras")
    mine = _run(theirs, tmp_path / "mine", decoder=decoder, images=_images_of(Path(smoke_run)),
                labels=_labels_of(Path(smoke_run), tmp_path / "factors.csv"))
    ours, external_run = store.read_results(smoke_run), store.read_results(mine)
    for nb in external.ANALYSED:
        assert _values(external_run, nb) == _values(ours, nb), nb
    gen, our_gen = external_run[external.GENERATION], ours[external.GENERATION]
    samplers = {k: v for k, v in our_gen["realism"].items()
                if k.startswith("ae/") or k in ("training faces", "noise")}  # the judge's two ends
    assert set(gen["realism"]) == set(samplers)  # no VAE, no reconstruction row
    for name, row in samplers.items():
        assert gen["realism"][name] == pytest.approx(row, rel=1e-6), name
    assert gen["tsne_placements"] == our_gen["tsne_placements"]
    assert gen["mvn_precision_margin"] == our_gen["mvn_precision_margin"]
    probes, our_probes = external_run[external.PROBES], ours[external.PROBES]
    assert probes["probe_z"] == our_probes["probe_ae"]  # the AE's z, probed as "z"
    assert "needs the series' face generator" in probes["gaussian_question"]["skipped"]
    assert set(external_run) - {"environment"} == {*external.analysed(True, True),
                                                   *external.left_out(True, True)}
    data = json.loads((mine / "data.json").read_text())
    assert data["kind"] == "external" and data["file"] == str(theirs) and data["factors"] is None
    assert store.RunDir(mine).manifest["latent/z_given.npy"]["source"].endswith(str(theirs))
    assert store.RunDir(mine).manifest["models/decoder.keras"]["source"].endswith(str(decoder))
    report = (mine / "report.html").read_text()
    assert f"external z-points from {theirs}" in report  # where the z came from
    assert "Notebooks left out" in report and "no AE trained here" in report
    rows = {r["id"]: r for r in claims.evaluate(external_run)}
    assert rows["ae_loss_falls"]["status"] == claims.NOT_MEASURED
    assert "no AE trained here" in rows["ae_loss_falls"]["value"]
    assert rows["mvn_gives_faces"]["status"] != claims.NOT_MEASURED  # 06 measured it
    assert "no baseline check" in regression.verdict(mine)


def test_a_decoder_or_images_that_do_not_fit_the_z_points_are_refused(tmp_path, smoke_run):
    z = np.load(Path(smoke_run) / "latent" / "z_ae.npy")
    images = _images_of(Path(smoke_run))
    decoder = _decoder_of(Path(smoke_run), tmp_path / "decoder.keras")
    np.save(zpath := tmp_path / "z.npy", z)
    np.save(wide := tmp_path / "z_wide.npy", np.c_[z, z])
    run_dir = tmp_path / "run"
    cases = [
        (dict(z=wide, decoder=decoder, images=images),
         rf"{decoder}: expected a decoder taking z-points of {2 * z.shape[1]} dimensions"),
        (dict(z=zpath, decoder=decoder, images=_save(tmp_path, "few.npy", np.load(images)[:10])),
         rf"expected one image per z-point \({len(z):,}, in the same order\), found 10"),
        (dict(z=zpath, decoder=decoder,
              images=_save(tmp_path, "float.npy", np.load(images).astype(np.float32))),
         r"expected uint8 images \(N, H, W, 3\) with values 0-255, found float32"),
        (dict(z=zpath, decoder=decoder), r"needs both --decoder and --images"),
        (dict(z=zpath, decoder=decoder, images=tmp_path), r"folders and zips of images"),
        (dict(z=zpath, decoder=_save(tmp_path, "decoder.pt", b"x"), images=images),
         r"expected a Keras decoder saved with model.save"),
        (dict(z=zpath, labels=_save(tmp_path, "few.csv", b"a,b\n1,2\n")),
         rf"few.csv: expected one row per z-point \({len(z):,}, in the same order\), found 1"),
        (dict(z=zpath, labels=_save(tmp_path, "words.csv", ("a,hair\n" + "1,2\n" * 7 + "1,blond\n"
                                                            + "1,2\n" * (len(z) - 8)).encode())),
         r"words.csv: column 'hair' holds 1 cell\(s\) that are not finite numbers: line 9 "
         r"\('blond'\)"),
        (dict(z=zpath, labels=_save(tmp_path, "labels.npy", np.zeros((len(z), 2)))),
         r"labels.npy: expected a .csv file of factors"),
    ]
    for kw, match in cases:
        with pytest.raises(external.InputError, match=match):
            _run(kw.pop("z"), run_dir, **kw)
        assert not run_dir.exists()  # nothing written before the inputs pass


def _save(tmp_path: Path, name: str, what) -> Path:
    path = tmp_path / name
    if isinstance(what, bytes):
        path.write_bytes(what)
    else:
        np.save(path, what)
    return path


def test_real_clustered_data_leave_more_voids_than_their_gaussian_reference(tmp_path):
    """scikit-learn's handwritten digits (1,797 images of 8x8 pixels, ten clustered classes) as
    "z": a real data set that no one here made. Clustered data leave voids between the clusters
    that a Gaussian with their covariance does not; they are not one-dimensional filaments, and
    their local dimension stays below the Gaussian reference's."""
    from sklearn.datasets import load_digits

    path = tmp_path / "digits.npy"
    np.save(path, load_digits().data.astype(np.float32))
    r = store.read_results(_run(path, tmp_path / "digits", only=["03"]))["03_tsne_filaments"]
    assert r["void_ratio"]["median"] > 1.4  # measured 1.98 (10 maps, range 0.88-4.59)
    scale = r["dimension_by_scale"]
    assert scale["truth"] is None
    assert 3 < scale["lowest"]["z"] < scale["lowest"]["gaussian_reference"]  # 5.6 against 10+
    assert scale["smallest_scale"]["z"] < 0.6 * scale["smallest_scale"]["gaussian_reference"]


def test_a_vaes_means_through_vae_record_notebook_08s_measures_of_the_series(tmp_path, smoke_run):
    """The series' VAE means fed back with --vae: notebook 08 measures them as it measures the
    series' own (density, voids, ellipses), and the KL sweep, which trains the series' VAEs, is
    recorded as skipped; its claim reads "not measured" with the reason."""
    mu = tmp_path / "mu.npy"
    np.save(mu, np.load(Path(smoke_run) / "latent" / "z_vae.npy"))
    mine = store.read_results(_run(mu, tmp_path / "vae", vae=True, only=["08"]))
    ours = store.read_results(smoke_run)[external.VAE_SPACE]
    got = mine[external.VAE_SPACE]
    for key in ("vae_density", "vae_voids", "vae_inside_2sigma", "vae_inside_3sigma"):
        assert got[key] == ours[key], key
    assert "trains the series' own VAEs" in got["kl_sweep"]["skipped"]
    rows = {r["id"]: r for r in claims.evaluate(mine)}
    assert rows["tiny_kl_like_ae"]["status"] == claims.NOT_MEASURED
    assert "trains the series' own VAEs" in rows["tiny_kl_like_ae"]["value"]
    assert set(mine) - {"environment"} == {external.VAE_SPACE, *external.left_out(vae=True)}
