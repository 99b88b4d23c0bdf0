"""Any folder of face photos as the data: a folder made here, at run time, from 400 of the shared
real faces (nothing of them is committed) in another layout: nested folders, JPEG and PNG with
any names, grey, CMYK and non-square photos of mixed sizes, one unreadable file, and a labels
CSV. Bad labels are refused by name before anything is written; a zip of the folder gives the
same cache; the smoke series runs on it and probes its labels."""

import csv
import io
import json
import shutil
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from nbhelpers import runner, store
from nbhelpers.data import photos
from nbhelpers.data.labels import LabelError, parse_celeba_attributes

N = 400
BROKEN = "extra/broken photo.JPG"  # an image by its name, not by its bytes


def _save(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


@pytest.fixture(scope="session")
def derived(shared_faces, tmp_path_factory):
    """{"folder", "labels" (csv path), "names" (relative paths in natural order), "rows"
    (name -> Male, Smiling, brightness)}: 400 shared faces laid out as another photo set."""
    root = tmp_path_factory.mktemp("other_photos")
    folder = root / "faces"
    sources = sorted(shared_faces.glob("*.jpg"))[:N]
    attrs = parse_celeba_attributes((shared_faces.parent / "list_attr_celeba.txt").read_text(),
                                    "attrs", [p.name for p in sources])
    male, smiling = attrs.names.index("Male"), attrs.names.index("Smiling")
    rows = {}
    for i, src in enumerate(sources):
        img = Image.open(src).convert("RGB")  # 89x109
        kind = i % 8
        if kind == 0:
            name = f"people/a/Face {i}.png"
        elif kind == 1:
            img = img.convert("L")  # grey
            name = f"people/b/grey_{i}.jpg"
        elif kind == 2:
            img = img.convert("CMYK")
            name = f"people/b/cmyk_{i}.jpeg"
        elif kind == 3:
            img = img.resize((89 + i % 50, 140 + i % 30))  # mixed sizes, taller than wide
            name = f"wide/{i:04d}.png"
        elif kind == 4:
            img = img.crop((0, 10, 89, 70))  # wider than tall
            name = f"wide/crop-{i}.JPG"
        else:
            name = f"people/c/{i}.jpg"
        fmt = "PNG" if name.lower().endswith(".png") else "JPEG"
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_save(img, fmt))
        a = attrs.rows[src.name]
        brightness = float(np.asarray(Image.open(path).convert("L"), np.float64).mean() / 255)
        rows[name] = (int(a[male]), 1 if a[smiling] > 0 else -1, round(brightness, 5))
    (folder / BROKEN).parent.mkdir()
    (folder / BROKEN).write_bytes(b"\xff\xd8 not a jpeg after all")
    rows[BROKEN] = (0, -1, 0.5)
    labels = root / "labels.csv"
    _write_csv(labels, rows)
    names = photos.PhotoSource(folder).images
    return {"root": root, "folder": folder, "labels": labels, "names": names, "rows": rows}


def _write_csv(path: Path, rows: dict, header=("file", "Male", "Smiling", "brightness")):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for name, values in rows.items():
            w.writerow([name, *values])


def test_every_photo_is_found_in_any_layout_in_natural_order(derived):
    names = derived["names"]
    assert len(names) == N + 1 and set(names) == set(derived["rows"])
    assert names.index("people/c/13.jpg") < names.index("people/c/101.jpg")  # natural order


def test_mixed_photos_become_square_rgb_and_the_unreadable_one_is_skipped_by_name(
        derived, shared_faces, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = photos.build_photo_cache(derived["folder"], tmp_path, size=32, progress=False)
    images = np.load(path)
    meta = photos.cache_manifest(path)
    assert images.shape == (N, 32, 32, 3) and meta["count"] == N
    assert list(meta["skipped"]) == [BROKEN] and "cannot identify image" in meta["skipped"][BROKEN]
    assert any(BROKEN in str(w.message) and "skipped 1 unreadable" in str(w.message) for w in caught)
    grey = images[meta["files"].index("people/b/grey_1.jpg")]
    assert np.array_equal(grey[..., 0], grey[..., 1]) and np.array_equal(grey[..., 1], grey[..., 2])
    sizes = meta["source_sizes"]
    assert sizes["min"] == [89, 60] and sizes["max"][1] >= 140 and sizes["median"] == [89, 109]
    # a CMYK photo decodes to the colours of its RGB original (JPEG noise aside)
    cmyk = images[meta["files"].index("people/b/cmyk_2.jpeg")].astype(int)
    source = sorted(shared_faces.glob("*.jpg"))[2].read_bytes()
    assert np.abs(cmyk - photos.load_image(source, 32).astype(int)).mean() < 12


def test_a_zip_of_the_folder_names_and_caches_the_photos_as_the_folder_does(derived, tmp_path):
    z = tmp_path / "faces.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in sorted(derived["folder"].rglob("*")):
            if p.is_file():
                zf.write(p, f"faces/{p.relative_to(derived['folder']).as_posix()}")
    assert photos.PhotoSource(z).images == derived["names"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = photos.build_photo_cache(derived["folder"], tmp_path / "a", size=32, progress=False)
        b = photos.build_photo_cache(z, tmp_path / "b", size=32, progress=False)
    np.testing.assert_array_equal(np.load(a), np.load(b))
    assert photos.cache_manifest(a)["names_sha256"] == photos.cache_manifest(b)["names_sha256"]


def _refused(derived, tmp_path, rows: dict, header=("file", "Male", "Smiling", "brightness")):
    """Run the series on the folder with these label rows: the LabelError's message, after
    checking that nothing was written (no run directory, no cache)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    labels = tmp_path / "bad labels.csv"
    _write_csv(labels, rows, header)
    run_dir, cache = tmp_path / "run", tmp_path / "cache"
    with pytest.raises(LabelError) as err:
        runner.run_series(runner.RunRequest("smoke", data=str(derived["folder"]),
                                            labels=str(labels), run_dir=run_dir,
                                            overrides={"cache_dir": str(cache)}),
                          log=lambda *a, **k: None, stream_stdout=False)
    assert not run_dir.exists() and not cache.exists()
    assert str(labels) in str(err.value)
    return str(err.value)


def test_a_photo_without_a_row_is_refused_naming_it_before_anything_is_written(derived, tmp_path):
    rows = dict(derived["rows"])
    del rows["people/c/13.jpg"], rows["wide/0003.png"]
    msg = _refused(derived, tmp_path, rows)
    assert "2 of the 401 photos have no row" in msg and "'wide/0003.png'" in msg
    assert "'people/c/13.jpg'" in msg


def test_a_text_cell_is_refused_naming_the_column_and_the_line(derived, tmp_path):
    rows = dict(derived["rows"])
    rows["people/c/13.jpg"] = (1, "yes", 0.4)
    msg = _refused(derived, tmp_path, rows)
    line = list(rows).index("people/c/13.jpg") + 2  # the header is line 1
    assert f"column 'Smiling' holds 1 cell(s) that are not finite numbers: line {line} ('yes')" in msg


def test_a_row_without_a_photo_and_a_missing_file_column_are_refused(derived, tmp_path):
    rows = {**derived["rows"], "people/nobody.jpg": (0, 1, 0.3)}
    assert "1 row(s) name no photo of the folder: line 403 ('people/nobody.jpg')" in _refused(
        derived, tmp_path / "a", rows)
    assert "no 'file' column" in _refused(derived, tmp_path / "b", derived["rows"],
                                          ("image", "Male", "Smiling", "brightness"))


def test_paths_given_relative_to_here_reach_the_notebooks_whole(derived, monkeypatch):
    """The notebooks run in their own folder: ``--data faces --labels labels.csv`` given in the
    folder that holds them must reach the notebooks as whole paths (it once failed at cell 4)."""
    monkeypatch.chdir(derived["root"])
    p = runner.plan(runner.RunRequest("smoke", data="faces", labels="labels.csv", run_dir="run"))
    assert p.parameters["data"] == str(derived["folder"])
    assert p.parameters["overrides"]["labels"] == str(derived["labels"])
    assert p.parameters["run_dir"] == str(derived["root"] / "run")
    assert not (derived["root"] / "run").exists()


@pytest.mark.slow
def test_the_smoke_series_runs_on_other_photos_and_probes_their_labels(derived, tmp_path,
                                                                        monkeypatch):
    run_dir = tmp_path / "run"
    monkeypatch.chdir(derived["root"])  # the photos and labels named as a user in this folder would
    request = runner.RunRequest("smoke", data="faces", labels="labels.csv", run_dir=run_dir,
                                only=("01", "05", "07"),
                                overrides={"epochs": 2, "vae_epochs": 1, "timing_images": 64,
                                           "timing_batch_sizes": "32", "mig_points": 300})
    runner.run_series(request, log=lambda *a, **k: None, stream_stdout=False)
    info = json.loads((run_dir / "data.json").read_text())
    assert info["kind"] == "photos" and info["images"]["count"] == N
    assert list(info["images"]["skipped"]) == [BROKEN]
    assert info["labels"]["names"] == ["Male", "Smiling", "brightness"]
    assert info["labels"]["binary"] == [True, True, False]
    r = store.read_results(run_dir)["07_ground_truth_factors"]
    probe = r["probe_ae"]["factors"]
    assert probe["Male"]["kind"] == probe["Smiling"]["kind"] == "binary"
    assert probe["brightness"]["kind"] == "continuous" and probe["brightness"]["r2"] > 0.5
    assert set(r["attribute_arithmetic"]["attributes"]) == {"Smiling", "Male"}
    assert "skipped on photos" in r["gaussian_question"]["skipped"]
    shutil.rmtree(run_dir)
